// hpcrun launch: preflight every node, place ranks, run mpirun here or on a
// head node, and pass on the program's exit status.

import { Command, Option } from 'commander';
import { readInput } from '../io/read-input.js';
import type { ExitStatus } from '../cli.js';
import type { Deps } from '../deps.js';
import { HpcrunError, usageError } from '../errors.js';
import { type InventoryHost, parseInventory, requireHostName } from '../core/inventory.js';
import { type JobDescription, type Placement, blockJob, blockPlacement, placeJob, planJob } from '../core/launch.js';
import type { MpiFlavour, MpiInfo } from '../core/probe.js';
import { requireDuration, requirePort, requirePositiveInt } from '../core/units.js';
import { type JobEnd, statusOf } from '../exec/job.js';
import { shellJoin } from '../exec/quote.js';
import { type Connection, connect, resolveSshSettings } from '../exec/ssh.js';
import { type NodeReport, checkSameMpi, closeAll, preflight, probeHere } from '../providers/preflight.js';
import { type PlanLaunch, readPlanDir } from '../providers/plan-dir.js';
import { runJobHere, runJobOnHead } from '../providers/job-run.js';

export interface LaunchOptions {
  hosts?: string;
  np?: string;
  ppn?: string;
  head?: string;
  dryRun?: boolean;
  timeout?: string;
  identity?: string;
  user?: string;
  port?: string;
  knownHosts?: string;
  acceptNewHostKeys?: boolean;
  mpi?: MpiFlavour;
  plan?: string;
}

export interface LaunchSpec {
  inventory: InventoryHost[];
  np: number;
  ppn: number | undefined;
  timeoutMs: number | undefined;
  program: string[];
  /** Set with --plan: the plan's own hostfile and rankfile fix every rank's host. */
  plan: PlanLaunch | undefined;
}

export async function readInventoryFile(path: string): Promise<InventoryHost[]> {
  const text = await readInput(path, `the inventory ${path}`, 'HPCRUN_INVENTORY_MISSING', 'give --hosts a file with one host per line (Open MPI hostfile syntax); `hpcrun testbed up` writes one');
  return parseInventory(text, path);
}

export async function toSpec(options: LaunchOptions, program: string[]): Promise<LaunchSpec> {
  if (program.length === 0) throw usageError('HPCRUN_NO_PROGRAM', 'no program given to launch', 'put the program after --, for example: hpcrun launch --hosts hosts --np 4 -- ./a.out');
  const timeout = options.timeout === undefined ? undefined : requireDuration(options.timeout, '--timeout');
  if (options.plan) {
    if (options.hosts || options.ppn) throw usageError('HPCRUN_PLAN_AND_HOSTS', '--plan fixes the hosts and ranks per node, so --hosts and --ppn cannot be given with it', 'drop --hosts/--ppn, or plan again with `hpcrun plan --hosts FILE`');
    const plan = await readPlanDir(options.plan);
    if (options.np !== undefined && requirePositiveInt(options.np, '--np') !== plan.ranks) {
      throw usageError('HPCRUN_PLAN_NP', `--np ${options.np} differs from the plan's ${plan.ranks} ranks`, 'drop --np, or plan again for the new rank count');
    }
    const inventory = plan.nodes.map((node, index) => ({ name: node.host, slots: node.ranks, maxSlots: undefined, line: index + 1 }));
    return { inventory, np: plan.ranks, ppn: undefined, timeoutMs: timeout, program, plan };
  }
  if (!options.hosts) throw usageError('HPCRUN_NO_HOSTS', 'no inventory given', 'pass --hosts FILE (Open MPI hostfile syntax), or --plan DIR');
  if (!options.np) throw usageError('HPCRUN_NO_NP', 'the number of ranks is missing', 'pass --np N');
  const np = requirePositiveInt(options.np, '--np');
  const ppn = options.ppn === undefined ? undefined : requirePositiveInt(options.ppn, '--ppn');
  return { inventory: await readInventoryFile(options.hosts), np, ppn, timeoutMs: timeout, program, plan: undefined };
}

/** Ranks each host may take: its inventory slots, else its physical cores from preflight. */
export function capacityOf(inventory: readonly InventoryHost[], reports: readonly NodeReport[] | undefined, ppn: number | undefined) {
  return inventory.map((host) => {
    const probed = reports?.find((report) => report.host === host.name)?.probe.physicalCores;
    const slots = host.slots ?? probed ?? ppn;
    if (slots === undefined) {
      throw usageError('HPCRUN_SLOTS_UNKNOWN', `${host.name} has no slots= and --dry-run does not contact the hosts`, 'add slots=N to each inventory line or pass --ppn');
    }
    return { name: host.name, slots };
  });
}

