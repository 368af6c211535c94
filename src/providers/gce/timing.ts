// How long hpcrun waits for Compute Engine, and how it backs off. Every wait
// is bounded. HPCRUN_GCE_TIMING overrides the defaults (for tests against the
// local double, and for slow projects), for example
// HPCRUN_GCE_TIMING=retryBudget=5s,backoffBase=10ms,hostKeyTimeout=20m.

import { inputError } from '../../errors.js';
import { parseDuration } from '../../core/units.js';

export interface GceTiming {
  /** How long a request answered with 429 or 5xx is retried before giving up. */
  retryBudgetMs: number;
  /** First backoff ceiling; each retry doubles it (full jitter: a random delay up to the ceiling). */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How long one operation may take (operations.wait returns after about 2 minutes, so hpcrun loops). */
  operationTimeoutMs: number;
  /** How long a VM may take to publish its SSH host keys in guest attributes. */
  hostKeyTimeoutMs: number;
  hostKeyPollMs: number;
  /** `down` deletes, then checks that nothing is left, and repeats for this long at most. */
  sweepTimeoutMs: number;
}

export const DEFAULT_TIMING: Readonly<GceTiming> = {
  retryBudgetMs: 5 * 60_000,
  backoffBaseMs: 1000,
  backoffMaxMs: 32_000,
  operationTimeoutMs: 30 * 60_000,
  hostKeyTimeoutMs: 10 * 60_000,
  hostKeyPollMs: 5000,
  sweepTimeoutMs: 15 * 60_000,
};

const KEYS: Readonly<Record<string, keyof GceTiming>> = {
  retryBudget: 'retryBudgetMs',
  backoffBase: 'backoffBaseMs',
  backoffMax: 'backoffMaxMs',
  operationTimeout: 'operationTimeoutMs',
  hostKeyTimeout: 'hostKeyTimeoutMs',
  hostKeyPoll: 'hostKeyPollMs',
  sweepTimeout: 'sweepTimeoutMs',
};

export function timingFrom(env: Readonly<Record<string, string | undefined>>): GceTiming {
  const timing = { ...DEFAULT_TIMING };
  const text = env.HPCRUN_GCE_TIMING;
  if (!text) return timing;
  for (const part of text.split(',')) {
    const [key, value] = part.split('=');
    const field = key === undefined ? undefined : KEYS[key.trim()];
    const parsed = value === undefined ? undefined : parseDuration(value);
    const ms = parsed?.ok ? parsed.ms : undefined;
    if (field === undefined || ms === undefined) {
      throw inputError('HPCRUN_GCE_BAD_TIMING', `HPCRUN_GCE_TIMING: cannot read ${JSON.stringify(part)}`, `write KEY=DURATION pairs separated by commas; keys: ${Object.keys(KEYS).join(', ')}`);
    }
    timing[field] = ms;
  }
  return timing;
}

/** Sleeps, or stops early (resolving) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
