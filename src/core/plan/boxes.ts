// Node-sized sub-boxes: when every node holds c = ranks/nodes ranks and a box
// b (b_i divides G_i, prod b_i = c) tiles the grid, each node gets one box.
// Edge counts of a tiling are closed-form, so all tilings can be ranked
// without building them.

import { gridSize, strides } from './grid.js';

export interface BoxTiling {
  box: number[];
  interNodeEdges: number;
  maxOffNodeEdgesPerNode: number;
}

function divisors(n: number): number[] {
  const out: number[] = [];
  for (let i = 1; i <= n; i += 1) if (n % i === 0) out.push(i);
  return out;
}

/** Every box shape that tiles the grid with `perNode` ranks per box. */
export function boxTilings(grid: readonly number[], periodic: boolean, perNode: number): BoxTiling[] {
  const n = gridSize(grid);
  if (perNode < 1 || n % perNode !== 0) return [];
  const out: BoxTiling[] = [];
  const choose = (dim: number, box: number[], product: number): void => {
    if (dim === grid.length) {
      if (product === perNode) out.push(scoreTiling(grid, periodic, box));
      return;
    }
    for (const b of divisors(grid[dim] ?? 1)) {
      if (perNode % (product * b) === 0) choose(dim + 1, [...box, b], product * b);
    }
  };
  choose(0, [], 1);
  return out;
}

export function scoreTiling(grid: readonly number[], periodic: boolean, box: readonly number[]): BoxTiling {
  const n = gridSize(grid);
  const c = gridSize(box);
  let edges = 0;
  let worst = 0;
  grid.forEach((g, i) => {
    const b = box[i] ?? 1;
    const tiles = g / b;
    if (tiles < 2) return;
    const face = c / b;
    edges += (periodic ? tiles : tiles - 1) * (n / g);
    worst += face * (periodic ? 2 : Math.min(2, tiles - 1));
  });
  return { box: [...box], interNodeEdges: edges, maxOffNodeEdgesPerNode: worst };
}

/** Builds the tiling: node index is the row-major index of the rank's tile. */
export function boxMapping(grid: readonly number[], box: readonly number[]): Int32Array {
  const n = gridSize(grid);
  const d = grid.length;
  const tiles = grid.map((g, i) => g / (box[i] ?? 1));
  const tileStride = strides(tiles);
  const out = new Int32Array(n);
  const coord = new Array<number>(d).fill(0);
  for (let r = 0; r < n; r += 1) {
    let node = 0;
    for (let i = 0; i < d; i += 1) node += Math.floor((coord[i] as number) / (box[i] as number)) * (tileStride[i] as number);
    out[r] = node;
    // Odometer increment, last dimension fastest.
    for (let i = d - 1; i >= 0; i -= 1) {
      coord[i] = (coord[i] as number) + 1;
      if ((coord[i] as number) < (grid[i] as number)) break;
      coord[i] = 0;
    }
  }
  return out;
}
