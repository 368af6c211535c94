import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { readResultSet } from '../../src/results/index.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcrun-import-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function hpcrun(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = await runCli(args, { cwd: dir, now: new Date('2025-03-04T10:12:31.000Z') });
  return { code: run.code, stdout: run.out, stderr: run.err };
}

describe('hpcrun import', () => {
  it('imports OSU files into PATH.csv and PATH.json with samples unknown and no CI', async () => {
    const r = await hpcrun('import', `${fixtures}osu/osu_latency-7.4-validation-tail.txt`, `${fixtures}osu/osu_mbw_mr-7.5.txt`, '--out', 'out/osu', '--hosts', 'n1,n2');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('imported 58 rows from 2 tables');
    const set = await readResultSet('out/osu', dir);
    expect(set.schemaVersion).toBe(2);
    expect(set.metadata).toMatchObject({ command: 'import', complete: true, hosts: ['n1', 'n2'], date: '2025-03-04T10:12:31.000Z' });
    expect(set.metadata.sources?.map((s) => s.benchmark)).toEqual(['osu_latency', 'osu_mbw_mr']);
    const first = set.rows[0];
    expect(first).toMatchObject({ kind: 'latency', host_a: 'n1', host_b: 'n2', bytes: 0, samples: null, median: 4.8, p99: 7.84, ci95_low: null, ci95_high: null, unit: 'us', mean: 4.9, stop_reason: 'imported' });
    expect(first?.source).toMatch(/^osu_latency 7\.4 \(.*osu_latency-7\.4-validation-tail\.txt:2\)$/);
    const csv = readFileSync(join(dir, 'out/osu.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(59); // header + 12 latency + 23 sizes × (MB/s, msg/s)
    expect(csv[1]?.startsWith('latency,n1,n2,0,,4.8,,,,,us,7.84,4.9,imported,,')).toBe(true);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['osu.csv', 'osu.json']);
  });

  it('imports IMB output, notes the skipped collective and prints a JSON summary with --json', async () => {
    const r = await hpcrun('import', `${fixtures}imb/imb-2021.3-p2p.txt`, '--out', 'imb', '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/note: .*IMB Allreduce .* skipped/);
    const summary = JSON.parse(r.stdout) as { rows: number; tables: number; csv: string };
    expect(summary).toMatchObject({ tables: 6, csv: join(dir, 'imb.csv') });
    const set = await readResultSet('imb', dir);
    expect(summary.rows).toBe(set.rows.length);
    expect(new Set(set.rows.map((row) => row.kind))).toEqual(new Set(['latency', 'pingpong', 'pingping', 'sendrecv', 'exchange', 'uniband', 'biband']));
  });

  it('writes to results/<date>-<name> by default', async () => {
    const r = await hpcrun('import', `${fixtures}osu/osu_bw-7.2.txt`, '--name', 'ib bw');
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, 'results')).sort()).toEqual(['20250304-101231-ib-bw.csv', '20250304-101231-ib-bw.json']);
  });

  it.each([
    { name: 'a missing file', args: ['import', 'nope.txt', '--out', 'x'], code: 66, message: 'HPCRUN_FILE_NOT_FOUND: cannot read nope.txt (ENOENT)' },
    { name: 'unrecognised text', args: ['import', 'junk.txt', '--out', 'x'], code: 65, message: 'HPCRUN_PARSE_UNRECOGNISED: junk.txt:1: not recognised' },
    { name: 'a truncated OSU row', args: ['import', `${fixtures}osu/bad-truncated-row.txt`, '--out', 'x'], code: 65, message: 'bad-truncated-row.txt:6: row has 1 fields' },
    { name: 'an unwritable --out', args: ['import', `${fixtures}osu/osu_bw-7.2.txt`, '--out', 'junk.txt/sub/x'], code: 73, message: 'HPCRUN_OUTPUT_UNWRITABLE' },
    { name: 'a bad --hosts', args: ['import', `${fixtures}osu/osu_bw-7.2.txt`, '--hosts', 'onlyone'], code: 64, message: 'HPCRUN_BAD_HOSTS' },
    { name: 'no files', args: ['import'], code: 64, message: "missing required argument 'FILE'" },
  ])('fails clearly on $name (exit $code) and writes nothing', async ({ args, code, message }) => {
    writeFileSync(join(dir, 'junk.txt'), 'hello\n');
    const r = await hpcrun(...args);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(message);
    expect(readdirSync(dir)).toEqual(['junk.txt']);
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });

  it('refuses to overwrite an existing --out PATH without --force, and replaces it with --force', async () => {
    const bw = `${fixtures}osu/osu_bw-7.2.txt`;
    expect((await hpcrun('import', bw, '--out', 'ib')).code).toBe(0);
    const first = readFileSync(join(dir, 'ib.json'), 'utf8');
    const again = await hpcrun('import', `${fixtures}osu/osu_latency-7.4-validation-tail.txt`, '--out', 'ib');
    expect(again.code).toBe(73);
    expect(again.stderr).toMatch(/^hpcrun: error HPCRUN_OUTPUT_EXISTS: --out ib: .*ib\.csv and .*ib\.json already exist\n {2}fix: pass --force/);
    expect(readFileSync(join(dir, 'ib.json'), 'utf8')).toBe(first);
    const forced = await hpcrun('import', `${fixtures}osu/osu_latency-7.4-validation-tail.txt`, '--out', 'ib', '--force');
    expect(forced.code).toBe(0);
    expect((await readResultSet('ib', dir)).rows[0]?.kind).toBe('latency');
  });

  it.each([['a directory with a slash', 'out/'], ['an existing directory', 'out']])('writes inside %s as <date>-<name>, not next to it', async (_name, out) => {
    if (!out.endsWith('/')) mkdirSync(join(dir, out));
    const r = await hpcrun('import', `${fixtures}osu/osu_bw-7.2.txt`, '--out', out, '--name', 'ib bw');
    expect(r.code).toBe(0);
    expect(readdirSync(dir)).toEqual(['out']);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['20250304-101231-ib-bw.csv', '20250304-101231-ib-bw.json']);
  });

  it.each([
    // fixture, line to corrupt (1-based), from, to, message
    ['osu/osu_latency-7.4-validation-tail.txt', 9, '4.96', '-4.96', /lat\.txt:9: osu_latency latency \(us\) is -4\.96 at 8 bytes; a measured figure cannot be negative/],
    ['osu/osu_latency-7.4-validation-tail.txt', 9, '7.94', '-7.94', /lat\.txt:9: osu_latency P99 is -7\.94 at 8 bytes/],
    ['osu/osu_bw-7.2.txt', 7, '0.42', '-0.42', /lat\.txt:7: osu_bw bandwidth \(MB\/s\) is -0\.42 at 8 bytes/],
    ['imb/imb-2021.3-p2p.txt', 43, '4.96', '-4.96', /lat\.txt:43: PingPong latency \(us\) is -4\.96 at 8 bytes/],
  ])('refuses a negative figure in %s (line %i), naming file and line, and writes nothing', async (fixture, line, from, to, message) => {
    const lines = readFileSync(`${fixtures}${fixture}`, 'utf8').split('\n');
    lines[line - 1] = (lines[line - 1] as string).replace(from, to);
    writeFileSync(join(dir, 'lat.txt'), lines.join('\n'));
    const r = await hpcrun('import', 'lat.txt', '--out', 'x');
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/^hpcrun: error HPCRUN_PARSE_NEGATIVE: /);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('fix: the output is corrupt or was edited');
    expect(readdirSync(dir)).toEqual(['lat.txt']);
  });

  it('has help with examples', async () => {
    const r = await hpcrun('import', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: hpcrun import [options] <FILE...>');
    expect(r.stdout).toContain('$ hpcrun import osu_latency.out --out results/ib-latency');
  });
});
