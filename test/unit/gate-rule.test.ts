// The gate's decision rule, table-driven: pure functions, chosen histories.

import { describe, expect, it } from 'vitest';
import { GATE_DEFAULTS, baselineOf, gate, gateRunOf, judge, type GateOptions, type Verdict } from '../../src/core/analysis/gate.js';
import { metricsOf, normaliseNodeShape } from '../../src/core/analysis/gate-metrics.js';
import { fakeSet, night, type FakeRow } from '../helpers/gate-sets.js';

/** A history of latency 8 B and bw 1 MiB medians, one run per night. */
function history(latency: readonly number[], bw: readonly number[], extra: Partial<Parameters<typeof fakeSet>[0]> = {}) {
  return latency.map((lat, i) =>
    gateRunOf(`night-${i}`, fakeSet({ date: night(i), rows: [{ kind: 'latency', bytes: 8, median: lat }, { kind: 'bw', bytes: 1 << 20, median: bw[i] as number }], ...extra })),
  );
}

const current = (rows: FakeRow[], extra: Partial<Parameters<typeof fakeSet>[0]> = {}) => gateRunOf('tonight', fakeSet({ date: night(100), rows, ...extra }));
const verdictOf = (result: ReturnType<typeof gate>, kind: string) => result.verdicts.find((v) => v.kind === kind);

// Eight quiet nights: latency about 5.2 µs (±2%), bandwidth about 1150 MB/s (±3%).
const LAT = [5.2, 5.1, 5.3, 5.25, 5.15, 5.2, 5.3, 5.1];
const BW = [1150, 1120, 1180, 1160, 1140, 1170, 1130, 1150];
// Eight noisy nights: latency 5 to 7 µs.
const NOISY_LAT = [5.0, 6.8, 5.4, 7.0, 5.2, 6.5, 5.9, 6.9];

