// hpcrun bench as a library: inter-node latency and bandwidth between
// inventory hosts, with adaptive stopping, written as a versioned result set
// after every pair. `hpcrun bench` (src/commands/bench.ts) and `hpcrun nightly
// run` both call runBench; a command never imports another command.

import { basename } from 'node:path';
import type { Deps } from '../deps.js';
import { HpcrunError, usageError } from '../errors.js';
import { slowLinks, renderMatrix, type PairLatency } from '../core/bench/matrix.js';
import { type BenchSpec, type PairMode, parseKinds, parseSizes, parseTargetCi, schedule } from '../core/bench/spec.js';
import { requirePositiveInt } from '../core/units.js';
import { ensureKernel, kernelArgs } from '../kernels/index.js';
import { type CheckedNode, type ProviderNode, withProvider } from '../providers/types.js';
import { STOPPING_RULE, TUKEY_RULE } from '../core/stats/index.js';
import { baseMetadata, openIncrementalWriter, prepareOutput, toolProvenance, type IncrementalWriter } from '../results/index.js';
import type { ResultRow, ResultSet } from '../results/schema.js';
import { type PairRun, requireTwoHosts, runPair } from './runner.js';
import { type SshFlags, selectProvider, sshOptionsOf } from '../providers/select.js';
import { count } from '../core/text.js';

export interface BenchOptions extends SshFlags {
  hosts?: string;
  slurm?: boolean;
  head?: string;
  skipUnreachable?: boolean;
  cluster?: string;
  kind: string;
  sizes: string;
  pairs: string;
  ppn: string;
  targetCi: string;
  maxSamples?: string;
  out?: string;
  force?: boolean;
  json?: boolean;
  /** --kind halo only (src/bench/halo.ts). */
  plan?: string;
  haloBytes?: string;
  steps?: string;
  computeUs?: string;
  /** --no-bind (commander sets true by default). */
  bind?: boolean;
}

/** True for --kind halo, which runs on its own; its flags are refused with the other kinds. */
export function isHaloRun(options: BenchOptions): boolean {
  const kinds = options.kind.split(',').map((kind) => kind.trim()).filter(Boolean);
  if (kinds.includes('halo')) {
    if (kinds.length > 1) throw usageError('HPCRUN_BENCH_KIND', `--kind ${options.kind}: halo runs on its own`, 'run --kind halo separately from latency, bw, bibw and mbw');
    return true;
  }
  const haloOnly = (['plan', 'haloBytes', 'steps', 'computeUs', 'bind'] as const).filter((key) => (key === 'bind' ? options.bind === false : options[key] !== undefined));
  if (haloOnly.length > 0) {
    const flag = { plan: '--plan', haloBytes: '--halo-bytes', steps: '--steps', computeUs: '--compute-us', bind: '--no-bind' }[haloOnly[0] as 'plan'];
    throw usageError('HPCRUN_BENCH_HALO_FLAG', `${flag} goes with --kind halo`, `add --kind halo (with --plan DIR --halo-bytes SIZE), or drop ${flag}`);
  }
  return false;
}

export function toSpec(options: BenchOptions): BenchSpec {
  if (options.pairs !== 'first' && options.pairs !== 'all') {
    throw new HpcrunError('usage', 'HPCRUN_BENCH_PAIRS', `--pairs ${JSON.stringify(options.pairs)} is not first or all`, { hint: '--pairs first measures the first two hosts; --pairs all measures every pair' });
  }
  const spec: BenchSpec = {
    kinds: parseKinds(options.kind),
    sizes: parseSizes(options.sizes),
    pairs: options.pairs as PairMode,
    ppn: requirePositiveInt(options.ppn, '--ppn'),
    targetCi: parseTargetCi(options.targetCi),
    maxSamples: options.maxSamples === undefined ? undefined : requirePositiveInt(options.maxSamples, '--max-samples', 1000),
  };
  // The kernel's own limits (sizes per kind, sample caps), checked before any host is contacted.
  kernelArgs({ kinds: spec.kinds, sizes: spec.sizes, targetCi: spec.targetCi, maxSamples: spec.maxSamples });
  return spec;
}

const fmt = (value: number | null): string => (value === null ? '-' : value >= 100 ? value.toFixed(0) : value.toFixed(2));

export function renderRows(rows: readonly ResultRow[]): string {
  const header = `${'kind'.padEnd(8)}${'pair'.padEnd(26)}${'bytes'.padStart(9)}${'median'.padStart(10)}  ${'95% CI'.padEnd(19)}${'unit'.padEnd(6)}${'n'.padStart(6)}  stop`;
  const lines = rows.map((row) =>
    `${row.kind.padEnd(8)}${`${row.host_a}↔${row.host_b}`.padEnd(26)}${String(row.bytes).padStart(9)}${fmt(row.median).padStart(10)}  ${`[${fmt(row.ci95_low)}, ${fmt(row.ci95_high)}]`.padEnd(19)}${row.unit.padEnd(6)}${String(row.samples ?? '-').padStart(6)}  ${row.stop_reason}`,
  );
  return `${[header, ...lines].join('\n')}\n`;
}

