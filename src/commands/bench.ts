// hpcrun bench: inter-node latency and bandwidth between inventory hosts,
// with adaptive stopping, written as a versioned result set after every pair.

import { Command } from 'commander';
import { basename } from 'node:path';
import type { ExitStatus } from '../cli.js';
import type { Deps } from '../deps.js';
import { HpcrunError } from '../errors.js';
import { slowLinks, renderMatrix, type PairLatency } from '../core/bench/matrix.js';
import { type BenchSpec, type PairMode, parseKinds, parseSizes, parseTargetCi, schedule } from '../core/bench/spec.js';
import { requirePositiveInt } from '../core/units.js';
import { ensureKernel, kernelArgs } from '../kernels/index.js';
import { selectProvider } from '../providers/select.js';
import { type CheckedNode, type ProviderNode, withProvider } from '../providers/types.js';
import { STOPPING_RULE, TUKEY_RULE } from '../core/stats/index.js';
import { baseMetadata, defaultOutBase, openIncrementalWriter, prepareOutput, toolProvenance, type IncrementalWriter } from '../results/index.js';
import type { ResultRow } from '../results/schema.js';
import { type PairRun, requireTwoHosts, runPair } from '../bench/runner.js';
import { sshOptionsOf } from './launch.js';

export interface BenchOptions {
  hosts?: string;
  slurm?: boolean;
  cluster?: string;
  kind: string;
  sizes: string;
  pairs: string;
  ppn: string;
  targetCi: string;
  maxSamples?: string;
  out?: string;
  json?: boolean;
  identity?: string;
  user?: string;
  knownHosts?: string;
  acceptNewHostKeys?: boolean;
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
    maxSamples: options.maxSamples === undefined ? undefined : requirePositiveInt(options.maxSamples, '--max-samples'),
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

function transportOf(env: Deps['env']): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[0].startsWith('OMPI_MCA_') && e[1] !== undefined));
}

/** --ppn must fit in every host's slots, as launch refuses it. */
function checkPpn(nodes: readonly ProviderNode[], ppn: number): void {
  const small = nodes.filter((node) => node.slots !== undefined && node.slots < ppn);
  if (small.length > 0) {
    throw new HpcrunError('infeasible', 'HPCRUN_PPN_TOO_HIGH', `--ppn ${ppn} does not fit on ${small.map((node) => `${node.host} (${node.slots} slot(s))`).join(', ')}`, {
      hint: `lower --ppn to ${Math.min(...small.map((node) => node.slots ?? 0))}, or give those hosts more slots in the inventory`,
    });
  }
}

const describeNodes = (nodes: readonly CheckedNode[]): string =>
  nodes.map((node) => `${node.host}: ${node.physicalCores} physical cores, ${((node.memAvailableBytes ?? 0) / 1024 ** 3).toFixed(1)} GiB free`).join('; ');

export async function run(options: BenchOptions, deps: Deps): Promise<number> {
  const spec = toSpec(options);
  const provider = selectProvider(options, undefined, sshOptionsOf(options), deps);
  const acquired = await provider.acquire();
  const hosts = acquired.map((node) => node.host);
  requireTwoHosts(hosts);
  checkPpn(acquired, spec.ppn);
  const now = deps.now();
  const paths = await prepareOutput(options.out ?? defaultOutBase(now, 'bench'), deps.cwd);
  const progress = deps.stderr.isTTY === true && !options.json;
  let writer: IncrementalWriter | undefined;
  const controller = new AbortController();
  const removeHandler = deps.onSignal((signal) => controller.abort(signal));
  // The kernel builds while the nodes are checked.
  const building = ensureKernel({ env: deps.env });
  building.catch(() => undefined);
  try {
    return await withProvider(provider, async (checked) => {
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
        placement: `packed: ${spec.ppn} rank(s) on each host of a pair; latency/bw/bibw between rank 0 and rank ${spec.ppn}`,
        mpi: { flavour: mpi.flavour, version: mpi.version },
        transport: transportOf(deps.env),
        sizes: spec.sizes,
        policy: { warmup: null, targetRelHalfWidth: spec.targetCi, maxSamples: spec.maxSamples ?? null, minSamples: null, iterationsPerSample: null, stoppingRule: STOPPING_RULE, outlierRule: TUKEY_RULE },
        notes: [`warm-up and sample caps default to the OSU counts (latency <= 8 KiB: 10,000 + 100 warm-up, above: 1,000 + 10; bandwidth: window of 64 messages per sample); kernel ${kernel.path} (${kernel.mpiVersion})${staged ? `, copied to ${staged.dir} on every node` : ''}; launched with ${launcher.launcher.command} (${provider.name} provider)`],
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
          for (const row of pair.rows) await writer.addRow(row);
        }
      }
      return await conclude(writer, results, hosts, spec, controller.signal, options, deps, rounds.length);
    }, { acquired });
  } finally {
    removeHandler();
  }
}

