import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const fixtures = fileURLToPath(new URL('../fixtures/report/', import.meta.url));
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcrun-report-'));
  for (const f of ['onprem', 'capped', 'osu-import']) cpSync(join(fixtures, `${f}.json`), join(dir, `${f}.json`));
  const onprem = JSON.parse(readFileSync(join(dir, 'onprem.json'), 'utf8')) as { schemaVersion: number; rows: { kind: string }[] };
  writeFileSync(join(dir, 'v99.json'), JSON.stringify({ ...onprem, schemaVersion: 99 }));
  writeFileSync(join(dir, 'bw-only.json'), JSON.stringify({ ...onprem, rows: onprem.rows.filter((r) => r.kind === 'bw') }));
  writeFileSync(join(dir, 'latency-only.json'), JSON.stringify({ ...onprem, rows: onprem.rows.filter((r) => r.kind === 'latency') }));
  writeFileSync(join(dir, 'notes.txt'), 'not a result set\n');
  writeFileSync(join(dir, 'list.json'), '[1, 2, 3]\n');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const hpcrun = (...args: string[]) => runCli(args, { cwd: dir, now: new Date('2026-01-02T03:04:05.000Z') });
const INPUTS = ['bw-only.json', 'capped.json', 'latency-only.json', 'list.json', 'notes.txt', 'onprem.json', 'osu-import.json', 'v99.json'];

describe('hpcrun report', () => {
  it('writes PATH.html and PATH.md, and prints the rows with --json', async () => {
    const r = await hpcrun('report', 'onprem.json', 'capped.json', 'osu-import.json', '--label', 'on-prem', '--label', 'capped', '--label', 'cloud', '--reference', fileURLToPath(new URL('../../results/references/published-osu.json', import.meta.url)), '--out', 'out/report', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.out) as { html: string; md: string; labels: string[]; rows: { id: string; cells: { label: string; test: { method: string } | null }[] }[] };
    expect(printed.labels).toEqual(['on-prem', 'capped', 'cloud']);
    expect(printed.html).toBe(join(dir, 'out/report.html'));
    expect(printed.rows.map((row) => row.id)).toContain('latency/8/us/first-pair');
    const row8 = printed.rows.find((row) => row.id === 'latency/8/us/first-pair');
    expect(row8?.cells.map((c) => c.test?.method ?? null)).toEqual([null, 'mann-whitney', 'none']);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['report.html', 'report.md']);
    const html = readFileSync(join(dir, 'out/report.html'), 'utf8');
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(2);
    expect(html).toContain('Compute Engine c2d-standard-112');
    const md = readFileSync(join(dir, 'out/report.md'), 'utf8');
    expect(md).toContain('| metric | pairs | on-prem (baseline) | capped | cloud |');
    expect(md).toContain('[report.html](report.html)');
  }, 60_000);

  it('prints where it wrote, and replaces an earlier report', async () => {
    writeFileSync(join(dir, 'r.html'), 'old');
    const r = await hpcrun('report', 'onprem.json', 'capped.json', '--out', 'r.html');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`report of 2 result sets, 8 metrics in common\n  ${join(dir, 'r.html')}\n  ${join(dir, 'r.md')}\n`);
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toContain('<!doctype html>');
  }, 60_000);

  it.each([
    { name: 'no files', args: ['report', '--out', 'x'], code: 64, message: "HPCRUN_USAGE_MISSING_ARGUMENT: missing required argument 'FILE'" },
    { name: 'one set', args: ['report', 'onprem.json', '--out', 'x'], code: 64, message: 'HPCRUN_REPORT_ONE_SET: report compares result sets and needs at least two; 1 given' },
    { name: 'no --out', args: ['report', 'onprem.json', 'capped.json'], code: 64, message: 'HPCRUN_REPORT_NO_OUT' },
    { name: 'a --label count mismatch', args: ['report', 'onprem.json', 'capped.json', '--label', 'a', '--out', 'x'], code: 64, message: 'HPCRUN_REPORT_LABELS: 1 --label for 2 result sets' },
    { name: 'a missing file', args: ['report', 'onprem.json', 'nope.json', '--out', 'x'], code: 66, message: 'HPCRUN_RESULTS_NOT_FOUND' },
    { name: 'a file that is not JSON', args: ['report', 'onprem.json', 'notes.txt', '--out', 'x'], code: 65, message: 'notes.txt: not valid JSON' },
    { name: 'JSON that is not a result set', args: ['report', 'onprem.json', 'list.json', '--out', 'x'], code: 65, message: 'list.json: not a result set' },
    { name: 'a result set of schemaVersion 99', args: ['report', 'onprem.json', 'v99.json', '--out', 'x'], code: 65, message: 'HPCRUN_RESULTS_VERSION: ' },
    { name: 'two sets with nothing in common', args: ['report', 'bw-only.json', 'latency-only.json', '--out', 'x'], code: 65, message: 'HPCRUN_REPORT_NOTHING_IN_COMMON: the result sets have no metric in common' },
    { name: 'an unwritable --out (under a file)', args: ['report', 'onprem.json', 'capped.json', '--out', 'notes.txt/sub/x'], code: 73, message: 'HPCRUN_OUTPUT_UNWRITABLE: cannot write the report' },
    { name: 'an --out that is a directory', args: ['report', 'onprem.json', 'capped.json', '--out', 'taken'], code: 73, message: 'taken.html is a directory' },
    { name: 'a bad --reference', args: ['report', 'onprem.json', 'capped.json', '--reference', 'list.json', '--out', 'x'], code: 65, message: 'HPCRUN_REFERENCE_INVALID' },
  ])('fails clearly on $name (exit $code) and writes nothing', async ({ args, code, message }) => {
    mkdirSync(join(dir, 'taken.html'));
    const r = await hpcrun(...args);
    expect(r.code).toBe(code);
    expect(r.err).toContain(message);
    expect(r.err).toMatch(/\n {2}fix: \S/);
    expect(readdirSync(dir).sort()).toEqual([...INPUTS, 'taken.html'].sort());
    expect(readdirSync(join(dir, 'taken.html'))).toEqual([]);
    expect(existsSync(join(dir, 'x.html')) || existsSync(join(dir, 'x.md'))).toBe(false);
  });

  it('names the schemaVersion found and the one it reads', async () => {
    const r = await hpcrun('report', 'onprem.json', 'v99.json', '--out', 'x');
    expect(r.err).toContain('result schemaVersion 99 found; this hpcrun reads schemaVersion 2 (and upgrades 1)');
  });

  it.runIf(process.getuid?.() !== 0)('fails with 73 in a directory it may not write', async () => {
    mkdirSync(join(dir, 'ro'));
    chmodSync(join(dir, 'ro'), 0o500);
    const r = await hpcrun('report', 'onprem.json', 'capped.json', '--out', 'ro/x');
    expect(r.code).toBe(73);
    expect(readdirSync(join(dir, 'ro'))).toEqual([]);
  });
});
