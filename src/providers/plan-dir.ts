// Reads a plan folder written by `hpcrun plan --out DIR` for `hpcrun launch --plan DIR`,
// and checks that its host files still say what plan.json says.

import { readInput } from '../io/read-input.js';
import { join } from 'node:path';
import { HpcrunError, inputError } from '../errors.js';
import { requireHostName } from '../core/inventory.js';
import { PLAN_FILES, type StoredPlan, parsePlanFile, placeholderHosts } from '../core/plan/index.js';
import type { MpiFlavour } from '../core/probe.js';

export interface PlanLaunch {
  ranks: number;
  flavour: MpiFlavour;
  nodes: { host: string; ranks: number }[];
  /** The plan's launcher argv; `{PLAN_DIR}` stands for the folder holding `files`. */
  argv: string[];
  env: Record<string, string>;
  /** The files the argv names, by file name. */
  files: Record<string, string>;
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
    else throw inputError('HPCRUN_PLAN_INCONSISTENT', `${name}: cannot read ${JSON.stringify(line)}`, 'plan again with `hpcrun plan --out DIR`');
  }
  return hosts;
}

function checkAgainstPlan(plan: StoredPlan, name: string, text: string): void {
  const listed = hostsByRank(name, text);
  const planned = plan.rankToNode.map((node) => plan.nodes[node]?.host);
  const first = planned.findIndex((host, rank) => listed[rank] !== host);
  if (listed.length !== planned.length || first !== -1) {
    throw inputError('HPCRUN_PLAN_INCONSISTENT', `${name} does not match plan.json (${listed.length} ranks listed, ${planned.length} planned${first === -1 ? '' : `; rank ${first} differs`})`, 'the folder was edited by hand: plan again with `hpcrun plan --out DIR`');
  }
}

export async function readPlanDir(dir: string): Promise<PlanLaunch> {
  let data: unknown;
  const text = await read(dir, PLAN_FILES.plan);
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw inputError('HPCRUN_PLAN_INVALID', `${join(dir, PLAN_FILES.plan)} is not JSON: ${(error as Error).message}`, 'plan again with `hpcrun plan --out DIR`');
  }
  const plan = parsePlanFile(data);
  if (plan.mpi === 'slurm') {
    throw new HpcrunError('usage', 'HPCRUN_PLAN_FOR_SLURM', 'the plan was made for Slurm (--mpi slurm); launch runs mpirun', {
      hint: `inside an allocation run ${join(dir, PLAN_FILES.launch)} PROGRAM, or plan again with --mpi openmpi`,
    });
  }
  const hosts = plan.nodes.map((node) => requireHostName(node.host, join(dir, PLAN_FILES.plan)));
  if (hosts.join('\n') === placeholderHosts(plan.nodeCount).join('\n')) {
    throw new HpcrunError('usage', 'HPCRUN_PLAN_PLACEHOLDERS', `the plan names placeholder hosts (${hosts[0]}…), not real nodes`, {
      hint: 'plan again with --hosts FILE listing your nodes',
    });
  }
  const files: Record<string, string> = {};
  for (const name of [PLAN_FILES.hostfile, PLAN_FILES.rankfile, PLAN_FILES.machinefile]) {
    if (!plan.launchArgv.some((word) => word.endsWith(`/${name}`))) continue;
    files[name] = await read(dir, name);
    if (name !== PLAN_FILES.hostfile) checkAgainstPlan(plan, name, files[name]);
  }
  return { ranks: plan.ranks, flavour: plan.mpi, nodes: plan.nodes, argv: plan.launchArgv, env: plan.launchEnv, files };
}
