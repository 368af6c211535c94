// The off-node halo traffic of a placed Cartesian grid, per node and per
// rank, recomputed from the grid, periodicity and rank→node mapping (so a
// prediction never trusts counts it did not make). Pure.
//
// Every stencil link (a, b) carries one message a→b and one b→a per step
// (a periodic extent of 2 links the same pair twice: two messages). The
// traffic is symmetric, so a node sends as many messages and bytes as it
// receives.

import { forEachEdge } from '../plan/grid.js';

export interface NodeTraffic {
  node: number;
  /** Off-node messages this node sends per step (= receives). */
  messages: number;
  /** Distinct off-node (sender rank, receiver rank) pairs: concurrent streams. */
  streams: number;
  /** The most off-node messages one rank of this node sends per step. */
  maxRankMessages: number;
}

export function haloTraffic(grid: readonly number[], periodic: boolean, rankToNode: ArrayLike<number>, nodeCount: number): NodeTraffic[] {
  const ranks = grid.reduce((a, b) => a * b, 1);
  const rankMessages = new Int32Array(ranks);
  const nodes: NodeTraffic[] = Array.from({ length: nodeCount }, (_, node) => ({ node, messages: 0, streams: 0, maxRankMessages: 0 }));
  // A directed pair repeats only across a periodic extent of 2; otherwise every message is its own stream.
  const repeats = periodic && grid.some((g) => g === 2);
  const seen = repeats ? new Set<number>() : undefined;
  const send = (from: number, to: number): void => {
    const n = nodes[rankToNode[from] as number] as NodeTraffic;
    n.messages += 1;
    rankMessages[from] = (rankMessages[from] as number) + 1;
    const key = from * ranks + to;
    if (!seen || !seen.has(key)) {
      seen?.add(key);
      n.streams += 1;
    }
  };
  forEachEdge(grid, periodic, (a, b) => {
    if (rankToNode[a] === rankToNode[b]) return;
    send(a, b);
    send(b, a);
  });
  for (let rank = 0; rank < ranks; rank += 1) {
    const n = nodes[rankToNode[rank] as number] as NodeTraffic;
    if ((rankMessages[rank] as number) > n.maxRankMessages) n.maxRankMessages = rankMessages[rank] as number;
  }
  return nodes;
}
