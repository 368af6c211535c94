// hpcrun launch: preflight every node, place ranks, run mpirun here or on a
// head node, and pass on the program's exit status.

import { basename } from 'node:path';
import type { Deps } from '../deps.js';
import { HpcrunError, usageError } from '../errors.js';
import { type InventoryHost, requireHostName } from '../core/inventory.js';
import { blockPlacement } from '../core/launch.js';
import { type MpiFlavour, type MpiInfo, type Placed, inDir } from '../core/launchers/index.js';
import { formatDuration, requireDuration, requirePositiveInt } from '../core/units.js';
import { type JobEnd, statusOf } from '../exec/job.js';
import { shellJoin } from '../exec/quote.js';
import type { PlanLaunch } from '../providers/plan-dir.js';
import { type SshFlags, selectProvider, sshOptionsOf } from '../providers/select.js';
import { checkFlavour, checkPlanHosts, checkPlanLauncher, planInventory } from '../providers/plan-launch.js';
import { type CheckedNode, type EarlyLaunch, type Job, type LauncherChoice, type Preflight, type PreflightOptions, type Provider, type ProviderNode, type StageFile, withProvider } from '../providers/types.js';
import { count } from '../core/text.js';
import { stageList } from '../providers/stage-list.js';

export interface LaunchOptions extends SshFlags {
  hosts?: string;
  slurm?: boolean;
  launcher?: 'srun' | 'mpirun';
  np?: string;
  ppn?: string;
  head?: string;
  dryRun?: boolean;
  timeout?: string;
  mpi?: MpiFlavour;
  plan?: string;
  cluster?: string;
  bcast?: boolean;
  stage?: string[];
  persist?: string;
}

export interface LaunchSpec {
  np: number | undefined;
  ppn: number | undefined;
  timeoutMs: number | undefined;
  program: string[];
  /** Set with --plan: every rank's host is fixed by the plan. */
  plan: PlanLaunch | undefined;
}

/** `bind`: with --cluster, the cluster's nodes in order; the plan's node i runs on bind[i]. */
export async function toSpec(options: LaunchOptions, program: string[], bind?: readonly string[]): Promise<LaunchSpec> {
  if (program.length === 0) throw usageError('HPCRUN_NO_PROGRAM', 'no program given to launch', 'put the program after --, for example: hpcrun launch --hosts hosts --np 4 -- ./a.out');
  const timeout = options.timeout === undefined ? undefined : requireDuration(options.timeout, '--timeout');
  const np = options.np === undefined ? undefined : requirePositiveInt(options.np, '--np');
  if (options.plan) {
    if (options.hosts || options.ppn) throw usageError('HPCRUN_PLAN_AND_HOSTS', '--plan fixes the hosts and ranks per node, so --hosts and --ppn cannot be given with it', 'drop --hosts/--ppn, or plan again with `hpcrun plan --hosts FILE`');
    // Plan files are read with zod: loaded only for --plan.
    const { readPlanDir } = await import('../providers/plan-dir.js');
    const plan = await readPlanDir(options.plan, bind);
    if (np !== undefined && np !== plan.ranks) {
      throw usageError('HPCRUN_PLAN_NP', `--np ${np} differs from the plan's ${count(plan.ranks, 'rank')}`, 'drop --np, or plan again for the new rank count');
    }
    return { np: plan.ranks, ppn: undefined, timeoutMs: timeout, program, plan };
  }
  const ppn = options.ppn === undefined ? undefined : requirePositiveInt(options.ppn, '--ppn');
  return { np, ppn, timeoutMs: timeout, program, plan: undefined };
}

/** Ranks each node may take: what the source grants (slots, Slurm tasks), else its physical cores from preflight. */
export function capacityOf(nodes: readonly (ProviderNode | CheckedNode)[], ppn: number | undefined) {
  return nodes.map((node) => {
    const slots = node.slots ?? ('physicalCores' in node ? node.physicalCores : undefined) ?? ppn;
    if (slots === undefined) {
      throw usageError('HPCRUN_SLOTS_UNKNOWN', `${node.host} has no slots= and --dry-run does not contact the hosts`, 'add slots=N to each inventory line or pass --ppn');
    }
    return { name: node.host, slots };
  });
}

