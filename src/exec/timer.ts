// Timers for user durations. Node's setTimeout holds at most 2^31 − 1 ms
// (about 24.8 days): a longer delay fires after 1 ms with a
// TimeoutOverflowWarning, so a job given `--timeout 600h` was killed at once.
// setLongTimeout re-arms in steps no longer than that, so any duration works.

/** The longest delay one setTimeout can hold. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LongTimer {
  clear(): void;
}

/** Calls `callback` once, after `ms` milliseconds, however long that is. */
export function setLongTimeout(callback: () => void, ms: number): LongTimer {
  let remaining = Math.max(0, ms);
  let handle: NodeJS.Timeout | undefined;
  const arm = (): void => {
    const step = Math.min(remaining, MAX_TIMER_MS);
    handle = setTimeout(() => {
      remaining -= step;
      if (remaining > 0) arm();
      else callback();
    }, step);
  };
  arm();
  return {
    clear() {
      if (handle) clearTimeout(handle);
      handle = undefined;
    },
  };
}

/** A timer when `ms` is given, else one that does nothing. */
export function optionalTimeout(callback: () => void, ms: number | undefined): LongTimer {
  return ms === undefined ? { clear: () => undefined } : setLongTimeout(callback, ms);
}