describe('gate decision rule', () => {
  const cases: { name: string; lat: number; bw: number; hist?: number[]; options?: Partial<GateOptions>; lat_v: Verdict; bw_v: Verdict; status: 0 | 1 }[] = [
    { name: 'unchanged figures pass', lat: 5.22, bw: 1145, lat_v: 'pass', bw_v: 'pass', status: 0 },
    { name: 'a real shift fails: latency +40%, bandwidth -60%', lat: 7.3, bw: 460, lat_v: 'regression', bw_v: 'regression', status: 1 },
    { name: 'direction: latency down and bandwidth up are improvements, never failures', lat: 3.1, bw: 2300, lat_v: 'improved', bw_v: 'improved', status: 0 },
    { name: 'a change within the tolerance passes even far outside a tight history', lat: 5.6, bw: 1060, lat_v: 'pass', bw_v: 'pass', status: 0 },
    { name: 'a change beyond the tolerance but within a noisy history\'s spread passes', lat: 6.9, bw: 1150, hist: NOISY_LAT, lat_v: 'pass', bw_v: 'pass', status: 0 },
    { name: 'the same change against a quiet history fails', lat: 6.9, bw: 1150, lat_v: 'regression', bw_v: 'pass', status: 1 },
    { name: 'fewer runs than --min-history is warming up, never a failure', lat: 9, bw: 200, options: { minHistory: 20 }, lat_v: 'warming-up', bw_v: 'warming-up', status: 0 },
    { name: '--min-history 0 judges from the first run', lat: 9, bw: 200, hist: [5.2], options: { minHistory: 0 }, lat_v: 'regression', bw_v: 'regression', status: 1 },
    { name: 'a larger tolerance lets a 30% change pass', lat: 6.8, bw: 1150, options: { tolerance: 0.35 }, lat_v: 'pass', bw_v: 'pass', status: 0 },
  ];
  it.each(cases)('$name', ({ lat, bw, hist, options, lat_v, bw_v, status }) => {
    const h = history(hist ?? LAT, BW);
    const result = gate(h, current([{ kind: 'latency', bytes: 8, median: lat }, { kind: 'bw', bytes: 1 << 20, median: bw }]), { ...GATE_DEFAULTS, ...options });
    expect(verdictOf(result, 'latency')?.verdict).toBe(lat_v);
    expect(verdictOf(result, 'bw')?.verdict).toBe(bw_v);
    expect(result.status).toBe(status);
  });

  it('compares with the medians of the runs, not pooled samples, over the last --window runs', () => {
    // Old runs at 10 µs, the last five at 5 µs: with a window of 5 the baseline is 5 µs.
    const h = history([10, 10, 10, 10, 10, 5, 5, 5, 5, 5], Array(10).fill(1000));
    const result = gate(h, current([{ kind: 'latency', bytes: 8, median: 5.05 }, { kind: 'bw', bytes: 1 << 20, median: 1000 }]), { ...GATE_DEFAULTS, window: 5 });
    expect(verdictOf(result, 'latency')).toMatchObject({ verdict: 'pass', history: 5, baselineMedian: 5 });
  });

  it('one bad night in the history does not hide the next regression (median and MAD, not mean and SD)', () => {
    const h = history([5.2, 5.1, 5.3, 5.2, 50, 5.25, 5.15, 5.2, 5.3, 5.1, 5.2], Array(11).fill(1000));
    const result = gate(h, current([{ kind: 'latency', bytes: 8, median: 6.5 }, { kind: 'bw', bytes: 1 << 20, median: 1000 }]));
    expect(verdictOf(result, 'latency')?.verdict).toBe('regression');
  });

  it('a metric missing from the current run fails with its reason', () => {
    const result = gate(history(LAT, BW), current([{ kind: 'latency', bytes: 8, median: 5.2 }]));
    expect(verdictOf(result, 'bw')).toMatchObject({ verdict: 'missing', failing: true });
    expect(verdictOf(result, 'bw')?.reason).toMatch(/not measured in the current run/);
    expect(result.status).toBe(1);
  });

  it('a failed row fails with the failure\'s reason', () => {
    const result = gate(history(LAT, BW), current([{ kind: 'latency', bytes: 8, median: 5.2 }, { kind: 'bw', bytes: 1 << 20, median: null, failed: 'mpirun exited with status 1: connection refused' }]));
    expect(verdictOf(result, 'bw')).toMatchObject({ verdict: 'failed', failing: true, reason: 'mpirun exited with status 1: connection refused' });
    expect(result.status).toBe(1);
  });

  it('a new metric has no history and does not fail', () => {
    const result = gate(history(LAT, BW), current([{ kind: 'latency', bytes: 8, median: 5.2 }, { kind: 'bw', bytes: 1 << 20, median: 1150 }, { kind: 'latency', bytes: 1024, median: 9 }]));
    expect(result.verdicts.find((v) => v.bytes === 1024)).toMatchObject({ verdict: 'new', failing: false });
    expect(result.status).toBe(0);
  });

  it('an MPI change is "environment changed", not a regression, unless --strict-env', () => {
    const rows = [{ kind: 'latency', bytes: 8, median: 7.5 }, { kind: 'bw', bytes: 1 << 20, median: 1150 }];
    const lenient = gate(history(LAT, BW), current(rows, { mpi: '5.0.3' }));
    expect(verdictOf(lenient, 'latency')).toMatchObject({ verdict: 'environment-changed', failing: false, environmentChanges: ['mpi'] });
    expect(verdictOf(lenient, 'latency')?.reason).toMatch(/openmpi 4\.1\.4 → openmpi 5\.0\.3/);
    expect(lenient.status).toBe(0);
    const strict = gate(history(LAT, BW), current(rows, { mpi: '5.0.3' }), { ...GATE_DEFAULTS, strictEnv: true });
    expect(verdictOf(strict, 'latency')).toMatchObject({ verdict: 'regression', failing: true });
    expect(verdictOf(strict, 'latency')?.reason).toMatch(/environment changed: mpi/);
    expect(strict.status).toBe(1);
  });

  it('after an environment change the history starts again (warming up), and hosts count as environment', () => {
    const h = [...history(LAT, BW), ...history([7.5], [1150]).map((r, i) => ({ ...r, date: night(50 + i) }))];
    // The last run had new hosts; tonight has them too: one comparable run, so warming up.
    const moved = (extra: { hosts: [string, string] }) => [{ kind: 'latency', bytes: 8, median: 7.4, ...extra }, { kind: 'bw', bytes: 1 << 20, median: 1150, ...extra }];
    const last = gateRunOf('moved', fakeSet({ date: night(60), rows: moved({ hosts: ['n3', 'n4'] }) }));
    const result = gate([...h.slice(0, -1), last], gateRunOf('tonight', fakeSet({ date: night(61), rows: moved({ hosts: ['n3', 'n4'] }) })));
    expect(verdictOf(result, 'latency')).toMatchObject({ verdict: 'warming-up', history: 1 });
    const firstNight = gate(h.slice(0, -1), gateRunOf('tonight', fakeSet({ date: night(61), rows: moved({ hosts: ['n3', 'n4'] }) })));
    expect(verdictOf(firstNight, 'latency')).toMatchObject({ verdict: 'environment-changed', environmentChanges: ['hosts'] });
  });

  it('free memory in the node description is not a change of node shape', () => {
    expect(normaliseNodeShape('n1: 2 physical cores, 23.1 GiB free; n2: 2 physical cores, 7 GiB free')).toBe('n1: 2 physical cores; n2: 2 physical cores');
    const result = gate(history(LAT, BW), current([{ kind: 'latency', bytes: 8, median: 5.2 }, { kind: 'bw', bytes: 1 << 20, median: 1150 }], { nodeShape: 'n1: 2 physical cores, 1.0 GiB free; n2: 2 physical cores, 2.5 GiB free' }));
    expect(result.verdicts.every((v) => v.verdict === 'pass')).toBe(true);
  });

  it('a set that measured every pair files its metrics by pair; mbw keeps its two units apart', () => {
    const set = fakeSet({ date: night(0), rows: [
      { kind: 'latency', bytes: 8, median: 5, hosts: ['n1', 'n2'] }, { kind: 'latency', bytes: 8, median: 6, hosts: ['n3', 'n1'] },
      { kind: 'mbw', bytes: 8, median: 2, unit: 'MB/s', hosts: ['n1', 'n2'] }, { kind: 'mbw', bytes: 8, median: 250000, unit: 'msg/s', hosts: ['n1', 'n2'] },
    ] });
    expect(metricsOf(set).map((m) => m.id).sort()).toEqual(['latency|8|us|n1↔n2', 'latency|8|us|n1↔n3', 'mbw|8|MB/s|n1↔n2', 'mbw|8|msg/s|n1↔n2']);
  });

  it('the spread is on a log scale, robust, and at least range/d2 below 10 runs', () => {
    const b = baselineOf([100, 100, 200]);
    expect(b.median).toBe(100);
    expect(b.logSpread).toBeCloseTo(Math.log(2) / 1.693, 6);
    const many = baselineOf([100, 101, 99, 100, 102, 98, 100, 101, 99, 100, 400]);
    expect(many.logSpread).toBeLessThan(0.02);
    const j = judge(125, { median: 100, logSpread: 0.01, min: 98, max: 102, n: 10 }, 'lower-is-better', { tolerance: 0.1, zThreshold: 4 });
    expect(j).toMatchObject({ worse: true, beyondTolerance: true, beyondSpread: true });
    expect(j.change).toBeCloseTo(0.25, 10);
    expect(j.z).toBeCloseTo(Math.log(1.25) / 0.01, 6);
  });

  it('a drop far below every run of a very noisy history is flagged by the range rule even with a small z', () => {
    // Seen on this machine while other jobs compiled: 1 MiB bandwidth 920, 1386, 453 MB/s; then capped at 1 Gbit/s: 117 MB/s.
    const h = history([5, 5, 5], [920, 1386, 453]);
    const result = gate(h, current([{ kind: 'latency', bytes: 8, median: 5 }, { kind: 'bw', bytes: 1 << 20, median: 117 }]), { ...GATE_DEFAULTS, minHistory: 3 });
    const bw = verdictOf(result, 'bw');
    expect(bw?.z).toBeLessThan(4);
    expect(bw?.verdict).toBe('regression');
    expect(bw?.reason).toMatch(/beyond the history's range/);
  });
});
