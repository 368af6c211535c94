import { describe, expect, it } from 'vitest';
import {
  analyzeSamples,
  decideStop,
  geometricMean,
  harmonicMean,
  mannWhitneyU,
  median,
  medianCI,
  medianCIRanks,
  percentile,
  summarize,
  tukeyFilter,
} from '../../src/core/stats/index.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describe('median CI ranks ⌈(n − 1.96√n)/2⌉ .. ⌈1 + (n + 1.96√n)/2⌉', () => {
  // Hand-computed: n=10: 1.96·√10 = 6.198 → ⌈1.901⌉ = 2, ⌈9.099⌉ = 10.
  it.each([
    { n: 6, lowRank: 1, highRank: 6, capped: true }, // raw upper rank ⌈6.40⌉ = 7 > n
    { n: 7, lowRank: 1, highRank: 7, capped: true }, // ⌈0.907⌉ = 1, ⌈7.09⌉ = 8 > n
    { n: 8, lowRank: 2, highRank: 8, capped: false }, // ⌈1.228⌉, ⌈7.772⌉
    { n: 10, lowRank: 2, highRank: 10, capped: false },
    { n: 20, lowRank: 6, highRank: 16, capped: false }, // 1.96·√20 = 8.765 → ⌈5.617⌉, ⌈15.38⌉
    { n: 100, lowRank: 41, highRank: 61, capped: false }, // 19.6 → ⌈40.2⌉, ⌈60.8⌉
    { n: 1000, lowRank: 470, highRank: 532, capped: false }, // 61.98 → ⌈469.01⌉, ⌈531.99⌉
  ])('n = $n gives ranks $lowRank..$highRank', ({ n, lowRank, highRank, capped }) => {
    expect(medianCIRanks(n)).toEqual({ lowRank, highRank, capped });
  });

  it.each([0, 1, 5])('is undefined for n = %i (needs n > 5)', (n) => {
    expect(medianCIRanks(n)).toBeUndefined();
    expect(medianCI(range(n))).toBeUndefined();
  });

  it('reads the bounds from the sorted samples, whatever the input order', () => {
    const samples = [20, 3, 17, 1, 9, 14, 5, 11, 2, 8, 19, 4, 16, 6, 13, 7, 18, 10, 15, 12];
    expect(medianCI(samples)).toMatchObject({ low: 6, high: 16 });
    expect(median(samples)).toBe(10.5);
  });
});

describe('percentiles (nearest rank: sample at rank ⌈p·n/100⌉)', () => {
  it.each([
    { n: 20, p: 5, want: 1 },
    { n: 20, p: 95, want: 19 },
    { n: 20, p: 99, want: 20 },
    { n: 100, p: 5, want: 5 },
    { n: 100, p: 99, want: 99 },
    { n: 3, p: 5, want: 1 },
    { n: 3, p: 50, want: 2 },
  ])('p$p of 1..$n is $want', ({ n, p, want }) => {
    expect(percentile(range(n).reverse(), p)).toBe(want);
  });

  it('summarises without a CI below six samples', () => {
    const s = summarize([5, 1, 3]);
    expect(s).toMatchObject({ n: 3, median: 3, p05: 1, p95: 5, p99: 5, min: 1, max: 5, ci95: undefined, ciRelHalfWidth: undefined });
  });

  it('rejects non-finite samples', () => {
    expect(() => summarize([1, Number.NaN])).toThrow(/not a finite number/);
  });
});

describe('Tukey 1.5×IQR outlier rule', () => {
  it.each([
    // n=11: Q1 = rank ⌈2.75⌉ = 3, Q3 = rank ⌈8.25⌉ = 9, IQR 6, fences [-6, 18].
    { samples: [...range(10), 100], removed: 1, low: -6, high: 18 },
    { samples: [...range(10), 18], removed: 0, low: -6, high: 18 },
    { samples: [-50, ...range(10)], removed: 1, low: -7, high: 17 }, // Q1 = 2, Q3 = 8
    { samples: [5, 5, 5, 5, 5, 5.0001], removed: 1, low: 5, high: 5 },
  ])('removes $removed sample(s) with fences [$low, $high]', ({ samples, removed, low, high }) => {
    const result = tukeyFilter(samples);
    expect(result.removed).toBe(removed);
    expect(result.kept).toHaveLength(samples.length - removed);
    expect(result.lowFence).toBeCloseTo(low, 9);
    expect(result.highFence).toBeCloseTo(high, 9);
    expect(result.rule).toMatch(/^tukey-1\.5iqr/);
  });

  it('as a filter keeps the original order of kept samples', () => {
    expect(tukeyFilter([3, 1, 1000, 2, 4, 5, 6, 7]).kept).toEqual([3, 1, 2, 4, 5, 6, 7]);
  });
});

