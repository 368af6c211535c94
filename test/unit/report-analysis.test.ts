import { describe, expect, it } from 'vitest';
import { NO_SAMPLES, compareSets, effectMagnitude, latencyMatrix, setMetrics, significance, uniqueLabels, type SetMetric } from '../../src/core/analysis/index.js';
import { mannWhitneyU, twoSidedNormalP } from '../../src/core/stats/index.js';
import { importedRow, resultSet, sampleRow, spread } from '../helpers/result-sets.js';

const metric = (over: Partial<SetMetric>): SetMetric => ({
  kind: 'latency', bytes: 8, unit: 'us', pairClass: 'first-pair', median: 5, statistic: 'median', ciLow: null, ciHigh: null, samples: null, pairs: 1, ...over,
});

describe('comparison rows', () => {
  const onprem = resultSet('onprem', [sampleRow('latency', 8, spread(5)), sampleRow('latency', 1024, spread(8)), sampleRow('bw', 1048576, spread(1000))]);
  const slower = resultSet('cloud', [sampleRow('latency', 8, spread(10)), sampleRow('bw', 1048576, spread(500)), sampleRow('latency', 65536, spread(50))]);
  const same = resultSet('again', [sampleRow('latency', 8, spread(5)), sampleRow('bw', 1048576, spread(1000))]);
  const imported = resultSet('osu', [importedRow('latency', 8, { median: 31.7, mean: 32 }), importedRow('bw', 1048576, { mean: 977 })], []);

  it.each([
    // label, set, metric id, median, ratio, test method, verdict
    ['slower cloud', slower, 'latency/8/us/first-pair', 10, 2, 'mann-whitney', 'worse'],
    ['slower cloud', slower, 'bw/1048576/MB/s/first-pair', 500, 0.5, 'mann-whitney', 'worse'],
    ['the same again', same, 'latency/8/us/first-pair', 5, 1, 'mann-whitney', 'same'],
    ['an import (P50)', imported, 'latency/8/us/first-pair', 31.7, 6.34, 'none', 'untested'],
    ['an import (average only)', imported, 'bw/1048576/MB/s/first-pair', 977, 0.977, 'none', 'untested'],
  ] as const)('%s: %s is %d (×%d), %s → %s', (_name, other, id, median, ratio, method, verdict) => {
    const { rows } = compareSets([{ label: 'onprem', set: onprem }, { label: 'other', set: other }]);
    const row = rows.find((r) => r.id === id);
    expect(row, id).toBeDefined();
    const cell = row?.cells[1];
    expect(cell?.median).toBeCloseTo(median, 6);
    expect(cell?.ratio).toBeCloseTo(ratio, 3);
    expect(cell?.test?.method).toBe(method);
    expect(cell?.verdict).toBe(verdict);
    expect(row?.cells[0]).toMatchObject({ label: 'onprem', ratio: null, test: null, verdict: null });
  });

  it('says "no samples: CI overlap not testable" for imports, and marks an average as the mean', () => {
    const { rows } = compareSets([{ label: 'onprem', set: onprem }, { label: 'osu', set: imported }]);
    const bw = rows.find((r) => r.kind === 'bw');
    expect(bw?.cells[1]).toMatchObject({ statistic: 'mean', test: { method: 'none', reason: NO_SAMPLES, significant: null } });
    expect(rows.find((r) => r.kind === 'latency')?.cells[1]?.statistic).toBe('median');
  });

  it('keeps only metrics in at least two sets, with null cells where a set lacks one', () => {
    const { rows, labels } = compareSets([{ label: 'a', set: onprem }, { label: 'b', set: slower }, { label: 'c', set: same }]);
    expect(labels).toEqual(['a', 'b', 'c']);
    expect(rows.map((r) => r.id)).toEqual(['latency/8/us/first-pair', 'bw/1048576/MB/s/first-pair']);
    const third = compareSets([{ label: 'a', set: same }, { label: 'b', set: onprem }, { label: 'c', set: slower }]);
    const only = third.rows.find((r) => r.bytes === 65536);
    expect(only).toBeUndefined(); // 64 KiB latency is in one set only
    const lacking = compareSets([{ label: 'a', set: same }, { label: 'b', set: onprem }, { label: 'c', set: onprem }]).rows.find((r) => r.bytes === 1024);
    expect(lacking?.cells[0]).toMatchObject({ median: null, verdict: null });
    expect(lacking?.cells[1]).toMatchObject({ ratio: null, verdict: 'untested', test: { method: 'none', reason: 'the first set has no such figure' } });
  });

  it('returns no rows for sets with nothing in common', () => {
    const a = resultSet('a', [sampleRow('latency', 8, spread(5))]);
    const b = resultSet('b', [sampleRow('bw', 8, spread(5))]);
    expect(compareSets([{ label: 'a', set: a }, { label: 'b', set: b }]).rows).toEqual([]);
  });

  it('ignores failed rows', () => {
    const failed = { ...sampleRow('latency', 8, spread(5)), stop_reason: 'failed' as const, median: null, raw_samples: [] };
    const a = resultSet('a', [failed]);
    expect(setMetrics(a)).toEqual([]);
  });
});

