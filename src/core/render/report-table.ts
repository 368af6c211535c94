// Words and figures for the comparison table, shared by the HTML and
// Markdown reports. Pure.

import type { ComparisonCell, ComparisonRow, MetricKey, SignificanceTest } from '../analysis/index.js';
import { formatBytes } from '../units.js';
import { grouped } from '../text.js';

const UNIT_TEXT: Readonly<Record<string, string>> = { us: 'µs', 'MB/s': 'MB/s', 'msg/s': 'msg/s' };

/** Three significant figures, whole numbers from 1000 up (with thousands separators). */
export function formatFigure(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return grouped(Math.round(value));
  return String(Number(value.toPrecision(3)));
}

export function unitText(unit: string): string {
  return UNIT_TEXT[unit] ?? unit;
}

/** "latency 8 B (µs)". */
export function metricName(key: Pick<MetricKey, 'kind' | 'bytes' | 'unit'>): string {
  return `${key.kind} ${formatBytes(key.bytes)} (${unitText(key.unit)})`;
}

export function pairClassText(row: Pick<ComparisonRow, 'pairClass'>): string {
  return row.pairClass === 'first-pair' ? 'first pair' : 'all pairs';
}

/** "5.93 [5.80, 6.01]", "31.7" (no CI), "4.9 (mean)" (an import's average), or "—" when the set lacks the metric. */
export function figureText(cell: ComparisonCell): string {
  if (cell.median === null) return '—';
  const ci = cell.ciLow !== null && cell.ciHigh !== null ? ` [${formatFigure(cell.ciLow)}, ${formatFigure(cell.ciHigh)}]` : '';
  return `${formatFigure(cell.median)}${ci}${cell.statistic === 'mean' ? ' (mean)' : ''}`;
}

export function ratioText(cell: ComparisonCell): string {
  return cell.ratio === null ? '' : `×${cell.ratio >= 10 ? cell.ratio.toFixed(1) : cell.ratio.toFixed(2)}`;
}

function pText(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

/** How the difference was judged: "p < 0.001, δ = 0.98 (large)", "CIs overlap", or the reason it was not tested. */
export function testText(test: SignificanceTest): string {
  switch (test.method) {
    case 'mann-whitney':
      return `Mann–Whitney ${pText(test.p)}, Cliff's δ = ${test.cliffsDelta.toFixed(2)} (${test.magnitude})`;
    case 'ci-overlap':
      return test.overlap ? '95% CIs overlap' : '95% CIs do not overlap';
    case 'none':
      return test.reason;
  }
}

/** "worse ×1.52" style verdict for a set after the first. */
export function verdictText(cell: ComparisonCell): string {
  if (cell.median === null) return 'not measured';
  if (cell.verdict === null) return '';
  const ratio = ratioText(cell);
  const word = { better: 'better', worse: 'worse', same: 'no significant difference', untested: 'not tested' }[cell.verdict];
  return ratio ? `${word}, ${ratio}` : word;
}

export const TEST_RULE =
  "Each set is compared with the first. With raw samples on both sides: Mann–Whitney U (two-sided) and Cliff's δ; significant when p < 0.05 and |δ| ≥ 0.147 (not negligible). Without samples but with 95% CIs on both sides: significant when the CIs do not overlap. Otherwise (imported OSU/IMB output): not tested. Figures are medians; “(mean)” marks an imported figure that is the tool's average, the only figure it printed. Latency is better lower, bandwidth and message rate higher.";