/** `bench: [2/3 pairs] latency hpcrun-n1↔hpcrun-n2 8 B: 5.21 us [5.18, 5.24], n=1200 (ci-target)`. */
export function progressLine(row: ResultRow, pairsDone: number, pairs: number): string {
  const where = `[${pairsDone}/${pairs} pair${pairs === 1 ? '' : 's'}] ${row.kind} ${row.host_a}↔${row.host_b} ${row.bytes} B`;
  if (row.median === null) return `bench: ${where}: ${row.stop_reason}${typeof row.extra?.error === 'string' ? `: ${row.extra.error}` : ''}`;
  return `bench: ${where}: ${fmt(row.median)} ${row.unit} [${fmt(row.ci95_low)}, ${fmt(row.ci95_high)}], n=${row.samples ?? '-'} (${row.stop_reason})`;
}

function transportOf(env: Deps['env']): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[0].startsWith('OMPI_MCA_') && e[1] !== undefined));
}

/** --ppn must fit in every host's slots, as launch refuses it. */
function checkPpn(nodes: readonly ProviderNode[], ppn: number): void {
  const small = nodes.filter((node) => node.slots !== undefined && node.slots < ppn);
  if (small.length > 0) {
    throw new HpcrunError('infeasible', 'HPCRUN_PPN_TOO_HIGH', `--ppn ${ppn} does not fit on ${small.map((node) => `${node.host} (${count(node.slots ?? 0, 'slot')})`).join(', ')}`, {
      hint: `lower --ppn to ${Math.min(...small.map((node) => node.slots ?? 0))}, or give those hosts more slots in the inventory`,
    });
  }
}

const describeNodes = (nodes: readonly CheckedNode[]): string =>
  nodes.map((node) => `${node.host}: ${count(node.physicalCores ?? 0, 'physical core')}, ${((node.memAvailableBytes ?? 0) / 1024 ** 3).toFixed(1)} GiB free`).join('; ');

/** What a bench run wrote: the result set's files and the set itself. */
export interface BenchRun {
  status: number;
  csv: string;
  json: string;
  set: ResultSet;
}

export async function runBench(options: BenchOptions, deps: Deps): Promise<BenchRun> {
  const spec = toSpec(options);
  const provider = await selectProvider(options, undefined, sshOptionsOf(options), deps);
  const acquired = await provider.acquire();
  requireTwoHosts(acquired.map((node) => node.host));
  checkPpn(acquired, spec.ppn);
  const now = deps.now();
  const paths = await prepareOutput(options.out, deps.cwd, { now, name: 'bench', force: options.force });
  const progress = deps.stderr.isTTY === true && !options.json;
  let writer: IncrementalWriter | undefined;
  const controller = new AbortController();
  const removeHandler = deps.onSignal((signal) => controller.abort(signal));
  // The kernel builds while the nodes are checked.
  const building = ensureKernel({ env: deps.env });
  building.catch(() => undefined);
  try {
    return await withProvider(provider, async (checked) => {
      for (const node of checked.skipped) deps.stderr.write(`bench: skipping ${node.host}, which cannot be reached: ${node.reason}\n`);
      const hosts = checked.nodes.map((node) => node.host);
      requireTwoHosts(hosts);
      const kernel = await building;
      // Over SSH the nodes may share no filesystem (cloud VMs): the kernel is
      // always copied to a per-run folder on every node, which costs one small
      // SFTP upload per node. Inside Slurm the allocation's nodes see the cache.
      // The provider removes the folder when it is released.
      const staged = provider.name === 'ssh' ? await provider.stage([{ local: kernel.path, name: basename(kernel.path), mode: 0o755 }]) : undefined;
      const kernelPath = staged ? `${staged.dir}/${basename(kernel.path)}` : kernel.path;
      const mpi = checked.mpi;
      const launcher = provider.launcher(mpi, undefined);
      writer = await openIncrementalWriter(paths, baseMetadata({
        name: paths.base.split('/').pop() ?? 'bench',
        command: 'bench',
        date: now.toISOString(),
        hpcrun: await toolProvenance(),
        hosts,
        nodeShape: describeNodes(checked.nodes),
        ranksPerNode: spec.ppn,
        placement: `packed: ${count(spec.ppn, 'rank')} on each host of a pair; latency/bw/bibw between rank 0 and rank ${spec.ppn}`,
        mpi: { flavour: mpi.flavour, version: mpi.version },
        transport: transportOf(deps.env),
        sizes: spec.sizes,
        policy: { warmup: null, targetRelHalfWidth: spec.targetCi, maxSamples: spec.maxSamples ?? null, minSamples: null, iterationsPerSample: null, stoppingRule: STOPPING_RULE, outlierRule: TUKEY_RULE },
        notes: [`warm-up and sample caps default to the OSU counts (latency <= 8 KiB: 10,000 + 100 warm-up, above: 1,000 + 10; bandwidth: window of 64 messages per sample); kernel ${kernel.path} (${kernel.mpiVersion})${staged ? `, copied to ${staged.dir} on every node` : ''}; launched with ${launcher.launcher.command} (${provider.name} provider${options.head ? ` on ${options.head}` : ''})`, ...checked.skipped.map((node) => `skipped ${node.host}: ${node.reason}`)],
      }));
      const rounds = schedule(hosts, spec.pairs);
      const total = rounds.flat().length;
      const results: PairRun[] = [];
      let timerSet = false;
      for (const [index, round] of rounds.entries()) {
        if (controller.signal.aborted) break;
        if (progress) deps.stderr.write(`round ${index + 1}/${rounds.length}: ${round.map(([a, b]) => `${a}↔${b}`).join(', ')} (${results.length}/${total} pairs done)\n`);
        const done = await Promise.all(round.map(([a, b]) => runPair({ a, b, kernel: kernelPath, spec, provider, launcher, deps, cancel: controller.signal })));
        for (const pair of done) {
          results.push(pair);
          if (!timerSet && pair.output) {
            writer.updateMetadata({ timerResolutionUs: pair.output.timerResolutionUs });
            timerSet = true;
          }
          for (const row of pair.rows) {
            await writer.addRow(row);
            // One line per finished row, TTY or not, so that a CI log shows the run moving.
            deps.stderr.write(`${progressLine(row, results.length, total)}\n`);
          }
        }
      }
      return await conclude(writer, results, hosts, spec, controller.signal, options, deps, rounds.length);
    }, { acquired, skipUnreachable: options.skipUnreachable === true });
  } finally {
    removeHandler();
  }
}

