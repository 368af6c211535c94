import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HpcrunError } from '../../src/errors.js';
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

const meta = () => baseMetadata({ name: 't', command: 'bench', date: '2025-03-04T10:00:00.000Z', hpcrun: { version: '0.1.0', gitRevision: null }, hosts: ['n1', 'n2'] });

const latencyRow = () =>
  rowFromSamples({ kind: 'latency', hostA: 'n1', hostB: 'n2', bytes: 8, unit: 'us', rawSamples: [5, 5.1, 4.9, 5, 5.2, 5, 5.05, 40], stopReason: 'ci-target' });

async function caught(promise: Promise<unknown>): Promise<HpcrunError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HpcrunError) return error;
    throw error;
  }
  throw new Error('expected an HpcrunError');
}

describe('result rows', () => {
  it('builds a measured row: Tukey removes the 40 us sample, raw samples are kept', () => {
    const row = latencyRow();
    expect(row).toMatchObject({ samples: 7, median: 5, outliers_removed: 1, stop_reason: 'ci-target', unit: 'us', source: 'hpcrun' });
    // n = 7 → ranks 1..7 of [4.9, 5, 5, 5, 5.05, 5.1, 5.2]
    expect([row.ci95_low, row.ci95_high]).toEqual([4.9, 5.2]);
    expect(row.raw_samples).toHaveLength(8);
    expect(row.mean).toBeCloseTo(35.25 / 7, 12);
  });

  it('uses the harmonic mean for bandwidth rows', () => {
    const row = rowFromSamples({ kind: 'bw', hostA: 'a', hostB: 'b', bytes: 1048576, unit: 'MB/s', rawSamples: [100, 50, 100, 50, 100, 50], stopReason: 'sample-cap', outliers: 'none' });
    expect(row.mean).toBeCloseTo(200 / 3, 10);
  });
});

describe('CSV', () => {
  it('starts with the contract columns and leaves unknowns empty', () => {
    const csv = rowsToCsv([{ ...latencyRow(), host_b: null, ci95_low: null }]);
    const [header, line] = csv.trim().split('\n');
    expect(header?.split(',').slice(0, 11)).toEqual(['kind', 'host_a', 'host_b', 'bytes', 'samples', 'median', 'p05', 'p95', 'ci95_low', 'ci95_high', 'unit']);
    expect(header?.split(',')).toEqual([...CSV_COLUMNS]);
    expect(line?.startsWith('latency,n1,,8,7,5,4.9,5.2,,5.2,us,')).toBe(true);
  });
});

describe('writing and reading result sets', () => {
  it('round-trips a result set through PATH.csv and PATH.json', async () => {
    const paths = await prepareOutput(join(dir, 'sub', 'run1'), dir);
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
    const error = await caught(prepareOutput(target, dir));
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
    const paths = await prepareOutput(join(dir, 'inc'), dir);
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
    const paths = await prepareOutput(join(dir, 'int'), dir);
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
    { name: 'a newer schema', text: JSON.stringify({ schemaVersion: 2, metadata: {}, rows: [] }), message: 'result schemaVersion 2 found; this hpcrun reads schemaVersion 1', code: 'HPCRUN_RESULTS_VERSION' },
    { name: 'no schemaVersion', text: JSON.stringify({ rows: [] }), message: 'schemaVersion (missing) found; this hpcrun reads schemaVersion 1', code: 'HPCRUN_RESULTS_VERSION' },
    { name: 'bad JSON', text: '{"schemaVersion": 1,', message: 'not valid JSON', code: 'HPCRUN_RESULTS_INVALID' },
    { name: 'a row without a unit', text: JSON.stringify({ schemaVersion: 1, metadata: meta(), rows: [{ ...latencyRow(), unit: undefined }] }), message: 'x.json: rows[0].unit: is required', code: 'HPCRUN_RESULTS_INVALID' },
    { name: 'a figure that is not a number', text: JSON.stringify({ schemaVersion: 1, metadata: meta(), rows: [latencyRow(), { ...latencyRow(), median: '5' }] }), message: 'x.json: rows[1].median: must be a number or null, not "5"', code: 'HPCRUN_RESULTS_INVALID' },
    { name: 'incomplete metadata', text: JSON.stringify({ schemaVersion: 1, metadata: { name: 'x', date: 'd', complete: true }, rows: [] }), message: 'x.json: metadata.command: is required; metadata.hpcrun: is required', code: 'HPCRUN_RESULTS_INVALID' },
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
    expect(await caught(readResultSet(join(dir, 'nope'), dir))).toMatchObject({ kind: 'not-found', exitCode: 66 });
  });
});
