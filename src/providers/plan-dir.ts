// Reads a plan folder written by `hpcrun plan --out DIR` for `hpcrun launch --plan DIR`,
// and checks that its host files still say what plan.json says.

import { readInput } from '../io/read-input.js';
import { join } from 'node:path';
import { HpcrunError, inputError } from '../errors.js';
import { requireHostName } from '../core/inventory.js';
import { launcherFor, type LauncherName, type Placed } from '../core/launchers/index.js';
import { PLAN_FILES, type StoredPlan, parsePlanFile, placeholderHosts, rankSlots } from '../core/plan/index.js';
import { count } from '../core/text.js';

export interface PlanLaunch {
  ranks: number;
  /** The launcher the plan was made for (`slurm` is srun). */
  flavour: LauncherName;
  /** Every rank's node, as plan.json says; launchers render their files from it. */
  placed: Placed;
  /** The job the plan was made for: its mapping policy, process grid (null without one) and periodicity. */
  job: { policy: string; grid: number[] | null; periodic: boolean };
}

const read = (dir: string, name: string): Promise<string> =>
  readInput(join(dir, name), join(dir, name), 'HPCRUN_PLAN_MISSING', 'give --plan the folder written by `hpcrun plan --out DIR`');

/** The host of each rank, as the rankfile (Open MPI) or machinefile (Hydra) lists it. */
export function hostsByRank(name: string, text: string): string[] {
  const hosts: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const rank = /^rank (\d+)=(\S+) /.exec(line);
    const run = /^(\S+):(\d+)$/.exec(line);
    if (name === PLAN_FILES.rankfile && rank && Number(rank[1]) === hosts.length) hosts.push(rank[2] as string);
    else if (name === PLAN_FILES.machinefile && run) hosts.push(...Array<string>(Number(run[2])).fill(run[1] as string));
    else if (name === PLAN_FILES.slurmHostfile && /^\S+$/.test(line)) hosts.push(line);
    else throw inputError('HPCRUN_PLAN_INCONSISTENT', `${name}: cannot read ${JSON.stringify(line)}`, 'plan again with `hpcrun plan --out DIR`');
  }
  return hosts;
}

function checkAgainstPlan(plan: StoredPlan, name: string, text: string): void {
  const listed = hostsByRank(name, text);
  const planned = plan.rankToNode.map((node) => plan.nodes[node]?.host);
  const first = planned.findIndex((host, rank) => listed[rank] !== host);
  if (listed.length !== planned.length || first !== -1) {
    throw inputError('HPCRUN_PLAN_INCONSISTENT', `${name} does not match plan.json (${count(listed.length, 'rank')} listed, ${planned.length} planned${first === -1 ? '' : `; rank ${first} differs`})`, 'the folder was edited by hand: plan again with `hpcrun plan --out DIR`');
  }
}

/**
 * Reads a plan folder. With `bind` (the nodes of a cluster, in order), node i
 * of the plan runs on bind[i]: a plan made with placeholder names for
 * `hpcrun cluster up --plan DIR` then runs on the cluster it made.
 */
export async function readPlanDir(dir: string, bind?: readonly string[]): Promise<PlanLaunch> {
  let data: unknown;
  const text = await read(dir, PLAN_FILES.plan);
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw inputError('HPCRUN_PLAN_INVALID', `${join(dir, PLAN_FILES.plan)} is not JSON: ${(error as Error).message}`, 'plan again with `hpcrun plan --out DIR`');
  }
  const plan = parsePlanFile(data);
  const hosts = plan.nodes.map((node) => requireHostName(node.host, join(dir, PLAN_FILES.plan)));
  if (!bind && hosts.join('\n') === placeholderHosts(plan.nodeCount).join('\n')) {
    throw new HpcrunError('usage', 'HPCRUN_PLAN_PLACEHOLDERS', `the plan names placeholder hosts (${hosts[0]}…), not real nodes`, {
      hint: 'plan again with --hosts FILE listing your nodes',
    });
  }
  if (bind && bind.length < plan.nodes.length) {
    throw new HpcrunError('infeasible', 'HPCRUN_PLAN_TOO_BIG', `the plan needs ${plan.nodes.length} nodes, but the cluster has ${bind.length}`, { hint: 'create the cluster from the plan: `hpcrun cluster up --plan DIR`' });
  }
  // The file the plan's own launcher reads must still say what plan.json says.
  const kind = launcherFor(plan.mpi).hostFileKind;
  const name = kind === 'hostfile' ? PLAN_FILES.rankfile : kind === 'machinefile' ? PLAN_FILES.machinefile : PLAN_FILES.slurmHostfile;
  checkAgainstPlan(plan, name, await read(dir, name));
  const rankToNode = Int32Array.from(plan.rankToNode);
  const nodes = bind ? plan.nodes.map((node, i) => ({ ...node, host: bind[i] as string })) : plan.nodes;
  return {
    ranks: plan.ranks,
    flavour: plan.mpi,
    placed: { nodes, rankToNode, rankSlot: rankSlots(rankToNode, plan.nodes.length), ranksPerNode: plan.ranksPerNode, threadsPerRank: plan.threadsPerRank },
    job: { policy: plan.policy, grid: plan.grid, periodic: plan.periodic },
  };
}
