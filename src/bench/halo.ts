// hpcrun bench --kind halo: runs the halo mini-app (mpi-templates/halo) with a
// plan's own placement on the plan's hosts, and writes its time per step as a
// result row (kind=halo, unit=us): median, CI and percentiles of its samples,
// each the slowest rank's mean step over HALO_BLOCK consecutive steps.

import { basename } from 'node:path';
import type { Deps } from '../deps.js';
import { HpcrunError, inputError, usageError } from '../errors.js';
import { type HaloOutput, haloArgs, offHostMessages, parseHaloOutput } from '../core/bench/halo-output.js';
import { STOPPING_RULE, TUKEY_RULE } from '../core/stats/index.js';
import { count } from '../core/text.js';
import { parseSize, requirePositiveInt } from '../core/units.js';
import { ensureHaloApp } from '../kernels/index.js';
import { type PlanLaunch, readPlanDir } from '../providers/plan-dir.js';
import { checkPlanOnNodes, planJob, planProvider } from '../providers/plan-launch.js';
import { type SshFlags, sshOptionsOf } from '../providers/select.js';
import { withProvider } from '../providers/types.js';
import { baseMetadata, prepareOutput, rowFromSamples, toolProvenance, writeResultSet } from '../results/index.js';
import type { ResultRow } from '../results/schema.js';
import { clusterHosts } from '../providers/gce/index.js';

export interface HaloBenchOptions extends SshFlags {
  plan?: string;
  haloBytes?: string;
  steps?: string;
  computeUs?: string;
  /** commander's --no-bind: false means place every rank on its host without pinning it to a core. */
  bind?: boolean;
  hosts?: string;
  slurm?: boolean;
  cluster?: string;
  out?: string;
  force?: boolean;
  json?: boolean;
}

export const HALO_WARMUP = 10;
export const HALO_DEFAULT_STEPS = 200;
/** Consecutive steps per sample: steps run back to back, and a single step's time depends on when its neighbours' halos arrived. */
export const HALO_BLOCK = 10;

export interface HaloSpec {
  planDir: string;
  haloBytes: number;
  steps: number;
  computeUs: number;
}

/** Flags → a checked spec; every check is made before any file is read or host contacted. */
export function haloSpec(options: HaloBenchOptions): HaloSpec {
  if (!options.plan) throw usageError('HPCRUN_HALO_NO_PLAN', '--kind halo runs a plan\'s placement, but no --plan was given', 'make one with `hpcrun plan --grid 4x1 --hosts hosts.txt --out plan/`, then pass --plan plan/');
  if (options.haloBytes === undefined) throw usageError('HPCRUN_HALO_BYTES', '--kind halo needs --halo-bytes', 'give the bytes each rank sends to each neighbour per step, e.g. --halo-bytes 64KiB');
  const bytes = parseSize(options.haloBytes);
  if (bytes === undefined || !Number.isInteger(bytes) || bytes < 1) {
    throw usageError('HPCRUN_HALO_BYTES', `--halo-bytes ${JSON.stringify(options.haloBytes)} is not a size of at least 1 byte`, 'give the bytes each rank sends to each neighbour per step, e.g. --halo-bytes 64KiB');
  }
  const steps = options.steps === undefined ? HALO_DEFAULT_STEPS : requirePositiveInt(options.steps, '--steps', HALO_DEFAULT_STEPS);
  const computeUs = options.computeUs === undefined ? 0 : Number(options.computeUs);
  if (options.computeUs !== undefined && (options.computeUs.trim() === '' || !Number.isFinite(computeUs))) {
    throw usageError('HPCRUN_HALO_COMPUTE', `--compute-us ${JSON.stringify(options.computeUs)} is not a number of microseconds`, 'e.g. --compute-us 500');
  }
  const spec = { planDir: options.plan, haloBytes: bytes, steps, computeUs };
  haloArgs({ grid: [1], periodic: false, haloBytes: bytes, steps, block: HALO_BLOCK, warmup: HALO_WARMUP, computeUs }); // the app's own limits
  return spec;
}

/** The plan's grid, or a clear refusal: the halo app exchanges with grid neighbours. */
export function requireGrid(plan: PlanLaunch, dir: string): number[] {
  if (!plan.job.grid) {
    throw inputError('HPCRUN_HALO_NO_GRID', `the plan in ${dir} has no process grid (it was made with --ranks), so a halo exchange has no neighbours`, 'plan again with --grid, e.g. `hpcrun plan --grid 4x1 --hosts hosts.txt --out plan/`');
  }
  return plan.job.grid;
}

