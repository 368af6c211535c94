import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { caught } from '../helpers/cli.js';
import { parseBenchmarkOutput, parseOsu } from '../../src/core/parsers/index.js';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../fixtures/osu/${name}`, import.meta.url)), 'utf8');

describe('OSU parser on the published formats', () => {
  it.each([
    { file: 'osu_latency-5.6.2.txt', benchmark: 'osu_latency', version: '5.6.2', kind: 'latency', unit: 'us', rows: 24, first: { bytes: 0, mean: 4.9 } },
    { file: 'osu_bw-7.2.txt', benchmark: 'osu_bw', version: '7.2', kind: 'bw', unit: 'MB/s', rows: 23, first: { bytes: 1, mean: 0.05 } },
    { file: 'osu_bibw-5.8.txt', benchmark: 'osu_bibw', version: '5.8', kind: 'bibw', unit: 'MB/s', rows: 23, first: { bytes: 1, mean: 0.1 } },
  ])('$file → $rows $kind rows in $unit', ({ file, benchmark, version, kind, unit, rows, first }) => {
    const [table, ...rest] = parseOsu(fixture(file), file);
    expect(rest).toHaveLength(0);
    expect(table).toMatchObject({ format: 'osu', benchmark, version });
    expect(table?.measurements).toHaveLength(rows);
    expect(table?.measurements.every((m) => m.kind === kind && m.unit === unit)).toBe(true);
    expect(table?.measurements[0]).toMatchObject({ ...first, median: null, p99: null });
  });

  it('maps Validation and P50/P90/P99 Tail Lat(us) columns from the header', () => {
    const [table] = parseOsu(fixture('osu_latency-7.4-validation-tail.txt'));
    expect(table?.columns).toEqual(['Size', 'Latency (us)', 'Validation', 'P50 Tail Lat(us)', 'P90 Tail Lat(us)', 'P99 Tail Lat(us)']);
    expect(table?.measurements[0]).toEqual({
      kind: 'latency', unit: 'us', bytes: 0, mean: 4.9, median: 4.8, p05: null, p95: null, p99: 7.84,
      extra: { 'P90 Tail Lat(us)': 5.24, Validation: 'Pass' }, line: 5,
    });
  });

  it('maps P5/P50/P95 Tail BW(MB/s) columns and skips launcher noise before the title', () => {
    const [table] = parseOsu(fixture('osu_bw-7.4-tail-bw.txt'));
    const last = table?.measurements.at(-1);
    expect(last).toMatchObject({ kind: 'bw', unit: 'MB/s', bytes: 1048576, mean: 116.76, p05: 105.08, median: 117.92, p95: 121.43 });
    expect(last?.extra).toEqual({ Validation: 'Pass' });
  });

  it('reads osu_mbw_mr as MB/s and msg/s rows with pairs and window size', () => {
    const [table] = parseOsu(fixture('osu_mbw_mr-7.5.txt'));
    expect(table?.params).toEqual({ pairs: 2, windowSize: 64 });
    const at1MiB = table?.measurements.filter((m) => m.bytes === 1048576);
    expect(at1MiB?.map((m) => [m.kind, m.unit])).toEqual([['mbw', 'MB/s'], ['mbw', 'msg/s']]);
    expect(at1MiB?.map((m) => m.mean)).toEqual([119.09, 113.57]);
  });

  it('tolerates CRLF line ends and reads several outputs concatenated in one file', () => {
    const text = `${fixture('osu_latency-5.6.2.txt')}mpirun finished\n${fixture('osu_bw-7.2.txt')}`.replace(/\n/g, '\r\n');
    const tables = parseOsu(text, 'both.txt');
    expect(tables.map((t) => t.benchmark)).toEqual(['osu_latency', 'osu_bw']);
  });

  it.each([
    { name: 'min/max/iterations columns', header: '# Size       Avg Latency(us)   Min Latency(us)   Max Latency(us)  Iterations', row: '8                       5.10              4.90              6.00        1000', extra: { 'Min Latency(us)': 4.9, 'Max Latency(us)': 6, Iterations: 1000 }, mean: 5.1 },
    { name: 'tight spacing', header: '# Size Latency(us)', row: '8 5.10', extra: {}, mean: 5.1 },
  ])('reads odd headers: $name', ({ header, row, extra, mean }) => {
    const [table] = parseOsu(`# OSU MPI Latency Test v6.1\n${header}\n${row}\n`);
    expect(table?.measurements[0]).toMatchObject({ bytes: 8, mean, extra });
  });
});

describe('OSU parser errors name the file and line', () => {
  it.each([
    { name: 'a truncated row', text: fixture('bad-truncated-row.txt'), code: 'HPCRUN_PARSE_OSU_ROW', where: 'f.txt:6' },
    { name: 'an unknown column', text: '# OSU MPI Latency Test v7.4\n# Size   Latency (us)   Jitter (us)\n8  5.0  0.1\n', code: 'HPCRUN_PARSE_OSU_HEADER', where: 'f.txt:2' },
    { name: 'an unsupported OSU benchmark', text: '# OSU MPI Allreduce Latency Test v7.0\n', code: 'HPCRUN_PARSE_OSU_BENCHMARK', where: 'f.txt:1' },
    { name: 'a title without rows', text: '# OSU MPI Latency Test v7.4\n# Size   Latency (us)\n', code: 'HPCRUN_PARSE_OSU_EMPTY', where: 'f.txt:1' },
    { name: 'a non-numeric value', text: '# OSU MPI Latency Test v7.4\n# Size   Latency (us)\n8   fast\n', code: 'HPCRUN_PARSE_OSU_ROW', where: 'f.txt:3' },
    { name: 'text before the header', text: '# OSU MPI Latency Test v7.4\nSegmentation fault\n', code: 'HPCRUN_PARSE_OSU_LINE', where: 'f.txt:2' },
    { name: 'a bad Validation value', text: '# OSU MPI Latency Test v7.4\n# Size   Latency (us)   Validation\n8   5.0   Maybe\n', code: 'HPCRUN_PARSE_OSU_ROW', where: 'f.txt:3' },
    { name: 'text that is neither OSU nor IMB', text: '\nhello world\n', code: 'HPCRUN_PARSE_UNRECOGNISED', where: 'f.txt:2' },
  ])('rejects $name', ({ text, code, where }) => {
    const error = caught(() => parseBenchmarkOutput(text, 'f.txt'));
    expect(error.kind).toBe('input');
    expect(error.exitCode).toBe(65);
    expect(error.code).toBe(code);
    expect(error.message).toContain(where);
  });
});
