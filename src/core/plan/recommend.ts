// --recommend: plan the job on every catalog shape and rank the results.
// Each shape that fits gets a predicted time per step (src/core/model/: a
// measured model from --model, else published figures) and, with --steps, a
// runtime and a cost per run. Ranked by --objective: cost (default) is the
// cost per run (the Spot range's high end with --spot, else on demand), or,
// without --steps, cost per hour as before; time is the predicted time per
// step. A shape without the ranked figure comes after those with one; ties go
// to the other objective, then to the first network-time estimate. Shapes the
// job does not fit on are listed last with the reason. The time–cost Pareto
// front is marked (pareto: true).

import { isHpcrunError } from '../../errors.js';
import { nullCost, predictPlan, type CostFigures, type Network, type PredictedFigures, type PredictOptions } from '../model/choose.js';
import { costPerRun, paretoFront } from '../model/cost.js';
import { publishedBandwidthModel, type NetworkModel } from '../model/network-model.js';
import { planJob } from './planner.js';
import type { JobSpec, NodeShape } from './types.js';

export interface Recommendation {
  machine: string;
  fits: boolean;
  reason?: string;
  nodeCount: number | null;
  ranksPerNode: number | null;
  costPerHour: { onDemand: number | null; spot: number | null };
  interNodeEdges: number | null;
  maxOffNodeEdgesPerNode: number | null;
  networkBytesPerNodePerStep: number | null;
  /** First estimate of seconds per step the worst node spends on the network. */
  networkSecondsPerStep: number | null;
  networkModel: string;
  flags: string[];
  predicted: PredictedFigures;
  costPerRun: CostFigures;
  /** On the time–cost Pareto front: no other shape is both as fast and as cheap. */
  pareto: boolean;
}

export type Objective = 'cost' | 'time';

export interface RecommendOptions {
  model?: NetworkModel;
  /** The network figures for a shape (choose.ts networkFor); without it, nothing is predicted. */
  networkFor?: (shape: NodeShape) => Network;
  predict?: PredictOptions;
  objective?: Objective;
}

/** The price --recommend ranks by. */
export const rankedBy = (job: Pick<JobSpec, 'spot'>): 'spot' | 'on-demand' => (job.spot ? 'spot' : 'on-demand');

