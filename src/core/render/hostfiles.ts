// Host lists for every launcher, built with array joins so that a million
// ranks render in well under a second.

import type { Plan } from '../plan/types.js';
import { ByteLines, decode } from './bytes.js';

/** Open MPI hostfile: `host slots=N`, N = ranks the plan puts there. */
export function renderHostfile(plan: Plan): string {
  return plan.nodes.map((n) => `${n.host} slots=${n.ranks}\n`).join('');
}

/** Open MPI rankfile: `rank R=HOST slot=S` (or a core range with threads), one line per rank. */
export function renderRankfileBytes(plan: Plan): Uint8Array {
  const t = plan.threadsPerRank;
  const hostPart = plan.nodes.map((n) => ByteLines.encode(`=${n.host} slot=`));
  const slotText: Uint8Array[] = [];
  for (let s = 0; s < plan.ranksPerNode; s += 1) slotText.push(ByteLines.encode(`${t === 1 ? `${s}` : `${s * t}-${s * t + t - 1}`}\n`));
  const rank = ByteLines.encode('rank ');
  const out = new ByteLines(plan.rankToNode.length * (24 + (plan.nodes[0]?.host.length ?? 8)));
  for (let r = 0; r < plan.rankToNode.length; r += 1) {
    out.bytes(rank);
    out.int(r);
    out.bytes(hostPart[plan.rankToNode[r] as number] as Uint8Array);
    out.bytes(slotText[plan.rankSlot[r] as number] as Uint8Array);
  }
  return out.result();
}

export function renderRankfile(plan: Plan): string {
  return decode(renderRankfileBytes(plan));
}

/** MPICH / Intel MPI machinefile: `host:count` runs in rank order, so Hydra places ranks exactly. */
export function renderMachinefile(plan: Plan): string {
  const lines: string[] = [];
  const map = plan.rankToNode;
  let r = 0;
  while (r < map.length) {
    const node = map[r] as number;
    let end = r + 1;
    while (end < map.length && map[end] === node) end += 1;
    lines.push(`${plan.nodes[node]?.host}:${end - r}`);
    r = end;
  }
  return `${lines.join('\n')}\n`;
}

/** SLURM_HOSTFILE for srun --distribution=arbitrary: line r is rank r's host. */
export function renderSlurmHostfileBytes(plan: Plan): Uint8Array {
  const hosts = plan.nodes.map((n) => ByteLines.encode(`${n.host}\n`));
  const out = new ByteLines(plan.rankToNode.length * ((hosts[0]?.length ?? 8) + 1));
  for (let r = 0; r < plan.rankToNode.length; r += 1) out.bytes(hosts[plan.rankToNode[r] as number] as Uint8Array);
  return out.result();
}

export function renderSlurmHostfile(plan: Plan): string {
  return decode(renderSlurmHostfileBytes(plan));
}
