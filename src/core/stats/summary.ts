// Order statistics for benchmark samples: median with its nonparametric 95%
// confidence interval, and percentiles. Pure; follows Hoefler & Belli (SC15)
// and Le Boudec, "Performance Evaluation of Computer and Communication Systems".

import { medianSorted } from 'simple-statistics';

/** Ascending copy; throws on non-finite values so a NaN never hides in a sort. */
export function sortedAscending(samples: readonly number[]): number[] {
  for (const x of samples) {
    if (!Number.isFinite(x)) throw new RangeError(`sample ${String(x)} is not a finite number`);
  }
  return [...samples].sort((a, b) => a - b);
}

/** The median: the middle sample, or the mean of the two middle samples when n is even. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new RangeError('median of no samples');
  return medianSorted(sortedAscending(samples));
}

/**
 * Percentile by the nearest-rank definition: the p-th percentile (0 < p ≤ 100)
 * is the sample at 1-based rank ⌈p/100 · n⌉ of the sorted samples (rank 1 when
 * that is 0). It is always an observed value, like the CI bounds below.
 */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no samples');
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside (0, 100]`);
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100 - 1e-9));
  return sorted[rank - 1] as number;
}

export function percentile(samples: readonly number[], p: number): number {
  return percentileSorted(sortedAscending(samples), p);
}

export interface MedianCI {
  low: number;
  high: number;
  /** 1-based ranks into the sorted samples that bound the interval. */
  lowRank: number;
  highRank: number;
  /** True when the formula's upper rank exceeded n (n = 6, 7) and was capped at n. */
  capped: boolean;
}

/** The smallest sample count for which the median CI is defined (n > 5). */
export const MIN_SAMPLES_FOR_CI = 6;

/**
 * The 1-based ranks of the nonparametric 95% CI of the median:
 * ⌈(n − 1.96√n)/2⌉ and ⌈1 + (n + 1.96√n)/2⌉, the upper one capped at n.
 * Undefined for n ≤ 5.
 */
export function medianCIRanks(n: number): { lowRank: number; highRank: number; capped: boolean } | undefined {
  if (!Number.isInteger(n) || n < MIN_SAMPLES_FOR_CI) return undefined;
  const spread = 1.96 * Math.sqrt(n);
  const lowRank = Math.max(1, Math.ceil((n - spread) / 2));
  const rawHigh = Math.ceil(1 + (n + spread) / 2);
  return { lowRank, highRank: Math.min(n, rawHigh), capped: rawHigh > n };
}

/** The median's 95% CI from sorted samples, or undefined when n ≤ 5. */
export function medianCISorted(sorted: readonly number[]): MedianCI | undefined {
  const ranks = medianCIRanks(sorted.length);
  if (!ranks) return undefined;
  return {
    low: sorted[ranks.lowRank - 1] as number,
    high: sorted[ranks.highRank - 1] as number,
    ...ranks,
  };
}

export function medianCI(samples: readonly number[]): MedianCI | undefined {
  return medianCISorted(sortedAscending(samples));
}

export interface Summary {
  n: number;
  median: number;
  p05: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  /** Undefined when n ≤ 5. */
  ci95: MedianCI | undefined;
  /** max(median − low, high − median) / median; undefined without a CI or when the median is 0. */
  ciRelHalfWidth: number | undefined;
}

/** Relative half-width of a CI around a median: the larger side over the median. */
export function relativeHalfWidth(medianValue: number, ci: Pick<MedianCI, 'low' | 'high'>): number | undefined {
  if (medianValue === 0) return undefined;
  return Math.max(medianValue - ci.low, ci.high - medianValue) / Math.abs(medianValue);
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new RangeError('summary of no samples');
  const sorted = sortedAscending(samples);
  const med = medianSorted(sorted);
  const ci95 = medianCISorted(sorted);
  return {
    n: sorted.length,
    median: med,
    p05: percentileSorted(sorted, 5),
    p95: percentileSorted(sorted, 95),
    p99: percentileSorted(sorted, 99),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    ci95,
    ciRelHalfWidth: ci95 ? relativeHalfWidth(med, ci95) : undefined,
  };
}
