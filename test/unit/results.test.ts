import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HpcrunError } from '../../src/errors.js';
import { rejected } from '../helpers/cli.js';
import {
  CSV_COLUMNS,
  SCHEMA_VERSION,
  baseMetadata,
  defaultOutBase,
  openIncrementalWriter,
  parseResultSet,
  prepareOutput,
  readResultSet,
  resultPaths,
  FIGURE_DECIMALS,
  roundFigure,
  rowFromMeasurement,
  rowFromSamples,
  rowsToCsv,
  writeFileAtomic,
  writeResultSet,
  type ResultSet,
} from '../../src/results/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcrun-results-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const OUT = { now: new Date('2025-03-04T10:12:31.456Z'), name: 'bench' };

const meta = () => baseMetadata({ name: 't', command: 'bench', date: '2025-03-04T10:00:00.000Z', hpcrun: { version: '0.1.0', gitRevision: null }, hosts: ['n1', 'n2'] });

const latencyRow = () =>
  rowFromSamples({ kind: 'latency', hostA: 'n1', hostB: 'n2', bytes: 8, unit: 'us', rawSamples: [5, 5.1, 4.9, 5, 5.2, 5, 5.05, 40], stopReason: 'ci-target' });



describe('result rows', () => {
  it('builds a measured row from all the samples: the 40 us sample is counted by Tukey, not dropped', () => {
    const row = latencyRow();
    expect(row).toMatchObject({ samples: 8, median: 5.025, outliers_tukey: 1, stop_reason: 'ci-target', unit: 'us', source: 'hpcrun' });
    // n = 8 → ranks 2..8 of [4.9, 5, 5, 5, 5.05, 5.1, 5.2, 40]: the tail is in the CI, p95 and p99.
    expect([row.ci95_low, row.ci95_high]).toEqual([5, 40]);
    expect([row.p95, row.p99]).toEqual([40, 40]);
    expect(row.raw_samples).toHaveLength(8);
    expect(row.mean).toBeCloseTo(75.25 / 8, 12);
    expect(row.extra).toMatchObject({ outlier_rule: expect.stringMatching(/^tukey-1\.5iqr: count samples outside/) });
  });

  it('uses the harmonic mean for bandwidth rows', () => {
    const row = rowFromSamples({ kind: 'bw', hostA: 'a', hostB: 'b', bytes: 1048576, unit: 'MB/s', rawSamples: [100, 50, 100, 50, 100, 50], stopReason: 'sample-cap', outliers: 'none' });
    expect(row.mean).toBe(66.6667);
  });
});

describe('CSV', () => {
  it('starts with the contract columns and leaves unknowns empty', () => {
    const csv = rowsToCsv([{ ...latencyRow(), host_b: null, ci95_low: null }]);
    const [header, line] = csv.trim().split('\n');
    expect(header?.split(',').slice(0, 11)).toEqual(['kind', 'host_a', 'host_b', 'bytes', 'samples', 'median', 'p05', 'p95', 'ci95_low', 'ci95_high', 'unit']);
    expect(header?.split(',')).toEqual([...CSV_COLUMNS]);
    expect(line?.startsWith('latency,n1,,8,8,5.025,4.9,40,,40,us,')).toBe(true);
    expect(header).toContain('outliers_tukey');
    expect(header).not.toContain('outliers_removed');
  });
});

