// Host files for every launcher, built with array joins and byte buffers so
// that a million ranks render in well under a second.

import { ByteLines, decode } from '../render/bytes.js';
import type { Placed } from './types.js';

/** Open MPI hostfile: `host slots=N`, N = ranks placed there. */
export function renderHostfile(placed: Pick<Placed, 'nodes'>): string {
  return placed.nodes.map((n) => `${n.host} slots=${n.ranks}\n`).join('');
}

/** Open MPI rankfile: `rank R=HOST slot=S` (or a core range with threads), one line per rank. */
export function renderRankfileBytes(placed: Placed): Uint8Array {
  const t = placed.threadsPerRank;
  const hostPart = placed.nodes.map((n) => ByteLines.encode(`=${n.host} slot=`));
  const slotText: Uint8Array[] = [];
  for (let s = 0; s < placed.ranksPerNode; s += 1) slotText.push(ByteLines.encode(`${t === 1 ? `${s}` : `${s * t}-${s * t + t - 1}`}\n`));
  const rank = ByteLines.encode('rank ');
  const out = new ByteLines(placed.rankToNode.length * (24 + (placed.nodes[0]?.host.length ?? 8)));
  for (let r = 0; r < placed.rankToNode.length; r += 1) {
    out.bytes(rank);
    out.int(r);
    out.bytes(hostPart[placed.rankToNode[r] as number] as Uint8Array);
    out.bytes(slotText[placed.rankSlot[r] as number] as Uint8Array);
  }
  return out.result();
}

export function renderRankfile(placed: Placed): string {
  return decode(renderRankfileBytes(placed));
}

/** MPICH / Intel MPI machinefile: `host:count` runs in rank order, so Hydra places ranks exactly. */
export function renderMachinefile(placed: Pick<Placed, 'nodes' | 'rankToNode'>): string {
  const lines: string[] = [];
  const map = placed.rankToNode;
  let r = 0;
  while (r < map.length) {
    const node = map[r] as number;
    let end = r + 1;
    while (end < map.length && map[end] === node) end += 1;
    lines.push(`${placed.nodes[node]?.host}:${end - r}`);
    r = end;
  }
  return `${lines.join('\n')}\n`;
}

/** SLURM_HOSTFILE for srun --distribution=arbitrary: line r is rank r's host. */
export function renderSlurmHostfileBytes(placed: Pick<Placed, 'nodes' | 'rankToNode'>): Uint8Array {
  const hosts = placed.nodes.map((n) => ByteLines.encode(`${n.host}\n`));
  const out = new ByteLines(placed.rankToNode.length * ((hosts[0]?.length ?? 8) + 1));
  for (let r = 0; r < placed.rankToNode.length; r += 1) out.bytes(hosts[placed.rankToNode[r] as number] as Uint8Array);
  return out.result();
}

export function renderSlurmHostfile(placed: Pick<Placed, 'nodes' | 'rankToNode'>): string {
  return decode(renderSlurmHostfileBytes(placed));
}

/** OMP_NUM_THREADS for threaded ranks; nothing for one thread per rank. */
export function threadEnv(threadsPerRank: number): Record<string, string> {
  return threadsPerRank > 1 ? { OMP_NUM_THREADS: String(threadsPerRank) } : {};
}
