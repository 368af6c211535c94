// hpcrun gate end to end in-process: files in, Markdown / JUnit / JSON out,
// exit statuses, and every bad input with its code and nothing written.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { fakeSet, night } from '../helpers/gate-sets.js';
import { renderGateJUnit, renderGateMarkdown, xmlEscape } from '../../src/core/render/gate.js';
import { gate, gateRunOf } from '../../src/core/analysis/gate.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcrun-gate-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const LAT = [5.2, 5.1, 5.3, 5.25, 5.15, 5.2];
const BW = [1150, 1120, 1180, 1160, 1140, 1170];

function writeHistory(sub = 'history', n = LAT.length): string {
  const h = join(dir, sub);
  mkdirSync(h, { recursive: true });
  for (let i = 0; i < n; i++) {
    writeFileSync(join(h, `run-${i}.json`), JSON.stringify(fakeSet({ date: night(i), rows: [{ kind: 'latency', bytes: 8, median: LAT[i] as number }, { kind: 'bw', bytes: 1 << 20, median: BW[i] as number }] })));
    writeFileSync(join(h, `run-${i}.csv`), 'not read');
  }
  return h;
}

function writeCurrent(lat: number, bw: number | null, name = 'current.json'): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(fakeSet({ date: night(99), rows: [{ kind: 'latency', bytes: 8, median: lat }, bw === null ? { kind: 'bw', bytes: 1 << 20, median: null, failed: 'mpirun exited with status 1' } : { kind: 'bw', bytes: 1 << 20, median: bw }] })));
  return path;
}

const hpcrun = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: dir, env });