export function recommend(job: JobSpec, shapes: readonly NodeShape[], options: RecommendOptions = {}): Recommendation[] {
  const model = options.model ?? publishedBandwidthModel;
  const predictOptions = options.predict ?? { haloBytes: job.haloBytes, computeUs: undefined, steps: undefined };
  const rows = shapes.map((shape): Recommendation => {
    const flags: string[] = [];
    try {
      // Recommendation never refuses for placement: it flags instead.
      const plan = planJob({ ...job, gcePlacement: job.gcePlacement === 'none' ? 'none' : 'auto' }, shape);
      const m = plan.metrics;
      if (shape.provider === 'gce' && plan.gce && plan.gce.policies.length === 0 && plan.nodeCount > 1 && job.gcePlacement !== 'none') {
        flags.push('no-compact-placement');
      }
      if (plan.gce && plan.gce.policies.length > 1) flags.push(`placement-split-${plan.gce.policies.length}`);
      if (plan.warnings.some((w) => w.includes('over Ethernet'))) flags.push('ethernet-over-1000-cores');
      if (plan.capacity.limitedBy === 'memory') flags.push('memory-bound');
      if (plan.capacity.limitedBy === 'cap') flags.push('64-core-cap');
      if (shape.tier1Gbps === undefined && shape.provider === 'gce') flags.push('no-tier1');
      if (job.spot && shape.spotPerHour === undefined) flags.push('no-spot-price');
      const bytes = m.maxNetworkBytesPerNodePerStep;
      const estimate =
        bytes === null || m.maxOffNodeEdgesPerNode === null
          ? undefined
          : model.estimate({ shape, bytesPerNodePerStep: bytes, messagesPerNodePerStep: m.maxOffNodeEdgesPerNode, tier1: false });
      const network: Network = options.networkFor ? options.networkFor(shape) : { reason: 'no network figures given' };
      const prediction = predictPlan(plan, network, predictOptions);
      if (prediction.predicted.basis === 'published, not measured') flags.push('published-not-measured');
      if (prediction.warnings.some((w) => w.includes('extrapolates'))) flags.push('extrapolates');
      return {
        machine: shape.name,
        fits: true,
        nodeCount: plan.nodeCount,
        ranksPerNode: plan.ranksPerNode,
        costPerHour: { onDemand: plan.costPerHour?.onDemand ?? null, spot: plan.costPerHour?.spot ?? null },
        interNodeEdges: m.interNodeEdges,
        maxOffNodeEdgesPerNode: m.maxOffNodeEdgesPerNode,
        networkBytesPerNodePerStep: bytes,
        networkSecondsPerStep: estimate?.secondsPerStep ?? null,
        networkModel: model.name,
        flags,
        predicted: prediction.predicted,
        costPerRun: prediction.costPerRun,
        pareto: false,
      };
    } catch (error) {
      if (!isHpcrunError(error) || error.kind !== 'infeasible') throw error;
      return {
        machine: shape.name,
        fits: false,
        reason: error.message,
        nodeCount: null,
        ranksPerNode: null,
        costPerHour: { onDemand: null, spot: null },
        interNodeEdges: null,
        maxOffNodeEdgesPerNode: null,
        networkBytesPerNodePerStep: null,
        networkSecondsPerStep: null,
        networkModel: model.name,
        flags: ['does-not-fit'],
        predicted: { secondsPerStep: null, commSecondsPerStep: null, computeSecondsPerStep: null, totalSeconds: null, model: null, basis: null, reason: 'does not fit' },
        costPerRun: nullCost('does not fit'),
        pareto: false,
      };
    }
  });
  markPareto(rows, job.spot);
  return rankRows(rows, job.spot, options.objective ?? 'cost', predictOptions.steps !== undefined);
}

/** The cost the front and the ranking use: per run (Spot's high end with --spot), or per step when there are no --steps. */
function runCost(r: Recommendation, spot: boolean): number | null {
  if (r.costPerRun.onDemand !== null || r.costPerRun.spotHigh !== null) return spot ? r.costPerRun.spotHigh : r.costPerRun.onDemand;
  const perStep = r.predicted.secondsPerStep;
  if (perStep === null || r.nodeCount === null) return null;
  const c = costPerRun(perStep, r.nodeCount, { onDemandPerHour: r.costPerHour.onDemand === null ? null : r.costPerHour.onDemand / r.nodeCount, spotPerHour: r.costPerHour.spot === null ? null : r.costPerHour.spot / r.nodeCount });
  return spot ? c.spotHigh : c.onDemand;
}

function markPareto(rows: Recommendation[], spot: boolean): void {
  const front = paretoFront(rows.map((r) => ({ time: r.fits ? r.predicted.secondsPerStep : null, cost: r.fits ? runCost(r, spot) : null })));
  rows.forEach((r, i) => {
    r.pareto = front.has(i);
  });
}

function rankRows(rows: Recommendation[], spot: boolean, objective: Objective, hasSteps: boolean): Recommendation[] {
  const inf = (x: number | null): number => x ?? Infinity;
  const hourly = (r: Recommendation): number => inf(spot ? r.costPerHour.spot : r.costPerHour.onDemand);
  // Without --steps there is no cost per run: cost ranks by $/h, as it always has.
  const cost = (r: Recommendation): number => (hasSteps ? inf(runCost(r, spot)) : hourly(r));
  const time = (r: Recommendation): number => inf(r.predicted.secondsPerStep);
  const [first, second] = objective === 'time' ? [time, cost] : [cost, time];
  return rows.sort(
    (a, b) =>
      Number(b.fits) - Number(a.fits) || first(a) - first(b) || second(a) - second(b) || (a.networkSecondsPerStep ?? Infinity) - (b.networkSecondsPerStep ?? Infinity),
  );
}