describe('writing and reading result sets', () => {
  it('round-trips a result set through PATH.csv and PATH.json', async () => {
    const paths = await prepareOutput(join(dir, 'sub', 'run1'), dir, OUT);
    const set: ResultSet = { schemaVersion: SCHEMA_VERSION, metadata: { ...meta(), complete: true }, rows: [latencyRow()] };
    await writeResultSet(paths, set);
    expect(readdirSync(join(dir, 'sub')).sort()).toEqual(['run1.csv', 'run1.json']);
    expect(await readResultSet(join(dir, 'sub', 'run1'), dir)).toEqual(set);
    expect(await readResultSet('sub/run1.csv', dir)).toEqual(set);
    expect(readFileSync(paths.csv, 'utf8').split('\n')).toHaveLength(3);
  });

  it('names outputs from --out and by default results/<date>-<name>', () => {
    expect(resultPaths('out/x.json', '/w')).toEqual({ base: '/w/out/x', csv: '/w/out/x.csv', json: '/w/out/x.json' });
    expect(defaultOutBase(new Date('2025-03-04T10:12:31.456Z'), 'ib latency')).toBe('results/20250304-101231-ib-latency');
  });

  it.each([
    { name: 'a directory under a regular file', setup: () => { writeFileSync(join(dir, 'file'), 'x'); return join(dir, 'file', 'sub', 'out'); } },
    { name: 'a target that is a directory', setup: () => { mkdirSync(join(dir, 'out.json')); return join(dir, 'out'); } },
  ])('refuses $name with an output error before anything is written', async ({ setup }) => {
    const target = setup();
    const before = readdirSync(dir).sort();
    const error = await rejected(prepareOutput(target, dir, OUT));
    expect(error).toMatchObject({ kind: 'output', code: 'HPCRUN_OUTPUT_UNWRITABLE', exitCode: 73 });
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('leaves no temp file when an atomic write fails', async () => {
    mkdirSync(join(dir, 'target'));
    await expect(writeFileAtomic(join(dir, 'target'), 'data')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['target']);
  });

  it('replaces files atomically and leaves no temp files after many writes', async () => {
    const target = join(dir, 'f.json');
    await Promise.all(Array.from({ length: 20 }, (_, i) => writeFileAtomic(target, JSON.stringify({ i }))));
    expect(readdirSync(dir)).toEqual(['f.json']);
    expect(JSON.parse(readFileSync(target, 'utf8'))).toHaveProperty('i');
  });
});

describe('incremental writer', () => {
  it('writes a valid empty, incomplete set at once, then every completed row, then complete', async () => {
    const paths = await prepareOutput(join(dir, 'inc'), dir, OUT);
    const writer = await openIncrementalWriter(paths, meta());
    let onDisk = await readResultSet(paths.base, dir);
    expect(onDisk.metadata.complete).toBe(false);
    expect(onDisk.rows).toEqual([]);
    await writer.addRow(latencyRow());
    await writer.addRow({ ...latencyRow(), bytes: 16 });
    onDisk = await readResultSet(paths.base, dir);
    expect(onDisk.rows.map((r) => r.bytes)).toEqual([8, 16]);
    expect(onDisk.metadata.complete).toBe(false);
    await writer.finish();
    onDisk = await readResultSet(paths.base, dir);
    expect(onDisk.metadata.complete).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['inc.csv', 'inc.json']);
  });

  it('keeps the completed rows and marks the set incomplete when aborted (SIGINT)', async () => {
    const paths = await prepareOutput(join(dir, 'int'), dir, OUT);
    const writer = await openIncrementalWriter(paths, meta());
    void writer.addRow(latencyRow()); // not awaited: abort must still land after it
    await writer.abort('SIGINT');
    const onDisk = await readResultSet(paths.base, dir);
    expect(onDisk.rows).toHaveLength(1);
    expect(onDisk.metadata).toMatchObject({ complete: false, incompleteReason: 'SIGINT' });
    expect(readFileSync(paths.csv, 'utf8').trim().split('\n')).toHaveLength(2);
  });
});

describe('reader validation', () => {
  it.each([
    { name: 'a newer schema', text: JSON.stringify({ schemaVersion: 3, metadata: {}, rows: [] }), message: 'result schemaVersion 3 found; this hpcrun reads schemaVersion 2 (and upgrades 1)', code: 'HPCRUN_RESULTS_VERSION' },
    { name: 'no schemaVersion', text: JSON.stringify({ rows: [] }), message: 'schemaVersion (missing) found; this hpcrun reads schemaVersion 2 (and upgrades 1)', code: 'HPCRUN_RESULTS_VERSION' },
    { name: 'bad JSON', text: '{"schemaVersion": 2,', message: 'not valid JSON', code: 'HPCRUN_RESULTS_INVALID' },
    { name: 'a row without a unit', text: JSON.stringify({ schemaVersion: 2, metadata: meta(), rows: [{ ...latencyRow(), unit: undefined }] }), message: 'x.json: rows[0].unit: is required', code: 'HPCRUN_RESULTS_INVALID' },
    { name: 'a version 1 row without a unit', text: JSON.stringify({ schemaVersion: 1, metadata: meta(), rows: [{ kind: 'latency', bytes: 8 }] }), message: 'x.json: rows[0].host_a: is required', code: 'HPCRUN_RESULTS_INVALID' },
    { name: 'a figure that is not a number', text: JSON.stringify({ schemaVersion: 2, metadata: meta(), rows: [latencyRow(), { ...latencyRow(), median: '5' }] }), message: 'x.json: rows[1].median: must be a number or null, not "5"', code: 'HPCRUN_RESULTS_INVALID' },
    { name: 'incomplete metadata', text: JSON.stringify({ schemaVersion: 2, metadata: { name: 'x', date: 'd', complete: true }, rows: [] }), message: 'x.json: metadata.command: is required; metadata.hpcrun: is required', code: 'HPCRUN_RESULTS_INVALID' },
  ])('rejects $name and says what it found', ({ text, message, code }) => {
    try {
      parseResultSet(text, 'x.json');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HpcrunError);
      expect((error as HpcrunError).code).toBe(code);
      expect((error as HpcrunError).message).toContain(message);
    }
  });

  it('reports a missing result set as not-found', async () => {
    expect(await rejected(readResultSet(join(dir, 'nope'), dir))).toMatchObject({ kind: 'not-found', exitCode: 66 });
  });
});

