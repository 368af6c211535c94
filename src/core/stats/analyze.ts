// One call for the bench runner: raw samples in, everything a result row
// needs out (outlier rule applied, summary on the kept samples).

import { tukeyFilter } from './outliers.js';
import { summarize, type Summary } from './summary.js';

export type OutlierMode = 'tukey' | 'none';

export interface SampleAnalysis {
  /** Summary of the kept samples. */
  summary: Summary;
  outliersRemoved: number;
  /** The stated rule, or 'none'. */
  outlierRule: string;
  kept: number[];
}

export function analyzeSamples(raw: readonly number[], outliers: OutlierMode = 'tukey'): SampleAnalysis {
  if (raw.length === 0) throw new RangeError('no samples to analyse');
  if (outliers === 'none') {
    return { summary: summarize(raw), outliersRemoved: 0, outlierRule: 'none', kept: [...raw] };
  }
  const filtered = tukeyFilter(raw);
  return {
    summary: summarize(filtered.kept),
    outliersRemoved: filtered.removed,
    outlierRule: filtered.rule,
    kept: filtered.kept,
  };
}
