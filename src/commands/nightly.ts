// `hpcrun nightly init` writes a GitHub Actions workflow and its config;
// `hpcrun nightly run --config FILE` does one night's work: bench, gate
// against the history, append to the history, write the report and the step
// summary, and exit with the gate's status. Bench runs as a library
// (src/bench/run.ts): a command never imports another command.

import { mkdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Deps } from '../deps.js';
import { HpcrunError, usageError } from '../errors.js';
import { runBench, type BenchRun } from '../bench/run.js';
import { gate, gateRunOf } from '../core/analysis/gate.js';
import { parseCount, parseTolerance } from '../core/analysis/gate-options.js';
import { parseKinds, parseSizes } from '../core/bench/spec.js';
import { CONFIG_NAME, DEFAULT_CRON, WORKFLOW_PATH, isCron, renderConfig, renderWorkflow } from '../core/nightly/workflow.js';
import { renderGateJUnit, renderGateMarkdown } from '../core/render/gate.js';
import { renderNightlyPage, trendPoints } from '../core/render/nightly-report.js';
import { shellJoin } from '../exec/quote.js';
import { writeFileAtomic } from '../io/atomic.js';
import { checkWritable } from '../io/writable.js';
import { trendCharts } from '../nightly/charts.js';
import { readNightlyConfig } from '../nightly/config.js';
import { readHistory } from '../results/history.js';
import type { ResultSet } from '../results/index.js';
import { count } from '../core/text.js';
import { VERSION } from '../version.js';
import { appendStepSummary } from '../io/step-summary.js';

export interface InitOptions {
  dir?: string;
  runnerLabel?: string;
  hosts?: string;
  kind?: string;
  sizes?: string;
  pairs?: string;
  history?: string;
  report?: string;
  tolerance?: string;
  minHistory?: string;
  maxSamples?: string;
  cron?: string;
  force?: boolean;
  json?: boolean;
}

export interface InitOutcome {
  workflow: string;
  config: string;
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

export async function init(options: InitOptions, deps: Deps): Promise<InitOutcome> {
  const dir = resolve(deps.cwd, options.dir ?? '.');
  const labels = (options.runnerLabel ?? 'hpc').split(',').map((l) => l.trim()).filter(Boolean);
  if (labels.length === 0 || labels.some((l) => !/^[A-Za-z0-9._-]+$/.test(l))) {
    throw usageError('HPCRUN_NIGHTLY_LABEL', `--runner-label ${JSON.stringify(options.runnerLabel)} is not a runner label`, 'give the label your self-hosted runner carries, for example --runner-label hpc-cluster (several: a,b)');
  }
  const cron = options.cron ?? DEFAULT_CRON;
  if (!isCron(cron)) throw usageError('HPCRUN_NIGHTLY_CRON', `--cron ${JSON.stringify(cron)} is not a five-field cron schedule`, 'for example --cron "17 3 * * *" (03:17 UTC every day)');
  const kinds = parseKinds(options.kind ?? 'latency,bw');
  parseSizes(options.sizes ?? '8,1KiB,64KiB,1MiB');
  const sizes = (options.sizes ?? '8,1KiB,64KiB,1MiB').split(',').map((s) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : s.trim()));
  const pairs = options.pairs ?? 'first';
  if (pairs !== 'first' && pairs !== 'all') throw usageError('HPCRUN_BENCH_PAIRS', `--pairs ${JSON.stringify(pairs)} is not first or all`);
  const tolerance = parseTolerance(options.tolerance ?? '10%');
  const minHistory = parseCount(options.minHistory ?? '5', '--min-history', 0);
  const maxSamples = options.maxSamples === undefined ? null : parseCount(options.maxSamples, '--max-samples', 1);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new HpcrunError('output', 'HPCRUN_OUTPUT_UNWRITABLE', `--dir ${options.dir}: not a folder`, { hint: 'pass the root of the repository that will hold the workflow' });
  const workflow = join(dir, WORKFLOW_PATH);
  const config = join(dir, CONFIG_NAME);
  const taken = [];
  for (const path of [workflow, config]) if (await exists(path)) taken.push(relative(deps.cwd, path) || path);
  if (taken.length > 0 && !options.force) {
    throw new HpcrunError('output', 'HPCRUN_OUTPUT_EXISTS', `${taken.join(' and ')} already ${taken.length === 1 ? 'exists' : 'exist'}`, { hint: 'pass --force to replace them, or --dir to write elsewhere' });
  }
  const history = options.history ?? 'results/history';
  const report = options.report ?? 'results/nightly/report';
  const work = '.hpcrun-nightly';
  const configText = renderConfig({ inventory: options.hosts ?? 'hosts.txt', kinds, sizes, pairs, history, report, work, tolerance, minHistory, maxSamples });
  const workflowText = renderWorkflow({
    labels,
    cron,
    command: shellJoin(['hpcrun', 'nightly', 'run', '--config', CONFIG_NAME]),
    artifactPaths: [history, dirname(report), work],
    version: VERSION,
  });
  await mkdir(dirname(workflow), { recursive: true });
  await writeFileAtomic(config, configText);
  await writeFileAtomic(workflow, workflowText);
  return { workflow, config };
}

