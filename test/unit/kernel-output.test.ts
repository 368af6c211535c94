import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseKernelOutput } from '../../src/core/bench/kernel-output.js';
import { isHpcrunError } from '../../src/errors.js';

// Every fixture was captured from a real `mpirun` of the kernels in
// mpi-templates/kernels on this machine (Open MPI 4.1.4, 2 cores).
const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/kernels/${name}`, import.meta.url), 'utf8');

/** Median and the SC15 nonparametric 95% CI, computed independently of the kernel. */
function medianCi(values: number[]): { median: number; lo: number; hi: number } {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const z = 1.96 * Math.sqrt(n);
  const lo = Math.max(1, Math.ceil((n - z) / 2));
  const hi = Math.min(n, Math.ceil(1 + (n + z) / 2));
  const median = n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
  return { median, lo: s[lo - 1]!, hi: s[hi - 1]! };
}

const close = (a: number | undefined, b: number): void => {
  expect(a).toBeDefined();
  expect(Math.abs(a! - b)).toBeLessThanOrEqual(Math.abs(b) * 1e-5);
};

describe('parseKernelOutput on captured runs', () => {
  it('reads the header, timer resolution, MPI library and hosts', () => {
    const out = parseKernelOutput(fixture('latency-adaptive-np2.txt'));
    expect(out.formatVersion).toBe(1);
    expect(out.mpiLibrary).toMatch(/^Open MPI v4\.1\.4/);
    expect(out.mpiVersion).toBe('3.1');
    expect(out.ranks).toBe(2);
    expect(out.hosts).toHaveLength(2);
    expect(out.wtickUs).toBeGreaterThan(0);
    expect(out.timerResolutionUs).toBeGreaterThan(0);
    expect(out.meta.target_ci).toBe('0.05');
    expect(out.complete).toBe(true);
  });

  it('records an adaptive stop with its reason and the samples taken', () => {
    const out = parseKernelOutput(fixture('latency-adaptive-np2.txt'));
    expect(out.runs.map((r) => [r.kind, r.bytes, r.stop?.reason])).toEqual([
      ['latency', 8, 'ci'],
      ['latency', 1024, 'ci'],
    ]);
    for (const run of out.runs) {
      expect(run.unit).toBe('us');
      expect(run.samples).toHaveLength(run.stop!.n);
      expect(run.samples.length).toBeLessThan(run.maxSamples);
      expect(run.warmup).toBe(100);
      const { median, lo, hi } = { median: run.stop!.median!, lo: run.stop!.ciLow!, hi: run.stop!.ciHigh! };
      expect(lo).toBeGreaterThanOrEqual(median * 0.95);
      expect(hi).toBeLessThanOrEqual(median * 1.05);
    }
  });

  it.each([
    'latency-adaptive-np2.txt',
    'all-kinds-np2.txt',
    'mbw-np4.txt',
    'latency-cap-chunked-np2.txt',
    'latency-time-np2.txt',
  ])('agrees with the kernel on the median and its CI: %s', (name) => {
    for (const run of parseKernelOutput(fixture(name)).runs) {
      const mine = medianCi(run.samples);
      close(run.stop?.median, mine.median);
      close(run.stop?.ciLow, mine.lo);
      close(run.stop?.ciHigh, mine.hi);
    }
  });

  it('reads every kind in the order given, with bandwidth in MB/s', () => {
    const out = parseKernelOutput(fixture('all-kinds-np2.txt'));
    expect(out.runs.map((r) => `${r.kind}:${r.bytes}:${r.unit}`)).toEqual([
      'latency:8:us', 'latency:65536:us', 'bw:8:MB/s', 'bw:65536:MB/s',
      'bibw:8:MB/s', 'bibw:65536:MB/s', 'mbw:8:MB/s', 'mbw:65536:MB/s',
    ]);
    for (const run of out.runs) {
      expect(run.stop?.reason).toBe('cap');
      expect(run.samples).toHaveLength(30);
      expect(run.window).toBe(run.kind === 'latency' ? 1 : 64);
      expect(run.samples.every((v) => v > 0)).toBe(true);
      expect(run.messageRates === undefined).toBe(run.kind !== 'mbw');
    }
  });

  it('gives mbw message rates consistent with its bandwidth', () => {
    const out = parseKernelOutput(fixture('mbw-np4.txt'));
    expect(out.ranks).toBe(4);
    expect(out.hosts).toHaveLength(4);
    for (const run of out.runs) {
      expect(run.pairs).toBe(2);
      expect(run.messageRates).toHaveLength(run.samples.length);
      run.samples.forEach((mbps, i) => {
        // msg/s = MB/s * 1e6 / bytes, up to the printed precision
        const expected = (mbps * 1e6) / run.bytes;
        expect(Math.abs(run.messageRates![i]! - expected)).toBeLessThanOrEqual(expected * 1e-3 + 0.1);
      });
    }
  });

  it('joins a series split over several lines', () => {
    const text = fixture('latency-cap-chunked-np2.txt');
    expect(text.match(/^samples /gm)).toHaveLength(3);
    const [run] = parseKernelOutput(text).runs;
    expect(run?.samples).toHaveLength(2500);
    expect(run?.stop).toMatchObject({ reason: 'cap', n: 2500 });
  });

  it('records the time rule and a zero-byte latency', () => {
    const [run] = parseKernelOutput(fixture('latency-time-np2.txt')).runs;
    expect(run).toMatchObject({ kind: 'latency', bytes: 0, stop: { reason: 'time', n: 100 } });
  });

  it('skips launcher banners before the header', () => {
    const out = parseKernelOutput(`Warning: Permanently added 'n1'\n${fixture('mbw-np4.txt')}`);
    expect(out.runs).toHaveLength(2);
  });

  it('reads output cut at a line boundary as incomplete, keeping finished runs', () => {
    const text = fixture('all-kinds-np2.txt');
    const cut = text.slice(0, text.indexOf('samples bibw 8'));
    const out = parseKernelOutput(cut);
    expect(out.complete).toBe(false);
    expect(out.runs.filter((r) => r.stop)).toHaveLength(4);
    expect(out.runs.at(-1)).toMatchObject({ kind: 'bibw', bytes: 8, samples: [] });
    expect(out.runs.at(-1)?.stop).toBeUndefined();
  });
});

describe('parseKernelOutput rejects malformed output with HPCRUN_KERNEL_OUTPUT', () => {
  const base = fixture('all-kinds-np2.txt');
  const replaceLine = (re: RegExp, f: (line: string) => string): string =>
    base.split('\n').map((l) => (re.test(l) ? f(l) : l)).join('\n');
  const firstOnly = (re: RegExp, f: (line: string) => string): string => {
    let done = false;
    return replaceLine(re, (l) => (done ? l : ((done = true), f(l))));
  };

  it.each<[string, string, RegExp]>([
    ['no header', base.replace('hpcrun-kernels 1\n', ''), /no "hpcrun-kernels" header/],
    ['another format version', base.replace('hpcrun-kernels 1', 'hpcrun-kernels 2'), /format version 2/],
    ['an unknown line', base.replace('\nend', '\nbogus 1\nend'), /unknown line type "bogus"/],
    ['a sample count that does not match', firstOnly(/^samples /, (l) => l.replace(' us 30 ', ' us 31 ')), /says 31 samples but has 30/],
    ['a sample that is not a number', firstOnly(/^samples /, (l) => l.replace(/ [\d.]+$/, ' nan?')), /is not a number/],
    ['a stop count that does not match', firstOnly(/^stop /, (l) => l.replace('n=30', 'n=29')), /n=29 but 30 samples/],
    ['an unknown stop reason', firstOnly(/^stop /, (l) => l.replace('reason=cap', 'reason=bored')), /unknown stop reason "bored"/],
    ['samples of another run', firstOnly(/^samples bw 8/, (l) => l.replace('bw 8', 'bw 16')), /open run is bw 8/],
    ['a unit that does not fit', firstOnly(/^samples bw 8/, (l) => l.replace('MB/s', 'us')), /unit "us" does not fit/],
    ['an unknown kind', base.replace('run bw 8', 'run allreduce 8'), /unknown kind "allreduce"/],
    ['a run line without its fields', base.replace(/^run bw 8 .*$/m, 'run bw 8 warmup=10'), /max_samples/],
    ['text after end', `${base}samples latency 8 us 0\n`, /after "end"/],
    ['missing host lines', base.replace(/^host 1 .*\n/m, ''), /1 host line for 2 ranks/],
    ['a run that never stopped', base.replace(/^stop bw 8 .*\n/m, ''), /before the previous run stopped/],
    ['a line cut in the middle', base.slice(0, base.indexOf('samples bw 8') + 40), /samples but has/],
  ])('%s', (_label, text, message) => {
    let error: unknown;
    try {
      parseKernelOutput(text);
    } catch (e) {
      error = e;
    }
    expect(isHpcrunError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'HPCRUN_KERNEL_OUTPUT', kind: 'input' });
    expect((error as Error).message).toMatch(message);
  });
});
