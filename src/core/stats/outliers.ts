// Outlier removal by a stated rule only (Hoefler & Belli): Tukey's fences.

import { percentileSorted, sortedAscending } from './summary.js';

export const TUKEY_RULE =
  'tukey-1.5iqr: keep samples within [Q1 - 1.5*IQR, Q3 + 1.5*IQR]; Q1 and Q3 are nearest-rank 25th and 75th percentiles';

export interface OutlierResult {
  /** Kept samples in their original order. */
  kept: number[];
  removed: number;
  lowFence: number;
  highFence: number;
  /** The rule as recorded in result metadata. */
  rule: string;
}

/** Tukey's rule: drops samples outside [Q1 − k·IQR, Q3 + k·IQR] (k = 1.5 by default). */
export function tukeyFilter(samples: readonly number[], k = 1.5): OutlierResult {
  const rule = k === 1.5 ? TUKEY_RULE : TUKEY_RULE.replace(/1\.5/g, String(k));
  if (samples.length === 0) return { kept: [], removed: 0, lowFence: Number.NaN, highFence: Number.NaN, rule };
  const sorted = sortedAscending(samples);
  const q1 = percentileSorted(sorted, 25);
  const q3 = percentileSorted(sorted, 75);
  const iqr = q3 - q1;
  const lowFence = q1 - k * iqr;
  const highFence = q3 + k * iqr;
  const kept = samples.filter((x) => x >= lowFence && x <= highFence);
  return { kept, removed: samples.length - kept.length, lowFence, highFence, rule };
}
