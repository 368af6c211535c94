import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_DURATION_MS, formatDuration, parseDuration, requireDuration } from '../../src/core/units.js';
import { MAX_TIMER_MS, setLongTimeout } from '../../src/exec/timer.js';
import { runLocalJob } from '../../src/exec/job.js';
import { runCommand } from '../../src/exec/run.js';
import type { Deps } from '../../src/deps.js';
import { caught } from '../helpers/cli.js';

const S = 1000;
const H = 3600 * S;
const D = 24 * H;

describe('durations as users type them', () => {
  it.each([
    ['90', 90 * S],
    ['2.5', 2.5 * S],
    ['500ms', 500],
    ['30s', 30 * S],
    ['5m', 5 * 60 * S],
    ['5min', 5 * 60 * S],
    ['2h', 2 * H],
    ['1d', D],
    ['1h30m', 1.5 * H],
    ['1H30M', 1.5 * H],
    ['2d 12h', 2.5 * D],
    ['1m30s', 90 * S],
    ['1s250ms', 1250],
    ['600h', 600 * H],
    ['365d', MAX_DURATION_MS],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms });
    expect(requireDuration(text, '--timeout')).toBe(ms);
  });

  it.each([
    ['soon', /"soon" is not a number with a unit/],
    ['', /it is empty/],
    ['-5m', /"-5m" is not a number with a unit/],
    ['1h30', /"30" after "1h" has no unit/],
    ['30m1h', /from large to small/],
    ['1h1h', /each unit may appear once/],
    ['1x', /"x" is not a unit/],
    ['1w', /"w" is not a unit/],
    ['1e3s', /"e" is not a unit/],
    ['0', /it is zero/],
    ['0s', /it is zero/],
    ['0.0001s', /it is zero/],
    ['366d', /is longer than 365 days/],
    ['99999999999h', /is longer than 365 days/],
  ])('%j is refused clearly', (text, message) => {
    const error = caught(() => requireDuration(text, '--timeout'));
    expect(error).toMatchObject({ code: 'HPCRUN_BAD_DURATION', exitCode: 64 });
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(/1h30m|at most 365d/);
  });

  it.each([
    [500, '500ms'],
    [1500, '1.5s'],
    [90 * S, '1m30s'],
    [1.5 * H, '1h30m'],
    [600 * H, '25d'],
    [D + 1000, '1d1s'],
  ])('%i ms formats as %s, which reads back the same', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(requireDuration(text, '--timeout')).toBe(ms);
  });
});

describe('long timers (Node holds at most 2^31 - 1 ms in one setTimeout)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ['1 s', 1000],
    ['exactly the limit', MAX_TIMER_MS],
    ['just over the limit', MAX_TIMER_MS + 1],
    ['600 h', 600 * H],
    ['365 days', 365 * D],
  ])('%s fires once, at the right time, never early', (_name, ms) => {
    vi.useFakeTimers();
    const fired = vi.fn();
    setLongTimeout(fired, ms);
    vi.advanceTimersByTime(ms - 1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10 * MAX_TIMER_MS);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('never arms setTimeout beyond the limit', () => {
    vi.useFakeTimers();
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const timer = setLongTimeout(() => undefined, 600 * H);
    vi.advanceTimersByTime(100 * D);
    for (const call of spy.mock.calls) expect(call[1]).toBeLessThanOrEqual(MAX_TIMER_MS);
    timer.clear();
  });

  it('clear() stops it, also after it has re-armed', () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    const timer = setLongTimeout(fired, 3 * MAX_TIMER_MS);
    vi.advanceTimersByTime(MAX_TIMER_MS + 5);
    timer.clear();
    vi.advanceTimersByTime(10 * MAX_TIMER_MS);
    expect(fired).not.toHaveBeenCalled();
  });
});

function quietDeps(): Deps {
  return {
    argv: [],
    env: process.env,
    stdout: { write: () => true },
    stderr: { write: () => true },
    cwd: process.cwd(),
    now: () => new Date(),
    onSignal: () => () => undefined,
  };
}

describe('processes given a user timeout (real, local `sh`)', () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.name);

  it.each([['600h', 600 * H], ['30 days', 30 * D]])('runLocalJob with --timeout %s lets the job finish, with no TimeoutOverflowWarning', async (_name, ms) => {
    process.on('warning', onWarning);
    try {
      const end = await runLocalJob({ argv: ['sh', '-c', 'sleep 1.2; exit 3'], env: process.env, timeoutMs: ms }, quietDeps());
      expect(end).toMatchObject({ exitCode: 3, timedOut: false });
      expect(end.durationMs).toBeGreaterThan(1000);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain('TimeoutOverflowWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('runLocalJob still stops a job that runs past a short timeout', async () => {
    const end = await runLocalJob({ argv: ['sleep', '20'], env: process.env, timeoutMs: 200 }, quietDeps());
    expect(end).toMatchObject({ timedOut: true, signal: 'SIGTERM' });
    expect(end.durationMs).toBeLessThan(5000);
  });

  it.each([['600h', 600 * H], ['200ms', 200]])('runCommand with a %s timeout', async (name, ms) => {
    const result = await runCommand(['sh', '-c', 'sleep 0.8; echo done'], { timeoutMs: ms });
    if (name === '600h') expect(result).toMatchObject({ ok: true, timedOut: false, stdout: 'done\n' });
    else expect(result).toMatchObject({ ok: false, timedOut: true, signal: 'SIGTERM' });
  });
});
