// hpcrun launch: preflight every node, place ranks, run mpirun here or on a
// head node, and pass on the program's exit status.

import { Command, Option } from 'commander';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExitStatus } from '../cli.js';
import type { Deps } from '../deps.js';
import { HpcrunError, usageError } from '../errors.js';
import { type InventoryHost, parseInventory } from '../core/inventory.js';
import { type Placement, blockPlacement, launcherArgv, machinefile, placementHostfile } from '../core/launch.js';
import { type MpiFlavour, PROBE_SCRIPT, parseProbe } from '../core/probe.js';
import { requireDuration, requirePositiveInt } from '../core/units.js';
import { type JobEnd, runLocalJob, runRemoteJob, statusOf } from '../exec/job.js';
import { shellJoin } from '../exec/quote.js';
import { runCommand } from '../exec/run.js';
import { type Connection, type SshSettings, connect, exec, resolveSshSettings } from '../exec/ssh.js';
import { type NodeReport, checkSameMpi, closeAll, preflight } from '../providers/preflight.js';
import { type PlanLaunch, readPlanDir } from '../providers/plan-dir.js';

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

/** The files handed to the launcher, by content; written to a temp folder or uploaded. */
interface JobFiles {
  hostfile: string;
  rankfile?: string;
}

export async function readInventoryFile(path: string): Promise<InventoryHost[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new HpcrunError('not-found', 'HPCRUN_INVENTORY_MISSING', `cannot read the inventory ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      hint: 'give --hosts a file with one host per line (Open MPI hostfile syntax); `hpcrun testbed up` writes one',
    });
  }
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

/** ssh arguments for mpirun's own daemon launch, so it trusts and authenticates as preflight did. */
export function mpirunSshArgs(options: LaunchOptions, settings: SshSettings, env: Deps['env']): string[] {
  const args: string[] = [];
  const identity = options.identity ?? env.HPCRUN_SSH_IDENTITY;
  if (identity) args.push('-i', identity);
  if (options.knownHosts ?? env.HPCRUN_SSH_KNOWN_HOSTS) args.push('-o', `UserKnownHostsFile=${settings.knownHostsFile}`);
  args.push('-o', `StrictHostKeyChecking=${options.acceptNewHostKeys ? 'accept-new' : 'yes'}`, '-o', 'BatchMode=yes');
  if (options.user) args.push('-l', options.user);
  if (options.port) args.push('-p', options.port);
  return args;
}

function passThroughEnv(env: Deps['env']): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[0].startsWith('OMPI_') && entry[1] !== undefined));
}

function jobFiles(spec: LaunchSpec, placement: Placement, flavour: MpiFlavour): JobFiles {
  if (spec.plan) return { hostfile: spec.plan.hostfile, rankfile: spec.plan.rankfile };
  return { hostfile: flavour === 'openmpi' ? placementHostfile(placement) : machinefile(placement) };
}

function placementOf(spec: LaunchSpec, reports: readonly NodeReport[] | undefined): Placement {
  if (spec.plan) return { np: spec.np, hosts: spec.plan.nodes.map((node) => ({ name: node.host, ranks: node.ranks })) };
  return blockPlacement(capacityOf(spec.inventory, reports, spec.ppn), spec.np, spec.ppn);
}

async function localMpi(deps: Deps): Promise<NodeReport> {
  const result = await runCommand(['sh', '-c', PROBE_SCRIPT], { env: deps.env, extendEnv: false });
  return { host: 'localhost (where mpirun runs)', probe: parseProbe(result.stdout, 'localhost') };
}

function summarise(reports: readonly NodeReport[], ms: number): string {
  const mpi = reports[0]?.probe.mpi;
  const cores = [...new Set(reports.map((report) => report.probe.physicalCores))].join('/');
  const mem = Math.min(...reports.map((report) => report.probe.memAvailableBytes ?? 0)) / 1024 ** 3;
  return `preflight: ${reports.length} host(s) ok in ${(ms / 1000).toFixed(1)} s: ${mpi?.flavour} ${mpi?.version}, ${cores} physical cores, ≥ ${mem.toFixed(1)} GiB free each\n`;
}

export async function run(options: LaunchOptions, program: string[], deps: Deps): Promise<number> {
  const spec = await toSpec(options, program);
  const port = options.port === undefined ? undefined : requirePositiveInt(options.port, '--port');
  const settings = await resolveSshSettings({ ...options, port, env: deps.env });
  if (options.dryRun) {
    const flavour = spec.plan?.flavour ?? options.mpi ?? 'openmpi';
    const files = jobFiles(spec, placementOf(spec, undefined), flavour);
    const argv = launcherArgv({ flavour, np: spec.np, hostfilePath: '<hostfile>', rankfilePath: files.rankfile === undefined ? undefined : '<rankfile>', sshArgs: options.head ? [] : mpirunSshArgs(options, settings, deps.env), program: spec.program });
    deps.stdout.write(`# ${options.head ? `on ${options.head}: ` : ''}${shellJoin(argv)}\n# <hostfile>:\n${files.hostfile}${files.rankfile === undefined ? '' : `# <rankfile>:\n${files.rankfile}`}`);
    return 0;
  }
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
    const [{ reports: all }, local] = await Promise.all([preflight(launcherHosts, settings, connections, head?.client), head ? undefined : localMpi(deps)]);
    const reports = all.filter((report) => hosts.includes(report.host));
    checkSameMpi(local ? [...all, local] : all);
    deps.stderr.write(summarise(reports, performance.now() - started));
    const detected = reports[0]!.probe.mpi!;
    if (spec.plan && spec.plan.flavour !== detected.flavour) {
      throw new HpcrunError('preflight', 'HPCRUN_MPI_MISMATCH', `the plan was made for ${spec.plan.flavour}, but mpirun on the nodes is ${detected.flavour} ${detected.version}`, {
        hint: `plan again with --mpi ${detected.flavour}, or put the ${spec.plan.flavour} launcher first on the nodes' PATH`,
      });
    }
    const flavour = spec.plan?.flavour ?? options.mpi ?? detected.flavour;
    const files = jobFiles(spec, placementOf(spec, reports), flavour);
    const end = head
      ? await launchRemote(head, files, flavour, spec, deps)
      : await launchLocal(files, flavour, spec, mpirunSshArgs(options, settings, deps.env), deps);
    return finish(end, spec, deps);
  } finally {
    closeAll(connections);
  }
}

