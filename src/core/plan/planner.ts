// The pure planner: job x shape (x hosts) -> Plan. No I/O, no clock.

import { boxMapping, boxTilings } from './boxes.js';
import { chooseNodeCount, infeasible, nodeCapacity } from './capacity.js';
import { gcePlacement } from './gce.js';
import { countEdges, lowerBoundInterNodeEdges, lowerBoundWorstNode } from './grid.js';
import { blockMapping, cyclicMapping, nodeLoads, rankSlots, spreadMapping } from './mapping.js';
import { rcbMapping } from './rcb.js';
import type { HostEntry, JobSpec, NodeShape, Plan, PlanMetrics } from './types.js';
import { count, grouped } from '../text.js';

export const ETHERNET_CORE_WARNING = 1000;

interface Candidate {
  name: string;
  edges: number;
  worst: number;
  build: () => Int32Array;
}

/** Placeholder host names node0001, node0002, ... (wider when needed). */
export function placeholderHosts(count: number): string[] {
  const width = Math.max(4, String(count).length);
  return Array.from({ length: count }, (_, i) => `node${String(i + 1).padStart(width, '0')}`);
}

/** Compact mapping of a grid: node-sized boxes when they tile, else RCB; never worse than block. */
function compactGrid(job: JobSpec, grid: number[], nodes: number, capacity: number): { map: Int32Array; name: string } {
  const candidates: Candidate[] = [];
  if (job.ranks % nodes === 0 && job.ranks / nodes <= capacity) {
    for (const t of boxTilings(grid, job.periodic, job.ranks / nodes)) {
      candidates.push({ name: `boxes ${t.box.join('x')}`, edges: t.interNodeEdges, worst: t.maxOffNodeEdgesPerNode, build: () => boxMapping(grid, t.box) });
    }
  }
  const byQuality = (a: Candidate, b: Candidate): number => a.edges - b.edges || a.worst - b.worst;
  candidates.sort(byQuality);
  const bound = lowerBoundInterNodeEdges(grid, job.periodic, Math.ceil(job.ranks / nodes));
  const best = candidates[0];
  // A tiling that meets the lower bound is optimal: skip the costlier candidates.
  if (best && best.edges <= bound) return { map: best.build(), name: best.name };
  const built: { name: string; map: Int32Array; edges: number; worst: number }[] = [];
  if (best) built.push({ name: best.name, map: best.build(), edges: best.edges, worst: best.worst });
  for (const [name, map] of [
    ['rcb', rcbMapping(grid, nodes, capacity)],
    ['block', blockMapping(job.ranks, nodes, capacity)],
  ] as const) {
    const e = countEdges(grid, job.periodic, map, nodes);
    built.push({ name, map, edges: e.interNodeEdges, worst: e.maxOffNodeEdgesPerNode });
  }
  built.sort((a, b) => a.edges - b.edges || a.worst - b.worst);
  const chosen = built[0] as (typeof built)[number];
  return { map: chosen.map, name: chosen.name };
}

function mapRanks(job: JobSpec, nodes: number, capacity: number): { map: Int32Array; name: string } {
  switch (job.policy) {
    case 'cyclic':
      return { map: cyclicMapping(job.ranks, nodes), name: 'cyclic' };
    case 'spread':
      return { map: spreadMapping(job.ranks, nodes), name: 'spread' };
    case 'block':
      return { map: blockMapping(job.ranks, nodes, capacity), name: 'block' };
    case 'compact':
      if (job.grid === undefined || nodes === 1) return { map: blockMapping(job.ranks, nodes, capacity), name: 'block' };
      return compactGrid(job, job.grid, nodes, capacity);
  }
}

