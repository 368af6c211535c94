// Per-node capacity: how many ranks one node of a shape can take.

import { HpcrunError } from '../../errors.js';
import { formatBytes } from '../units.js';
import type { CapacityReport, HostEntry, JobSpec, NodeShape } from './types.js';
import { count } from '../text.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** A size to type in a flag that is not above `bytes`: 227.9GiB, 512MiB (rounded down, never up). */
export function sizeAtMost(bytes: number): string {
  if (bytes >= GiB) return `${Math.floor((10 * bytes) / GiB) / 10}GiB`;
  return `${Math.floor(bytes / MiB)}MiB`;
}

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
      `--threads-per-rank ${t} needs ${count(t, 'physical core')} per rank; ${shape.name} has ${shape.physicalCores}`,
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
      if (byMemory < 1 && usable < MiB) {
        // Nothing is left for ranks: suggesting "--mem-per-rank at most 0 B" would be no fix at all.
        throw infeasible(
          `${shape.name} has ${formatBytes(shape.memoryBytes)}, all of it kept back as the OS reserve (the larger of 2 GiB and 5%: ${formatBytes(reserve)}), so no rank fits`,
          `give nodes with more than ${formatBytes(reserve)} of memory (--mem-per-node, or a larger --machine)`,
        );
      }
      if (byMemory < 1) {
        throw infeasible(
          `one rank needs ${formatBytes(job.memPerRankBytes)}; ${shape.name} has ${formatBytes(shape.memoryBytes)}, ` +
            `${formatBytes(usable)} usable after the ${formatBytes(reserve)} OS reserve`,
          `lower --mem-per-rank to at most ${sizeAtMost(usable)} or choose a machine with more memory`,
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
    throw infeasible(`--nodes ${job.nodes} is more than the ${count(job.ranks, 'rank')}: some nodes would be empty`, `use --nodes ${job.ranks} or fewer`);
  }
  if (job.nodes < fewest) {
    const perNode = Math.ceil(job.ranks / job.nodes);
    const parts = [`${count(perNode, 'rank')} per node`];
    if (job.memPerRankBytes !== undefined && cap.limitedBy === 'memory') {
      parts.push(`needs ${formatBytes(perNode * job.memPerRankBytes)} per node; ${shape.name} has ${formatBytes(cap.usableMemoryBytes ?? 0)} usable`);
    }
    throw infeasible(
      `${count(job.ranks, 'rank')} on --nodes ${job.nodes} means ${parts.join(': ')}, but a node takes at most ${cap.ranksPerNode} (limited by ${cap.limitedBy})`,
      `raise --nodes to at least ${fewest}` + (cap.limitedBy === 'memory' ? ' or lower --mem-per-rank' : ''),
    );
  }
  return job.nodes;
}