async function conclude(writer: IncrementalWriter, results: PairRun[], hosts: string[], spec: BenchSpec, signal: AbortSignal, options: BenchOptions, deps: Deps, rounds: number): Promise<number> {
  const rows = results.flatMap((pair) => pair.rows);
  if (signal.aborted) {
    const reason = String(signal.reason ?? 'SIGINT');
    await writer.abort(reason);
    throw new HpcrunError('interrupted', 'HPCRUN_INTERRUPTED', `interrupted by ${reason}: ${rows.length} completed row(s) kept in ${writer.paths.json}, marked incomplete`, { exitCode: reason === 'SIGTERM' ? 143 : 130 });
  }
  const failures = results.filter((pair) => pair.failure);
  const set = failures.length ? await writer.abort(`${failures.length} pair run(s) failed`) : await writer.finish();
  const latency = rows.filter((row) => row.kind === 'latency' && row.bytes === spec.sizes[0] && row.median !== null);
  const links: PairLatency[] = latency.map((row) => ({ a: row.host_a ?? '', b: row.host_b ?? '', median: row.median ?? Number.NaN }));
  const slow = slowLinks(links);
  if (options.json) {
    deps.stdout.write(`${JSON.stringify({ csv: writer.paths.csv, json: writer.paths.json, complete: set.metadata.complete, rounds, pairs: results.map((p) => [p.a, p.b]), slowLinks: slow, failures: failures.map((p) => ({ a: p.a, b: p.b, reason: p.failure })), rows: set.rows.map(({ raw_samples: _raw, ...row }) => row) }, null, 2)}\n`);
  } else {
    deps.stdout.write(renderRows(rows));
    if (spec.pairs === 'all' && links.length > 0) {
      deps.stdout.write(`\n${results.length} pairs in ${rounds} rounds; median ${spec.sizes[0]}-byte latency (* = slow link, above Tukey's upper fence):\n${renderMatrix(hosts, links, slow)}`);
      for (const link of slow) deps.stdout.write(`slow link: ${link.a}↔${link.b} ${link.median.toFixed(2)} µs (fence ${link.fence.toFixed(2)} µs)\n`);
    }
    deps.stdout.write(`\nwrote ${writer.paths.csv} and ${writer.paths.json}\n`);
  }
  if (failures.length > 0) {
    throw new HpcrunError('benchmark', 'HPCRUN_BENCH_FAILED', `${failures.length} pair run(s) failed: ${failures.map((p) => `${p.a}↔${p.b}: ${p.failure}`).join('; ')}`, {
      hint: `the other rows were kept in ${writer.paths.json} (marked incomplete); check the failing hosts`,
    });
  }
  return 0;
}

export function register(program: Command, deps: Deps, status: ExitStatus): void {
  program
    .command('bench')
    .description('measure inter-node latency and bandwidth with OSU-style kernels and honest statistics')
    .option('--hosts <file>', 'inventory in Open MPI hostfile syntax (at least two hosts)')
    .option('--slurm', 'measure the nodes of the Slurm allocation hpcrun runs in, with srun (default when SLURM_JOB_ID is set and --hosts is not)')
    .option('--cluster <name>', 'measure the nodes of a cluster made by `hpcrun cluster up` (without a head node)')
    .option('--kind <list>', 'comma list of latency, bw, bibw, mbw', 'latency,bw')
    .option('--sizes <list>', 'message sizes: 8,1KiB,1MiB, or a power-of-two range 1:4MiB', '8,1KiB,64KiB,1MiB')
    .option('--pairs <mode>', 'first (the first two hosts) or all (every pair, round-robin)', 'first')
    .option('--ppn <k>', 'ranks per node; mbw runs k pairs across the link', '1')
    .option('--target-ci <fraction>', 'stop once the 95% CI of the median is within this of it', '5%')
    .option('--max-samples <n>', 'sample cap per kind and size (default: the OSU iteration counts)')
    .option('--out <path>', 'write PATH.csv and PATH.json (default results/<date>-bench)')
    .option('--json', 'print a JSON summary instead of the table')
    .option('--identity <file>', 'SSH private key for preflight and mpirun')
    .option('--user <name>', 'SSH user')
    .option('--known-hosts <file>', 'known_hosts file')
    .option('--accept-new-host-keys', 'trust and record host keys not yet in known_hosts')
    .addHelpText(
      'after',
      `
Latency is half the round trip in µs; bandwidth is in MB/s (10^6 bytes/s).
Each kind and size stops when the median's nonparametric 95% CI is within
--target-ci, or at the sample cap; warm-up is excluded; Tukey's 1.5×IQR rule
removes outliers and the count is recorded. Results are rewritten after every
pair, so Ctrl-C keeps all completed rows (the set is marked incomplete).

Examples:
  hpcrun bench --hosts hosts.txt
  hpcrun bench --hosts hosts.txt --kind latency --sizes 8 --pairs all
  hpcrun bench --hosts hosts.txt --kind bw,bibw --sizes 1:4MiB --out results/ib-bw
  hpcrun bench --hosts hosts.txt --kind mbw --ppn 4 --sizes 8,64KiB --json
  salloc -N 2 hpcrun bench --kind latency,bw                       (inside Slurm: srun)`,
    )
    .action(async (options: BenchOptions) => {
      status.code = await run(options, deps);
    });
}