async function conclude(writer: IncrementalWriter, results: PairRun[], hosts: string[], spec: BenchSpec, signal: AbortSignal, options: BenchOptions, deps: Deps, rounds: number): Promise<BenchRun> {
  const rows = results.flatMap((pair) => pair.rows);
  if (signal.aborted) {
    const reason = String(signal.reason ?? 'SIGINT');
    await writer.abort(reason);
    if (!options.json && rows.length > 0) deps.stdout.write(renderRows(rows));
    throw new HpcrunError('interrupted', 'HPCRUN_INTERRUPTED', `interrupted by ${reason}: ${count(rows.length, 'completed row')} kept in ${writer.paths.json}, marked incomplete`, { exitCode: reason === 'SIGTERM' ? 143 : 130 });
  }
  const failures = results.filter((pair) => pair.failure);
  const set = failures.length ? await writer.abort(`${count(failures.length, 'pair run')} failed`) : await writer.finish();
  const latency = rows.filter((row) => row.kind === 'latency' && row.bytes === spec.sizes[0] && row.median !== null);
  const links: PairLatency[] = latency.map((row) => ({ a: row.host_a ?? '', b: row.host_b ?? '', median: row.median ?? Number.NaN }));
  const slow = slowLinks(links);
  if (options.json) {
    deps.stdout.write(`${JSON.stringify({ csv: writer.paths.csv, json: writer.paths.json, complete: set.metadata.complete, rounds, pairs: results.map((p) => [p.a, p.b]), slowLinks: slow, failures: failures.map((p) => ({ a: p.a, b: p.b, reason: p.failure })), rows: set.rows.map(({ raw_samples: _raw, ...row }) => row) }, null, 2)}\n`);
  } else {
    deps.stdout.write(renderRows(rows));
    if (spec.pairs === 'all' && links.length > 0) {
      deps.stdout.write(`\n${count(results.length, 'pair')} in ${count(rounds, 'round')}; median ${spec.sizes[0]}-byte latency (* = slow link, above Tukey's upper fence):\n${renderMatrix(hosts, links, slow)}`);
      for (const link of slow) deps.stdout.write(`slow link: ${link.a}↔${link.b} ${link.median.toFixed(2)} µs (fence ${link.fence.toFixed(2)} µs)\n`);
    }
    deps.stdout.write(`\nwrote ${writer.paths.csv} and ${writer.paths.json}\n`);
  }
  if (failures.length > 0) {
    throw new HpcrunError('benchmark', 'HPCRUN_BENCH_FAILED', `${count(failures.length, 'pair run')} failed: ${failures.map((p) => `${p.a}↔${p.b}: ${p.failure}`).join('; ')}`, {
      hint: `the other rows were kept in ${writer.paths.json} (marked incomplete); check the failing hosts`,
    });
  }
  return { status: 0, csv: writer.paths.csv, json: writer.paths.json, set };
}

