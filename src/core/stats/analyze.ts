// One call for the bench runner: raw samples in, everything a result row
// needs out. Every statistic is of all the samples (Hoefler & Belli: never
// drop a tail silently); outliers by the stated rule are counted, not removed.

import { tukeyFences } from './outliers.js';
import { summarize, type Summary } from './summary.js';

export type OutlierMode = 'tukey' | 'none';

export interface SampleAnalysis {
  /** Summary of every sample. */
  summary: Summary;
  /** Samples outside Tukey's fences: information only, they are in the summary. Null with 'none'. */
  outliersTukey: number | null;
  /** The stated rule, or 'none'. */
  outlierRule: string;
  fences: { low: number; high: number } | null;
}

export function analyzeSamples(raw: readonly number[], outliers: OutlierMode = 'tukey'): SampleAnalysis {
  if (raw.length === 0) throw new RangeError('no samples to analyse');
  const summary = summarize(raw);
  if (outliers === 'none') return { summary, outliersTukey: null, outlierRule: 'none', fences: null };
  const fences = tukeyFences(raw);
  return { summary, outliersTukey: fences.count, outlierRule: fences.rule, fences: { low: fences.lowFence, high: fences.highFence } };
}
