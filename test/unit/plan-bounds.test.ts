// Property tests: a lower bound never exceeds what any placement achieves,
// for the total of inter-node edges and for the worst node, periodic or not.
import { describe, expect, it } from 'vitest';
import { countEdges, lowerBoundInterNodeEdges, lowerBoundWorstNode, planJob, type MappingPolicy } from '../../src/core/plan/index.js';
import { findShape, validateCatalog } from '../../src/core/catalog/catalog.js';
import { renderSummary } from '../../src/core/render/index.js';
import catalogJson from '../../placement/gce-catalog.json' with { type: 'json' };
import { cores, job, recount } from '../fixtures/plan/helpers.js';

/** mulberry32: a small seeded generator, so every run checks the same cases. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const int = (rand: () => number, low: number, high: number): number => low + Math.floor(rand() * (high - low + 1));

interface Case {
  grid: number[];
  periodic: boolean;
  perNode: number;
  nodes: number;
}

function randomCase(rand: () => number): Case {
  const d = int(rand, 1, 3);
  const grid = Array.from({ length: d }, () => int(rand, 1, d === 1 ? 60 : d === 2 ? 14 : 8));
  const n = grid.reduce((a, b) => a * b, 1);
  const perNode = int(rand, 1, Math.max(1, Math.min(n, 48)));
  const nodes = Math.min(n, Math.ceil(n / perNode) + int(rand, 0, 3));
  return { grid, periodic: rand() < 0.5, perNode, nodes };
}

/** A random assignment of every rank to `nodes` nodes, none over perNode. */
function randomAssignment(rand: () => number, n: number, nodes: number, perNode: number): Int32Array {
  const slots: number[] = [];
  for (let node = 0; node < nodes; node += 1) for (let k = 0; k < perNode; k += 1) slots.push(node);
  for (let i = slots.length - 1; i > 0; i -= 1) {
    const j = int(rand, 0, i);
    [slots[i], slots[j]] = [slots[j] as number, slots[i] as number];
  }
  return Int32Array.from(slots.slice(0, n));
}

function check(grid: number[], periodic: boolean, map: Int32Array, nodes: number, what: string): void {
  const loads = new Int32Array(nodes);
  for (const node of map) loads[node] = (loads[node] as number) + 1;
  const maxLoad = Math.max(...loads);
  const achieved = countEdges(grid, periodic, map, nodes);
  const label = `${what}: grid ${grid.join('x')}${periodic ? ' periodic' : ''}, ${nodes} nodes of <= ${maxLoad}`;
  expect(lowerBoundInterNodeEdges(grid, periodic, maxLoad), `${label}, total`).toBeLessThanOrEqual(achieved.interNodeEdges);
  expect(lowerBoundWorstNode(grid, periodic, maxLoad, nodes), `${label}, worst node`).toBeLessThanOrEqual(achieved.maxOffNodeEdgesPerNode);
}