describe('reading schemaVersion 1 (figures after dropping Tukey outliers)', () => {
  const v1Bench = {
    kind: 'latency', host_a: 'n1', host_b: 'n2', bytes: 8, samples: 7, median: 5, p05: 4.9, p95: 5.2, p99: 5.2, ci95_low: 4.9, ci95_high: 5.2,
    unit: 'us', mean: 35.25 / 7, stop_reason: 'ci-target', outliers_removed: 1, source: 'hpcrun',
    extra: { outlier_rule: 'tukey-1.5iqr: keep samples within ...', warmup: 100 }, raw_samples: [5, 5.1, 4.9, 5, 5.2, 5, 5.05, 40],
  };
  const v1Import = { ...v1Bench, samples: null, ci95_low: null, ci95_high: null, outliers_removed: null, stop_reason: 'imported', source: 'osu_latency 7.4 (a.txt:3)', extra: { line: 3 }, raw_samples: undefined };
  const v1 = { schemaVersion: 1, metadata: { ...meta(), complete: true, policy: { warmup: null, targetRelHalfWidth: 0.05, maxSamples: null, minSamples: null, iterationsPerSample: null, stoppingRule: 'ci', outlierRule: 'tukey-1.5iqr: keep ...' } }, rows: [v1Bench, v1Import, { ...v1Import, outliers_removed: 2 }] };

  it('recomputes bench rows from raw_samples, renames the outlier count, and says so in the notes', () => {
    const set = parseResultSet(JSON.stringify(v1), 'old.json');
    expect(set.schemaVersion).toBe(2);
    const [bench, imported, trimmed] = set.rows;
    expect(bench).toEqual({ ...latencyRow(), extra: { warmup: 100, ...latencyRow().extra } });
    expect(bench).not.toHaveProperty('outliers_removed');
    expect(imported).toMatchObject({ median: 5, outliers_tukey: null, source: 'osu_latency 7.4 (a.txt:3)' });
    expect(imported?.extra).not.toHaveProperty('figures');
    expect(trimmed?.extra?.figures).toMatch(/^trimmed: .*exclude 2 Tukey outlier/);
    expect(set.metadata.notes?.at(-1)).toMatch(/read from schemaVersion 1/);
    expect(set.metadata.policy?.outlierRule).toMatch(/count samples outside/);
  });
});

