import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { caught } from '../helpers/cli.js';
import { parseBenchmarkOutput, parseImb } from '../../src/core/parsers/index.js';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../fixtures/imb/${name}`, import.meta.url)), 'utf8');

describe('IMB parser on the published formats', () => {
  const parsed = parseBenchmarkOutput(fixture('imb-2021.3-p2p.txt'), 'imb.txt');
  const table = (name: string) => parsed.tables.find((t) => t.benchmark === name);

  it('finds the six point-to-point tables, skips the collective and reads the version', () => {
    expect(parsed.format).toBe('imb');
    expect(parsed.tables.map((t) => t.benchmark)).toEqual(['PingPong', 'PingPing', 'Sendrecv', 'Exchange', 'Uniband', 'Biband']);
    expect(parsed.tables.every((t) => t.version === '2021.3' && t.params.processes === 2)).toBe(true);
    expect(parsed.skipped).toEqual([expect.stringMatching(/imb\.txt:\d+: IMB Allreduce .* skipped/)]);
  });

  it.each([
    { bench: 'PingPong', kinds: [['latency', 'us'], ['pingpong', 'MB/s']], bytes: 1024, values: [13.19, 77.63], extra: { repetitions: 1000 } },
    { bench: 'PingPing', kinds: [['pingping', 'us'], ['pingping', 'MB/s']], bytes: 256, values: [7.67, 33.38], extra: { repetitions: 1000 } },
    { bench: 'Sendrecv', kinds: [['sendrecv', 'us'], ['sendrecv', 'MB/s']], bytes: 256, values: [8.41, 60.58], extra: { 't_min[usec]': 8.37, 't_max[usec]': 8.45 } },
    { bench: 'Exchange', kinds: [['exchange', 'us'], ['exchange', 'MB/s']], bytes: 256, values: [14.79, 68.55], extra: { 't_min[usec]': 14.64, 't_max[usec]': 14.94 } },
    { bench: 'Uniband', kinds: [['uniband', 'MB/s'], ['uniband', 'msg/s']], bytes: 256, values: [121.6, 475000], extra: { repetitions: 1000 } },
    { bench: 'Biband', kinds: [['biband', 'MB/s'], ['biband', 'msg/s']], bytes: 256, values: [217.6, 850000], extra: { repetitions: 1000 } },
  ])('$bench: header columns mapped to $kinds', ({ bench, kinds, bytes, values, extra }) => {
    const rows = table(bench)?.measurements.filter((m) => m.bytes === bytes) ?? [];
    expect(rows.map((m) => [m.kind, m.unit])).toEqual(kinds);
    expect(rows.map((m) => m.mean)).toEqual(values);
    expect(rows[0]?.extra).toMatchObject(extra);
    expect(rows[0]).toMatchObject({ median: null, p05: null, p95: null, p99: null });
  });

  it('keeps 10^6-byte Mbytes/sec from IMB 2018 and later as they are', () => {
    expect(table('PingPong')?.notes).toEqual([]);
  });

  it('converts IMB 4.0 Mbytes/sec (2^20 bytes) to MB/s (10^6 bytes)', () => {
    const [pingpong] = parseImb(fixture('imb-4.0-pingpong-mib.txt'), 'old.txt');
    expect(pingpong?.version).toBe('4.0');
    const row = pingpong?.measurements.find((m) => m.unit === 'MB/s' && m.bytes === 1048576);
    const time = pingpong?.measurements.find((m) => m.unit === 'us' && m.bytes === 1048576);
    // printed 117.67 (2^20 bytes/s) → 123.3859 MB/s, which is bytes / t as MB/s must be
    expect(row?.mean).toBe(123.3859); // 117.67 × 1.048576, kept to 4 decimals
    expect(row?.mean).toBeCloseTo(1048576 / (time?.mean ?? 0), 1);
    expect(pingpong?.notes).toContain('IMB PingPong: Mbytes/sec converted from 2^20 to 10^6 bytes/s');
  });

  it('trusts the data over the version when they disagree', () => {
    const text = fixture('imb-4.0-pingpong-mib.txt').replace('Benchmarks 4.0', 'Benchmarks 2021.3');
    const [pingpong] = parseImb(text, 'relabelled.txt');
    expect(pingpong?.notes.join('\n')).toMatch(/2\^20 convention in the data, unlike the version/);
  });
});

describe('IMB parser errors', () => {
  it.each([
    { name: 'only collective tables', text: fixture('imb-2019-barrier-only.txt'), code: 'HPCRUN_PARSE_IMB_NONE', where: 'f.txt' },
    { name: 'an unknown column', text: '# Benchmarking PingPong\n#bytes #repetitions t[usec] Gbit/s\n8 1000 5.0 1.0\n', code: 'HPCRUN_PARSE_IMB_HEADER', where: 'f.txt:2' },
    { name: 'a short row', text: '# Benchmarking PingPong\n#bytes #repetitions t[usec] Mbytes/sec\n8 1000 5.0 1.6\n16 1000\n', code: 'HPCRUN_PARSE_IMB_ROW', where: 'f.txt:4' },
    { name: 'a table without rows', text: '# Benchmarking PingPong\n#bytes #repetitions t[usec] Mbytes/sec\n\n', code: 'HPCRUN_PARSE_IMB_EMPTY', where: 'f.txt:1' },
    { name: 'a row before the header', text: '# Benchmarking Sendrecv\n8 1000 5.0 1.6\n', code: 'HPCRUN_PARSE_IMB_LINE', where: 'f.txt:2' },
  ])('rejects $name', ({ text, code, where }) => {
    const error = caught(() => parseBenchmarkOutput(text, 'f.txt'));
    expect(error).toMatchObject({ kind: 'input', code });
    expect(error.message).toContain(where);
  });
});
