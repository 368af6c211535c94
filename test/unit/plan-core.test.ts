import { describe, expect, it } from 'vitest';
import { findShape, validateCatalog, type Catalog } from '../../src/core/catalog/catalog.js';
import { lowerBoundInterNodeEdges, nodeCapacity, osReserveBytes, planJob, type MappingPolicy } from '../../src/core/plan/index.js';
import { renderRankfile } from '../../src/core/render/index.js';
import catalogJson from '../../placement/gce-catalog.json' with { type: 'json' };
import { cores, job, parseRankfile, recount } from '../fixtures/plan/helpers.js';

const catalog = ((): Catalog => {
  const c = validateCatalog(catalogJson);
  if (!c.ok) throw new Error(c.errors.join('; '));
  return c.value;
})();
const GiB = 1024 ** 3;

describe('the worked example (DESIGN §5): 64x64x64, non-periodic, 64-rank nodes', () => {
  it.each([
    // grid, cores, nodes, compact edges, compact worst, block edges, block worst, mapping
    [[64, 64, 64], 64, 4096, 184_320, 96, 516_096, 256, 'boxes 4x4x4'],
    [[100, 100, 100], 64, 15_625, 720_000, 96, 1_995_000, 258, 'boxes 4x4x4'],
    [[16, 16], 16, 16, 96, 16, 240, 32, 'boxes 4x4'],
  ] as const)('grid %j on %i-core nodes -> %i nodes, %i inter-node edges', (grid, c, nodes, edges, worst, blockEdges, blockWorst, mapping) => {
    const plan = planJob(job({ grid: [...grid] }), cores(c));
    expect(plan.nodeCount).toBe(nodes);
    expect(plan.ranksPerNode).toBe(c);
    expect(plan.metrics.interNodeEdges).toBe(edges);
    expect(plan.metrics.maxOffNodeEdgesPerNode).toBe(worst);
    expect(plan.metrics.blockInterNodeEdges).toBe(blockEdges);
    expect(plan.metrics.blockMaxOffNodeEdgesPerNode).toBe(blockWorst);
    expect(plan.metrics.mapping).toBe(mapping);
  });

  it('reaches the lower bound on the total; its worst node (96, an interior cube: 6·c^(2/3)) is above the worst-node bound', () => {
    const plan = planJob(job({ grid: [64, 64, 64] }), cores(64));
    expect(plan.metrics.lowerBoundInterNodeEdges).toBe(184_320);
    // 2 · 184,320 / 4,096 nodes: faces of the grid let boundary nodes have fewer, so 96 is no bound on the worst node.
    expect(plan.metrics.lowerBoundOffNodeEdgesPerNode).toBe(90);
    expect(plan.metrics.maxOffNodeEdgesPerNode).toBe(96);
  });
});

const validityCases: [string, number[], boolean, number, MappingPolicy, number | undefined, number][] = [
  // name, grid, periodic, cores, policy, forced nodes, threads
  ['prime extents 7x11x13', [7, 11, 13], false, 16, 'compact', undefined, 1],
  ['10^3 not divisible into 64-rank boxes', [10, 10, 10], false, 64, 'compact', undefined, 1],
  ['periodic 12x12x12', [12, 12, 12], true, 27, 'compact', undefined, 1],
  ['periodic extent 2', [2, 2, 2], true, 2, 'compact', undefined, 1],
  ['2-D 13x17', [13, 17], false, 8, 'compact', undefined, 1],
  ['2-D periodic 64x64 on 48', [64, 64], true, 48, 'compact', undefined, 1],
  ['1-D prime 97', [97], false, 10, 'compact', undefined, 1],
  ['thin 3x1000', [3, 1000], false, 64, 'compact', undefined, 1],
  ['forced nodes 9 on 6x6x6', [6, 6, 6], false, 64, 'compact', 9, 1],
  ['threads 4 on 32 cores', [8, 8, 8], false, 32, 'compact', undefined, 4],
  ['block', [7, 11, 13], false, 16, 'block', undefined, 1],
  ['cyclic', [7, 11, 13], false, 16, 'cyclic', undefined, 1],
  ['spread over forced 7 nodes', [5, 9], false, 16, 'spread', 7, 1],
  ['block over forced 7 nodes', [5, 9], false, 16, 'block', 7, 1],
];