function metricsFor(job: JobSpec, map: Int32Array, nodes: number, capacity: number, mapping: string): PlanMetrics {
  const empty: PlanMetrics = {
    interNodeEdges: null,
    maxOffNodeEdgesPerNode: null,
    blockInterNodeEdges: null,
    blockMaxOffNodeEdgesPerNode: null,
    lowerBoundInterNodeEdges: null,
    lowerBoundOffNodeEdgesPerNode: null,
    networkBytesPerStep: null,
    maxNetworkBytesPerNodePerStep: null,
    mapping,
  };
  if (job.grid === undefined) return empty;
  const own = countEdges(job.grid, job.periodic, map, nodes);
  const block = job.policy === 'block' ? own : countEdges(job.grid, job.periodic, blockMapping(job.ranks, nodes, capacity), nodes);
  const halo = job.haloBytes;
  return {
    ...empty,
    interNodeEdges: own.interNodeEdges,
    maxOffNodeEdgesPerNode: own.maxOffNodeEdgesPerNode,
    blockInterNodeEdges: block.interNodeEdges,
    blockMaxOffNodeEdgesPerNode: block.maxOffNodeEdgesPerNode,
    // Bounds for any placement on these nodes (at most `capacity` ranks each), so they sit below block order too.
    lowerBoundInterNodeEdges: lowerBoundInterNodeEdges(job.grid, job.periodic, capacity),
    lowerBoundOffNodeEdgesPerNode: lowerBoundWorstNode(job.grid, job.periodic, capacity, nodes),
    // Each cut edge carries one halo message each way.
    networkBytesPerStep: halo === undefined ? null : 2 * halo * own.interNodeEdges,
    maxNetworkBytesPerNodePerStep: halo === undefined ? null : halo * own.maxOffNodeEdgesPerNode,
  };
}

export function planJob(job: JobSpec, shape: NodeShape, hosts?: readonly HostEntry[]): Plan {
  const capacity = nodeCapacity(job, shape, hosts);
  const nodeCount = chooseNodeCount(job, shape, capacity);
  if (hosts !== undefined && hosts.length < nodeCount) {
    throw infeasible(
      `the plan needs ${count(nodeCount, 'node')} but --hosts lists ${hosts.length}`,
      `add hosts, raise slots, or lower the ranks (each node takes at most ${count(capacity.ranksPerNode, 'rank')})`,
    );
  }
  const { map, name } = mapRanks(job, nodeCount, capacity.ranksPerNode);
  const loads = nodeLoads(map, nodeCount);
  const names = hosts ? hosts.slice(0, nodeCount).map((h) => h.name) : placeholderHosts(nodeCount);
  let ranksPerNode = 0;
  for (const load of loads) if (load > ranksPerNode) ranksPerNode = load;
  const warnings: string[] = [];
  const gce = gcePlacement(job, shape, nodeCount, warnings);
  const cores = job.ranks * job.threadsPerRank;
  if (cores > ETHERNET_CORE_WARNING && (shape.interconnect === 'ethernet' || shape.provider === 'gce')) {
    warnings.push(
      `${grouped(cores)} cores over Ethernet: tightly coupled jobs beyond about ${grouped(ETHERNET_CORE_WARNING)} cores often stop scaling on commodity Ethernet; measure with a smaller run first`,
    );
  }
  if (job.spot) {
    const od = shape.onDemandPerHour;
    const sp = shape.spotPerHour;
    const saving = od !== undefined && sp !== undefined ? `${Math.round(100 * (1 - sp / od))}% cheaper by the catalog` : 'about 80% cheaper';
    warnings.push(
      `Spot VMs are ${saving} but can be preempted at any time: expect to lose 5-15% of nodes on long runs, so tightly coupled jobs need checkpoints`,
    );
  }
  if (capacity.limitedBy === 'cap' && job.maxRanksPerNode === undefined && capacity.byCores > capacity.byCap) {
    warnings.push(
      `using ${capacity.byCap * job.threadsPerRank} of ${shape.physicalCores} physical cores per node (default cap of 64); raise it with --max-ranks-per-node`,
    );
  }
  if (job.memPerRankBytes !== undefined && shape.memoryBytes === undefined) {
    warnings.push(`${shape.name} has no memory figure: --mem-per-rank was not checked (give --mem-per-node)`);
  }
  const price = shape.onDemandPerHour !== undefined || shape.spotPerHour !== undefined;
  return {
    schemaVersion: 1,
    job,
    shape,
    capacity,
    nodeCount,
    ranksPerNode,
    threadsPerRank: job.threadsPerRank,
    nodes: names.map((host, i) => ({ host, ranks: loads[i] as number })),
    rankToNode: map,
    rankSlot: rankSlots(map, nodeCount),
    metrics: metricsFor(job, map, nodeCount, capacity.ranksPerNode, name),
    gce,
    costPerHour: price
      ? {
          onDemand: shape.onDemandPerHour === undefined ? undefined : round2(shape.onDemandPerHour * nodeCount),
          spot: shape.spotPerHour === undefined ? undefined : round2(shape.spotPerHour * nodeCount),
        }
      : undefined,
    warnings,
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