describe('published figures carry no floating-point noise', () => {
  it.each([
    // value, unit, published
    [7.0009999999999994, 'us', 7.001],
    [(7.0009 + 7.0011) / 2, 'us', 7.001],
    [(2.1733 + 2.1734) / 2, 'us', 2.17335],
    [0.1 + 0.2, 'us', 0.3],
    [9566.996500000001, 'MB/s', 9566.9965],
    [200 / 3, 'MB/s', 66.6667],
    [9667673.65, 'msg/s', 9667673.65],
    [1e-7, 'us', 0],
    [-1e-9, 'us', 0],
  ] as const)('%d %s is published as %d', (value, unit, published) => {
    expect(roundFigure(value, unit)).toBe(published);
    expect(Object.is(roundFigure(value, unit), -0)).toBe(false);
  });

  it('leaves no cell of a bench CSV with more decimals than its unit allows', () => {
    const samples = [7.0009, 7.0011, 7.0013, 7.0007, 7.0021, 7.0009, 7.0011, 7.2003, 7.0015, 7.0011];
    const rows = [
      rowFromSamples({ kind: 'latency', hostA: 'a', hostB: 'b', bytes: 8, unit: 'us', rawSamples: samples, stopReason: 'ci-target' }),
      rowFromSamples({ kind: 'bw', hostA: 'a', hostB: 'b', bytes: 8, unit: 'MB/s', rawSamples: samples.map((x) => 1000 / x), stopReason: 'ci-target' }),
      rowFromMeasurement({ kind: 'latency', unit: 'us', bytes: 8, mean: 1.1 * 3, median: null, p05: null, p95: null, p99: null, extra: {}, line: 3 }, 'osu', { a: null, b: null }),
    ];
    expect(rows[0]?.median).toBe(7.0011);
    expect(rows[2]?.mean).toBe(3.3);
    const [header, ...lines] = rowsToCsv(rows).trim().split('\n');
    const columns = header!.split(',');
    for (const line of lines) {
      const cells = line.split(',');
      const unit = cells[columns.indexOf('unit')] as keyof typeof FIGURE_DECIMALS;
      for (const name of ['median', 'p05', 'p95', 'p99', 'ci95_low', 'ci95_high', 'mean']) {
        const decimals = cells[columns.indexOf(name)]?.split('.')[1]?.length ?? 0;
        expect(decimals, `${name} of a ${unit} row`).toBeLessThanOrEqual(FIGURE_DECIMALS[unit]);
      }
    }
  });
});

describe('choosing the output: never a silent overwrite, directories get a dated name inside', () => {
  const STAMP = '20250304-101231-bench';
  it.each([
    // name, files present before, --out, force, expected base (relative to dir) or error code
    { name: 'a new PATH', before: [], out: 'run1', force: false, expected: 'run1' },
    { name: 'PATH.csv spelled out', before: [], out: 'run1.csv', force: false, expected: 'run1' },
    { name: 'an existing PATH.csv', before: ['run1.csv'], out: 'run1', force: false, expected: 'HPCRUN_OUTPUT_EXISTS' },
    { name: 'an existing PATH.json', before: ['run1.json'], out: 'run1.json', force: false, expected: 'HPCRUN_OUTPUT_EXISTS' },
    { name: 'an existing PATH with --force', before: ['run1.csv', 'run1.json'], out: 'run1', force: true, expected: 'run1' },
    { name: 'a directory with a slash', before: ['results/'], out: 'results/', force: false, expected: `results/${STAMP}` },
    { name: 'an existing directory without a slash', before: ['results/'], out: 'results', force: false, expected: `results/${STAMP}` },
    { name: 'a new directory with a slash (created)', before: [], out: 'new/sub/', force: false, expected: `new/sub/${STAMP}` },
    { name: 'a directory whose dated name is taken', before: ['results/', `results/${STAMP}.csv`], out: 'results/', force: false, expected: `results/${STAMP}-2` },
    { name: 'the default, twice in one second', before: ['results/', `results/${STAMP}.json`, `results/${STAMP}-2.csv`], out: undefined, force: false, expected: `results/${STAMP}-3` },
  ])('$name', async ({ before, out, force, expected }) => {
    for (const path of before) {
      if (path.endsWith('/')) mkdirSync(join(dir, path), { recursive: true });
      else writeFileSync(join(dir, path), 'earlier run');
    }
    if (expected.startsWith('HPCRUN_')) {
      const error = await rejected(prepareOutput(out, dir, { ...OUT, force }));
      expect(error).toMatchObject({ kind: 'output', code: expected, exitCode: 73 });
      expect(error.hint).toMatch(/--force/);
      for (const path of before) expect(readFileSync(join(dir, path), 'utf8')).toBe('earlier run');
      return;
    }
    const paths = await prepareOutput(out, dir, { ...OUT, force });
    expect(paths.base).toBe(join(dir, expected));
    // No sibling of a directory: nothing new next to it.
    expect(readdirSync(dir).filter((name) => !before.some((b) => b.startsWith(name)) && !expected.startsWith(name))).toEqual([]);
  });
});
