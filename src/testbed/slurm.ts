// Starts and stops a small local Slurm cluster with real daemons: one munged
// with its own key and socket, one slurmctld, and one `slurmd -N snK` per node,
// each daemon in its own UTS namespace so that tasks report distinct hostnames.
// Every command is an argument array; nothing is built as a shell string.
// slurm-conf.ts says what the cluster looks like; this file makes it so.

import { checkOwnedDir } from '../io/owned-dir.js';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { HpcrunError } from '../errors.js';
import { missingCommands, runChecked, runCommand, type RunOptions } from '../exec/run.js';
import { writeFileAtomic } from '../io/atomic.js';
import { ancestors, isRunning, listPids, readText, signal, sleep, utsOf } from './procs.js';
import { CONTROLLER_HOST, DAEMON_MARKER, renderSlurmConf, slurmBasePort, slurmClientEnv, slurmLayout, slurmStateDir, type SlurmLayout } from './slurm-conf.js';

export interface SlurmUpOptions {
  nodes: number;
  /** State folder; default HPCRUN_SLURM_DIR or /run/hpcrun-slurm. */
  dir?: string;
  /** CPUs each node declares (default 2). */
  cpusPerNode?: number;
  /** slurmctld listens here, node K on basePort+K (default 17000). */
  basePort?: number;
  /** How long to wait for every node to be idle (default 20 s). */
  timeoutMs?: number;
}

export interface SlurmCluster {
  dir: string;
  nodes: string[];
  /** What a client (sinfo, srun, salloc, sbatch) needs in its environment: SLURM_CONF. */
  env: Record<string, string>;
}

const TOOLS = ['munged', 'slurmctld', 'slurmd', 'sinfo', 'srun', 'unshare'] as const;
const DAEMONS = new Set(['munged', 'slurmctld', 'slurmscriptd', 'slurmd', 'slurmstepd']);
/** Clients left waiting on a cluster that is gone would hang; a shell that merely exported SLURM_CONF is left alone. */
const CLIENTS = new Set(['srun', 'salloc', 'sbatch', 'sattach', 'sinfo', 'squeue', 'scontrol', 'scancel']);
const STATE_ENTRIES = new Set(['slurm.conf', 'munge', 'ctl', 'nodes']);
/** Debian puts the daemons in /usr/sbin, which a non-login PATH may lack. */
const withSbin = (env: NodeJS.ProcessEnv) => ({ ...env, PATH: `${env.PATH ?? '/usr/bin:/bin'}:/usr/sbin:/sbin` });

/** Fails with a clear environment error when this machine cannot run the cluster. */
export async function checkCanRunSlurm(): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new HpcrunError('environment', 'HPCRUN_SLURM_NEEDS_ROOT', 'the local Slurm cluster needs root (UTS namespaces per node, SlurmUser=root)', {
      hint: 'run the Slurm integration test as root (sudo)',
    });
  }
  const missing = await missingCommands(TOOLS, withSbin(process.env));
  if (missing.length > 0) {
    throw new HpcrunError('environment', 'HPCRUN_SLURM_MISSING', `Slurm or munge is not installed (missing ${missing.join(', ')})`, {
      hint: 'apt-get install --no-install-recommends slurm-wlm munge',
    });
  }
}