describe('host-pair classes', () => {
  const pairs: [string, string][] = [['n1', 'n4'], ['n2', 'n3'], ['n1', 'n2'], ['n3', 'n4']];
  const all = resultSet('all', pairs.map((p, i) => sampleRow('latency', 8, spread(5 + i, 10), p)), ['n1', 'n2', 'n3', 'n4']);

  it('takes the first pair from the first two hosts, not from the first row', () => {
    const first = setMetrics(all).find((m) => m.pairClass === 'first-pair');
    expect(first?.median).toBeCloseTo(7, 6); // n1–n2, the third row
  });

  it('pools every pair of a --pairs all set into all-pairs', () => {
    const pooled = setMetrics(all).find((m) => m.pairClass === 'all-pairs');
    expect(pooled).toMatchObject({ pairs: 4, statistic: 'median' });
    expect(pooled?.samples).toHaveLength(40);
    expect(pooled?.ciLow).not.toBeNull();
  });

  it('falls back to the first row\'s pair when the hosts are not named', () => {
    const set = resultSet('osu', [importedRow('latency', 8, { mean: 3 })], []);
    expect(setMetrics(set).map((m) => m.pairClass)).toEqual(['first-pair']);
  });
});

describe('significance and effect size', () => {
  it.each([
    ['identical samples', [5, 5, 5, 5, 5, 5], [5, 5, 5, 5, 5, 5], false, 'negligible'],
    ['every sample larger', spread(5, 30), spread(10, 30), true, 'large'],
    ['a shift too small to matter (p may be small, δ is negligible)', spread(5, 2000, 0.1), spread(5.005, 2000, 0.1), false, 'negligible'],
  ])('%s', (_name, a, b, significant, magnitude) => {
    const test = significance(metric({ samples: a }), metric({ samples: b }));
    expect(test).toMatchObject({ method: 'mann-whitney', significant, magnitude });
  });

  it('uses Cliff\'s delta = rank-biserial, positive when the other set is larger', () => {
    const test = significance(metric({ samples: [1, 2, 3] }), metric({ samples: [4, 5, 6] }));
    expect(test.method === 'mann-whitney' && test.cliffsDelta).toBe(1);
  });

  it.each([
    ['overlapping CIs', [4, 6], [5, 7], false],
    ['disjoint CIs', [4, 5], [6, 7], true],
  ] as const)('without samples, %s decide', (_name, [l1, h1], [l2, h2], significant) => {
    expect(significance(metric({ ciLow: l1, ciHigh: h1 }), metric({ ciLow: l2, ciHigh: h2 }))).toEqual({ method: 'ci-overlap', overlap: !significant, significant });
  });

  it('tests nothing when one side has neither samples nor a CI', () => {
    expect(significance(metric({ samples: [1, 2, 3, 4, 5, 6] }), metric({}))).toEqual({ method: 'none', reason: NO_SAMPLES, significant: null });
  });

  it.each([
    [0, 'negligible'], [0.146, 'negligible'], [-0.147, 'small'], [0.329, 'small'], [0.33, 'medium'], [-0.474, 'large'], [1, 'large'],
  ] as const)('|δ| = %d is %s (Romano et al. 2006)', (delta, magnitude) => {
    expect(effectMagnitude(delta)).toBe(magnitude);
  });

  it('computes p-values far into the tail (no floor at 0.002)', () => {
    expect(twoSidedNormalP(1.959964)).toBeCloseTo(0.05, 5);
    expect(twoSidedNormalP(3.290527)).toBeCloseTo(0.001, 6);
    expect(twoSidedNormalP(5)).toBeLessThan(1e-6);
    expect(twoSidedNormalP(0)).toBe(1);
    expect(mannWhitneyU(spread(5, 100), spread(10, 100)).p).toBeLessThan(1e-10);
  });
});

describe('labels', () => {
  it('defaults to metadata.name and makes repeated names unique', () => {
    const sets = ['bench', 'bench', 'osu'].map((n) => resultSet(n, []));
    expect(uniqueLabels(sets)).toEqual(['bench', 'bench (2)', 'osu']);
    expect(uniqueLabels(sets, ['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
  });
});

describe('all-pairs latency matrix', () => {
  it('marks links above Tukey\'s upper fence of the pair medians as slow', () => {
    const medians = [5, 5.2, 5.1, 5.3, 5.15, 40];
    const hosts: [string, string][] = [['n1', 'n2'], ['n1', 'n3'], ['n1', 'n4'], ['n2', 'n3'], ['n2', 'n4'], ['n3', 'n4']];
    const set = resultSet('all', hosts.map((p, i) => sampleRow('latency', 8, spread(medians[i] as number, 10, 0.01), p)), ['n1', 'n2', 'n3', 'n4']);
    const matrix = latencyMatrix(set);
    expect(matrix?.hosts).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(matrix?.links.filter((l) => l.slow).map((l) => `${l.a}-${l.b}`)).toEqual(['n3-n4']);
    expect(matrix?.fence).toBeGreaterThan(5.3);
  });

  it('is null for a set with one pair', () => {
    expect(latencyMatrix(resultSet('one', [sampleRow('latency', 8, spread(5))]))).toBeNull();
  });
});