describe('lower bounds never exceed what is achieved', () => {
  it('over 400 random grids, capacities and node counts, periodic and not: random placements, and the planner\'s every policy', () => {
    const rand = random(20250304);
    const policies: MappingPolicy[] = ['compact', 'block', 'cyclic', 'spread'];
    for (let i = 0; i < 400; i += 1) {
      const c = randomCase(rand);
      const n = c.grid.reduce((a, b) => a * b, 1);
      for (let k = 0; k < 3; k += 1) check(c.grid, c.periodic, randomAssignment(rand, n, c.nodes, c.perNode), c.nodes, 'random placement');
      const policy = policies[i % policies.length] as MappingPolicy;
      const plan = planJob(job({ grid: c.grid, periodic: c.periodic, policy, nodes: c.nodes }), cores(c.perNode));
      const m = plan.metrics;
      const label = `${policy} plan of ${c.grid.join('x')}${c.periodic ? ' periodic' : ''} on ${plan.nodeCount} x ${c.perNode}`;
      expect(m.lowerBoundInterNodeEdges, label).toBeLessThanOrEqual(m.interNodeEdges as number);
      expect(m.lowerBoundOffNodeEdgesPerNode, label).toBeLessThanOrEqual(m.maxOffNodeEdgesPerNode as number);
      expect(m.lowerBoundInterNodeEdges, label).toBeLessThanOrEqual(m.blockInterNodeEdges as number);
      expect(m.lowerBoundOffNodeEdgesPerNode, label).toBeLessThanOrEqual(m.blockMaxOffNodeEdgesPerNode as number);
    }
  });

  it.each([
    // grid, periodic, nodes, per node: every assignment is tried, so the bound is checked against the true optimum
    [[2, 4], false, 2, 4],
    [[2, 4], true, 2, 4],
    [[3, 3], false, 3, 3],
    [[3, 3], true, 3, 3],
    [[2, 2, 2], true, 2, 4],
    [[2, 2, 2], false, 3, 3],
    [[8], true, 3, 3],
    [[2, 3], true, 3, 2],
  ] as const)('grid %j periodic=%s on %i nodes of %i: below the optimum over every assignment', (grid, periodic, nodes, perNode) => {
    const n = grid.reduce((a, b) => a * b, 1);
    let bestTotal = Infinity;
    let bestWorst = Infinity;
    const map = new Int32Array(n);
    const visit = (rank: number, loads: number[]): void => {
      if (rank === n) {
        const e = countEdges([...grid], periodic, map, nodes);
        bestTotal = Math.min(bestTotal, e.interNodeEdges);
        const maxLoad = Math.max(...loads);
        // The worst-node bound is for the nodes' largest load; check each assignment against its own.
        expect(lowerBoundWorstNode([...grid], periodic, maxLoad, nodes)).toBeLessThanOrEqual(e.maxOffNodeEdgesPerNode);
        if (maxLoad === perNode) bestWorst = Math.min(bestWorst, e.maxOffNodeEdgesPerNode);
        return;
      }
      for (let node = 0; node < nodes; node += 1) {
        if ((loads[node] as number) >= perNode) continue;
        map[rank] = node;
        loads[node] = (loads[node] as number) + 1;
        visit(rank + 1, loads);
        loads[node] = (loads[node] as number) - 1;
      }
    };
    visit(0, new Array<number>(nodes).fill(0));
    expect(lowerBoundInterNodeEdges([...grid], periodic, perNode)).toBeLessThanOrEqual(bestTotal);
    expect(lowerBoundWorstNode([...grid], periodic, perNode, nodes)).toBeLessThanOrEqual(bestWorst);
  });
});

describe('the reported case and the worked examples', () => {
  const catalog = (() => {
    const c = validateCatalog(catalogJson);
    if (!c.ok) throw new Error(c.errors.join('; '));
    return c.value;
  })();

  it.each([
    // grid, periodic, edges achieved, worst achieved, bound on edges, bound on the worst node
    [false, 392, 57, 306, 34],
    [true, 584, 72, 341, 39],
  ])('8x8x8 periodic=%s on c2-standard-60 (30-rank nodes): %i edges, worst %i; bounds %i and %i', (periodic, edges, worst, boundEdges, boundWorst) => {
    const plan = planJob(job({ grid: [8, 8, 8], periodic }), findShape(catalog, 'c2-standard-60'));
    expect(plan.metrics).toMatchObject({ interNodeEdges: edges, maxOffNodeEdgesPerNode: worst, lowerBoundInterNodeEdges: boundEdges, lowerBoundOffNodeEdgesPerNode: boundWorst });
    const again = recount([8, 8, 8], periodic, (r) => String(plan.rankToNode[r]));
    expect(again).toEqual({ inter: edges, worst });
  });

  it.each([
    // grid, periodic, per node: the bounds are reached (optimal placements)
    [[64, 64, 64], false, 64, 184_320, 90],
    [[64, 64, 64], true, 64, 196_608, 96],
    [[8, 8], true, 16, 32, 16],
  ] as const)('%j periodic=%s on %i-rank nodes: bounds %i and %i, and the plan reaches the total', (grid, periodic, c, boundEdges, boundWorst) => {
    const plan = planJob(job({ grid: [...grid], periodic }), cores(c));
    expect(plan.metrics.lowerBoundInterNodeEdges).toBe(boundEdges);
    expect(plan.metrics.lowerBoundOffNodeEdgesPerNode).toBe(boundWorst);
    expect(plan.metrics.interNodeEdges).toBe(boundEdges);
  });

  it('prints each share of block order in its own column, and bounds as ≥', () => {
    const plan = planJob(job({ grid: [8, 8, 8] }), findShape(catalog, 'c2-standard-60'));
    const table = renderSummary(plan).split('\n').filter((line) => /^ {2}(inter-node|  this plan|  block order|  lower bound)/.test(line));
    expect(table).toEqual([
      '  inter-node edges   total                  worst node',
      '    this plan        392 (67.7% of block)   57 (73.1% of block)',
      '    block order      579                    78',
      '    lower bound      ≥ 306                  ≥ 34',
    ]);
  });
});