function placementOf(spec: LaunchSpec, nodes: readonly (ProviderNode | CheckedNode)[]): Placed {
  if (spec.plan) return spec.plan.placed;
  const np = spec.np ?? capacityOf(nodes, spec.ppn).reduce((sum, node) => sum + node.slots, 0);
  return blockPlacement(capacityOf(nodes, spec.ppn), np, spec.ppn);
}

function buildJob(provider: Provider, spec: LaunchSpec, placed: Placed, mpi: MpiInfo | undefined, choice: LauncherChoice | undefined, staged?: { dir: string; program: boolean }): Job {
  const { launcher, context } = provider.launcher(mpi, choice);
  const command = launcher.render(placed, { ...context, placement: spec.plan ? 'exact' : 'block', ...(staged ? { workDir: staged.dir } : {}) });
  // With --bcast the ranks run the copy in the job's folder on each node.
  const program = staged?.program ? [`${staged.dir}/${basename(spec.program[0] as string)}`, ...spec.program.slice(1)] : spec.program;
  return { ...command, program };
}

function printDryRun(job: Job, head: string | undefined, deps: Deps): void {
  const { argv, env } = inDir(job, '<job-dir>');
  const envWords = Object.entries(env).map(([key, value]) => `${key}=${value}`);
  const files = Object.entries(job.files).map(([name, content]) => `# <job-dir>/${name}:\n${content}`).join('');
  deps.stdout.write(`# ${head ? `on ${head}: ` : ''}${shellJoin([...(envWords.length ? ['env', ...envWords] : []), ...argv, ...job.program])}\n${files}`);
}

export { sshOptionsOf } from '../providers/select.js';

/** --persist (or HPCRUN_SSH_PERSIST): how long kept SSH logins outlive the launch; checked against the flags it cannot go with. */
export function persistOf(options: LaunchOptions, deps: Deps): number | undefined {
  const text = options.persist ?? (deps.env.HPCRUN_SSH_PERSIST || undefined);
  if (text === undefined) return undefined;
  const what = options.persist !== undefined ? '--persist' : 'HPCRUN_SSH_PERSIST';
  const ms = requireDuration(text, what);
  if (ms < 1000) throw usageError('HPCRUN_PERSIST', `${what} ${text} is shorter than a second`, 'give how long to keep the logins after the launch, e.g. --persist 10m');
  const clash = [options.head && '--head', options.bcast && '--bcast', options.stage?.length && '--stage', options.slurm && '--slurm'].filter(Boolean);
  // Only an explicit flag is refused; the variable is a default that these launches simply do not use.
  if (options.persist === undefined) return clash.length > 0 ? undefined : ms;
  if (clash.length > 0) {
    throw usageError('HPCRUN_PERSIST', `--persist keeps this machine's SSH logins for mpirun run here; it does not go with ${clash.join(', ')}`, `drop --persist, or drop ${clash.join(', ')}`);
  }
  return ms;
}

export async function run(options: LaunchOptions, program: string[], deps: Deps): Promise<number> {
  // The cluster store needs zod: loaded only for --cluster.
  const bind = options.cluster && options.plan ? (await import('../providers/gce/index.js')).clusterHosts(options.cluster, deps) : undefined;
  const spec = await toSpec(options, program, bind);
  const ssh = { ...sshOptionsOf(options), persistMs: persistOf(options, deps) };
  if (options.head) requireHostName(options.head, '--head');
  const planHosts: InventoryHost[] | undefined = spec.plan ? planInventory(spec.plan) : undefined;
  const choice: LauncherChoice | undefined = options.launcher === undefined ? undefined : options.launcher === 'srun' ? 'srun' : 'mpi';
  const provider = await selectProvider(options, choice, ssh, deps, planHosts);
  checkPlanLauncher(spec.plan, provider);
  if (options.dryRun) {
    try {
      const nodes = await provider.acquire();
      if (spec.plan) checkPlanHosts(spec.plan, nodes, provider);
      const flavour = options.mpi ?? (spec.plan?.flavour === 'slurm' ? undefined : spec.plan?.flavour) ?? 'openmpi';
      const staging = options.bcast || (options.stage ?? []).length > 0 ? { dir: '<bcast-dir>', program: options.bcast === true } : undefined;
      printDryRun(buildJob(provider, spec, placementOf(spec, nodes), { flavour, version: 'unknown' }, choice, staging), options.head, deps);
      return 0;
    } finally {
      await provider.release();
    }
  }
  const files = await stageList(options, spec.program[0] as string, deps);
  const programCheck = { program: options.bcast ? undefined : { name: spec.program[0] as string, dir: provider.workDir } };
  if (provider.early && files.length === 0) {
    const early = await launchEarly(provider, provider.early, spec, options, choice, programCheck, deps);
    if (early.ran) return early.status;
    return withProvider(provider, (checked) => launchChecked(provider, checked, spec, options, choice, files, deps), { ...programCheck, acquired: early.nodes });
  }
  return withProvider(provider, (checked) => launchChecked(provider, checked, spec, options, choice, files, deps), programCheck);
}