describe('hpcrun gate', () => {
  it('exits 0 when nothing regressed and writes Markdown, JUnit and the step summary', async () => {
    writeHistory();
    writeCurrent(5.22, 1150);
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const r = await hpcrun(['gate', '--baseline', 'history', '--current', 'current.json', '--md', 'gate.md', '--junit', 'gate.xml'], { GITHUB_STEP_SUMMARY: summary });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const md = readFileSync(join(dir, 'gate.md'), 'utf8');
    expect(md).toMatch(/✅ PASS: 2 metrics against 6 baseline runs/);
    expect(md).toMatch(/\| latency 8 B \| us \| 6 \| 5\.20 \|/);
    expect(readFileSync(summary, 'utf8')).toBe(`# earlier step\n${md}\n`);
    expect(readFileSync(join(dir, 'gate.xml'), 'utf8')).toMatch(/<testsuite name="hpcrun gate" tests="2" failures="0"/);
    expect(r.out).toBe(md);
  });

  it('exits 1 on a regression and names it; --json prints the verdicts', async () => {
    writeHistory();
    writeCurrent(5.2, 400);
    const r = await hpcrun(['gate', '--baseline', 'history', '--current', 'current.json', '--json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as { status: number; verdicts: { label: string; verdict: string }[] };
    expect(json.status).toBe(1);
    expect(json.verdicts.map((v) => [v.label, v.verdict])).toEqual([['bw 1 MiB', 'regression'], ['latency 8 B', 'pass']]);
  });

  it('a failed row in the current run fails the gate with its reason', async () => {
    writeHistory();
    writeCurrent(5.2, null);
    const r = await hpcrun(['gate', '--baseline', 'history', '--current', 'current.json', '--junit', 'gate.xml']);
    expect(r.code).toBe(1);
    expect(readFileSync(join(dir, 'gate.xml'), 'utf8')).toMatch(/<failure message="failed: mpirun exited with status 1" type="failed">/);
  });

  it('is warming up below --min-history (exit 0), and leaves out incomplete sets with a note', async () => {
    const h = writeHistory('history', 3);
    writeFileSync(join(h, 'broken-night.json'), JSON.stringify(fakeSet({ date: night(50), complete: false, rows: [{ kind: 'latency', bytes: 8, median: 50 }] })));
    writeCurrent(9, 200);
    const r = await hpcrun(['gate', '--baseline', 'history', '--current', 'current.json']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/2 warming up/);
    expect(r.err).toMatch(/note: left out .*broken-night\.json: an incomplete result set/);
    const strict = await hpcrun(['gate', '--baseline', 'history', '--current', 'current.json', '--min-history', '0']);
    expect(strict.code).toBe(1);
  });

  it('leaves the current run out of the baseline when the folder holds it', async () => {
    const h = writeHistory();
    writeCurrent(5.2, 1150, 'history/tonight.json');
    const r = await hpcrun(['gate', '--baseline', 'history', '--current', join(h, 'tonight.json')]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/left out .*tonight\.json from the baseline: it is the current run/);
  });

  const bad: { name: string; setup: () => string[]; code: number; error: RegExp }[] = [
    { name: 'no --current', setup: () => (writeHistory(), ['--baseline', 'history']), code: 64, error: /HPCRUN_GATE_NO_CURRENT/ },
    { name: 'no --baseline', setup: () => (writeCurrent(5, 1), ['--current', 'current.json']), code: 64, error: /HPCRUN_GATE_NO_BASELINE/ },
    { name: 'a baseline that does not exist', setup: () => (writeCurrent(5, 1), ['--baseline', 'nowhere', '--current', 'current.json']), code: 66, error: /HPCRUN_BASELINE_NOT_FOUND: baseline nowhere does not exist/ },
    { name: 'an empty baseline folder', setup: () => (mkdirSync(join(dir, 'empty')), writeCurrent(5, 1), ['--baseline', 'empty', '--current', 'current.json']), code: 66, error: /HPCRUN_BASELINE_EMPTY: baseline folder empty holds no \*\.json result sets/ },
    { name: 'a current file that does not exist', setup: () => (writeHistory(), ['--baseline', 'history', '--current', 'missing.json']), code: 66, error: /HPCRUN_RESULTS_NOT_FOUND/ },
    { name: 'a current file that is not a result set', setup: () => (writeHistory(), writeFileSync(join(dir, 'x.json'), '{"hello": 1}'), ['--baseline', 'history', '--current', 'x.json']), code: 65, error: /HPCRUN_RESULTS_VERSION|HPCRUN_RESULTS_INVALID/ },
    { name: 'a current file that is not JSON', setup: () => (writeHistory(), writeFileSync(join(dir, 'x.json'), 'osu_latency output'), ['--baseline', 'history', '--current', 'x.json']), code: 65, error: /HPCRUN_RESULTS_INVALID: .*not valid JSON/ },
    { name: 'a result set of another schemaVersion', setup: () => (writeHistory(), writeFileSync(join(dir, 'v9.json'), JSON.stringify({ ...fakeSet({ date: night(1), rows: [] }), schemaVersion: 9 })), ['--baseline', 'history', '--current', 'v9.json']), code: 65, error: /HPCRUN_RESULTS_VERSION: .*schemaVersion 9 found; this hpcrun reads schemaVersion 2/ },
    { name: 'a baseline file of another schemaVersion', setup: () => (writeHistory(), writeFileSync(join(dir, 'history', 'v9.json'), JSON.stringify({ ...fakeSet({ date: night(1), rows: [] }), schemaVersion: 9 })), writeCurrent(5, 1), ['--baseline', 'history', '--current', 'current.json']), code: 65, error: /HPCRUN_RESULTS_VERSION: .*v9\.json/ },
    { name: 'an unwritable --md', setup: () => (writeHistory(), writeCurrent(5, 1), ['--baseline', 'history', '--current', 'current.json', '--junit', 'ok.xml', '--md', 'no/such/dir/gate.md']), code: 73, error: /HPCRUN_OUTPUT_UNWRITABLE: --md no\/such\/dir\/gate\.md: its folder .* does not exist/ },
    { name: 'an unwritable --junit (a folder)', setup: () => (writeHistory(), writeCurrent(5, 1), mkdirSync(join(dir, 'adir')), ['--baseline', 'history', '--current', 'current.json', '--md', 'ok.md', '--junit', 'adir']), code: 73, error: /HPCRUN_OUTPUT_UNWRITABLE: --junit adir: is a folder/ },
    { name: 'a bad --tolerance', setup: () => (writeHistory(), writeCurrent(5, 1), ['--baseline', 'history', '--current', 'current.json', '--tolerance', 'ten']), code: 64, error: /HPCRUN_GATE_TOLERANCE/ },
    { name: 'a bad --min-history', setup: () => (writeHistory(), writeCurrent(5, 1), ['--baseline', 'history', '--current', 'current.json', '--min-history', '-1']), code: 64, error: /HPCRUN_GATE_COUNT/ },
  ];
  it.each(bad)('refuses $name with a clear message, its exit code, and writes nothing', async ({ setup, code, error }) => {
    const args = setup();
    const before = readdirSync(dir, { recursive: true }).map(String).sort();
    const summary = join(dir, '..', `${dir.split('/').pop()}-summary.md`);
    const r = await hpcrun(['gate', ...args], { GITHUB_STEP_SUMMARY: summary });
    expect(r.code).toBe(code);
    expect(r.err).toMatch(error);
    expect(r.err).toMatch(/\n  fix: \S/);
    expect(r.out).toBe('');
    expect(readdirSync(dir, { recursive: true }).map(String).sort()).toEqual(before);
    expect(existsSync(summary)).toBe(false);
  });
});

describe('gate rendering', () => {
  const history = [0, 1, 2, 3, 4, 5].map((i) => gateRunOf(`n${i}`, fakeSet({ date: night(i), rows: [{ kind: 'latency', bytes: 8, median: 5 + i * 0.01 }, { kind: 'bw', bytes: 1 << 20, median: 1000 }] })));
  const evil = 'a <b> & "c" \'d\' | e\u0001\nnext';
  const result = gate(history, gateRunOf('tonight', fakeSet({ date: night(9), rows: [{ kind: 'latency', bytes: 8, median: 9 }, { kind: 'bw', bytes: 1 << 20, median: null, failed: evil }] })));

  it('Markdown: one row per metric, pipes and newlines escaped, a link line', () => {
    const md = renderGateMarkdown(result, { link: '[HTML report](report.html)' });
    const rows = md.split('\n').filter((line) => /^\| (bw|latency)/.test(line));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length).toBe(12);
    expect(md).toContain('e\u0001 next');
    expect(md).toContain('| **FAILED** |');
    expect(md).toContain('| **REGRESSION** |');
    expect(md.trim().endsWith('[HTML report](report.html)')).toBe(true);
  });

  it('JUnit: well-formed XML, one test case per metric, failures for regression and failed rows, text escaped', () => {
    const xml = renderGateJUnit(result);
    expect(checkXml(xml)).toEqual([]);
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    expect(xml.match(/<failure /g)).toHaveLength(2);
    expect(xml).toContain('tests="2" failures="2"');
    const message = /<failure message="failed: ([^"]*)"/.exec(xml)?.[1] ?? '';
    expect(unescapeXml(message)).toBe(evil.replace('\u0001', '\uFFFD'));
  });

  it('xmlEscape leaves nothing XML would misread', () => {
    expect(xmlEscape('<&>"\'')).toBe('&lt;&amp;&gt;&quot;&apos;');
    expect(xmlEscape('\u0000\u0008\uD800x')).toBe('\uFFFD\uFFFD\uFFFDx');
    expect(xmlEscape('µs ↔ 😀')).toBe('µs ↔ 😀');
  });
});

function unescapeXml(text: string): string {
  return text.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n))).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/** A small well-formedness check: balanced tags, quoted attributes, no raw & or < in text, only XML 1.0 characters. */
function checkXml(xml: string): string[] {
  const problems: string[] = [];
  const body = xml.replace(/^<\?xml [^?]*\?>\n/, '');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(body)) problems.push('control character');
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos|#\d+);[^"<&]*)*")*)\s*(\/?)>|([^<]+)|(<)/g;
  for (const m of body.matchAll(token)) {
    if (m[6]) problems.push(`stray < at ${m.index}`);
    else if (m[5] !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(m[5])) problems.push(`raw & at ${m.index}`);
    } else if (m[1]) {
      if (stack.pop() !== m[2]) problems.push(`unbalanced </${m[2]}>`);
    } else if (!m[4]) stack.push(m[2] as string);
  }
  if (stack.length) problems.push(`unclosed ${stack.join(',')}`);
  return problems;
}