describe('placement validity', () => {
  it.each(validityCases)('%s', (_name, grid, periodic, c, policy, nodes, threads) => {
    const spec = job({ grid, periodic, policy, nodes, threadsPerRank: threads });
    const plan = planJob(spec, cores(c));
    const ranks = spec.ranks;
    const capacity = Math.floor(c / threads);
    expect(plan.nodeCount).toBe(nodes ?? Math.ceil(ranks / capacity));
    // Every rank placed exactly once, on an existing node; no node over capacity or empty.
    const { hosts, slots } = parseRankfile(renderRankfile(plan));
    expect(hosts).toHaveLength(ranks);
    const perHost = new Map<string, number>();
    for (const h of hosts) perHost.set(h, (perHost.get(h) ?? 0) + 1);
    expect(perHost.size).toBe(plan.nodeCount);
    for (const [host, count] of perHost) {
      expect(count).toBeLessThanOrEqual(capacity);
      expect(plan.nodes.find((n) => n.host === host)?.ranks).toBe(count);
    }
    // Slots on a node are distinct.
    expect(new Set(hosts.map((h, r) => `${h}/${slots[r]}`)).size).toBe(ranks);
    // Metrics agree with a recount from the rankfile.
    const again = recount(grid, periodic, (r) => hosts[r] as string);
    expect(plan.metrics.interNodeEdges).toBe(again.inter);
    expect(plan.metrics.maxOffNodeEdgesPerNode).toBe(again.worst);
    expect(plan.metrics.interNodeEdges).toBeGreaterThanOrEqual(plan.metrics.lowerBoundInterNodeEdges ?? Infinity);
    if (policy === 'compact') expect(plan.metrics.interNodeEdges).toBeLessThanOrEqual(plan.metrics.blockInterNodeEdges ?? -1);
  });

  it('compact beats block clearly when boxes do not tile (10x10x10 on 64-rank nodes uses RCB)', () => {
    const plan = planJob(job({ grid: [10, 10, 10] }), cores(64));
    expect(plan.metrics.mapping).toBe('rcb');
    expect(plan.metrics.interNodeEdges).toBeLessThan(0.7 * (plan.metrics.blockInterNodeEdges ?? 0));
  });

  it('respects memory per rank: 10 GiB ranks on c2-standard-60 (240 GiB, 12 GiB reserve) fit 22 per node', () => {
    const shape = findShape(catalog, 'c2-standard-60');
    const plan = planJob(job({ grid: [10, 10, 10], memPerRankBytes: 10 * GiB }), shape);
    expect(plan.capacity.limitedBy).toBe('memory');
    expect(plan.ranksPerNode).toBe(22);
    expect(plan.ranksPerNode * 10 * GiB).toBeLessThanOrEqual(240 * GiB - osReserveBytes(240 * GiB));
  });
});

describe('capacity', () => {
  it.each([
    // machine, threads, mem per rank GiB, max ranks, expected, limited by
    ['c2-standard-60', 1, undefined, undefined, 30, 'cores'],
    ['c2-standard-60', 2, undefined, undefined, 15, 'cores'],
    ['c2-standard-60', 1, 10, undefined, 22, 'memory'],
    ['h3-standard-88', 1, undefined, undefined, 64, 'cap'],
    ['h3-standard-88', 1, undefined, 88, 88, 'cores'],
    ['c3-standard-176', 1, undefined, undefined, 64, 'cap'],
    ['c3-standard-176', 2, undefined, undefined, 32, 'cap'],
    ['n2d-standard-64', 1, undefined, undefined, 32, 'cores'],
  ] as const)('%s with %i threads, %s GiB/rank, max %s -> %i (%s)', (machine, t, mem, max, expected, by) => {
    const cap = nodeCapacity(job({ ranks: 1000, threadsPerRank: t, memPerRankBytes: mem === undefined ? undefined : mem * GiB, maxRanksPerNode: max }), findShape(catalog, machine), undefined);
    expect(cap.ranksPerNode).toBe(expected);
    expect(cap.limitedBy).toBe(by);
  });

  it('uses the fewest nodes unless --nodes says otherwise', () => {
    expect(planJob(job({ ranks: 1000 }), cores(64)).nodeCount).toBe(16);
    expect(planJob(job({ ranks: 1000, nodes: 20 }), cores(64)).nodeCount).toBe(20);
  });
});

describe('infeasible requests', () => {
  it.each([
    ['a rank larger than usable memory', job({ ranks: 4, memPerRankBytes: 300 * GiB }), 'c2-standard-60', /one rank needs 300 GiB; c2-standard-60 has 240 GiB, 228 GiB usable/],
    ['more threads than physical cores', job({ ranks: 4, threadsPerRank: 31 }), 'c2-standard-60', /needs 31 physical cores per rank; c2-standard-60 has 30/],
    ['too few forced nodes', job({ ranks: 1000, nodes: 2 }), 'n2-standard-64', /raise --nodes to at least 32|at most 32/],
    ['more nodes than ranks', job({ ranks: 4, nodes: 8 }), 'n2-standard-64', /more than the 4 ranks/],
    ['forced nodes and memory', job({ ranks: 100, nodes: 2, memPerRankBytes: 8 * GiB }), 'c2-standard-60', /needs 400 GiB per node; c2-standard-60 has 228 GiB usable/],
  ])('%s', (_name, spec, machine, message) => {
    let thrown: unknown;
    try {
      planJob(spec, findShape(catalog, machine));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ kind: 'infeasible', code: 'HPCRUN_PLAN_INFEASIBLE', exitCode: 67 });
    expect((thrown as Error).message).toMatch(message);
  });

  it('refuses when --hosts lists too few hosts', () => {
    expect(() => planJob(job({ ranks: 200 }), cores(64), [{ name: 'a', slots: undefined }, { name: 'b', slots: undefined }])).toThrow(/needs 4 nodes but --hosts lists 2/);
  });
});

describe('lower bound', () => {
  it.each([
    [[64, 64, 64], false, 64, 184_320],
    [[97], false, 10, 9],
    // Periodic: the best mapping (4x4 boxes or 2x8 strips) has 32, and the bound reaches it.
    [[8, 8], true, 16, 32],
    [[64, 64, 64], true, 64, 196_608],
    [[8, 8, 8], false, 30, 306],
    [[8, 8, 8], true, 30, 341],
  ] as const)('grid %j periodic=%s on %i ranks per node -> %i', (grid, periodic, c, bound) => {
    expect(lowerBoundInterNodeEdges([...grid], periodic, c)).toBe(bound);
  });
});
