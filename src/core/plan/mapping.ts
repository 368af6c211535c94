// Rank -> node mappings. Every function returns an Int32Array rankToNode in
// which each node index 0..nodeCount-1 appears at least once and at most
// `capacity` times.

/** Sizes for contiguous blocks that differ by at most one (srun -m block with -N). */
export function balancedSizes(ranks: number, nodes: number): number[] {
  const q = Math.floor(ranks / nodes);
  const extra = ranks - q * nodes;
  return Array.from({ length: nodes }, (_, i) => (i < extra ? q + 1 : q));
}

function fromSizes(ranks: number, sizes: readonly number[]): Int32Array {
  const out = new Int32Array(ranks);
  let r = 0;
  sizes.forEach((size, node) => {
    out.fill(node, r, r + size);
    r += size;
  });
  return out;
}

/**
 * block: rank order, each node filled to capacity before the next (mpirun
 * --map-by slot). With a forced node count that would leave nodes empty, the
 * blocks are balanced instead.
 */
export function blockMapping(ranks: number, nodes: number, capacity: number): Int32Array {
  for (const per of [capacity, Math.ceil(ranks / nodes)]) {
    if (per * nodes >= ranks && per * (nodes - 1) < ranks) {
      return fromSizes(
        ranks,
        Array.from({ length: nodes }, (_, i) => Math.min(per, ranks - i * per)),
      );
    }
  }
  return fromSizes(ranks, balancedSizes(ranks, nodes));
}

/** spread: rank order in equal blocks over all nodes (sizes differ by at most one). */
export function spreadMapping(ranks: number, nodes: number): Int32Array {
  return fromSizes(ranks, balancedSizes(ranks, nodes));
}

/** cyclic: round-robin, rank r on node r mod nodes (mpirun --map-by node, srun -m cyclic). */
export function cyclicMapping(ranks: number, nodes: number): Int32Array {
  const out = new Int32Array(ranks);
  for (let r = 0; r < ranks; r += 1) out[r] = r % nodes;
  return out;
}

/** Number of ranks on each node. */
export function nodeLoads(rankToNode: Int32Array, nodes: number): Int32Array {
  const loads = new Int32Array(nodes);
  for (let r = 0; r < rankToNode.length; r += 1) {
    const n = rankToNode[r] as number;
    loads[n] = (loads[n] as number) + 1;
  }
  return loads;
}

/** Slot of each rank on its node: 0, 1, ... in rank order. */
export function rankSlots(rankToNode: Int32Array, nodes: number): Int32Array {
  const next = new Int32Array(nodes);
  const out = new Int32Array(rankToNode.length);
  for (let r = 0; r < rankToNode.length; r += 1) {
    const n = rankToNode[r] as number;
    out[r] = next[n] as number;
    next[n] = (next[n] as number) + 1;
  }
  return out;
}