/** Brings a cluster of `nodes` nodes up and waits until sinfo shows all of them idle. Idempotent. */
export async function slurmUp(options: SlurmUpOptions): Promise<SlurmCluster> {
  const layout = slurmLayout({ ...options, dir: options.dir ?? slurmStateDir(process.env), basePort: options.basePort ?? slurmBasePort(process.env) });
  const cluster = { dir: layout.dir, nodes: layout.nodes, env: slurmClientEnv(layout) };
  await checkCanRunSlurm();
  const conf = renderSlurmConf(layout);
  if ((await readText(layout.conf)) === conf && (await daemonsAlive(layout)) && (await idleNodes(layout)) === layout.nodes.length) return cluster;

  await slurmDown(layout.dir);
  await checkPortsFree(layout);
  try {
    await prepareFiles(layout, conf);
    const env = { ...withSbin(process.env), SLURM_CONF: layout.conf, [DAEMON_MARKER]: layout.dir };
    await runChecked(
      ['munged', `--socket=${layout.mungeSocket}`, `--key-file=${layout.mungeKey}`, `--pid-file=${layout.mungePid}`, `--log-file=${layout.mungeLog}`, `--seed-file=${layout.mungeDir}/munged.seed`],
      'starting munged',
      { env },
    );
    await startInUts(CONTROLLER_HOST, ['slurmctld'], env);
    await Promise.all(layout.nodes.map((node) => startInUts(node, ['slurmd', '-N', node], env)));
    await waitIdle(layout, options.timeoutMs ?? 20_000);
    return cluster;
  } catch (error) {
    // The folder goes with the daemons, so the logs travel in the message.
    const logs = await logTails(layout);
    await slurmDown(layout.dir);
    if (error instanceof HpcrunError) throw new HpcrunError(error.kind, error.code, `${error.message}\n${logs}`, { hint: error.hint, cause: error });
    throw error;
  }
}

/** A taken port would otherwise show only as nodes that never register (and sinfo calls that hang). */
async function checkPortsFree(layout: SlurmLayout): Promise<void> {
  for (let port = layout.basePort; port <= layout.basePort + layout.nodes.length; port++) {
    const error = await new Promise<Error | undefined>((resolve) => {
      const server = createServer();
      server.once('error', resolve);
      server.listen(port, '0.0.0.0', () => server.close(() => resolve(undefined)));
    });
    if (error !== undefined) {
      throw new HpcrunError('environment', 'HPCRUN_SLURM_PORT_TAKEN', `port ${port}, needed by the local Slurm cluster, is taken: ${error.message}`, {
        hint: `find its owner with \`ss -ltnp 'sport = :${port}'\`, or pass another basePort to slurmUp`,
      });
    }
  }
}

async function prepareFiles(layout: SlurmLayout, conf: string): Promise<void> {
  // munged wants its socket folder (and every folder above) searchable by all.
  await mkdir(layout.dir, { recursive: true, mode: 0o755 });
  await mkdir(layout.mungeDir, { mode: 0o755 });
  await mkdir(`${layout.ctlDir}/state`, { recursive: true, mode: 0o700 });
  for (const node of layout.nodes) {
    await mkdir(`${layout.nodeDir(node)}/spool`, { recursive: true, mode: 0o755 });
    await mkdir(`${layout.nodeDir(node)}/tmp`, { mode: 0o1777 });
  }
  await writeFile(layout.mungeKey, randomBytes(1024), { mode: 0o600, flag: 'wx' });
  await writeFileAtomic(layout.conf, conf);
}

/** Runs a daemon (which forks into the background) with its own UTS hostname. */
async function startInUts(hostname: string, argv: readonly string[], env: RunOptions['env']): Promise<void> {
  await runChecked(['unshare', '--uts', '--', 'sh', '-c', 'hostname "$1" && shift && exec "$@"', 'sh', hostname, ...argv], `starting ${argv.join(' ')}`, { env });
}

/** The number of nodes sinfo reports idle, or -1 when slurmctld does not answer. */
async function idleNodes(layout: SlurmLayout): Promise<number> {
  const result = await runCommand(['sinfo', '--noheader', '--Node', '--format=%N %t'], { env: slurmClientEnv(layout), timeoutMs: 2_000 });
  if (!result.ok) return -1;
  const idle = new Set(result.stdout.split('\n').filter((line) => line.endsWith(' idle')).map((line) => line.split(' ')[0]));
  return layout.nodes.filter((node) => idle.has(node)).length;
}

async function waitIdle(layout: SlurmLayout, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await idleNodes(layout)) === layout.nodes.length) return;
    if (Date.now() > deadline) break;
    await sleep(100);
  }
  const sinfo = await runCommand(['sinfo', '--Node', '--long'], { env: slurmClientEnv(layout), timeoutMs: 2_000 });
  throw new HpcrunError('environment', 'HPCRUN_SLURM_NOT_IDLE', `the local Slurm nodes were not all idle after ${timeoutMs} ms\n${sinfo.stdout}${sinfo.stderr}`, {
    hint: 'the end of each daemon log follows the message',
  });
}