/**
 * ssh arguments for mpirun's own daemon launch, so that it trusts and
 * authenticates as preflight did. On a head node only the policy travels:
 * key and known_hosts paths are this machine's.
 */
export function mpirunSshArgs(options: LaunchOptions, env: Deps['env'], onHead: boolean): string[] {
  const args: string[] = [];
  const identity = options.identity ?? env.HPCRUN_SSH_IDENTITY;
  const knownHosts = options.knownHosts ?? env.HPCRUN_SSH_KNOWN_HOSTS;
  if (identity && !onHead) args.push('-i', identity);
  if (knownHosts && !onHead) args.push('-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null');
  args.push('-o', `StrictHostKeyChecking=${options.acceptNewHostKeys ? 'accept-new' : 'yes'}`, '-o', 'BatchMode=yes');
  if (options.user) args.push('-l', options.user);
  if (options.port) args.push('-p', options.port);
  return args;
}

function describeJob(spec: LaunchSpec, placement: Placement, flavour: MpiFlavour, sshArgs: string[]): JobDescription {
  return spec.plan ? planJob(spec.plan, sshArgs, spec.program) : blockJob(placement, flavour, sshArgs, spec.program);
}

function placementOf(spec: LaunchSpec, reports: readonly NodeReport[] | undefined): Placement {
  if (spec.plan) return { np: spec.np, hosts: spec.plan.nodes.map((node) => ({ name: node.host, ranks: node.ranks })) };
  return blockPlacement(capacityOf(spec.inventory, reports, spec.ppn), spec.np, spec.ppn);
}

function summarise(reports: readonly NodeReport[], ms: number): string {
  const mpi = reports[0]?.probe.mpi;
  const cores = [...new Set(reports.map((report) => report.probe.physicalCores))].join('/');
  const mem = Math.min(...reports.map((report) => report.probe.memAvailableBytes ?? 0)) / 1024 ** 3;
  return `preflight: ${reports.length} host(s) ok in ${(ms / 1000).toFixed(1)} s: ${mpi?.flavour} ${mpi?.version}, ${cores} physical cores, ≥ ${mem.toFixed(1)} GiB free each\n`;
}

function printDryRun(job: JobDescription, head: string | undefined, deps: Deps): void {
  const { argv, env } = placeJob(job, '<job-dir>');
  const envWords = Object.entries(env).map(([key, value]) => `${key}=${value}`);
  const files = Object.entries(job.files).map(([name, content]) => `# <job-dir>/${name}:\n${content}`).join('');
  deps.stdout.write(`# ${head ? `on ${head}: ` : ''}${shellJoin([...(envWords.length ? ['env', ...envWords] : []), ...argv])}\n${files}`);
}

/** The MPI the nodes run must be the one asked for (by --mpi or by the plan). */
function checkFlavour(wanted: MpiFlavour | undefined, detected: MpiInfo, source: string): void {
  if (wanted && wanted !== detected.flavour) {
    throw new HpcrunError('preflight', 'HPCRUN_MPI_MISMATCH', `${source} ${wanted}, but mpirun on the nodes is ${detected.flavour} ${detected.version}`, {
      hint: `use ${detected.flavour} (plan again with --mpi ${detected.flavour}), or put the ${wanted} launcher first on the nodes' PATH`,
    });
  }
}

