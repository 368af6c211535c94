// Outliers by a stated rule only (Hoefler & Belli): Tukey's fences. Samples
// outside them are counted and reported; published statistics still use every
// sample, because a latency tail is data. tukeyFilter (dropping them) is for
// flagging, such as slow links among pair medians, never for row figures.

import { percentileSorted, sortedAscending } from './summary.js';

export const TUKEY_RULE =
  'tukey-1.5iqr: count samples outside [Q1 - 1.5*IQR, Q3 + 1.5*IQR]; Q1 and Q3 are nearest-rank 25th and 75th percentiles';

export interface TukeyFences {
  /** Samples outside the fences. */
  count: number;
  lowFence: number;
  highFence: number;
  /** The rule as recorded in result metadata. */
  rule: string;
}

export interface OutlierResult extends TukeyFences {
  /** Samples within the fences, in their original order. */
  kept: number[];
  removed: number;
}

const ruleFor = (k: number): string => (k === 1.5 ? TUKEY_RULE : TUKEY_RULE.replace(/1\.5/g, String(k)));

/** Tukey's fences [Q1 − k·IQR, Q3 + k·IQR] (k = 1.5 by default) and how many samples lie outside. */
export function tukeyFences(samples: readonly number[], k = 1.5): TukeyFences {
  const rule = ruleFor(k);
  if (samples.length === 0) return { count: 0, lowFence: Number.NaN, highFence: Number.NaN, rule };
  const sorted = sortedAscending(samples);
  const q1 = percentileSorted(sorted, 25);
  const q3 = percentileSorted(sorted, 75);
  const iqr = q3 - q1;
  const lowFence = q1 - k * iqr;
  const highFence = q3 + k * iqr;
  const count = samples.filter((x) => x < lowFence || x > highFence).length;
  return { count, lowFence, highFence, rule };
}

/** Tukey's rule as a filter: the samples within the fences (for flagging, not for published figures). */
export function tukeyFilter(samples: readonly number[], k = 1.5): OutlierResult {
  const fences = tukeyFences(samples, k);
  const kept = samples.filter((x) => x >= fences.lowFence && x <= fences.highFence);
  return { ...fences, kept, removed: samples.length - kept.length };
}
