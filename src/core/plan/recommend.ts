// --recommend: plan the job on every catalog shape and rank the results.
// Ranked by cost per hour (the spot price with --spot, else on-demand; a
// shape without that price comes after those with one), then by the
// network-time estimate. Shapes the job does not fit on are listed last with
// the reason.

import { isHpcrunError } from '../../errors.js';
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
}

/** The price --recommend ranks by. */
export const rankedBy = (job: Pick<JobSpec, 'spot'>): 'spot' | 'on-demand' => (job.spot ? 'spot' : 'on-demand');

export function recommend(job: JobSpec, shapes: readonly NodeShape[], model: NetworkModel = publishedBandwidthModel): Recommendation[] {
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
      };
    }
  });
  const key = (r: Recommendation): number => (job.spot ? r.costPerHour.spot : r.costPerHour.onDemand) ?? Infinity;
  return rows.sort(
    (a, b) => Number(b.fits) - Number(a.fits) || key(a) - key(b) || (a.networkSecondsPerStep ?? Infinity) - (b.networkSecondsPerStep ?? Infinity),
  );
}
