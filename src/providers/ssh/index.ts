// The SSH provider: nodes from an inventory in Open MPI hostfile syntax, each
// checked over ssh2 with verified host keys, and the job's launcher run here
// or on a head node (--head). Release closes every connection.

import type { Deps } from '../../deps.js';
import { HpcrunError, usageError } from '../../errors.js';
import { type InventoryHost, parseInventory } from '../../core/inventory.js';
import { launcherFor } from '../../core/launchers/index.js';
import { type Connection, type SshSettings, connect, preconnect, resolveSshSettings } from '../../exec/ssh.js';
import { nativeAgent } from '../../exec/native-agent.js';
import { readInput } from '../../io/read-input.js';
import { type NodeReport, checkProgram, checkSameMpi, probeHere, summarise } from '../checks.js';
import { captureHere, runHere } from '../local.js';
import type { ProgramCheck } from '../../core/probe.js';
import type { Job, Preflight, PreflightOptions, Provider, ProviderNode, Staged } from '../types.js';
import { Connections } from './connections.js';
import { isThisMachine } from './here.js';
import { type Hold, RSH_AGENT, startRshServer } from './rsh-server.js';
import { captureOnHead, runJobOnHead } from './head.js';
import { type PreflightResult, closeAll, preflight } from './preflight.js';
import { absoluteSsh, holderFor, knownHostsRecord } from './persist.js';
import { stageFiles } from './stage.js';
import { launchDuringPreflight } from './overlap.js';
import { type NodeWatch, type Stoppable, stoppable, watchNodes } from './watch.js';

export interface SshOptions {
  identity?: string | undefined;
  user?: string | undefined;
  port?: number | undefined;
  knownHosts?: string | undefined;
  acceptNewHostKeys?: boolean | undefined;
  /** Keep the logins open this long after the launch, and use kept ones (persist.ts); mpirun here only. */
  persistMs?: number | undefined;
}

export interface SshProviderOptions {
  /** The inventory: a file to read, or hosts already known (a plan's). */
  inventory: string | readonly InventoryHost[];
  /** Run the launcher on this host over SSH instead of here. */
  head?: string | undefined;
  ssh: SshOptions;
}

export async function readInventoryFile(path: string): Promise<InventoryHost[]> {
  const text = await readInput(path, `the inventory ${path}`, 'HPCRUN_INVENTORY_MISSING', 'give --hosts a file with one host per line (Open MPI hostfile syntax); `hpcrun testbed up` writes one');
  return parseInventory(text, path);
}

/**
 * ssh arguments for mpirun's own daemon launch, so that it trusts and
 * authenticates as preflight did. On a head node only the policy travels:
 * key and known_hosts paths are this machine's.
 */
export function mpirunSshArgs(options: SshOptions, env: Deps['env'], onHead: boolean): string[] {
  const args: string[] = [];
  const identity = options.identity ?? env.HPCRUN_SSH_IDENTITY;
  const knownHosts = options.knownHosts ?? env.HPCRUN_SSH_KNOWN_HOSTS;
  if (identity && !onHead) args.push('-i', identity);
  if (knownHosts && !onHead) args.push('-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null');
  args.push('-o', `StrictHostKeyChecking=${options.acceptNewHostKeys ? 'accept-new' : 'yes'}`, '-o', 'BatchMode=yes');
  if (options.user) args.push('-l', options.user);
  if (options.port) args.push('-p', String(options.port));
  return args;
}

