// Per-node capacity: how many ranks one node of a shape can take.

import { HpcrunError } from '../../errors.js';
import { formatBytes } from '../units.js';
import type { CapacityReport, HostEntry, JobSpec, NodeShape } from './types.js';

const GiB = 1024 ** 3;

/** Cores per node hpcrun uses by default: a 64-way job never touches the network. */
export const DEFAULT_CORE_CAP = 64;

/**
 * Memory kept back for the OS, daemons and MPI buffers: the larger of 2 GiB
 * and 5% of the node's memory. (240 GiB -> 12 GiB reserved, 228 GiB usable.)
 */
export function osReserveBytes(memoryBytes: number): number {
  return Math.max(2 * GiB, Math.ceil(memoryBytes * 0.05));
}

export function infeasible(message: string, hint?: string): HpcrunError {
  return new HpcrunError('infeasible', 'HPCRUN_PLAN_INFEASIBLE', message, { hint });
}

/**
 * min(physical cores / threads, floor(usable memory / memory per rank),
 * max ranks per node (default floor(64 / threads)), host slots).
 * Throws an infeasible error when not even one rank fits.
 */
export function nodeCapacity(job: JobSpec, shape: NodeShape, hosts: readonly HostEntry[] | undefined): CapacityReport {
  const t = job.threadsPerRank;
  const byCores = Math.floor(shape.physicalCores / t);
  if (byCores < 1) {
    throw infeasible(
      `--threads-per-rank ${t} needs ${t} physical cores per rank; ${shape.name} has ${shape.physicalCores}`,
      `lower --threads-per-rank to at most ${shape.physicalCores} or choose a larger machine`,
    );
  }
  let byMemory: number | undefined;
  let reserve: number | undefined;
  let usable: number | undefined;
  if (shape.memoryBytes !== undefined) {
    reserve = osReserveBytes(shape.memoryBytes);
    usable = Math.max(0, shape.memoryBytes - reserve);
    if (job.memPerRankBytes !== undefined) {
      byMemory = Math.floor(usable / job.memPerRankBytes);
      if (byMemory < 1) {
        throw infeasible(
          `one rank needs ${formatBytes(job.memPerRankBytes)}; ${shape.name} has ${formatBytes(shape.memoryBytes)}, ` +
            `${formatBytes(usable)} usable after the ${formatBytes(reserve)} OS reserve`,
          `lower --mem-per-rank to at most ${formatBytes(usable)} or choose a machine with more memory`,
        );
      }
    }
  }
  const byCap = job.maxRanksPerNode ?? Math.max(1, Math.floor(DEFAULT_CORE_CAP / t));
  let byHosts: number | undefined;
  if (hosts !== undefined) {
    const slots = hosts.map((h) => h.slots).filter((s): s is number => s !== undefined);
    if (slots.length > 0) byHosts = Math.min(...slots);
  }
  const candidates: [CapacityReport['limitedBy'], number][] = [
    ['cores', byCores],
    ['memory', byMemory ?? Infinity],
    ['cap', byCap],
    ['hosts', byHosts ?? Infinity],
  ];
  let limitedBy: CapacityReport['limitedBy'] = 'cores';
  let ranksPerNode = Infinity;
  for (const [reason, value] of candidates) {
    if (value < ranksPerNode) {
      ranksPerNode = value;
      limitedBy = reason;
    }
  }
  return { ranksPerNode, byCores, byMemory, byCap, byHosts, limitedBy, osReserveBytes: reserve, usableMemoryBytes: usable };
}

/** The node count: fewest that fit, or --nodes checked against capacity and memory. */
export function chooseNodeCount(job: JobSpec, shape: NodeShape, cap: CapacityReport): number {
  const fewest = Math.ceil(job.ranks / cap.ranksPerNode);
  if (job.nodes === undefined) return fewest;
  if (job.nodes > job.ranks) {
    throw infeasible(`--nodes ${job.nodes} is more than the ${job.ranks} ranks: some nodes would be empty`, `use --nodes ${job.ranks} or fewer`);
  }
  if (job.nodes < fewest) {
    const perNode = Math.ceil(job.ranks / job.nodes);
    const parts = [`${perNode} ranks per node`];
    if (job.memPerRankBytes !== undefined && cap.limitedBy === 'memory') {
      parts.push(`needs ${formatBytes(perNode * job.memPerRankBytes)} per node; ${shape.name} has ${formatBytes(cap.usableMemoryBytes ?? 0)} usable`);
    }
    throw infeasible(
      `${job.ranks} ranks on --nodes ${job.nodes} means ${parts.join(': ')}, but a node takes at most ${cap.ranksPerNode} (limited by ${cap.limitedBy})`,
      `raise --nodes to at least ${fewest}` + (cap.limitedBy === 'memory' ? ' or lower --mem-per-rank' : ''),
    );
  }
  return job.nodes;
}
