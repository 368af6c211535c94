// Running a program with a plan's own placement (rankfile, machinefile or
// SLURM_HOSTFILE as the plan's launcher reads it) on the plan's hosts: the
// checks and the job that `launch --plan`, `bench --kind halo` and
// `calibrate` share. Commands never import each other, so it lives here.

import type { Deps } from '../deps.js';
import { HpcrunError } from '../errors.js';
import type { InventoryHost } from '../core/inventory.js';
import type { LauncherName, MpiInfo } from '../core/launchers/index.js';
import { compressHostlist } from '../core/slurm/hostlist.js';
import type { PlanLaunch } from './plan-dir.js';
import { type NodeSourceFlags, selectProvider } from './select.js';
import type { SshOptions } from './ssh/index.js';
import type { Job, LauncherChoice, Provider, ProviderNode } from './types.js';

/** The plan's nodes as an inventory: each with the plan's rank count as its slots. */
export function planInventory(plan: PlanLaunch): InventoryHost[] {
  return plan.placed.nodes.map((node, index) => ({ name: node.host, slots: node.ranks, maxSlots: undefined, line: index + 1 }));
}

/** The provider for a plan's job: --hosts, --slurm or --cluster if given, else the plan's own hosts over SSH. */
export async function planProvider(flags: NodeSourceFlags, plan: PlanLaunch, ssh: SshOptions, deps: Deps, choice?: LauncherChoice): Promise<Provider> {
  const provider = await selectProvider(flags, choice, ssh, deps, planInventory(plan));
  checkPlanLauncher(plan, provider);
  return provider;
}

/** The plan's hosts must be nodes the provider has (a plan made for other nodes is refused, with them named). */
export function checkPlanHosts(plan: PlanLaunch, nodes: readonly ProviderNode[], provider: Provider): void {
  const have = new Set(nodes.map((node) => node.host));
  const outside = plan.placed.nodes.map((node) => node.host).filter((host) => !have.has(host));
  if (outside.length > 0) {
    const where = provider.name === 'slurm' ? `the Slurm allocation (${compressHostlist(nodes.map((node) => node.host))})` : 'the inventory';
    throw new HpcrunError('infeasible', 'HPCRUN_PLAN_HOSTS_OUTSIDE', `the plan puts ranks on ${compressHostlist(outside)}, which ${outside.length === 1 ? 'is' : 'are'} not in ${where}`, {
      hint: provider.name === 'slurm' ? 'allocate those nodes (salloc -w), or plan again with --hosts listing the allocation\'s nodes (scontrol show hostnames)' : 'plan again with --hosts listing these nodes',
    });
  }
}

/** A plan made for srun runs only under Slurm; the MPI's own launcher otherwise follows the nodes. */
export function checkPlanLauncher(plan: PlanLaunch | undefined, provider: Provider): void {
  if (plan?.flavour === 'slurm' && provider.name !== 'slurm') {
    throw new HpcrunError('usage', 'HPCRUN_PLAN_FOR_SLURM', 'the plan was made for Slurm (--mpi slurm), but hpcrun is not inside an allocation', {
      hint: 'run it inside salloc or sbatch (hpcrun launch --plan DIR there uses srun), or plan again with --mpi openmpi',
    });
  }
}

/** The MPI the nodes run must be the one asked for (by --mpi or by the plan). */
export function checkFlavour(wanted: LauncherName | undefined, detected: MpiInfo, source: string): void {
  if (wanted && wanted !== 'slurm' && wanted !== detected.flavour) {
    throw new HpcrunError('preflight', 'HPCRUN_MPI_MISMATCH', `${source} ${wanted}, but mpirun on the nodes is ${detected.flavour} ${detected.version}`, {
      hint: `use ${detected.flavour} (plan again with --mpi ${detected.flavour}), or put the ${wanted} launcher first on the nodes' PATH`,
    });
  }
}

/** After preflight: the plan fits the checked nodes and their MPI. */
export function checkPlanOnNodes(plan: PlanLaunch, nodes: readonly ProviderNode[], mpi: MpiInfo, provider: Provider): void {
  checkPlanHosts(plan, nodes, provider);
  checkFlavour(provider.name === 'slurm' ? undefined : plan.flavour, mpi, 'the plan was made for');
}

/** The job that runs `program` with every rank on the node (and core) the plan gives it. */
export function planJob(provider: Provider, plan: PlanLaunch, mpi: MpiInfo | undefined, program: readonly string[], options: { workDir?: string; unbound?: boolean } = {}): Job {
  const { launcher, context } = provider.launcher(mpi, undefined);
  const command = launcher.render(plan.placed, { ...context, placement: 'exact', ...(options.workDir ? { workDir: options.workDir } : {}), ...(options.unbound ? { unbound: true } : {}) });
  return { ...command, program };
}
