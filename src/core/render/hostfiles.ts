// Host lists for every launcher, built with array joins so that a million
// ranks render in well under a second.

import type { Plan } from '../plan/types.js';

/** Open MPI hostfile: `host slots=N`, N = ranks the plan puts there. */
export function renderHostfile(plan: Plan): string {
  return plan.nodes.map((n) => `${n.host} slots=${n.ranks}\n`).join('');
}

/** Open MPI rankfile: `rank R=HOST slot=S` (or a core range with threads), one line per rank. */
export function renderRankfile(plan: Plan): string {
  const t = plan.threadsPerRank;
  const hostPart = plan.nodes.map((n) => `=${n.host} slot=`);
  const slotText: string[] = [];
  for (let s = 0; s < plan.ranksPerNode; s += 1) slotText.push(t === 1 ? `${s}` : `${s * t}-${s * t + t - 1}`);
  const lines = new Array<string>(plan.rankToNode.length);
  for (let r = 0; r < lines.length; r += 1) {
    lines[r] = `rank ${r}${hostPart[plan.rankToNode[r] as number]}${slotText[plan.rankSlot[r] as number]}`;
  }
  return `${lines.join('\n')}\n`;
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
export function renderSlurmHostfile(plan: Plan): string {
  const hosts = plan.nodes.map((n) => n.host);
  const lines = new Array<string>(plan.rankToNode.length);
  for (let r = 0; r < lines.length; r += 1) lines[r] = hosts[plan.rankToNode[r] as number] as string;
  return `${lines.join('\n')}\n`;
}