/** The last lines of every daemon log that exists. */
async function logTails(layout: SlurmLayout): Promise<string> {
  const logs = [layout.mungeLog, layout.ctlLog, ...layout.nodes.map((node) => `${layout.nodeDir(node)}/slurmd.log`)];
  const texts = await Promise.all(logs.map(readText));
  return logs.flatMap((log, i) => (texts[i] === undefined ? [] : [`--- ${log}:\n${lastLines(texts[i], 4)}`])).join('\n');
}

/** True when munged, slurmctld and every slurmd named by their pid files are running. */
async function daemonsAlive(layout: SlurmLayout): Promise<boolean> {
  const pidFiles = [layout.mungePid, layout.ctlPid, ...layout.nodes.map((node) => `${layout.nodeDir(node)}/slurmd.pid`)];
  const pids = await Promise.all(pidFiles.map(pidFromFile));
  return pids.every((pid) => pid !== undefined);
}

/**
 * Kills every process of the cluster in `dir` and removes the folder, even
 * after a crash: the daemons named by pid files, every process carrying the
 * cluster's marker in its environment (daemons and their slurmstepds), Slurm
 * clients using its slurm.conf, and every process in the daemons' UTS
 * namespaces (the tasks). Returns the pids killed.
 */
export async function slurmDown(dir: string = slurmStateDir(process.env)): Promise<number[]> {
  await checkOwnedDir(dir, STATE_ENTRIES, 'a local Slurm state folder', 'HPCRUN_SLURM_DIR');
  const self = new Set(await ancestors(process.pid));
  const ownUts = await utsOf(process.pid);
  const marked = new Set<number>();
  for (const file of await pidFiles(dir)) {
    const pid = await pidFromFile(file);
    if (pid !== undefined) marked.add(pid);
  }
  const all = await listPids();
  const environs = await Promise.all(all.map(async (pid) => ({ pid, environ: await readText(`/proc/${pid}/environ`) })));
  for (const { pid, environ } of environs) {
    const vars = environ?.split('\0') ?? [];
    if (vars.includes(`${DAEMON_MARKER}=${dir}`)) marked.add(pid);
    else if (vars.includes(`SLURM_CONF=${dir}/slurm.conf`) && CLIENTS.has((await readText(`/proc/${pid}/comm`))?.trim() ?? '')) marked.add(pid);
  }
  // Only namespaces held by a live daemon of ours: a dead namespace's number may already belong to someone else.
  const namespaces = new Set<string>();
  for (const pid of marked) {
    const uts = await utsOf(pid);
    if (uts !== undefined && uts !== ownUts) namespaces.add(uts);
  }
  const victims = new Set(marked);
  for (const pid of all) if (namespaces.has((await utsOf(pid)) ?? '')) victims.add(pid);
  for (const pid of self) victims.delete(pid);
  // Nothing is worth saving: SIGKILL at once (slurmstepd ignores SIGTERM anyway).
  for (const pid of victims) signal(pid, 'SIGKILL');
  for (let i = 0; i < 50 && (await Promise.all([...victims].map(isRunning))).some(Boolean); i++) await sleep(50);
  await rm(dir, { recursive: true, force: true });
  return [...victims].sort((a, b) => a - b);
}

/** Refuses to remove a folder that holds anything a Slurm state folder would not. */

async function pidFiles(dir: string): Promise<string[]> {
  const files = [`${dir}/munge/munged.pid`, `${dir}/ctl/slurmctld.pid`];
  try {
    for (const node of await readdir(`${dir}/nodes`)) files.push(`${dir}/nodes/${node}/slurmd.pid`);
  } catch {
    // no nodes folder
  }
  return files;
}

/** The pid in a pid file if that process is running and is one of the cluster's daemons (not a reused pid). */
async function pidFromFile(file: string): Promise<number | undefined> {
  const pid = Number((await readText(file))?.trim());
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  const comm = (await readText(`/proc/${pid}/comm`))?.trim();
  return comm !== undefined && DAEMONS.has(comm) && (await isRunning(pid)) ? pid : undefined;
}

function lastLines(text: string | undefined, count: number): string {
  return (text ?? '').trimEnd().split('\n').slice(-count).join('\n');
}
