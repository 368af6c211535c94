// plan --recommend with predictions: which figures apply to which shape, the
// Pareto front, the ranking by --objective, and the flag rules.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { customShape } from '../../src/core/catalog/catalog.js';
import { fitModel, networkFor } from '../../src/core/model/index.js';
import type { NodeShape } from '../../src/core/plan/index.js';
import { validateResultSet } from '../../src/results/index.js';
import type { ModelFile, PublishedLatency } from '../../src/schemas/index.js';
import { runCli } from '../helpers/cli.js';

const FIX = fileURLToPath(new URL('../fixtures/model/', import.meta.url));
let dir: string;
let model: ModelFile;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcrun-recommend-'));
  const sets = ['testbed-1gbit-latbw.json', 'testbed-1gbit-mbw.json'].map((f) => ({ file: f, set: validateResultSet(JSON.parse(readFileSync(join(FIX, f), 'utf8')), f) }));
  model = fitModel(sets, { created: new Date(0), hpcrun: 'test' });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(model));
  writeFileSync(join(dir, 'v2.json'), JSON.stringify({ ...model, schemaVersion: 2 }));
});

interface Row {
  machine: string;
  fits: boolean;
  flags: string[];
  costPerHour: { onDemand: number | null; spot: number | null };
  networkSecondsPerStep: number | null;
  predicted: { secondsPerStep: number | null; totalSeconds: number | null; basis: string | null; reason: string | null; model: string | null };
  costPerRun: { onDemand: number | null; spotLow: number | null; spotHigh: number | null; reason: string | null };
  pareto: boolean;
}

async function recommend(...args: string[]): Promise<{ code: number; rows: Row[]; out: string; err: string; json: Record<string, unknown> }> {
  const r = await runCli(['plan', '--grid', '16x16x8', '--halo-bytes', '64KiB', '--recommend', '--json', ...args], { cwd: dir });
  const json = r.code === 0 ? (JSON.parse(r.out) as Record<string, unknown>) : {};
  return { code: r.code, rows: (json.recommendations as Row[] | undefined) ?? [], out: r.out, err: r.err, json };
}

describe('which figures apply to a shape', () => {
  const published: PublishedLatency = { schemaVersion: 1, figures: [{ provider: 'gce', latencyUs: { value: 28, source: 'x', date: '2021-01' } }] };
  const shape = (name: string, family: string): NodeShape => ({ ...customShape(8, undefined), name, family, provider: 'gce', networkGbps: 32 });
  it.each([
    { given: [{ machine: 'c2-standard-60' }, { machine: 'c2' }, { machine: undefined }], shape: shape('c2-standard-60', 'c2'), wins: 'c2-standard-60' },
    { given: [{ machine: 'c2' }, { machine: undefined }], shape: shape('c2-standard-60', 'c2'), wins: 'c2' },
    { given: [{ machine: 'c2' }, { machine: undefined }], shape: shape('n2-standard-64', 'n2'), wins: 'every' },
    { given: [{ machine: 'c2' }], shape: shape('n2-standard-64', 'n2'), wins: 'published' },
  ])('$wins for $shape.name', ({ given, shape: s, wins }) => {
    const models = given.map((g) => ({ machine: g.machine, name: g.machine ?? 'every', model }));
    const net = networkFor(s, models, published);
    expect('reason' in net).toBe(false);
    expect((net as { name: string }).name).toBe(wins === 'published' ? 'published, not measured: 32 Gbit/s (catalog) and 28 µs latency (2021-01, placement/published-latency.json)' : wins);
  });

  it('gives a reason when nothing applies', () => {
    const onprem = { ...shape('epyc', 'epyc'), provider: 'onprem' as const };
    expect(networkFor(onprem, [], { schemaVersion: 1, figures: [] })).toEqual({ reason: 'no measured model for epyc and no published latency for provider onprem: give --model epyc=MODEL.json' });
  });
});