async function launchLocal(files: JobFiles, flavour: MpiFlavour, spec: LaunchSpec, sshArgs: string[], deps: Deps): Promise<JobEnd> {
  const dir = await mkdtemp(join(tmpdir(), 'hpcrun-launch-'));
  try {
    const hostfilePath = join(dir, 'hostfile');
    await writeFile(hostfilePath, files.hostfile);
    const rankfilePath = files.rankfile === undefined ? undefined : join(dir, 'rankfile');
    if (rankfilePath) await writeFile(rankfilePath, files.rankfile as string);
    const argv = launcherArgv({ flavour, np: spec.np, hostfilePath, rankfilePath, sshArgs, program: spec.program });
    return await runLocalJob({ argv, env: deps.env, timeoutMs: spec.timeoutMs }, deps);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function launchRemote(head: Connection, files: JobFiles, flavour: MpiFlavour, spec: LaunchSpec, deps: Deps): Promise<JobEnd> {
  const made = await exec(head.client, shellJoin(['sh', '-c', 'umask 077 && mktemp -d "${TMPDIR:-/tmp}/hpcrun-launch.XXXXXX"']));
  const dir = made.stdout.trim();
  if (made.exitCode !== 0 || !/^\/[^\n]+$/.test(dir)) {
    throw new HpcrunError('preflight', 'HPCRUN_HEAD_TMP', `cannot create a temporary folder on the head node: ${made.stderr.trim() || dir}`, { hint: 'check that the head node has a writable /tmp or TMPDIR' });
  }
  try {
    const upload = (name: string, content: string) => exec(head.client, shellJoin(['sh', '-c', 'cat > "$1"', 'sh', `${dir}/${name}`]), { stdin: content });
    await upload('hostfile', files.hostfile);
    if (files.rankfile !== undefined) await upload('rankfile', files.rankfile);
    const argv = launcherArgv({ flavour, np: spec.np, hostfilePath: `${dir}/hostfile`, rankfilePath: files.rankfile === undefined ? undefined : `${dir}/rankfile`, program: spec.program });
    return await runRemoteJob({ client: head.client, argv, env: passThroughEnv(deps.env), timeoutMs: spec.timeoutMs }, deps);
  } finally {
    await exec(head.client, shellJoin(['rm', '-rf', '--', dir])).catch(() => undefined);
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
