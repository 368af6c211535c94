// PointToPoint from a fitted model file, or from published figures. Pure.

import type { ModelFile, Regime } from '../../schemas/index.js';
import type { PointToPoint } from './network-model.js';
import { regimeFor } from './segmented.js';

const at = (regimes: readonly Regime[], bytes: number): number => {
  const r = regimeFor(regimes, bytes);
  return (r.alphaUs + r.usPerByte * bytes) * 1e-6;
};

/** Open MPI 4.x's default btl_tcp_eager_limit (ompi_info --param btl tcp --level 9). */
export const OPENMPI_TCP_EAGER_LIMIT = 65536;

/** The tcp btl's eager limit when a source was measured with Open MPI over TCP (OMPI_MCA_btl names tcp); else undefined. */
function tcpEagerLimit(model: ModelFile): number | undefined {
  const tcp = model.sources.find((s) => s.mpi.flavour === 'openmpi' && (s.transport.OMPI_MCA_btl ?? '').split(',').includes('tcp'));
  if (!tcp) return undefined;
  const set = Number(tcp.transport.OMPI_MCA_btl_tcp_eager_limit);
  return Number.isInteger(set) && set > 0 ? set : OPENMPI_TCP_EAGER_LIMIT;
}

/** A fitted model: latency from the ping-pong fit, gap from the bw fit (else n/β of the latency fit), node rate from mbw. */
export function fromModelFile(model: ModelFile, name: string): PointToPoint {
  const lat = model.latency.regimes;
  const stream = model.streaming?.regimes;
  const eager = tcpEagerLimit(model);
  return {
    ...(eager === undefined ? {} : { tcpEagerLimitBytes: eager }),
    origin: 'measured',
    name,
    latency: (bytes) => at(lat, bytes),
    gap: (bytes) => (stream ? at(stream, bytes) : regimeFor(lat, bytes).usPerByte * bytes * 1e-6),
    nodeRate: model.node?.nodeRateMBps != null ? model.node.nodeRateMBps * 1e6 : undefined,
    range: model.fittedRange,
  };
}

/**
 * Published figures: latency(n) = α + n/B and gap(n) = n/B, with B the
 * shape's published per-VM egress bandwidth (bits/s → bytes/s) and α a
 * published one-way MPI latency. Both are optimistic: real TCP reaches less
 * than the published cap.
 */
export function publishedPointToPoint(gbps: number, latencyUs: number, label: string): PointToPoint {
  const bytesPerSecond = (gbps * 1e9) / 8;
  return {
    origin: 'published',
    name: label,
    latency: (bytes) => latencyUs * 1e-6 + bytes / bytesPerSecond,
    gap: (bytes) => bytes / bytesPerSecond,
    nodeRate: bytesPerSecond,
    range: undefined,
  };
}
