// `hpcrun model fit` and `hpcrun predict` through the real CLI (node dist/bin.js):
// the happy path, and each bad input with its message, exit code and no output file.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist', 'bin.js');
const FIX = join(ROOT, 'test', 'fixtures', 'model');
const LATBW = join(FIX, 'testbed-1gbit-latbw.json');
const MBW = join(FIX, 'testbed-1gbit-mbw.json');

let dir: string;

function hpcrun(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } }, (error, out, err) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out, err });
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hpcrun-model-'));
  const fit = await hpcrun('model', 'fit', LATBW, MBW, '--out', 'model.json');
  expect(fit.err).toBe('');
  expect(fit.code).toBe(0);
  for (const policy of ['compact', 'cyclic']) {
    const plan = await hpcrun('plan', '--grid', '4x1', '--machine', 'c2-standard-60', '--nodes', '2', '--policy', policy, '--out', `plan-${policy}`);
    expect(plan.code).toBe(0);
  }
  expect((await hpcrun('plan', '--ranks', '4', '--cores-per-node', '2', '--out', 'plan-ranks')).code).toBe(0);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hpcrun model fit', () => {
  it('fits the testbed sets and prints the regimes, the node rate and where it wrote', async () => {
    const r = await hpcrun('model', 'fit', LATBW, MBW, '--out', 'again.json');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^wrote .*again\.json\nlatency\(n\) = α \+ n\/β \(latency, pingpong rows\): \d regimes; R² 0\.9/);
    expect(r.out).toMatch(/node injection \(2 pairs per node\): 1\d\d\.\d MB\/s/);
    const model = JSON.parse(readFileSync(join(dir, 'again.json'), 'utf8')) as { schemaVersion: number; kind: string; sources: { file: string }[] };
    expect(model).toMatchObject({ schemaVersion: 1, kind: 'hpcrun-model' });
    expect(model.sources.map((s) => s.file)).toEqual([LATBW, MBW]);
  });

  it('--robust fits with Huber and says so; the plain fit suggests it when rows are noisy', async () => {
    const r = await hpcrun('model', 'fit', LATBW, MBW, '--out', 'robust.json', '--robust', '--json');
    expect(r.code).toBe(0);
    const model = JSON.parse(r.out) as { latency: { selection: string }; streaming: { selection: string }; warnings: string[] };
    expect(model.latency.selection).toMatch(/^Huber \(k 1\.345, MAD scale\) on relative residuals; BIC/);
    expect(model.streaming.selection).toMatch(/^Huber/);
    expect(model.warnings.join('\n')).not.toMatch(/--robust/);
    expect(JSON.parse(readFileSync(join(dir, 'robust.json'), 'utf8'))).toEqual(model);
    const plain = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { latency: { selection: string }; warnings: string[] };
    expect(plain.latency.selection).toMatch(/^BIC/);
    expect(plain.warnings.join('\n')).toMatch(/noisy rows .*\(or fit with --robust/);
  });

  it('--json prints the model file itself', async () => {
    const r = await hpcrun('model', 'fit', LATBW, '--out', 'j.json', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(JSON.parse(readFileSync(join(dir, 'j.json'), 'utf8')));
  });

  it('refuses a result set with one size (65), says which sizes to add, and writes nothing', async () => {
    const set = JSON.parse(readFileSync(LATBW, 'utf8')) as { rows: { bytes: number }[] };
    set.rows = set.rows.filter((row) => row.bytes === 8);
    writeFileSync(join(dir, 'one-size.json'), JSON.stringify(set));
    const r = await hpcrun('model', 'fit', 'one-size.json', '--out', 'one.json');
    expect(r.code).toBe(65);
    expect(r.err).toContain('HPCRUN_MODEL_TOO_FEW_SIZES: one-size.json: the latency rows have one size (8 B); a fit needs at least 3 distinct sizes per regime');
    expect(r.err).toContain('fix: measure more sizes, e.g. add 32B,128B,512B');
    expect(existsSync(join(dir, 'one.json'))).toBe(false);
  });

  it('refuses an --out it cannot write (73) and leaves no temp file', async () => {
    const r = await hpcrun('model', 'fit', LATBW, '--out', 'no/such/dir/model.json');
    expect(r.code).toBe(73);
    expect(r.err).toContain('HPCRUN_OUTPUT_UNWRITABLE: cannot write --out no/such/dir/model.json (ENOENT)');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('does not replace an existing model without --force (73)', async () => {
    const r = await hpcrun('model', 'fit', LATBW, '--out', 'model.json');
    expect(r.code).toBe(73);
    expect(r.err).toContain('HPCRUN_OUTPUT_EXISTS: --out model.json already exists');
  });
});

describe('hpcrun predict', () => {
  it('--json prints exactly predicted, costPerRun and warnings; cyclic is over 2× compact at 1 MiB', async () => {
    const run = async (policy: string) => {
      const r = await hpcrun('predict', '--plan', `plan-${policy}`, '--model', 'model.json', '--halo-bytes', '1MiB', '--compute-us', '100', '--steps', '1000', '--json');
      expect(r.code).toBe(0);
      return JSON.parse(r.out) as { predicted: Record<string, number | string>; costPerRun: Record<string, number | null>; warnings: string[] };
    };
    const compact = await run('compact');
    const cyclic = await run('cyclic');
    expect(Object.keys(compact)).toEqual(['predicted', 'costPerRun', 'warnings']);
    expect(Object.keys(compact.predicted)).toEqual(['secondsPerStep', 'commSecondsPerStep', 'computeSecondsPerStep', 'totalSeconds', 'model']);
    expect(Object.keys(compact.costPerRun)).toEqual(['onDemand', 'spotLow', 'spotHigh']);
    const p = compact.predicted as Record<string, number>;
    expect(p.computeSecondsPerStep).toBeCloseTo(100e-6, 12);
    expect(p.secondsPerStep).toBeCloseTo(p.commSecondsPerStep! + 100e-6, 12);
    expect(p.totalSeconds).toBeCloseTo(1000 * p.secondsPerStep!, 9);
    expect((cyclic.predicted.commSecondsPerStep as number) / p.commSecondsPerStep!).toBeGreaterThan(2);
    // c2-standard-60 from the catalog: 2 nodes × $/h × hours; Spot from the catalog's Spot price, 5–15% rework.
    const hours = p.totalSeconds! / 3600;
    expect(compact.costPerRun.onDemand).toBeCloseTo(2 * 3.1308 * hours, 12);
    expect(compact.costPerRun.spotLow).toBeCloseTo((2 * 0.4601 * hours) / 0.95, 12);
    expect(compact.costPerRun.spotHigh).toBeCloseTo((2 * 0.4601 * hours) / 0.85, 12);
  });

  it('prints nulls with the reason when there are no steps, and warns when extrapolating', async () => {
    const r = await hpcrun('predict', '--plan', 'plan-compact', '--model', 'model.json', '--halo-bytes', '16MiB', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { predicted: { totalSeconds: null }; costPerRun: Record<string, null>; warnings: string[] };
    expect(out.predicted.totalSeconds).toBeNull();
    expect(out.costPerRun).toEqual({ onDemand: null, spotLow: null, spotHigh: null });
    expect(out.warnings).toContain('no --steps: the run has no length to price');
    expect(out.warnings.some((w) => w.includes('16 MiB lies outside the sizes the model was fitted on (8 B–4 MiB)'))).toBe(true);
  });

  it('prints a readable summary', async () => {
    const r = await hpcrun('predict', '--plan', 'plan-cyclic', '--model', 'model.json', '--halo-bytes', '64KiB', '--steps', '10');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/worst node \d: 3 off-node messages per step \(192 KiB\) over 3 streams, busiest rank 2\n/);
    expect(r.out).toMatch(/cost per run {12}on demand \$0\.\d{4}, Spot \$0\.\d{4}–\$0\.\d{4}/);
  });

  it.each([
    { name: '--halo-bytes 0', args: ['--plan', 'plan-compact', '--model', 'model.json', '--halo-bytes', '0'], code: 64, message: 'HPCRUN_BAD_HALO_BYTES: --halo-bytes "0" is not a positive size' },
    { name: 'a plan without a grid', args: ['--plan', 'plan-ranks', '--model', 'model.json', '--halo-bytes', '1KiB'], code: 65, message: 'has no grid (planned with --ranks): a halo exchange needs the Cartesian grid' },
    { name: 'a model of another schemaVersion', args: ['--plan', 'plan-compact', '--model', 'v99.json', '--halo-bytes', '1KiB'], code: 65, message: 'HPCRUN_MODEL_VERSION: model v99.json: model schemaVersion 99 found; this hpcrun reads schemaVersion 1' },
    { name: 'a missing model', args: ['--plan', 'plan-compact', '--model', 'nope.json', '--halo-bytes', '1KiB'], code: 66, message: 'HPCRUN_MODEL_NOT_FOUND: cannot read model nope.json: ENOENT' },
    { name: 'a missing plan', args: ['--plan', 'nowhere', '--model', 'model.json', '--halo-bytes', '1KiB'], code: 66, message: 'HPCRUN_PLAN_MISSING' },
    { name: '--steps 0', args: ['--plan', 'plan-compact', '--model', 'model.json', '--halo-bytes', '1KiB', '--steps', '0'], code: 64, message: 'HPCRUN_BAD_NUMBER: --steps "0" is not a whole number ≥ 1' },
  ])('$name: exit $code with a clear message and a fix', async ({ args, code, message }) => {
    const model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'v99.json'), JSON.stringify({ ...model, schemaVersion: 99 }));
    const before = readdirSync(dir).sort();
    const r = await hpcrun('predict', ...args, '--json');
    expect(r.code).toBe(code);
    expect(r.out).toBe('');
    expect(r.err).toContain(message);
    expect(r.err).toMatch(/\n {2}fix: \S/);
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});
