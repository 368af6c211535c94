// Cartesian process grids: row-major rank numbering (last dimension fastest,
// as MPI_Cart_create without reorder), stencil edge counts and lower bounds.
//
// An "edge" is one link of the 7-point (2d+1-point) stencil: (r, r + e_i) for
// each dimension i, wrapping round when the grid is periodic. A periodic
// extent of 2 therefore has two links between the same pair of ranks (they
// carry two halo messages); an extent of 1 has none.

export interface EdgeCount {
  interNodeEdges: number;
  maxOffNodeEdgesPerNode: number;
  /** Off-node edges of each node. */
  offNode: Int32Array;
}

export function gridSize(grid: readonly number[]): number {
  return grid.reduce((a, b) => a * b, 1);
}

/** Strides of the row-major numbering: stride[last] = 1. */
export function strides(grid: readonly number[]): number[] {
  const s = new Array<number>(grid.length).fill(1);
  for (let i = grid.length - 2; i >= 0; i -= 1) s[i] = (s[i + 1] ?? 1) * (grid[i + 1] ?? 1);
  return s;
}

/** Calls visit(a, b) for every stencil link, in O(ranks x dims) without divisions. */
export function forEachEdge(grid: readonly number[], periodic: boolean, visit: (a: number, b: number) => void): void {
  const st = strides(grid);
  const total = gridSize(grid);
  for (let i = 0; i < grid.length; i += 1) {
    const g = grid[i] ?? 1;
    const s = st[i] ?? 1;
    if (g < 2) continue;
    const block = g * s;
    for (let base = 0; base < total; base += block) {
      for (let x = 0; x < g; x += 1) {
        const row = base + x * s;
        const last = x === g - 1;
        if (last && !periodic) continue;
        const next = last ? base : row + s;
        for (let k = 0; k < s; k += 1) visit(row + k, next + k);
      }
    }
  }
}

/** Counts inter-node edges for a rank -> node assignment. */
export function countEdges(grid: readonly number[], periodic: boolean, rankToNode: Int32Array, nodeCount: number): EdgeCount {
  const offNode = new Int32Array(nodeCount);
  let inter = 0;
  forEachEdge(grid, periodic, (a, b) => {
    const na = rankToNode[a] as number;
    const nb = rankToNode[b] as number;
    if (na !== nb) {
      inter += 1;
      offNode[na] = (offNode[na] as number) + 1;
      offNode[nb] = (offNode[nb] as number) + 1;
    }
  });
  let max = 0;
  for (let n = 0; n < nodeCount; n += 1) if ((offNode[n] as number) > max) max = offNode[n] as number;
  return { interNodeEdges: inter, maxOffNodeEdgesPerNode: max, offNode };
}

/** All stencil links in the grid. */
export function totalEdges(grid: readonly number[], periodic: boolean): number {
  const n = gridSize(grid);
  let sum = 0;
  for (const g of grid) if (g > 1) sum += (periodic ? g : g - 1) * (n / g);
  return sum;
}

/** Dimensions with extent > 1: the ones that carry halo traffic. */
export function activeDims(grid: readonly number[]): number[] {
  return grid.filter((g) => g > 1);
}

/** Loomis–Whitney with AM–GM: a set of s cells of a d-dim grid has Σ_i |P_i(S)| ≥ d·s^((d−1)/d) projections. */
function projectionBound(d: number, s: number): number {
  return s <= 0 ? 0 : d * Math.pow(s, (d - 1) / d);
}

/**
 * The least Σ x_i over reals with x_i ≥ low_i and Π x_i ≥ product (water
 * filling: dimensions whose floor is high stay at it, the rest share equally).
 */
function leastSum(low: readonly number[], product: number): number {
  const fixed = [...low].sort((a, b) => b - a);
  let free = fixed.length;
  let fixedProduct = 1;
  let fixedSum = 0;
  for (let i = 0; i < fixed.length; i += 1) {
    const level = Math.pow(product / fixedProduct, 1 / free);
    const l = fixed[i] as number;
    if (l < level) return fixedSum + free * level;
    fixedProduct *= l;
    fixedSum += l;
    free -= 1;
  }
  return fixedSum;
}

/**
 * A lower bound on the "partial lines" of a node holding a set S of s ranks:
 * summed over the active dimensions i, the lines along i that S touches
 * (|P_i(S)| of them, its projection) minus those it holds whole (L_i).
 * Each partial line gives the node at least one off-node edge (two on a
 * periodic grid, where the line is a cycle).
 *
 * The constraints used, each provable: Π_i |P_i| ≥ s^(d−1) (Loomis–Whitney);
 * |P_i| ≥ s/g_i (a line holds g_i ranks); L_i ≤ ⌊s/g_i⌋; and if S holds a
 * whole line along i, then |P_k| ≥ g_i for every other k (the line's g_i
 * ranks sit on distinct lines along k). For each set W of dimensions with
 * whole lines, the least Σ|P_i| under these is found by water filling.
 */
