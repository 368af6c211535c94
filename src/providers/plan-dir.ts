// Reads a plan folder written by `hpcrun plan --out DIR` for `hpcrun launch --plan DIR`.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HpcrunError, inputError } from '../errors.js';
import { PLAN_FILES, type PlanFile, parsePlanFile, placeholderHosts } from '../core/plan/index.js';
import type { MpiFlavour } from '../core/probe.js';

export interface PlanLaunch {
  ranks: number;
  flavour: MpiFlavour;
  nodes: { host: string; ranks: number }[];
  /** The launcher's host list: the Open MPI hostfile, or the Hydra machinefile. */
  hostfile: string;
  /** The Open MPI rankfile: every rank's host, exactly as planned. */
  rankfile: string | undefined;
}

async function read(dir: string, name: string): Promise<string> {
  try {
    return await readFile(join(dir, name), 'utf8');
  } catch (error) {
    throw new HpcrunError('not-found', 'HPCRUN_PLAN_MISSING', `cannot read ${join(dir, name)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      hint: 'give --plan the folder written by `hpcrun plan --out DIR`',
    });
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
  const plan: PlanFile = parsePlanFile(data);
  if (plan.mpi === 'slurm') {
    throw new HpcrunError('usage', 'HPCRUN_PLAN_FOR_SLURM', 'the plan was made for Slurm (--mpi slurm); launch runs mpirun', {
      hint: `inside an allocation run ${join(dir, PLAN_FILES.launch)} PROGRAM, or plan again with --mpi openmpi`,
    });
  }
  const hosts = plan.nodes.map((node) => node.host);
  if (hosts.join('\n') === placeholderHosts(plan.nodeCount).join('\n')) {
    throw new HpcrunError('usage', 'HPCRUN_PLAN_PLACEHOLDERS', `the plan names placeholder hosts (${hosts[0]}…), not real nodes`, {
      hint: 'plan again with --hosts FILE listing your nodes',
    });
  }
  const flavour: MpiFlavour = plan.mpi;
  return {
    ranks: plan.ranks,
    flavour,
    nodes: plan.nodes,
    hostfile: await read(dir, flavour === 'openmpi' ? PLAN_FILES.hostfile : PLAN_FILES.machinefile),
    rankfile: flavour === 'openmpi' ? await read(dir, PLAN_FILES.rankfile) : undefined,
  };
}
