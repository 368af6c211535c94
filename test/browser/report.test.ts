// The report in a real browser: Debian's headless Chromium opens report.html
// from disk (file://, no server) and the test reads the rendered DOM, as a
// user's browser would show it. The report is made by the built CLI from real
// result sets (test/fixtures/report/: hpcrun bench runs on the virtual
// cluster, one of them --pairs all over 4 nodes, and an OSU import).

import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, type Page } from './cdp.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'dist', 'bin.js');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'report');
const LABELS = ['on-prem testbed', 'capped 1 Gbit/s', 'cloud OSU import', 'all pairs, 4 nodes'];
/** Where the screenshot goes; kept after the test for a person to look at. */
const SCREENSHOT = process.env.HPCRUN_SCREENSHOT ?? join(tmpdir(), 'hpcrun-report-screenshot.png');

let dir: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hpcrun-browser-'));
  const files = ['onprem', 'capped', 'osu-import', 'allpairs'].map((f) => join(FIXTURES, `${f}.json`));
  const made = await execa(process.execPath, [BIN, 'report', ...files, ...LABELS.flatMap((l) => ['--label', l]), '--reference', join(ROOT, 'results/references/published-osu.json'), '--out', join(dir, 'report')], { reject: false });
  expect(made.exitCode, made.stderr).toBe(0);
  browser = Browser.launch();
  page = await browser.newPage();
  for (const domain of ['Page', 'Runtime', 'Log', 'Network']) await page.send(`${domain}.enable`);
  await page.goto(pathToFileURL(join(dir, 'report.html')).href);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Chart {
  title: string;
  aria: string[];
  xTicks: { text: string; x: number }[];
  legend: string[];
}

const charts = (): Promise<Chart[]> =>
  page.evaluate<Chart[]>(`[...document.querySelectorAll('figure > svg')].map((svg) => ({
    title: svg.querySelector('.role-title-text')?.textContent ?? '',
    aria: [...svg.querySelectorAll('[aria-label]')].map((e) => e.getAttribute('aria-label')),
    xTicks: [...svg.querySelectorAll('.role-axis')].filter((axis) => (axis.getAttribute('aria-label') ?? '').startsWith('X-axis'))
      .flatMap((axis) => {
        const ticks = [...axis.querySelectorAll('.role-axis-tick > *')].map((t) => t.getBoundingClientRect().left);
        return [...axis.querySelectorAll('.role-axis-label text')].map((t, i) => ({ text: t.textContent, x: ticks[i] }));
      }),
    legend: [...svg.querySelectorAll('.role-legend-label text')].map((t) => t.textContent),
  }))`);

describe('report.html in headless Chromium', () => {
  it('draws latency and bandwidth against size on logarithmic axes', async () => {
    const all = await charts();
    expect(all.length).toBeGreaterThanOrEqual(3); // latency, bandwidth, one heatmap
    const sized = all.filter((c) => /^(Latency|Bandwidth)/.test(c.title));
    expect(sized.map((c) => c.title.split(' ')[0])).toEqual(['Latency', 'Bandwidth']);
    for (const chart of sized) {
      // Vega describes each axis for screen readers: both are log scales.
      expect(chart.aria.some((a) => /^X-axis .* for a log scale/.test(a)), chart.aria.join('\n')).toBe(true);
      expect(chart.aria.some((a) => /^Y-axis .* for a log scale/.test(a)), chart.aria.join('\n')).toBe(true);
      // And the rendered ticks are log-spaced: equal pixels per doubling of the size.
      const units: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
      const ticks = chart.xTicks.map((t) => {
        const [value, unit] = t.text.split(' ');
        return { x: t.x, doublings: Math.log2(Number(value) * (units[unit as string] as number)) };
      });
      expect(ticks.length, JSON.stringify(chart.xTicks)).toBeGreaterThanOrEqual(3);
      const perDoubling = ticks.slice(1).map((t, i) => (t.x - (ticks[i] as { x: number }).x) / (t.doublings - (ticks[i] as { doublings: number }).doublings));
      for (const d of perDoubling) expect(d / (perDoubling[0] as number)).toBeCloseTo(1, 1);
    }
  });

  it('has a legend with every label on both charts', async () => {
    const sized = (await charts()).filter((c) => /^(Latency|Bandwidth)/.test(c.title));
    for (const chart of sized) for (const label of LABELS) expect(chart.legend).toContain(label);
  });

  it('marks the slow link of the all-pairs heatmap', async () => {
    const heatmap = (await charts()).find((c) => c.title.startsWith('all pairs, 4 nodes'));
    expect(heatmap).toBeDefined();
    const slow = await page.evaluate<string[]>(`[...document.querySelectorAll('figure > svg .role-mark text')].map((t) => t.textContent).filter((t) => t.endsWith('slow'))`);
    // Computed from the fixture: the pair medians and Tukey's fence over them.
    const set = JSON.parse(readFileSync(join(FIXTURES, 'allpairs.json'), 'utf8')) as { rows: { kind: string; bytes: number; median: number }[] };
    const medians = set.rows.filter((r) => r.kind === 'latency' && r.bytes === 8).map((r) => r.median).sort((a, b) => a - b);
    const q = (p: number): number => medians[Math.max(1, Math.ceil((p * medians.length) / 100)) - 1] as number;
    const fence = q(75) + 1.5 * (q(75) - q(25));
    const expected = medians.filter((m) => m > fence).length;
    expect(slow).toHaveLength(2 * expected); // both triangles of the matrix
  });

  it('loads nothing from the network and logs no error', async () => {
    const requests = page.events('Network.requestWillBeSent').map((e) => (e.params.request as { url: string }).url);
    expect(requests.every((url) => url.startsWith('file://'))).toBe(true);
    expect(requests).toHaveLength(1); // the page itself
    expect(page.events('Network.loadingFailed')).toEqual([]);
    expect(page.events('Runtime.exceptionThrown')).toEqual([]);
    expect(page.events('Runtime.consoleAPICalled').filter((e) => e.params.type === 'error')).toEqual([]);
    expect(page.events('Log.entryAdded').filter((e) => (e.params.entry as { level: string }).level === 'error')).toEqual([]);
  });

  it('shows the comparison table and each set\'s provenance', async () => {
    const text = await page.evaluate<string>('document.body.innerText');
    for (const label of LABELS) expect(text).toContain(label);
    expect(text).toContain('no samples: CI overlap not testable');
    expect(text).toMatch(/openmpi 4\.\d+\.\d+/);
    expect(text).toContain('Compute Engine c2d-standard-112');
  });

  it('takes a screenshot of the whole page', async () => {
    const png = await page.screenshot(1280);
    writeFileSync(SCREENSHOT, png);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(20_000);
  });
});
