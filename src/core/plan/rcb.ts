// Recursive coordinate bisection for grids that do not tile into node-sized
// boxes. A set of ranks and a number of nodes are split in two along the
// dimension of largest extent; the split point is the whole plane nearest
// the proportional share that keeps both halves within capacity, or a
// partial plane when no whole plane does. Counting sort keeps each level
// O(ranks), so the whole is O(ranks · log nodes).

import { strides } from './grid.js';

export function rcbMapping(grid: readonly number[], nodes: number, capacity: number): Int32Array {
  const d = grid.length;
  const st = strides(grid);
  const n = grid.reduce((a, b) => a * b, 1);
  const coords: Int32Array[] = grid.map((g, i) => {
    const c = new Int32Array(n);
    const s = st[i] as number;
    for (let r = 0; r < n; r += 1) c[r] = Math.floor(r / s) % g;
    return c;
  });
  const order = new Int32Array(n);
  for (let r = 0; r < n; r += 1) order[r] = r;
  const scratch = new Int32Array(n);
  const out = new Int32Array(n);
  const maxExtent = Math.max(...grid);
  const counts = new Int32Array(maxExtent + 1);

  // Explicit stack instead of recursion: [lo, hi, parts, firstNode].
  const stack: [number, number, number, number][] = [[0, n, nodes, 0]];
  while (stack.length > 0) {
    const [lo, hi, parts, first] = stack.pop() as [number, number, number, number];
    if (parts === 1) {
      for (let k = lo; k < hi; k += 1) out[order[k] as number] = first;
      continue;
    }
    // Dimension of largest extent within this set.
    let dim = 0;
    let best = -1;
    let bestMin = 0;
    for (let i = 0; i < d; i += 1) {
      const c = coords[i] as Int32Array;
      let min = Infinity;
      let max = -Infinity;
      for (let k = lo; k < hi; k += 1) {
        const v = c[order[k] as number] as number;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (max - min > best) {
        best = max - min;
        dim = i;
        bestMin = min;
      }
    }
    // Stable counting sort of order[lo, hi) by coordinate `dim`.
    const c = coords[dim] as Int32Array;
    counts.fill(0, 0, best + 2);
    for (let k = lo; k < hi; k += 1) {
      const v = (c[order[k] as number] as number) - bestMin + 1;
      counts[v] = (counts[v] as number) + 1;
    }
    for (let v = 1; v <= best + 1; v += 1) counts[v] = (counts[v] as number) + (counts[v - 1] as number);
    const planeEnds = Array.from(counts.subarray(1, best + 2));
    for (let k = lo; k < hi; k += 1) {
      const r = order[k] as number;
      const v = (c[r] as number) - bestMin;
      scratch[lo + (counts[v] as number)] = r;
      counts[v] = (counts[v] as number) + 1;
    }
    order.set(scratch.subarray(lo, hi), lo);

    const size = hi - lo;
    const p1 = Math.floor(parts / 2);
    const p2 = parts - p1;
    const minK = Math.max(p1, size - p2 * capacity);
    const maxK = Math.min(p1 * capacity, size - p2);
    const ideal = Math.min(maxK, Math.max(minK, Math.round((size * p1) / parts)));
    let k1 = ideal;
    let bestGap = Infinity;
    for (const end of planeEnds) {
      if (end >= minK && end <= maxK && Math.abs(end - ideal) < bestGap) {
        bestGap = Math.abs(end - ideal);
        k1 = end;
      }
    }
    // A whole plane is worth a small imbalance only; beyond ~1/8 of a share use the partial plane.
    if (bestGap > size / parts / 8) k1 = ideal;
    stack.push([lo + k1, hi, p2, first + p1]);
    stack.push([lo, lo + k1, p1, first]);
  }
  return out;
}
