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
 */
export function lowerBoundInterNodeEdges(grid: readonly number[], periodic: boolean, perNode: number): number {
  const dims = activeDims(grid);
  const d = dims.length;
  const n = gridSize(grid);
  if (d === 0 || perNode >= n) return 0;
  const f = (c: number): number => (c <= 0 ? 0 : d * Math.pow(c, (d - 1) / d));
  const full = Math.floor(n / perNode);
  const projections = full * f(perNode) + f(n - full * perNode);
  let lines = 0;
  for (const g of dims) {
    // Periodic: a line with k > 1 nodes has k cuts, so only lines lying
    // wholly on one node (possible only when perNode >= g) lose one.
    lines += periodic && perNode < g ? 0 : n / g;
  }
  return Math.max(0, Math.ceil(projections - lines - 1e-9));
}

/** 2d·c^((d-1)/d): the off-node edges of an interior node holding a c-rank cube (DESIGN §5). */
export function lowerBoundPerNode(grid: readonly number[], perNode: number): number {
  const d = activeDims(grid).length;
  if (d === 0 || perNode >= gridSize(grid)) return 0;
  return Math.ceil(2 * d * Math.pow(perNode, (d - 1) / d) - 1e-9);
}