function partialLinesBound(dims: readonly number[], s: number): number {
  const d = dims.length;
  if (s <= 0) return 0;
  let best = Infinity;
  for (let w = 0; w < 1 << d; w += 1) {
    if (dims.some((g, i) => w & (1 << i) && s < g)) continue; // a whole line needs g_i ranks
    const low = dims.map((g, k) => Math.max(1, s / g, ...dims.map((gi, i) => (i !== k && w & (1 << i) ? gi : 1))));
    let whole = 0;
    dims.forEach((g, i) => {
      if (w & (1 << i)) whole += Math.floor(s / g);
    });
    best = Math.min(best, leastSum(low, Math.pow(s, d - 1)) - whole);
  }
  return Math.max(0, best);
}

/**
 * Lower bound on inter-node edges when `ranks` ranks sit on nodes of at most
 * `perNode` ranks. Proof sketch: along a grid line in dimension i that meets k
 * distinct nodes there are at least k-1 cut links (k when periodic and k > 1).
 * Summing over lines, the cut links in dimension i are at least
 * sum_nodes |P_i(S)| - lines_i, where P_i(S) is the node's projection along i.
 * Loomis-Whitney with AM-GM gives sum_i |P_i(S)| >= d·|S|^((d-1)/d). That is
 * concave in |S|, so the total is smallest with nodes filled to perNode.
 * For 64x64x64 on 64-rank nodes this gives 4096·48 - 3·4096 = 184,320: the
 * 4x4x4 sub-cubes reach it.
 *
 * Periodic grids: a line with k > 1 nodes has at least k cuts, and only a
 * line held whole by one node has none, so the cuts are at least the sum over
 * nodes of their partial lines (partialLinesBound). Summed over nodes that is
 * at least ranks · min over s ≤ perNode of partialLinesBound(s)/s. The bound
 * is the larger of the two arguments, and above the non-periodic one: 64x64x64
 * periodic on 64-rank nodes gives 196,608 (the 4x4x4 sub-cubes reach it)
 * against 184,320; 8x8 periodic on 16-rank nodes 32 (reached) against 16.
 */
export function lowerBoundInterNodeEdges(grid: readonly number[], periodic: boolean, perNode: number): number {
  const dims = activeDims(grid);
  const d = dims.length;
  const n = gridSize(grid);
  if (d === 0 || perNode >= n) return 0;
  const full = Math.floor(n / perNode);
  const projections = full * projectionBound(d, perNode) + projectionBound(d, n - full * perNode);
  let lines = 0;
  for (const g of dims) {
    // Periodic: a line with k > 1 nodes has k cuts, so only lines lying
    // wholly on one node (possible only when perNode >= g) lose one.
    lines += periodic && perNode < g ? 0 : n / g;
  }
  let bound = projections - lines;
  if (periodic) {
    let perRank = Infinity;
    for (let s = 1; s <= perNode; s += 1) perRank = Math.min(perRank, partialLinesBound(dims, s) / s);
    bound = Math.max(bound, n * perRank);
  }
  return Math.max(0, Math.ceil(bound - 1e-9));
}

/**
 * Lower bound on the off-node edges of the worst node when `ranks` ranks sit
 * on `nodes` nodes of at most `perNode` ranks each. Two arguments, the larger
 * wins:
 *   - average: every cut edge counts at both its nodes, so the worst node has
 *     at least 2·lowerBoundInterNodeEdges / nodes;
 *   - the fullest node: some node holds at least ⌈ranks/nodes⌉ ranks, and a
 *     node of s ranks has at least partialLinesBound(s) off-node edges (twice
 *     that on a periodic grid).
 * It is a bound on the worst node of any placement, never above what a plan
 * achieves. (The DESIGN §5 figure 2d·c^((d−1)/d) is what an interior node of
 * a c-rank cube has; nodes on the grid's faces have fewer, so it is not a
 * bound on the worst node.)
 */
export function lowerBoundWorstNode(grid: readonly number[], periodic: boolean, perNode: number, nodes: number): number {
  const dims = activeDims(grid);
  const n = gridSize(grid);
  if (dims.length === 0 || perNode >= n || nodes <= 1) return 0;
  const average = (2 * lowerBoundInterNodeEdges(grid, periodic, perNode)) / nodes;
  let fullest = Infinity;
  for (let s = Math.ceil(n / nodes); s <= perNode; s += 1) fullest = Math.min(fullest, (periodic ? 2 : 1) * partialLinesBound(dims, s));
  const bound = Math.max(average, Number.isFinite(fullest) ? fullest : 0);
  return Math.max(0, Math.ceil(bound - 1e-9));
}