/** The row for a finished run: one sample per block of steps, with the plan and what the run saw in extra. */
export function haloRow(output: HaloOutput, plan: PlanLaunch, placementMatches: boolean, bound = true): ResultRow {
  const off = offHostMessages(output);
  return rowFromSamples({
    kind: 'halo', hostA: null, hostB: null, bytes: output.haloBytes, unit: 'us', rawSamples: output.samples, stopReason: 'sample-cap',
    extra: {
      grid: output.grid.join('x'), periodic: output.periodic ? 1 : 0, policy: plan.job.policy, ranks: output.ranks, nodes: plan.placed.nodes.length,
      steps: output.steps, steps_per_sample: output.block, warmup: output.warmup, compute_us: output.computeUs, off_host_messages_per_step: off.total, max_off_host_messages_per_host: off.maxPerHost,
      placement_as_planned: placementMatches ? 'yes' : 'no', bound: bound ? 'yes' : 'no', kernel_elapsed_s: output.elapsedSeconds ?? 0,
    },
  });
}

const fmt = (value: number | null): string => (value === null ? '-' : value >= 100 ? value.toFixed(0) : value.toFixed(2));

export function renderHaloRow(row: ResultRow): string {
  const e = row.extra ?? {};
  return `halo ${e.grid}${e.periodic === 1 ? ' periodic' : ''}, ${e.policy} plan, ${row.bytes} B per neighbour: ${fmt(row.median)} us per step [${fmt(row.ci95_low)}, ${fmt(row.ci95_high)}] (95% CI), p95 ${fmt(row.p95)}, n=${row.samples}; ${e.off_host_messages_per_step} off-host messages per step (at most ${e.max_off_host_messages_per_host} from one host)\n`;
}