export interface RunOptions {
  config?: string;
  json?: boolean;
}

/** Status lines and bench's own table go to stderr: stdout carries the gate's verdicts. */
const toStderr = (deps: Deps): Deps => ({ ...deps, stdout: deps.stderr });

async function uniqueTarget(dir: string, name: string): Promise<string> {
  const stem = name.replace(/\.json$/, '');
  for (let i = 1; ; i++) {
    const target = join(dir, i === 1 ? `${stem}.json` : `${stem}-${i}.json`);
    if (!(await exists(target))) return target;
  }
}

function provenance(set: ResultSet, file: string): [string, string][] {
  const m = set.metadata;
  return [
    ['result set', file],
    ['date', m.date],
    ['hosts', m.hosts.join(', ')],
    ['node shape', m.nodeShape ?? '–'],
    ['MPI', `${m.mpi.flavour ?? '?'} ${m.mpi.version ?? ''}`.trim()],
    ['transport', Object.entries(m.transport).map(([k, v]) => `${k}=${v}`).join(' ') || '–'],
    ['hpcrun', `${m.hpcrun.version}${m.hpcrun.gitRevision ? ` (${m.hpcrun.gitRevision.slice(0, 12)})` : ''}`],
  ];
}

export async function run(options: RunOptions, deps: Deps): Promise<number> {
  if (!options.config) throw usageError('HPCRUN_NIGHTLY_NO_CONFIG', 'nightly run needs --config FILE', 'write one with `hpcrun nightly init`, then pass --config hpcrun-nightly.json');
  const { config, resolve: at } = await readNightlyConfig(options.config, deps.cwd);
  const historyDir = at(config.history);
  const workDir = at(config.work);
  const reportBase = at(config.report);
  await mkdir(historyDir, { recursive: true });
  await mkdir(workDir, { recursive: true });
  await mkdir(dirname(reportBase), { recursive: true });
  const html = await checkWritable(`${reportBase}.html`, deps.cwd, 'report');
  const md = await checkWritable(`${reportBase}.md`, deps.cwd, 'report');
  const junit = await checkWritable(`${reportBase}-gate.xml`, deps.cwd, 'report');
  const history = await readHistory([historyDir], deps.cwd, { allowEmptyDir: true });

  // 1. Bench, into the work folder: a failed or interrupted run never reaches the history.
  let bench: BenchRun;
  try {
    bench = await runBench({
      hosts: at(config.inventory), head: config.head ?? undefined, kind: config.kinds.join(','), sizes: config.sizes.join(','), pairs: config.pairs,
      ppn: String(config.ppn), targetCi: String(config.targetCi), maxSamples: config.maxSamples === null ? undefined : String(config.maxSamples),
      out: `${workDir}/`, identity: config.ssh.identity === undefined ? undefined : at(config.ssh.identity), user: config.ssh.user,
      port: config.ssh.port === undefined ? undefined : String(config.ssh.port), knownHosts: config.ssh.knownHosts === undefined ? undefined : at(config.ssh.knownHosts),
      skipUnreachable: config.skipUnreachable,
    }, toStderr(deps));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    await appendStepSummary(`## hpcrun nightly\n\n❌ FAIL: the benchmark failed, so nothing was gated and nothing was added to the history (${history.runs.length} runs kept).\n\n\`\`\`\n${why}\n\`\`\`\n`, deps);
    throw error;
  }

  // 2. Gate tonight against the history.
  const runs = history.runs.map((entry) => gateRunOf(basename(entry.path), entry.set));
  const tonightName = basename(bench.json);
  const current = gateRunOf(tonightName, bench.set);
  const result = gate(runs, current, { tolerance: config.tolerance, minHistory: config.minHistory, window: config.window, zThreshold: 4, strictEnv: config.strictEnv });

  // 3. Append tonight's set to the history, atomically (a temp file, then rename).
  const target = await uniqueTarget(historyDir, tonightName);
  await writeFileAtomic(target, await readFile(bench.json));

  // 4. The report: the gate's table, trend charts of every gated metric, tonight's provenance.
  const notes = [...history.notes, `tonight's set ${relative(deps.cwd, target) || target} was added to the history (${count(runs.length + 1, 'run')})`];
  const markdown = renderGateMarkdown(result, { title: 'hpcrun nightly', notes, link: `Report: ${relative(deps.cwd, html) || html} (kept with the run's artifacts)` });
  const charts = await trendCharts(trendPoints(runs, current, result));
  const page = renderNightlyPage({ title: `hpcrun nightly, ${bench.set.metadata.date}`, provenance: provenance(bench.set, target), result, charts, notes });
  await writeFileAtomic(html, page);
  await writeFileAtomic(md, markdown);
  await writeFileAtomic(junit, renderGateJUnit(result, 'hpcrun nightly'));

  // 5. The step summary, and 6. the gate's status.
  await appendStepSummary(markdown, deps);
  if (options.json) {
    deps.stdout.write(`${JSON.stringify({ status: result.status, counts: result.counts, history: target, report: { html, md, junit }, verdicts: result.verdicts, notes }, null, 2)}\n`);
  } else {
    deps.stdout.write(markdown);
  }
  return result.status;
}
