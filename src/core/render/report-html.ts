// The report as one self-contained HTML file: inline SVG charts and inline
// CSS, no scripts, fonts, images or links to fetch, so it opens from disk
// with no server, and a Content-Security-Policy that forbids every request
// besides. Pure: charts arrive as SVG text (src/report/svg.ts renders them).
//
// Extra sections (the nightly command's trend charts) go in `sections`:
//   renderReportHtml({ ...input, sections: [{ title: 'Trends', figures: [{ svg }] }] })
// A section's `text` is escaped; its `html` is inserted as given (trusted).

import type { Comparison, ComparisonRow } from '../analysis/index.js';
import type { ReferenceFigure, ResultMetadata } from '../../schemas/index.js';
import { formatBytes } from '../units.js';
import { figureText, formatFigure, metricName, pairClassText, testText, TEST_RULE, unitText, verdictText } from './report-table.js';

export interface ReportFigure {
  svg: string;
  caption?: string;
}

export interface ReportSection {
  title: string;
  text?: string;
  figures?: readonly ReportFigure[];
  html?: string;
}

export interface ReportSet {
  label: string;
  /** The file it was read from, as given. */
  file: string;
  metadata: ResultMetadata;
}

export interface ReportHtmlInput {
  title: string;
  /** ISO time the report was made. */
  generated: string;
  version: string;
  /** Latency and bandwidth against size. */
  charts: readonly ReportFigure[];
  /** All-pairs heatmaps. */
  pairCharts?: readonly ReportFigure[];
  comparison?: Comparison;
  sets: readonly ReportSet[];
  references?: readonly ReferenceFigure[];
  sections?: readonly ReportSection[];
  notes?: readonly string[];
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1b1b1b; margin: 24px auto; max-width: 1240px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.meta, .note, figcaption { color: #555; font-size: 13px; }
.figures { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
figure { margin: 0; max-width: 100%; overflow-x: auto; }
figure svg { display: block; max-width: none; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; overflow-wrap: break-word; }
table.provenance { width: 100%; table-layout: fixed; }
table.provenance td { overflow-wrap: anywhere; }
table.provenance th:first-child { width: 120px; }
.test { color: #555; font-size: 12px; white-space: normal; }
th { background: #f5f5f5; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.worse { color: #b00020; font-weight: 600; }
.better { color: #1b7a1b; font-weight: 600; }
.wrap { overflow-x: auto; }
code { font-size: 12px; }
`;

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

function figures(list: readonly ReportFigure[]): string {
  const items = list.map((f) => `<figure>${f.svg}${f.caption ? `<figcaption>${escapeHtml(f.caption)}</figcaption>` : ''}</figure>`);
  return `<div class="figures">${items.join('\n')}</div>`;
}

function comparisonRow(row: ComparisonRow): string {
  const cells = row.cells.map((cell, i) => {
    if (i === 0 || cell.median === null) return `<td class="num">${escapeHtml(figureText(cell))}</td>`;
    const verdict = `<br><span class="${cell.verdict ?? ''}">${escapeHtml(verdictText(cell))}</span>`;
    const test = cell.test ? `<br><span class="test">${escapeHtml(testText(cell.test))}</span>` : '';
    return `<td class="num">${escapeHtml(figureText(cell))}${verdict}${test}</td>`;
  });
  return `<tr><td>${escapeHtml(metricName(row))}</td><td>${pairClassText(row)}</td>${cells.join('')}</tr>`;
}

function comparisonTable(comparison: Comparison): string {
  if (comparison.rows.length === 0) return '<p>The result sets have no metric in common.</p>';
  const head = comparison.labels.map((label, i) => `<th>${escapeHtml(label)}${i === 0 ? ' (baseline)' : ''}</th>`).join('');
  return `<div class="wrap"><table><thead><tr><th>metric</th><th>pairs</th>${head}</tr></thead>
<tbody>
${comparison.rows.map(comparisonRow).join('\n')}
</tbody></table></div>
<p class="note">Medians with their 95% CI [low, high]; ×ratio to the baseline (the first set). ${escapeHtml(TEST_RULE)} Pairs: "first pair" is each set's first host pair (bench's default, an import's one pair); "all pairs" pools every pair of a <code>--pairs all</code> set.</p>`;
}

function transportText(transport: Record<string, string>): string {
  const entries = Object.entries(transport);
  return entries.length === 0 ? '—' : entries.map(([k, v]) => `${k}=${v}`).join('\n');
}

function provenanceTable(sets: readonly ReportSet[]): string {
  const fields: [string, (m: ResultMetadata, s: ReportSet) => string][] = [
    ['file', (_m, s) => s.file],
    ['name', (m) => m.name],
    ['command', (m) => `${m.command}${m.complete ? '' : ` (incomplete${m.incompleteReason ? `: ${m.incompleteReason}` : ''})`}`],
    ['date', (m) => m.date],
    ['hosts', (m) => (m.hosts.length > 0 ? m.hosts.join(', ') : '—')],
    ['node shape', (m) => m.nodeShape?.split('; ').join('\n') ?? '—'],
    ['ranks per node', (m) => (m.ranksPerNode === null ? '—' : String(m.ranksPerNode))],
    ['placement', (m) => m.placement ?? '—'],
    ['MPI', (m) => [m.mpi.flavour, m.mpi.version].filter(Boolean).join(' ') || '—'],
    ['transport', (m) => transportText(m.transport)],
    ['sizes', (m) => (m.sizes.length > 0 ? m.sizes.map(formatBytes).join(', ') : '—')],
    ['imported from', (m) => (m.sources && m.sources.length > 0 ? m.sources.map((s) => `${s.benchmark}${s.version ? ` ${s.version}` : ''} (${s.file})`).join('; ') : '—')],
    ['hpcrun', (m) => `${m.hpcrun.version}${m.hpcrun.gitRevision ? ` (${m.hpcrun.gitRevision.slice(0, 12)})` : ''}`],
    ['notes', (m) => (m.notes && m.notes.length > 0 ? m.notes.join(' · ') : '—')],
  ];
  const head = sets.map((s) => `<th>${escapeHtml(s.label)}</th>`).join('');
  const body = fields.map(([name, get]) => `<tr><th>${name}</th>${sets.map((s) => `<td>${escapeHtml(get(s.metadata, s)).replace(/\n/g, '<br>')}</td>`).join('')}</tr>`);
  return `<div class="wrap"><table class="provenance"><thead><tr><th></th>${head}</tr></thead><tbody>\n${body.join('\n')}\n</tbody></table></div>`;
}

function referenceTable(refs: readonly ReferenceFigure[]): string {
  const rows = refs.map(
    (r) =>
      `<tr><td>${escapeHtml(r.system)}</td><td>${escapeHtml(`${r.kind} ${formatBytes(r.bytes)}`)}</td><td class="num">${escapeHtml(`${formatFigure(r.value)} ${unitText(r.unit)}`)}</td><td>${escapeHtml(r.statistic)}</td><td>${escapeHtml(r.source).replace(/\//g, '/<wbr>')}</td><td>${escapeHtml(r.date)}</td></tr>`,
  );
  return `<div class="wrap"><table><thead><tr><th>system</th><th>metric</th><th>value</th><th>statistic</th><th>source</th><th>date</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`;
}

function section(s: ReportSection): string {
  return [`<section><h2>${escapeHtml(s.title)}</h2>`, s.text ? `<p>${escapeHtml(s.text)}</p>` : '', s.figures && s.figures.length > 0 ? figures(s.figures) : '', s.html ?? '', '</section>'].filter(Boolean).join('\n');
}

export function renderReportHtml(input: ReportHtmlInput): string {
  const parts = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(input.title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<header><h1>${escapeHtml(input.title)}</h1><p class="meta">${escapeHtml(`${input.sets.length} result sets: ${input.sets.map((s) => s.label).join(', ')} · made ${input.generated} by hpcrun ${input.version}`)}</p></header>`,
  ];
  if (input.charts.length > 0) {
    parts.push('<section id="charts"><h2>Latency and bandwidth against message size</h2>', figures(input.charts));
    parts.push('<p class="note">Both axes are logarithmic. Lines join each set\'s first-pair medians (an import\'s average where the tool printed no median); vertical whiskers are 95% CIs of the median where the set has them (imported OSU/IMB output has none); dashed grey levels are published figures (marker at their message size).</p></section>');
  }
  if (input.pairCharts && input.pairCharts.length > 0) parts.push('<section id="pairs"><h2>All-pairs latency</h2>', figures(input.pairCharts), '</section>');
  if (input.comparison) parts.push('<section id="comparison"><h2>Comparison</h2>', comparisonTable(input.comparison), '</section>');
  for (const s of input.sections ?? []) parts.push(section(s));
  parts.push('<section id="provenance"><h2>Provenance</h2>', provenanceTable(input.sets), '</section>');
  if (input.references && input.references.length > 0) parts.push('<section id="references"><h2>Published reference figures</h2>', referenceTable(input.references), '</section>');
  if (input.notes && input.notes.length > 0) parts.push(`<section id="notes"><h2>Notes</h2><ul>${input.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul></section>`);
  parts.push('</body>', '</html>', '');
  return parts.join('\n');
}
