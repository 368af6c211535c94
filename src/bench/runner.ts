// Runs the MPI kernel on one pair of hosts with the provider's launcher and turns its output
// into result rows. A failed or interrupted run is data: finished sizes are
// kept, and the failure is reported with its reason.

import type { Deps } from '../deps.js';
import { HpcrunError, isHpcrunError } from '../errors.js';
import { type KernelOutput, type KernelRun, parseKernelOutput } from '../core/bench/kernel-output.js';
import type { BenchSpec } from '../core/bench/spec.js';
import { placedInOrder } from '../core/launch.js';
import type { LaunchContext, Launcher } from '../core/launchers/index.js';
import type { Provider } from '../providers/types.js';
import { kernelArgs } from '../kernels/index.js';
import { describeEnd } from '../exec/run.js';
import { rowFromSamples } from '../results/index.js';
import type { ResultRow, RowStopReason } from '../results/schema.js';

export interface PairRun {
  a: string;
  b: string;
  rows: ResultRow[];
  output: KernelOutput | undefined;
  /** Why the run did not finish, if it did not. */
  failure: string | undefined;
  durationMs: number;
}

export interface PairRunInput {
  a: string;
  b: string;
  kernel: string;
  spec: BenchSpec;
  /** Runs the kernel: the provider the nodes came from, with its launcher. */
  provider: Provider;
  launcher: { launcher: Launcher; context: Omit<LaunchContext, 'placement'> };
  deps: Deps;
  cancel: AbortSignal;
}

const STOP_REASONS: Record<string, RowStopReason> = { ci: 'ci-target', cap: 'sample-cap', time: 'time-cap' };

/** Rows for the finished runs of one kernel output; unfinished runs are left out. */
export function rowsFromOutput(output: KernelOutput, a: string, b: string): ResultRow[] {
  const rows: ResultRow[] = [];
  for (const run of output.runs.filter((r): r is KernelRun & { stop: NonNullable<KernelRun['stop']> } => r.stop !== undefined)) {
    const common = { kind: run.kind, hostA: a, hostB: b, bytes: run.bytes, stopReason: STOP_REASONS[run.stop.reason] ?? 'sample-cap' } as const;
    const extra = { warmup: run.warmup, window: run.window, pairs: run.pairs, kernel_elapsed_s: run.stop.elapsedSeconds };
    rows.push(rowFromSamples({ ...common, unit: run.unit, rawSamples: run.samples, extra }));
    if (run.messageRates) rows.push(rowFromSamples({ ...common, unit: 'msg/s', rawSamples: run.messageRates, extra }));
  }
  return rows;
}

/** A row that says a kind and size was not measured, and why (DESIGN §3.4: failures are data). */
export function failedRow(kind: string, a: string, b: string, bytes: number, reason: string): ResultRow {
  return {
    kind, host_a: a, host_b: b, bytes, samples: null, median: null, p05: null, p95: null, p99: null,
    ci95_low: null, ci95_high: null, unit: kind === 'latency' ? 'us' : 'MB/s', mean: null,
    stop_reason: 'failed', outliers_tukey: null, source: 'hpcrun', extra: { error: reason },
  };
}

/** Failed rows for every kind and size of the spec that has no measured row. */
export function missingRows(spec: Pick<BenchSpec, 'kinds' | 'sizes'>, measured: readonly ResultRow[], a: string, b: string, reason: string): ResultRow[] {
  const have = new Set(measured.map((row) => `${row.kind}/${row.bytes}`));
  return spec.kinds.flatMap((kind) => spec.sizes.filter((bytes) => !have.has(`${kind}/${bytes}`)).map((bytes) => failedRow(kind, a, b, bytes, reason)));
}

function parsePartial(stdout: string): KernelOutput | undefined {
  try {
    return parseKernelOutput(stdout);
  } catch (error) {
    if (isHpcrunError(error)) return undefined;
    throw error;
  }
}

export async function runPair(input: PairRunInput): Promise<PairRun> {
  const { a, b, spec } = input;
  const started = performance.now();
  const args = kernelArgs({ kinds: spec.kinds, sizes: spec.sizes, targetCi: spec.targetCi, maxSamples: spec.maxSamples });
  // ppn ranks on each host, in rank order: rank 0 on a, rank ppn on b.
  const placed = placedInOrder([{ host: a, ranks: spec.ppn }, { host: b, ranks: spec.ppn }]);
  const command = input.launcher.launcher.render(placed, { ...input.launcher.context, placement: 'block' });
  const result = await input.provider.capture({ ...command, program: [input.kernel, ...args] }, { cancel: input.cancel }, input.deps);
  const output = parsePartial(result.stdout);
  const rows = output ? rowsFromOutput(output, a, b) : [];
  let failure: string | undefined;
  if (result.canceled) failure = 'interrupted';
  else if (!result.ok || !output?.complete) {
    const tail = result.stderr.trim().split('\n').slice(-3).join(' | ');
    failure = `${input.launcher.launcher.command} ${describeEnd(result)}${tail ? `: ${tail}` : ''}`;
    rows.push(...missingRows(spec, rows, a, b, failure));
  }
  return { a, b, rows, output, failure, durationMs: performance.now() - started };
}

export function requireTwoHosts(hosts: readonly string[]): void {
  if (hosts.length < 2) {
    throw new HpcrunError('infeasible', 'HPCRUN_BENCH_ONE_HOST', `bench measures between nodes, but the inventory lists ${hosts.length === 1 ? `only ${hosts[0]}` : 'no host'}`, {
      hint: 'add a second host to the inventory',
    });
  }
}