export async function run(options: LaunchOptions, program: string[], deps: Deps): Promise<number> {
  const spec = await toSpec(options, program);
  const port = options.port === undefined ? undefined : requirePort(options.port);
  if (options.head) requireHostName(options.head, '--head');
  if (options.dryRun) {
    const flavour = spec.plan?.flavour ?? options.mpi ?? 'openmpi';
    printDryRun(describeJob(spec, placementOf(spec, undefined), flavour, mpirunSshArgs(options, deps.env, Boolean(options.head))), options.head, deps);
    return 0;
  }
  const settings = await resolveSshSettings({ ...options, port, env: deps.env });
  const connections = new Map<string, Connection>();
  try {
    const started = performance.now();
    const hosts = spec.inventory.map((host) => host.name);
    let head: Connection | undefined;
    if (options.head) {
      head = await connect(options.head, settings);
      connections.set(options.head, head);
    }
    // Where mpirun will run must have the nodes' MPI too: the head node, or this machine.
    const launcherHosts = head ? [...new Set([...hosts, options.head as string])] : hosts;
    const [checked, local] = await Promise.allSettled([preflight(launcherHosts, settings, connections, head?.client), head ? undefined : probeHere(deps.env)]);
    if (checked.status === 'rejected') throw checked.reason;
    if (local.status === 'rejected') throw local.reason;
    const all = checked.value.reports;
    const reports = all.filter((report) => hosts.includes(report.host));
    checkSameMpi(local.value ? [...all, local.value] : all);
    deps.stderr.write(summarise(reports, performance.now() - started));
    const detected = reports[0]!.probe.mpi!;
    checkFlavour(spec.plan?.flavour, detected, 'the plan was made for');
    checkFlavour(options.mpi, detected, '--mpi asks for');
    const job = describeJob(spec, placementOf(spec, reports), detected.flavour, mpirunSshArgs(options, deps.env, Boolean(head)));
    const end = head ? await runJobOnHead(head, job, spec.timeoutMs, deps) : await runJobHere(job, spec.timeoutMs, deps);
    return finish(end, spec, deps);
  } finally {
    closeAll(connections);
  }
}

function finish(end: JobEnd, spec: LaunchSpec, deps: Deps): number {
  if (end.interruptedBy) {
    throw new HpcrunError('interrupted', 'HPCRUN_INTERRUPTED', `interrupted by ${end.interruptedBy}; the job was stopped`, { exitCode: end.interruptedBy === 'SIGTERM' ? 143 : 130 });
  }
  if (end.timedOut) {
    throw new HpcrunError('timeout', 'HPCRUN_TIMEOUT', `the job ran past --timeout (${(spec.timeoutMs ?? 0) / 1000} s) and was stopped`, { hint: 'raise --timeout, or check the job for a hang' });
  }
  if (end.signal) deps.stderr.write(`hpcrun: mpirun was killed by ${end.signal}\n`);
  return statusOf(end);
}

export function register(program: Command, deps: Deps, status: ExitStatus): void {
  program
    .command('launch')
    .description('check the nodes, then run an MPI program across them with mpirun')
    .option('--hosts <file>', 'inventory in Open MPI hostfile syntax (host [slots=N])')
    .option('--plan <dir>', 'run a plan made by `hpcrun plan --hosts FILE --out DIR`: its rankfile fixes every rank\'s host')
    .option('--np <n>', 'number of MPI ranks')
    .option('--ppn <k>', 'ranks per node (default: fill each host\'s slots in order)')
    .option('--head <host>', 'run mpirun on this host over SSH instead of here')
    .option('--dry-run', 'print the mpirun argv and hostfile; contact no host and run nothing')
    .option('--timeout <duration>', 'stop the job after this long, e.g. 90s, 30m, 2h')
    .option('--identity <file>', 'SSH private key (default: ssh-agent, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa)')
    .option('--user <name>', 'SSH user (default: the current user)')
    .option('--port <n>', 'SSH port (default 22)')
    .option('--known-hosts <file>', 'known_hosts file (default ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts)')
    .option('--accept-new-host-keys', 'trust and record host keys not yet in known_hosts (changed keys are still refused)')
    .addOption(new Option('--mpi <flavour>', 'MPI flavour (default: detected on the nodes)').choices(['openmpi', 'mpich', 'intelmpi']))
    .argument('<program...>', 'the program and its arguments, after --')
    .passThroughOptions()
    .addHelpText(
      'after',
      `
The exit status is the program's; a program killed by a signal gives 128+N.
Before anything runs, every host is reached over SSH (5 s connect timeout), its
host key checked against known_hosts, and its MPI, cores and memory compared.

Examples:
  hpcrun launch --hosts hosts.txt --np 64 -- ./cfd --case wing
  hpcrun launch --hosts hosts.txt --np 8 --ppn 4 --timeout 2h -- ./wrf.exe
  hpcrun launch --head login01 --hosts hosts.txt --np 128 -- ./solver input.nml
  hpcrun launch --hosts hosts.txt --np 4 --dry-run -- ./a.out
  hpcrun plan --grid 8x8x8 --cores-per-node 64 --hosts hosts.txt --out plan/ && hpcrun launch --plan plan/ -- ./stencil`,
    )
    .action(async (argv: string[], options: LaunchOptions) => {
      status.code = await run(options, argv, deps);
    });
}
