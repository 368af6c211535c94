// The Slurm provider: nodes from the allocation hpcrun runs in (salloc,
// sbatch), read from SLURM_JOB_NODELIST and SLURM_TASKS_PER_NODE. Slurm
// already vouches for its nodes, so there is no SSH preflight: one short srun
// step (a task per node) reads each node's cores, memory and MPI instead.
// Jobs start with srun (--mpi=pmix for Open MPI), or with the MPI's own
// launcher when asked. The allocation is the user's: release leaves it be.

import type { Deps } from '../../deps.js';
import { HpcrunError, usageError } from '../../errors.js';
import { launcherFor, pmiFor } from '../../core/launchers/index.js';
import { PROBE_SCRIPT, type ProgramCheck, parseProbe } from '../../core/probe.js';
import { type Allocation, compressHostlist, readAllocation } from '../../core/slurm/hostlist.js';
import { runCommand } from '../../exec/run.js';
import { type NodeReport, PROBE_TIMEOUT_MS, checkProgram, checkSameMpi, probeHere, summarise } from '../checks.js';
import { captureHere, runHere } from '../local.js';
import type { LauncherChoice, Provider, ProviderNode } from '../types.js';

export interface SlurmProviderOptions {
  /** The launcher the job will use: srun (default) or the MPI's own, which must then exist here too. */
  choice: LauncherChoice | undefined;
}

/** The allocation in `env`, or a clear error when there is none. */
export function requireAllocation(env: Deps['env']): Allocation {
  const allocation = readAllocation(env);
  if (!allocation) {
    throw usageError('HPCRUN_SLURM_NO_ALLOCATION', '--slurm was given, but hpcrun is not inside a Slurm allocation (SLURM_JOB_ID is not set)', 'run it inside one: salloc -N 4 hpcrun launch ..., or in an sbatch script; or give --hosts FILE');
  }
  return allocation;
}

/** Reads `srun --label` output of the probe, one report per node. */
export function parseProbeStep(stdout: string): NodeReport[] {
  const byTask = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    const match = /^\s*(\d+): ?(.*)$/.exec(line);
    if (!match) continue;
    byTask.set(match[1] as string, [...(byTask.get(match[1] as string) ?? []), match[2] as string]);
  }
  return [...byTask.values()].map((lines) => {
    const node = lines.find((line) => line.startsWith('node='))?.slice(5);
    const text = lines.filter((line) => !line.startsWith('node=')).join('\n');
    const probe = parseProbe(text, node ?? 'a Slurm node');
    return { host: node || probe.hostname, probe };
  });
}

async function probeStep(hosts: readonly string[], env: Deps['env'], program: ProgramCheck | undefined): Promise<NodeReport[]> {
  const argv = ['srun', `--nodelist=${hosts.join(',')}`, `--nodes=${hosts.length}`, `--ntasks=${hosts.length}`, '--ntasks-per-node=1', '--label', '--kill-on-bad-exit=1', 'sh', '-c', `echo "node=$SLURMD_NODENAME"\n${PROBE_SCRIPT}`, 'hpcrun-probe', ...(program ? [program.name, program.dir ?? ''] : [])];
  const result = await runCommand(argv, { env, extendEnv: false, timeoutMs: PROBE_TIMEOUT_MS });
  if (result.spawnFailed) {
    throw new HpcrunError('environment', 'HPCRUN_NO_LAUNCHER', 'cannot start srun here', { hint: 'run hpcrun where the Slurm client commands are on the PATH (a login node, or inside the batch job)' });
  }
  const reports = result.ok ? parseProbeStep(result.stdout) : [];
  const missing = hosts.filter((host) => !reports.some((report) => report.host === host));
  if (!result.ok || missing.length > 0) {
    const why = result.timedOut ? `did not finish within ${PROBE_TIMEOUT_MS / 1000} s` : `ended with status ${result.exitCode ?? result.signal}`;
    throw new HpcrunError('preflight', 'HPCRUN_SLURM_PROBE', `the srun probe of ${compressHostlist([...hosts])} ${result.ok ? `did not answer from ${missing.join(', ')}` : why}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`, {
      hint: 'check the nodes with sinfo and scontrol show node; the allocation may have lost a node',
    });
  }
  // In the allocation's order, not the order the tasks happened to print in.
  return hosts.map((host) => reports.find((report) => report.host === host) as NodeReport);
}

export function slurmProvider(options: SlurmProviderOptions, deps: Deps): Provider {
  return {
    name: 'slurm',
    workDir: deps.cwd,
    async acquire(): Promise<ProviderNode[]> {
      return requireAllocation(deps.env).nodes.map((node) => ({ host: node.host, slots: node.tasks }));
    },
    async preflight(nodes, preflightOptions = {}) {
      const started = performance.now();
      const [step, local] = await Promise.allSettled([probeStep(nodes.map((node) => node.host), deps.env, preflightOptions.program), options.choice === 'mpi' ? probeHere(deps.env) : undefined]);
      if (step.status === 'rejected') throw step.reason;
      if (local.status === 'rejected') throw local.reason;
      checkSameMpi(local.value ? [...step.value, local.value] : step.value);
      if (preflightOptions.program) checkProgram(step.value, preflightOptions.program.name);
      const byHost = new Map(step.value.map((report) => [report.host, report.probe]));
      return {
        nodes: nodes.map((node) => ({ ...node, physicalCores: byHost.get(node.host)?.physicalCores, memAvailableBytes: byHost.get(node.host)?.memAvailableBytes })),
        mpi: step.value[0]!.probe.mpi!,
        summary: summarise(step.value, performance.now() - started, `slurm job ${deps.env.SLURM_JOB_ID}`),
        skipped: [],
      };
    },
    launcher(mpi, choice) {
      if (choice === 'mpi') return { launcher: launcherFor(mpi?.flavour ?? 'openmpi'), context: {} };
      return { launcher: launcherFor('slurm'), context: { pmi: pmiFor(mpi?.flavour) } };
    },
    async stage() {
      throw usageError('HPCRUN_SLURM_BCAST', '--bcast copies over SSH, and inside Slurm there is no SSH preflight', 'use srun --bcast (or sbcast) inside the allocation, or a shared filesystem');
    },
    run: (job, runOptions, runDeps) => runHere(job, runOptions, runDeps),
    capture: (job, captureOptions, runDeps) => captureHere(job, captureOptions, runDeps),
    async release() {
      // The allocation belongs to the user (salloc, sbatch); nothing of ours is left on its nodes.
    },
  };
}
