// The network model's public API: fitting, prediction, cost. Pure.
export { publishedBandwidthModel, measuredModel, type NetworkModel, type NetworkEstimate, type NetworkEstimateInput, type PointToPoint } from './network-model.js';
export { fitSegmented, fitLine, regimeFor, MIN_SIZES_PER_REGIME, MAX_REGIMES, type Point, type SegmentedFit, type SegmentFit } from './segmented.js';
export { fitLineHuber, HUBER_K, type HuberFit } from './huber.js';
export { fitModel, latencyPoints, streamingPoints, BENCHPRESS_STARTS, type FitInput, type FitOptions } from './fit.js';
export { fitNodeInjection } from './injection.js';
export { fromModelFile, publishedPointToPoint } from './p2p.js';
export { haloTraffic, type NodeTraffic } from './traffic.js';
export { predictHalo, type HaloJob, type Prediction, type WorstNode } from './predict.js';
export { costPerRun, paretoFront, SPOT_LOSS_HIGH, SPOT_LOSS_LOW, type CostPerRun, type Prices } from './cost.js';
export { networkFor, predictPlan, PUBLISHED_FLAG, type GivenModel, type Network, type PredictedFigures, type CostFigures } from './choose.js';
export { parseComputeUs, parseHaloBytes, parseSteps } from './options.js';