export async function runHaloBench(options: HaloBenchOptions, deps: Deps): Promise<number> {
  const spec = haloSpec(options);
  const plan = await readPlanDir(spec.planDir, options.cluster ? clusterHosts(options.cluster, deps) : undefined);
  const grid = requireGrid(plan, spec.planDir);
  const args = haloArgs({ grid, periodic: plan.job.periodic, haloBytes: spec.haloBytes, steps: spec.steps, block: HALO_BLOCK, warmup: HALO_WARMUP, computeUs: spec.computeUs });
  const provider = await planProvider(options, plan, sshOptionsOf(options), deps);
  const acquired = await provider.acquire();
  const now = deps.now();
  const paths = await prepareOutput(options.out, deps.cwd, { now, name: 'halo', force: options.force });
  const building = ensureHaloApp({ env: deps.env });
  building.catch(() => undefined);
  const controller = new AbortController();
  const removeHandler = deps.onSignal((signal) => controller.abort(signal));
  try {
    return await withProvider(provider, async (checked) => {
      deps.stderr.write(checked.summary);
      checkPlanOnNodes(plan, checked.nodes, checked.mpi, provider);
      const app = await building;
      // Nodes may share no filesystem: the binary goes to a per-run folder on each, as bench's kernel does.
      const staged = provider.name === 'ssh' ? await provider.stage([{ local: app.path, name: basename(app.path), mode: 0o755 }]) : undefined;
      const appPath = staged ? `${staged.dir}/${basename(app.path)}` : app.path;
      const unbound = options.bind === false;
      const job = planJob(provider, plan, checked.mpi, [appPath, ...args], { unbound });
      const rankToHost = Array.from(plan.placed.rankToNode, (node) => plan.placed.nodes[node]?.host ?? '?');
      deps.stderr.write(`bench: halo ${grid.join('x')}${plan.job.periodic ? ' periodic' : ''} (${plan.job.policy} plan, ${count(plan.ranks, 'rank')} on ${count(plan.placed.nodes.length, 'node')}), ${spec.haloBytes} B per neighbour, ${count(spec.steps, 'step')} (${HALO_BLOCK} a sample) after ${HALO_WARMUP} warm-up\n`);
      const result = await provider.capture(job, { cancel: controller.signal }, deps);
      let output: HaloOutput | undefined;
      let failure: string | undefined;
      try {
        output = parseHaloOutput(result.stdout);
        if (!output.complete) failure = 'the output ended before "end"';
      } catch (error) {
        failure = error instanceof HpcrunError ? error.message : String(error);
      }
      if (result.canceled) failure = 'interrupted';
      else if (!result.ok) failure = `${result.exitCode === undefined ? `killed by ${result.signal ?? 'a signal'}` : `exit ${result.exitCode}`}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`;
      const seen = output?.rankInfo.map((r) => r.host) ?? [];
      const matches = seen.length === rankToHost.length && seen.every((host, r) => host === rankToHost[r]);
      const mpi = checked.mpi;
      const metadata = baseMetadata({
        name: paths.base.split('/').pop() ?? 'halo',
        command: 'bench',
        date: now.toISOString(),
        hpcrun: await toolProvenance(),
        hosts: plan.placed.nodes.map((node) => node.host),
        nodeShape: null,
        ranksPerNode: plan.placed.ranksPerNode,
        placement: `plan ${spec.planDir}: ${plan.job.policy}, grid ${grid.join('x')}${plan.job.periodic ? ' periodic' : ''}, ${count(plan.ranks, 'rank')} on ${count(plan.placed.nodes.length, 'node')} (exact: ${plan.flavour === 'openmpi' ? (options.bind === false ? 'sequential hostfile, --map-by seq, not bound to cores (--no-bind)' : 'rankfile, each rank bound to its core') : plan.flavour === 'slurm' ? 'SLURM_HOSTFILE' : 'machinefile'})`,
        mpi: { flavour: mpi.flavour, version: mpi.version },
        transport: Object.fromEntries(Object.entries(deps.env).filter((e): e is [string, string] => e[0].startsWith('OMPI_MCA_') && e[1] !== undefined)),
        sizes: [spec.haloBytes],
        policy: { warmup: HALO_WARMUP, targetRelHalfWidth: null, maxSamples: Math.floor(spec.steps / HALO_BLOCK), minSamples: null, iterationsPerSample: HALO_BLOCK, stoppingRule: `fixed: ${spec.steps} steps, ${HALO_BLOCK} a sample (${STOPPING_RULE} not applied)`, outlierRule: TUKEY_RULE },
        timerResolutionUs: output ? Number(output.meta.wtick_us) || null : null,
        plan: { dir: spec.planDir, policy: plan.job.policy, grid, periodic: plan.job.periodic, rankToHost },
        notes: [
          `steps run back to back with no barrier between them; in a step each rank spins --compute-us and exchanges --halo-bytes with every grid neighbour (MPI_Irecv + MPI_Isend to all, MPI_Waitall), timed from the end of its previous step; a sample is the slowest rank's mean step over ${HALO_BLOCK} consecutive steps (MPI_Reduce MAX over the per-rank means after the run)`,
          `halo app ${app.path} (${app.mpiVersion})${staged ? `, copied to ${staged.dir} on every node` : ''}`,
          ...(output && !matches ? [`ranks ran on ${seen.join(',')}, but the plan places them on ${rankToHost.join(',')} (host names as MPI_Get_processor_name reports them)`] : []),
        ],
      });
      await staged?.release();
      if (failure || !output) {
        const failed: ResultRow = {
          kind: 'halo', host_a: null, host_b: null, bytes: spec.haloBytes, samples: null, median: null, p05: null, p95: null, p99: null,
          ci95_low: null, ci95_high: null, unit: 'us', mean: null, stop_reason: 'failed', outliers_tukey: null, source: 'hpcrun', extra: { error: failure ?? 'no output' },
        };
        await writeResultSet(paths, { schemaVersion: 2, metadata: { ...metadata, complete: false, incompleteReason: failure ?? 'no output' }, rows: [failed] });
        if (result.canceled) {
          const signal = String(controller.signal.reason ?? 'SIGINT');
          throw new HpcrunError('interrupted', 'HPCRUN_INTERRUPTED', `interrupted by ${signal}; the halo run was stopped`, { exitCode: signal === 'SIGTERM' ? 143 : 130 });
        }
        throw new HpcrunError('benchmark', 'HPCRUN_BENCH_FAILED', `the halo run failed: ${failure}`, { hint: `the failed row is in ${paths.json}; check the plan's hosts` });
      }
      const row = haloRow(output, plan, matches, !unbound);
      const set = { schemaVersion: 2 as const, metadata: { ...metadata, complete: true }, rows: [row] };
      await writeResultSet(paths, set);
      if (options.json) {
        const { raw_samples: _raw, ...summary } = row;
        deps.stdout.write(`${JSON.stringify({ csv: paths.csv, json: paths.json, complete: true, plan: metadata.plan, placementAsPlanned: matches, rows: [summary] }, null, 2)}\n`);
      } else {
        deps.stdout.write(renderHaloRow(row));
        if (!matches) deps.stdout.write(`note: ${metadata.notes?.at(-1)}\n`);
        deps.stdout.write(`\nwrote ${paths.csv} and ${paths.json}\n`);
      }
      return 0;
    }, { acquired });
  } finally {
    removeHandler();
  }
}