describe('plan --recommend with predictions', () => {
  it('keeps today\'s fields, adds predicted, costPerRun and pareto; published figures are flagged', async () => {
    const { code, rows, json } = await recommend();
    expect(code).toBe(0);
    expect(json).toMatchObject({ rankedBy: 'on-demand', objective: 'cost', steps: null });
    for (const row of rows.filter((r) => r.fits)) {
      expect(row).toHaveProperty('networkSecondsPerStep');
      expect(row.predicted.basis).toBe('published, not measured');
      expect(row.flags).toContain('published-not-measured');
      expect(row.predicted.secondsPerStep).toBeGreaterThan(0);
      expect(row.predicted.totalSeconds).toBeNull();
      expect(row.costPerRun).toEqual({ onDemand: null, spotLow: null, spotHigh: null, reason: 'no --steps: the run has no length to price' });
    }
    // Without --steps the order is today's: $/h on demand.
    const costs = rows.map((r) => r.costPerHour.onDemand as number);
    expect(costs).toEqual([...costs].sort((a, b) => a - b));
  });

  it('--model FILE applies to every shape; --steps prices runs and ranks by cost per run', async () => {
    const { code, rows } = await recommend('--model', 'model.json', '--steps', '1000', '--compute-us', '200');
    expect(code).toBe(0);
    const fits = rows.filter((r) => r.fits);
    expect(fits.every((r) => r.predicted.basis === 'measured' && r.predicted.model === 'model.json' && !r.flags.includes('published-not-measured'))).toBe(true);
    for (const r of fits) {
      expect(r.predicted.totalSeconds).toBeCloseTo(1000 * (r.predicted.secondsPerStep as number), 9);
      if (r.costPerHour.spot === null) {
        expect(r.costPerRun).toMatchObject({ spotLow: null, spotHigh: null, reason: expect.stringContaining('no Spot price in the catalog') as unknown });
      } else {
        expect(r.costPerRun.spotLow).toBeLessThan(r.costPerRun.spotHigh as number);
        expect(r.costPerRun.spotHigh).toBeLessThan(r.costPerRun.onDemand as number);
      }
    }
    const perRun = fits.map((r) => r.costPerRun.onDemand as number);
    expect(perRun).toEqual([...perRun].sort((a, b) => a - b));
  });

  it('marks exactly the shapes no other beats on both time and cost', async () => {
    const { rows } = await recommend('--model', 'c2=model.json', '--steps', '1000');
    const fits = rows.filter((r) => r.fits);
    expect(fits.some((r) => r.pareto)).toBe(true);
    for (const r of fits) {
      const t = r.predicted.secondsPerStep as number;
      const c = r.costPerRun.onDemand as number;
      const dominated = fits.some((q) => q !== r && (q.predicted.secondsPerStep as number) <= t && (q.costPerRun.onDemand as number) <= c && ((q.predicted.secondsPerStep as number) < t || (q.costPerRun.onDemand as number) < c));
      expect(r.pareto).toBe(!dominated);
    }
    // MACHINE=FILE: the c2 family is measured, the rest published.
    for (const r of fits) expect(r.predicted.basis).toBe(r.machine.startsWith('c2-') ? 'measured' : 'published, not measured');
  });

  it('flags shapes whose model is used outside its fitted sizes', async () => {
    const r = await runCli(['plan', '--grid', '16x16x8', '--halo-bytes', '64MiB', '--recommend', '--json', '--model', 'c2=model.json'], { cwd: dir });
    const { recommendations } = JSON.parse(r.out) as { recommendations: Row[] };
    for (const row of recommendations.filter((x) => x.fits)) expect(row.flags.includes('extrapolates')).toBe(row.machine.startsWith('c2-'));
  });

  it('--objective time ranks by predicted time per step', async () => {
    const { rows, json } = await recommend('--model', 'model.json', '--objective', 'time');
    expect(json.objective).toBe('time');
    const times = rows.filter((r) => r.fits).map((r) => r.predicted.secondsPerStep as number);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('without --halo-bytes nothing is predicted, with the reason', async () => {
    const r = await runCli(['plan', '--grid', '16x16x8', '--recommend', '--json'], { cwd: dir });
    const { recommendations, warnings } = JSON.parse(r.out) as { recommendations: Row[]; warnings: string[] };
    expect(recommendations[0]?.predicted).toMatchObject({ secondsPerStep: null, reason: 'no --halo-bytes: the messages have no size' });
    expect(warnings).toContain('no --halo-bytes: nothing to predict (predicted and costPerRun are null)');
  });

  it.each([
    { args: ['plan', '--grid', '8x8', '--cores-per-node', '4', '--model', 'model.json'], code: 64, message: 'HPCRUN_RECOMMEND_ONLY: --model goes with --recommend' },
    { args: ['plan', '--grid', '8x8', '--cores-per-node', '4', '--steps', '10', '--objective', 'time'], code: 64, message: 'HPCRUN_RECOMMEND_ONLY: --steps, --objective go with --recommend' },
    { args: ['plan', '--grid', '8x8', '--recommend', '--objective', 'speed'], code: 64, message: 'HPCRUN_BAD_OBJECTIVE: --objective "speed" is not cost or time' },
    { args: ['plan', '--grid', '8x8', '--recommend', '--model', 'v2.json'], code: 65, message: 'HPCRUN_MODEL_VERSION: model v2.json: model schemaVersion 2 found; this hpcrun reads schemaVersion 1' },
    { args: ['plan', '--grid', '8x8', '--recommend', '--model', 'c2=model.json', '--model', 'c2=v2.json'], code: 64, message: 'HPCRUN_MODEL_TWICE: --model c2= is given twice' },
  ])('$message ($code)', async ({ args, code, message }) => {
    const r = await runCli(args, { cwd: dir });
    expect(r.code).toBe(code);
    expect(r.out).toBe('');
    expect(r.err).toContain(message);
  });
});
