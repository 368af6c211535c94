// Network figures behind one interface, so that measured latency and
// bandwidth (from `hpcrun bench`) can later replace the published ones.

import type { NodeShape } from './types.js';

export interface NetworkEstimateInput {
  shape: NodeShape;
  /** Bytes one node sends off-node per step (the worst node). */
  bytesPerNodePerStep: number;
  /** Off-node messages of that node per step. */
  messagesPerNodePerStep: number;
  /** Use Tier_1 bandwidth when the shape has it. */
  tier1: boolean;
}

export interface NetworkEstimate {
  /** Seconds per step spent moving the worst node's halo off the node. */
  secondsPerStep: number;
  bandwidthGbps: number;
  latencySeconds: number;
  model: string;
}

export interface NetworkModel {
  readonly name: string;
  /** Undefined when the model has no figures for this shape. */
  estimate(input: NetworkEstimateInput): NetworkEstimate | undefined;
}

/**
 * First estimate from the shape's published per-VM egress bandwidth: bytes
 * over bandwidth, latency not modelled (0). It is a lower bound on the time:
 * real TCP/MPI reaches less than the published cap.
 */
export const publishedBandwidthModel: NetworkModel = {
  name: 'published-bandwidth',
  estimate({ shape, bytesPerNodePerStep, tier1 }) {
    const gbps = tier1 && shape.tier1Gbps !== undefined ? shape.tier1Gbps : shape.networkGbps;
    if (gbps === undefined || gbps <= 0) return undefined;
    return {
      secondsPerStep: (bytesPerNodePerStep * 8) / (gbps * 1e9),
      bandwidthGbps: gbps,
      latencySeconds: 0,
      model: 'published-bandwidth',
    };
  },
};

/** A model from measured figures: time = messages · latency + bytes / bandwidth. */
export function measuredModel(name: string, latencySeconds: number, bandwidthGbps: number): NetworkModel {
  return {
    name,
    estimate({ bytesPerNodePerStep, messagesPerNodePerStep }) {
      return {
        secondsPerStep: messagesPerNodePerStep * latencySeconds + (bytesPerNodePerStep * 8) / (bandwidthGbps * 1e9),
        bandwidthGbps,
        latencySeconds,
        model: name,
      };
    },
  };
}