export function sshProvider(options: SshProviderOptions, deps: Deps): Provider {
  const connections = new Connections();
  /** A job whose mpirun uses hpcrun's agent gets the socket that serves it, for as long as it runs. */
  const rshFor = async (job: Job, hold?: Hold): Promise<{ job: Job; close: () => Promise<void> }> => {
    if (!job.argv.includes('plm_rsh_agent')) return { job, close: async () => undefined };
    const server = await startRshServer(connections, hold);
    return { job: { ...job, env: { ...job.env, HPCRUN_RSH_SOCKET: server.socketPath } }, close: () => server.close() };
  };
  let head: Connection | undefined;
  let settings: SshSettings | undefined;
  let checkedHosts: string[] = [];
  const stagings: Staged[] = [];
  // This machine's probe (where mpirun runs), once: an early launch needs its MPI before preflight ends.
  let local: Promise<NodeReport> | undefined;
  const localReport = (program?: ProgramCheck) => (local ??= probeHere(deps.env, program));
  // mpirun's agent: the C build where this machine can compile it, else the Node.js one.
  let nativeAgentPath: string | undefined;
  const findAgent = async () => {
    if (!options.head) nativeAgentPath = await nativeAgent(deps.env);
  };
  let started: Promise<Preflight> | undefined;
  // Kept logins (--persist): only where mpirun runs here; the command refuses --persist with --head.
  const persistMs = options.head ? undefined : options.ssh.persistMs;
  /** With --persist, how a login is made: through the holder. */
  let openLogin: ((host: string) => Promise<Connection>) | undefined;
  /** Inventory hosts that are this machine, checked by the local probe (early launches only); at most one. */
  let here: string[] = [];
  /** `skipSelf`: check a host that is this machine with the local probe, not an SSH session to itself. */
  const runPreflight = async (nodes: readonly ProviderNode[], preflightOptions: PreflightOptions, skipSelf = false): Promise<Preflight> => {
    const began = performance.now();
    const hosts = nodes.map((node) => node.host);
    checkedHosts = hosts;
    here = skipSelf && !options.head ? hosts.filter((host) => isThisMachine(host)) : [];
    if (here.length > 1) {
      throw new HpcrunError('input', 'HPCRUN_DUPLICATE_NODE', `${here.join(' and ')} are one node (both name this machine)`, { hint: 'list each node once in the inventory, under one name' });
    }
    if (here.length > 0) void localReport(preflightOptions.program);
    if (persistMs) {
      // Kept logins: no handshake here, and no ssh2 in this process.
      const ssh = absoluteSsh(options.ssh, deps.env, deps.cwd);
      const holder = await holderFor(ssh, persistMs, deps);
      openLogin = holder.open;
      const [checked, local] = await Promise.allSettled([preflight(hosts.filter((host) => !here.includes(host)), knownHostsRecord(ssh, deps.env), connections, holder.open, preflightOptions.program, preflightOptions.skipUnreachable), localReport(), findAgent()]);
      return preflightResult(nodes, hosts, checked, local, began, preflightOptions);
    }
    // An early launch opens the TCP connections first, so sshd starts its side while ssh2 loads.
    const early = skipSelf && !options.head ? new Map(hosts.filter((host) => !here.includes(host)).map((host) => [host, preconnect(host, options.ssh.port ?? 22)])) : undefined;
    try {
      settings = await resolveSshSettings({ ...options.ssh, env: deps.env });
    } catch (error) {
      for (const socket of early?.values() ?? []) socket.discard();
      throw error;
    }
    if (options.head) {
      head = await connect(options.head, settings);
      connections.set(options.head, head);
    }
    // Where the launcher runs must have the nodes' MPI too: the head node, or this machine.
    const launcherHosts = head ? [...new Set([...hosts, options.head as string])] : hosts.filter((host) => !here.includes(host));
    const [checked, local] = await Promise.allSettled([preflight(launcherHosts, settings, connections, (host) => connect(host, settings as SshSettings, head?.client, early?.get(host)), preflightOptions.program, preflightOptions.skipUnreachable), head ? undefined : localReport(), findAgent()]);
    return preflightResult(nodes, hosts, checked, local, began, preflightOptions);
  };
  const preflightResult = (nodes: readonly ProviderNode[], hosts: string[], checked: PromiseSettledResult<PreflightResult>, local: PromiseSettledResult<NodeReport | undefined>, began: number, preflightOptions: PreflightOptions): Preflight => {
    if (checked.status === 'rejected') throw checked.reason;
    if (local.status === 'rejected') throw local.reason;
    // This machine as the node it is in the inventory (its probe checked the program too).
    const all = [...checked.value.reports, ...here.map((host) => ({ host, probe: (local.value as NodeReport).probe }))].sort((a, b) => hosts.indexOf(a.host) - hosts.indexOf(b.host));
    const { skipped } = checked.value;
    if (options.head && skipped.some((node) => node.host === options.head)) throw new HpcrunError('preflight', 'HPCRUN_HOST_UNREACHABLE', `the head node ${options.head} cannot be reached`, { hint: 'check the head node; it cannot be skipped' });
    const reports = all.filter((report) => hosts.includes(report.host));
    checkedHosts = reports.map((report) => report.host);
    checkSameMpi(local.value ? [...all, local.value] : all);
    if (preflightOptions.program) checkProgram(reports, preflightOptions.program.name);
    const byHost = new Map(reports.map((report) => [report.host, report.probe]));
    return {
      nodes: nodes.filter((node) => byHost.has(node.host)).map((node) => ({ ...node, physicalCores: byHost.get(node.host)?.physicalCores, memAvailableBytes: byHost.get(node.host)?.memAvailableBytes })),
      mpi: reports[0]!.probe.mpi!,
      summary: summarise(reports, performance.now() - began),
      skipped,
    };
  };
  const provider: Provider = {
    name: 'ssh',
    workDir: options.head ? undefined : deps.cwd,
    async acquire(): Promise<ProviderNode[]> {
      const inventory = typeof options.inventory === 'string' ? await readInventoryFile(options.inventory) : options.inventory;
      return inventory.map((host) => ({ host: host.name, slots: host.slots }));
    },
    preflight(nodes, preflightOptions = {}) {
      // An early launch started it already (with the same nodes and options).
      return started ?? runPreflight(nodes, preflightOptions);
    },
    launcher(mpi, choice) {
      if (choice === 'srun') {
        throw usageError('HPCRUN_SRUN_NEEDS_SLURM', '--launcher srun needs a Slurm allocation, but the nodes come from --hosts', 'run inside salloc or sbatch without --hosts, or drop --launcher srun');
      }
      const flavour = mpi?.flavour ?? 'openmpi';
      // mpirun here (not on a head node) starts its daemons over the preflight's own connections.
      const rshAgent = flavour === 'openmpi' && !options.head && deps.env.HPCRUN_RSH_AGENT !== 'ssh' ? (nativeAgentPath ? [nativeAgentPath] : [process.execPath, RSH_AGENT]) : undefined;
      return { launcher: launcherFor(flavour), context: { sshArgs: mpirunSshArgs(options.ssh, deps.env, Boolean(options.head)), ...(rshAgent ? { rshAgent } : {}) } };
    },
    async stage(files) {
      const staged = await stageFiles(checkedHosts, connections, files);
      stagings.push(staged);
      return staged;
    },
    async run(job, runOptions, runDeps) {
      const stop = stoppable(runDeps);
      const watch = watchNodes(checkedHosts, connections, stop);
      const rsh = await rshFor(job);
      try {
        const end = await (head ? runJobOnHead(head, job, runOptions.timeoutMs, stop.deps) : runHere(rsh.job, runOptions, stop.deps));
        watch.check();
        return end;
      } finally {
        watch.stop();
        await rsh.close();
      }
    },
    async capture(job, captureOptions, runDeps) {
      if (head) return captureOnHead(head, job, captureOptions.cancel, runDeps);
      const rsh = await rshFor(job);
      try {
        return await captureHere(rsh.job, captureOptions, runDeps);
      } finally {
        await rsh.close();
      }
    },
    async release() {
      // A preflight still connecting (an early launch that stopped on its own error) must
      // finish first, or the connections it opens afterwards would keep hpcrun alive.
      await started?.catch(() => undefined);
      // Staged folders go first, while their connections are still open.
      await Promise.allSettled(stagings.map((staged) => staged.release()));
      closeAll(connections);
    },
  };
  // Only where mpirun runs here and starts its daemons through hpcrun's agent, which can hold them.
  if (options.head || deps.env.HPCRUN_RSH_AGENT === 'ssh') return provider;
  return {
    ...provider,
    early: {
      start(nodes, preflightOptions) {
        started ??= runPreflight(nodes, preflightOptions, true);
        // Awaited by run() or preflight(); until then a failure must not count as unhandled.
        started.catch(() => undefined);
      },
      localMpi: async () => (await Promise.all([localReport(), findAgent()]))[0].probe.mpi,
      async run(job, accept, runOptions, runDeps) {
        let watch: NodeWatch | undefined;
        let watching: Stoppable | undefined;
        let opened!: (error?: unknown) => void;
        const gate = new Promise<void>((resolve, reject) => {
          opened = (error) => (error === undefined ? resolve() : reject(error));
        });
        // A rejected gate is handled by each waiting request; none may be waiting.
        gate.catch(() => undefined);
        const connectLate = async (host: string) => {
          if (!here.includes(host)) return undefined;
          const connection = openLogin ? await openLogin(host) : settings ? await connect(host, settings) : undefined;
          if (!connection) return undefined;
          connections.set(host, connection);
          return connection;
        };
        const rsh = await rshFor(job, { gate, connections, connectLate });
        try {
          const { end } = await launchDuringPreflight(runDeps, {
            start: (stop) => {
              watching = stop;
              return runHere(rsh.job, runOptions, stop.deps);
            },
            preflight: async () => {
              if (!started) throw new Error('internal: an early launch runs only after start()');
              const checked = await started;
              accept(checked);
              return checked;
            },
            passed: () => {
              watch = watchNodes(checkedHosts, connections, watching as Stoppable);
            },
            open: opened,
          });
          watch?.check();
          return end;
        } finally {
          watch?.stop();
          await rsh.close();
        }
      },
    },
  };
}
