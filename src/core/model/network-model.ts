// Network figures behind one interface, so that measured latency and
// bandwidth (from `hpcrun bench`) can later replace the published ones.

import type { NodeShape } from '../plan/types.js';

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

/**
 * The measured input: what predict needs to know about a network, in
 * seconds and bytes per second. Built from a fitted model file
 * (fromModelFile) or from published figures (publishedPointToPoint).
 */
export interface PointToPoint {
  /** 'measured' (a fitted model) or 'published' (catalog bandwidth and a sourced latency). */
  origin: 'measured' | 'published';
  /** A name for output: the model file, or "published: ...". */
  name: string;
  /** One message alone, seconds: the ping-pong half round trip, α + n/β of n's regime. */
  latency(bytes: number): number;
  /** Time per message back to back in a stream, seconds (the gap; n / one pair's streaming rate). */
  gap(bytes: number): number;
  /** The node's injection rate, bytes/s; undefined: one pair's rate (Foster: senders share one wire). */
  nodeRate: number | undefined;
  /** Sizes the figures were fitted on; undefined for published figures. */
  range: { minBytes: number; maxBytes: number } | undefined;
  /**
   * Open MPI over TCP (a source measured with OMPI_MCA_btl including tcp): the tcp
   * btl's eager limit in bytes, header included. Larger messages go by rendezvous.
   */
  tcpEagerLimitBytes?: number;
}