/**
 * Starts mpirun while preflight runs, when the job can be placed before the
 * nodes are checked: every node's slots are known (inventory or plan) and
 * mpirun here is Open MPI's, whose daemons hpcrun's agent holds until
 * preflight has passed. Otherwise returns the acquired nodes for the usual
 * order (preflight, then mpirun).
 */
async function launchEarly(provider: Provider, early: EarlyLaunch, spec: LaunchSpec, options: LaunchOptions, choice: LauncherChoice | undefined, programCheck: PreflightOptions, deps: Deps): Promise<{ ran: true; status: number } | { ran: false; nodes: ProviderNode[] }> {
  let fallBack = false;
  try {
    const nodes = await provider.acquire();
    // The SSH handshakes go first: they are the longest part, and the rest overlaps them.
    early.start(nodes, programCheck);
    const mpi = spec.plan || nodes.every((node) => node.slots !== undefined) ? await early.localMpi() : undefined;
    // Any other MPI, or one the plan or --mpi does not ask for: the usual order, whose checks name the nodes' MPI.
    const wanted = [spec.plan?.flavour, options.mpi].filter((flavour) => flavour !== undefined && flavour !== 'slurm');
    if (mpi?.flavour !== 'openmpi' || wanted.some((flavour) => flavour !== 'openmpi')) {
      fallBack = true;
      return { ran: false, nodes };
    }
    if (spec.plan) checkPlanHosts(spec.plan, nodes, provider);
    const job = buildJob(provider, spec, placementOf(spec, nodes), mpi, choice);
    // Preflight's same-MPI check includes this machine, so the nodes run Open MPI too, as wanted.
    const accept = (checked: Preflight) => deps.stderr.write(checked.summary);
    return { ran: true, status: finish(await early.run(job, accept, { timeoutMs: spec.timeoutMs }, deps), spec, deps) };
  } finally {
    if (!fallBack) await provider.release();
  }
}

async function launchChecked(provider: Provider, checked: Preflight, spec: LaunchSpec, options: LaunchOptions, choice: LauncherChoice | undefined, files: StageFile[], deps: Deps): Promise<number> {
  deps.stderr.write(checked.summary);
  if (spec.plan) checkPlanHosts(spec.plan, checked.nodes, provider);
  checkFlavour(provider.name === 'slurm' ? undefined : spec.plan?.flavour, checked.mpi, 'the plan was made for');
  checkFlavour(options.mpi, checked.mpi, '--mpi asks for');
  const placed = placementOf(spec, checked.nodes);
  const staged = files.length > 0 ? await provider.stage(files) : undefined;
  try {
    const job = buildJob(provider, spec, placed, checked.mpi, choice, staged ? { dir: staged.dir, program: options.bcast === true } : undefined);
    return finish(await provider.run(job, { timeoutMs: spec.timeoutMs }, deps), spec, deps);
  } finally {
    await staged?.release();
  }
}

function finish(end: JobEnd, spec: LaunchSpec, deps: Deps): number {
  if (end.interruptedBy) {
    throw new HpcrunError('interrupted', 'HPCRUN_INTERRUPTED', `interrupted by ${end.interruptedBy}; the job was stopped`, { exitCode: end.interruptedBy === 'SIGTERM' ? 143 : 130 });
  }
  if (end.timedOut) {
    throw new HpcrunError('timeout', 'HPCRUN_TIMEOUT', `the job ran past --timeout (${formatDuration(spec.timeoutMs ?? 0)}) and was stopped`, { hint: 'raise --timeout, or check the job for a hang' });
  }
  if (end.signal) deps.stderr.write(`hpcrun: the launcher was killed by ${end.signal}\n`);
  return statusOf(end);
}

