// plan --recommend with predictions: which network figures apply to a
// shape, the prediction and cost per run on that shape's plan, the
// time–cost Pareto front and the ranking by objective. Pure.
//
// Which figures apply to a shape, first match wins:
//   1. --model MACHINE=FILE where MACHINE is the shape's name,
//   2. --model MACHINE=FILE where MACHINE is the shape's family (c2, n2, ...),
//   3. --model FILE (every shape),
//   4. published figures: the catalog's per-VM bandwidth and a sourced
//      latency from placement/published-latency.json, flagged
//      "published, not measured",
//   5. none: predicted is null, with the reason.

import type { ModelFile, PublishedLatency } from '../../schemas/index.js';
import type { NodeShape, Plan } from '../plan/types.js';
import { costPerRun } from './cost.js';
import type { PointToPoint } from './network-model.js';
import { fromModelFile, publishedPointToPoint } from './p2p.js';
import { predictHalo } from './predict.js';

export interface GivenModel {
  /** Machine name or family; undefined: every shape. */
  machine: string | undefined;
  /** The path as given, for output. */
  name: string;
  model: ModelFile;
}

export type Network = PointToPoint | { reason: string };

export const PUBLISHED_FLAG = 'published, not measured';

export function networkFor(shape: NodeShape, models: readonly GivenModel[], published: PublishedLatency | undefined): Network {
  const given =
    models.find((m) => m.machine === shape.name) ?? models.find((m) => m.machine !== undefined && m.machine === shape.family) ?? models.find((m) => m.machine === undefined);
  if (given) return fromModelFile(given.model, given.name);
  const figure =
    published?.figures.find((f) => f.provider === shape.provider && f.family === shape.family) ??
    published?.figures.find((f) => f.provider === shape.provider && f.family === undefined);
  const gbps = shape.networkGbps;
  if (!figure) return { reason: `no measured model for ${shape.name} and no published latency for provider ${shape.provider}: give --model ${shape.family ?? shape.name}=MODEL.json` };
  if (gbps === undefined) return { reason: `no measured model for ${shape.name} and no published bandwidth in the catalog: give --model ${shape.family ?? shape.name}=MODEL.json` };
  const lat = figure.latencyUs;
  return publishedPointToPoint(gbps, lat.value, `${PUBLISHED_FLAG}: ${gbps} Gbit/s (catalog) and ${lat.value} µs latency (${lat.date}, placement/published-latency.json)`);
}

export interface PredictedFigures {
  secondsPerStep: number | null;
  commSecondsPerStep: number | null;
  computeSecondsPerStep: number | null;
  totalSeconds: number | null;
  model: string | null;
  /** 'measured', 'published, not measured', or null with `reason`. */
  basis: 'measured' | typeof PUBLISHED_FLAG | null;
  reason: string | null;
}

export interface CostFigures {
  onDemand: number | null;
  spotLow: number | null;
  spotHigh: number | null;
  reason: string | null;
}

export interface PredictOptions {
  haloBytes: number | undefined;
  computeUs: number | undefined;
  steps: number | undefined;
}

const nullPrediction = (reason: string): PredictedFigures => ({
  secondsPerStep: null, commSecondsPerStep: null, computeSecondsPerStep: null, totalSeconds: null, model: null, basis: null, reason,
});
export const nullCost = (reason: string): CostFigures => ({ onDemand: null, spotLow: null, spotHigh: null, reason });

export function predictPlan(plan: Plan, network: Network, options: PredictOptions): { predicted: PredictedFigures; costPerRun: CostFigures; warnings: string[] } {
  const grid = plan.job.grid;
  const halo = options.haloBytes;
  const reason =
    'reason' in network ? network.reason : grid === undefined ? 'no --grid: a halo exchange needs the Cartesian grid' : halo === undefined ? 'no --halo-bytes: the messages have no size' : undefined;
  if (reason !== undefined || 'reason' in network || grid === undefined || halo === undefined) {
    return { predicted: nullPrediction(reason ?? ''), costPerRun: nullCost(reason ?? ''), warnings: [] };
  }
  const p = predictHalo(
    { grid, periodic: plan.job.periodic, rankToNode: plan.rankToNode, nodeCount: plan.nodeCount, haloBytes: halo, computeUs: options.computeUs, steps: options.steps },
    network,
  );
  const cost = costPerRun(p.totalSeconds, plan.nodeCount, { onDemandPerHour: plan.shape.onDemandPerHour, spotPerHour: plan.shape.spotPerHour });
  const costNull = cost.onDemand === null || cost.spotLow === null ? cost.notes.join('; ') || null : null;
  return {
    predicted: {
      secondsPerStep: p.secondsPerStep,
      commSecondsPerStep: p.commSecondsPerStep,
      computeSecondsPerStep: p.computeSecondsPerStep,
      totalSeconds: p.totalSeconds,
      model: p.model,
      basis: network.origin === 'measured' ? 'measured' : PUBLISHED_FLAG,
      reason: null,
    },
    costPerRun: { onDemand: cost.onDemand, spotLow: cost.spotLow, spotHigh: cost.spotHigh, reason: costNull },
    warnings: p.warnings.filter((w) => !w.startsWith(PUBLISHED_FLAG) && !w.startsWith('no --compute-us')),
  };
}