describe('analyzeSamples: every statistic from all the samples; outliers counted, never dropped', () => {
  it.each([
    // samples, Tukey outliers
    [[3, 1, 1000, 2, 4, 5, 6, 7], 1],
    [[5, 5.1, 4.9, 5, 5.2, 5, 5.05, 40, 41, 39, 5, 5], 3],
    [[...range(10), 100, 200], 2],
    [[1, 2, 3, 4, 5, 6, 7, 8], 0],
  ])('%j: summary of all %#, outliers counted', (samples, count) => {
    const a = analyzeSamples(samples);
    expect(a.summary).toEqual(summarize(samples));
    expect(a.summary.n).toBe(samples.length);
    expect(a.outliersTukey).toBe(count);
    expect(a.outlierRule).toMatch(/count samples outside \[Q1 - 1\.5\*IQR/);
  });

  it('keeps the tail in p95 and p99 (the regression: they were computed after trimming)', () => {
    const samples = [...Array.from({ length: 95 }, () => 5), 50, 51, 52, 53, 54];
    const a = analyzeSamples(samples);
    expect(a.outliersTukey).toBe(5);
    expect(a.summary.p99).toBe(53);
    expect(a.summary.p95).toBe(5);
    // Trimmed, the tail would vanish from p99 altogether.
    expect(summarize(tukeyFilter(samples).kept).p99).toBe(5);
    expect(a.summary.max).toBe(54);
  });

  it("with 'none' counts nothing", () => {
    expect(analyzeSamples([3, 1, 1000], 'none')).toMatchObject({ outliersTukey: null, outlierRule: 'none', fences: null });
  });
});

describe('adaptive stopping', () => {
  const policy = { targetRelHalfWidth: 0.05, maxSamples: 50 };
  it.each([
    { name: 'continues with no CI yet (n = 5)', samples: [10, 10, 10, 10, 10], stop: false, reason: undefined },
    { name: 'stops on the CI at n = 6 when samples agree', samples: [10, 10, 10, 10, 10, 10], stop: true, reason: 'ci-target' },
    // n=10 → ranks 2..10; median 10.05, CI [10, 10.5]; 0.45/10.05 = 4.5% ≤ 5%
    { name: 'stops when the CI lies within ±5% of the median', samples: [9, 10, 10, 10, 10, 10.1, 10.1, 10.2, 10.3, 10.5], stop: true, reason: 'ci-target' },
    // same but the maximum is 11: (11 − 10.05)/10.05 = 9.5% > 5%
    { name: 'continues while the CI is wider than the target', samples: [9, 10, 10, 10, 10, 10.1, 10.1, 10.2, 10.3, 11], stop: false, reason: undefined },
  ])('$name', ({ samples, stop, reason }) => {
    const d = decideStop(samples, policy);
    expect(d.stop).toBe(stop);
    expect(d.reason).toBe(reason);
  });

  it('stops at the sample cap and says so', () => {
    const wide = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? 1 : 100));
    const d = decideStop(wide, policy);
    expect(d).toMatchObject({ stop: true, reason: 'sample-cap', n: 50 });
    expect(d.relHalfWidth).toBeGreaterThan(0.05);
    expect(decideStop([1, 2, 3], { targetRelHalfWidth: 0.05, maxSamples: 3 }).reason).toBe('sample-cap');
  });

  it('honours a minimum sample count before stopping on the CI', () => {
    const same = Array.from({ length: 8 }, () => 4);
    expect(decideStop(same, { ...policy, minSamples: 10 }).stop).toBe(false);
    expect(decideStop([...same, 4, 4], { ...policy, minSamples: 10 }).reason).toBe('ci-target');
  });

  it('rejects a policy that cannot work', () => {
    expect(() => decideStop([1], { targetRelHalfWidth: 0, maxSamples: 10 })).toThrow(/between 0 and 1/);
    expect(() => decideStop([1], { targetRelHalfWidth: 0.05, maxSamples: 0 })).toThrow(/sample cap/);
  });
});

describe('means for rates and ratios', () => {
  it('uses the harmonic mean for rates: 100 MB/s and 50 MB/s over equal bytes average 66.7', () => {
    expect(harmonicMean([100, 50])).toBeCloseTo(200 / 3, 10);
  });
  it('uses the geometric mean for ratios: 2× and 0.5× summarise to 1×', () => {
    expect(geometricMean([2, 0.5])).toBeCloseTo(1, 12);
  });
  it('refuses non-positive rates', () => {
    expect(() => harmonicMean([1, 0])).toThrow(/positive/);
  });
});

describe('Mann–Whitney U with effect size', () => {
  it('gives U = 0 and rank-biserial −1 when every A is below every B', () => {
    const r = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r).toMatchObject({ uA: 0, uB: 25, u: 0, probabilityOfSuperiority: 0, rankBiserial: -1 });
    // normal approximation with continuity correction: z = −12/√22.917 = −2.507, p ≈ 0.0122
    expect(r.z).toBeCloseTo(-2.5067, 3);
    expect(r.p).toBeCloseTo(0.0122, 3);
  });

  it('counts ties as one half (hand-computed: A=[1,1,2], B=[1,2,2] → U_A = 3)', () => {
    const r = mannWhitneyU([1, 1, 2], [1, 2, 2]);
    expect(r.uA).toBe(3);
    expect(r.uB).toBe(6);
    expect(r.probabilityOfSuperiority).toBeCloseTo(1 / 3, 12);
  });

  it('finds no difference between identical groups', () => {
    const r = mannWhitneyU([5, 5, 5], [5, 5, 5]);
    expect(r).toMatchObject({ uA: 4.5, z: 0, p: 1, rankBiserial: 0 });
  });
});
