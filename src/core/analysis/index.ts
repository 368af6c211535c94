// Public surface of the analysis core: result sets into metrics and
// comparisons. Pure: no I/O, no clock.

export { PAIR_CLASSES, lowerIsBetter, measuredRows, metricId, pairKey, rowFigure, setMetrics, type MetricKey, type PairClass, type SetMetric } from './metrics.js';
export {
  ALPHA,
  NO_SAMPLES,
  compareSets,
  effectMagnitude,
  significance,
  uniqueLabels,
  type Comparison,
  type ComparisonCell,
  type ComparisonRow,
  type EffectMagnitude,
  type LabelledSet,
  type SignificanceTest,
} from './compare.js';
export { latencyMatrix, type PairCell, type PairMatrix } from './pairs.js';
