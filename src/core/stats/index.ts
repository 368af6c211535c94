// Public surface of the statistics core. Pure: no I/O, no clock.

export {
  MIN_SAMPLES_FOR_CI,
  median,
  medianCI,
  medianCIRanks,
  medianCISorted,
  percentile,
  percentileSorted,
  relativeHalfWidth,
  sortedAscending,
  summarize,
  type MedianCI,
  type Summary,
} from './summary.js';
export { TUKEY_RULE, tukeyFences, tukeyFilter, type OutlierResult, type TukeyFences } from './outliers.js';
export { arithmeticMean, geometricMean, harmonicMean } from './means.js';
export { mannWhitneyU, twoSidedNormalP, type MannWhitneyResult } from './mannwhitney.js';
export {
  STOPPING_RULE,
  decideStop,
  validatePolicy,
  type StopDecision,
  type StoppingPolicy,
  type StopReason,
} from './stopping.js';
export { analyzeSamples, type SampleAnalysis, type OutlierMode } from './analyze.js';
