// The nightly report's data: each gated metric's median over the recent
// nights plus tonight, and the page around the charts. Pure.

import type { GateResult, GateRun } from '../analysis/gate.js';
import { figure } from './gate.js';

export interface TrendSeriesPoint {
  metric: string;
  unit: string;
  date: string;
  run: string;
  median: number;
  current: boolean;
}

/** Every gated metric's median in the baseline window and tonight, oldest first. */
export function trendPoints(history: readonly GateRun[], current: GateRun, result: GateResult): TrendSeriesPoint[] {
  const window = history.slice(-result.options.window);
  const points: TrendSeriesPoint[] = [];
  for (const v of result.verdicts) {
    for (const run of [...window, current]) {
      const m = run.metrics.find((x) => x.id === v.id);
      if (m?.median == null) continue;
      points.push({ metric: v.label, unit: v.unit, date: run.date, run: run.name, median: m.median, current: run === current });
    }
  }
  return points;
}

export interface NightlyPage {
  title: string;
  /** Tonight's set: name, date, hosts, MPI, ... */
  provenance: readonly [string, string][];
  result: GateResult;
  /** Rendered SVG charts (one per metric), or none. */
  charts: readonly { title: string; svg: string }[];
  notes: readonly string[];
}

export function escapeHtmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const VERDICT_CLASS: Record<string, string> = { regression: 'bad', missing: 'bad', failed: 'bad', improved: 'good', pass: 'ok' };

/** A self-contained page: inline style, inline SVG, no script, no external resource. */
export function renderNightlyPage(page: NightlyPage): string {
  const e = escapeHtmlText;
  const rows = page.result.verdicts
    .map((v) => `<tr class="${VERDICT_CLASS[v.verdict] ?? 'info'}"><td>${e(v.label)}</td><td>${e(v.unit)}</td><td class="n">${v.history}</td><td class="n">${figure(v.baselineMedian)}</td><td class="n">${v.spread === null ? '–' : `±${(v.spread * 100).toFixed(1)}%`}</td><td class="n">${figure(v.current)}</td><td class="n">${v.change === null ? '–' : `${v.change >= 0 ? '+' : ''}${(v.change * 100).toFixed(1)}%`}</td><td>${e(v.verdict)}</td><td>${e(v.reason)}</td></tr>`)
    .join('\n');
  const failing = page.result.status === 1;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${e(page.title)}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; margin: 2em; color: #222; max-width: 1200px; }
table { border-collapse: collapse; margin: 1em 0; font-size: 14px; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.bad td { background: #fde8e8; } tr.good td { background: #e8f6e8; } tr.info td { background: #f4f4f4; }
.status { font-size: 1.2em; font-weight: bold; color: ${failing ? '#b00020' : '#1b5e20'}; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5em; }
figure { margin: 0; } figcaption { font-size: 13px; color: #555; }
</style>
</head>
<body>
<h1>${e(page.title)}</h1>
<p class="status">${failing ? 'FAIL: at least one regression, missing or failed metric' : 'PASS: no regression'}</p>
<h2>Gate</h2>
<table>
<thead><tr><th>metric</th><th>unit</th><th>runs</th><th>baseline median</th><th>spread</th><th>tonight</th><th>change</th><th>verdict</th><th>why</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<h2>Trends</h2>
<div class="charts">
${page.charts.map((c) => `<figure>${c.svg}<figcaption>${e(c.title)}</figcaption></figure>`).join('\n')}
</div>
<h2>Tonight's run</h2>
<table>
${page.provenance.map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`).join('\n')}
</table>
${page.notes.length ? `<h2>Notes</h2>\n<ul>\n${page.notes.map((n) => `<li>${e(n)}</li>`).join('\n')}\n</ul>` : ''}
</body>
</html>
`;
}
