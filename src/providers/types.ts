// The provider seam: every node source (an SSH inventory, a Slurm allocation,
// later Compute Engine) sits behind one interface, used in one order:
//
//   acquire   -> the nodes, as the source names them (contacts nothing)
//   preflight -> every node checked; cores, memory and MPI read
//   run       -> a launcher's command executed (here, or on a head node)
//   release   -> always, in a `finally` (withProvider does it)
//
// A new provider is one folder under src/providers/ that exports a Provider.

import type { Deps } from '../deps.js';
import type { Launcher, LaunchContext, MpiInfo } from '../core/launchers/index.js';
import type { ProgramCheck } from '../core/probe.js';
import type { JobEnd } from '../exec/job.js';
import type { RunResult } from '../exec/run.js';

export type ProviderName = 'ssh' | 'slurm';

export interface ProviderNode {
  host: string;
  /** Ranks the source grants on this node (inventory slots, Slurm tasks); undefined = one per physical core. */
  slots: number | undefined;
}

export interface CheckedNode extends ProviderNode {
  physicalCores: number | undefined;
  memAvailableBytes: number | undefined;
}

export interface Preflight {
  nodes: CheckedNode[];
  /** The MPI every node runs (one flavour and version, or preflight fails). */
  mpi: MpiInfo;
  /** One line for stderr: what was checked and how long it took. */
  summary: string;
  /** Nodes left out with skipUnreachable, and why; `nodes` holds only the others. */
  skipped: { host: string; reason: string }[];
}

/** Which launcher to start a job with: the MPI's own (mpirun/mpiexec), or srun. */
export type LauncherChoice = 'mpi' | 'srun';

/** A launcher's rendered command, the program after it, and how to run it. */
export interface Job {
  argv: readonly string[];
  env: Readonly<Record<string, string>>;
  files: Readonly<Record<string, string>>;
  program: readonly string[];
}

export interface PreflightOptions {
  /** A program every node must have, from the folder ranks start in. */
  program?: ProgramCheck | undefined;
  /** Leave out nodes that cannot be reached (listed in Preflight.skipped) instead of failing. */
  skipUnreachable?: boolean | undefined;
}

/** A local file to copy to every node for the job. */
export interface StageFile {
  local: string;
  /** Its name in the job's folder on the nodes. */
  name: string;
  mode: number;
}

/** The job's folder on every node (one path for all), until released. */
export interface Staged {
  dir: string;
  /** Removes the folder from every node; safe to call more than once. */
  release(): Promise<void>;
}

export interface RunOptions {
  timeoutMs?: number;
}

export interface CaptureOptions {
  cancel?: AbortSignal;
}

export interface Provider {
  readonly name: ProviderName;
  acquire(): Promise<ProviderNode[]>;
  preflight(nodes: readonly ProviderNode[], options?: PreflightOptions): Promise<Preflight>;
  /** The folder ranks start in, for the program check: this machine's, or undefined for a head node's login folder. */
  readonly workDir: string | undefined;
  /** The launcher and its context for this source: for example srun with --mpi=pmix in Slurm, mpirun with hpcrun's ssh settings over SSH. */
  launcher(mpi: MpiInfo | undefined, choice: LauncherChoice | undefined): { launcher: Launcher; context: Omit<LaunchContext, 'placement'> };
  /** Copies files to a new folder at the same path on every node (for nodes that share no filesystem); after preflight. */
  stage(files: readonly StageFile[]): Promise<Staged>;
  /** Runs a job, streaming its output; the end is data. */
  run(job: Job, options: RunOptions, deps: Deps): Promise<JobEnd>;
  /** Runs a job and keeps its output (bench kernels). */
  capture(job: Job, options: CaptureOptions, deps: Deps): Promise<RunResult>;
  release(): Promise<void>;
  /** Where the launcher can start while preflight runs (ssh, mpirun here through hpcrun's agent); absent elsewhere. */
  readonly early?: EarlyLaunch;
}

/**
 * Starts the launcher at once and preflights the nodes meanwhile: mpirun's
 * daemons and its output wait until every node has passed and `accept` has
 * taken the result (see providers/ssh/overlap.ts). Rejects with preflight's
 * error, or `accept`'s, having stopped the launcher.
 */
export interface EarlyLaunch {
  /** Starts preflight now; `preflight()` and `run()` then share its result. */
  start(nodes: readonly ProviderNode[], options: PreflightOptions): void;
  /** The MPI where the launcher runs, to build the job before the nodes are checked. */
  localMpi(): Promise<MpiInfo | undefined>;
  run(job: Job, accept: (checked: Preflight) => void, runOptions: RunOptions, deps: Deps): Promise<JobEnd>;
}

/** acquire (unless the nodes were acquired already) -> preflight -> work -> release, with release always run. */
export async function withProvider<T>(provider: Provider, work: (checked: Preflight) => Promise<T>, options: PreflightOptions & { acquired?: readonly ProviderNode[] } = {}): Promise<T> {
  try {
    const nodes = options.acquired ?? (await provider.acquire());
    return await work(await provider.preflight(nodes, options));
  } finally {
    await provider.release();
  }
}
