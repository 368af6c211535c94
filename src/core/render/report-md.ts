// The comparison as GitHub-flavoured Markdown: short enough for a CI step
// summary ($GITHUB_STEP_SUMMARY), with a link line to the HTML report. Pure.

import type { Comparison, ComparisonCell, ComparisonRow } from '../analysis/index.js';
import { figureText, metricName, pairClassText, testText, TEST_RULE, verdictText } from './report-table.js';

export interface ReportMarkdownInput {
  title: string;
  comparison: Comparison;
  /** Relative link to the HTML report, e.g. "report.html". */
  htmlLink: string;
  /** Rows shown; the rest are counted and left to the HTML (default 40). */
  maxRows?: number;
}

/** Markdown table cells: pipes escaped, newlines flattened. */
export function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

/** Shorter test wording for table cells: "p < 0.001, δ = -0.88". */
function shortTest(cell: ComparisonCell): string {
  const test = cell.test;
  if (!test) return '';
  if (test.method === 'mann-whitney') return `${test.p < 0.001 ? 'p < 0.001' : `p = ${test.p.toFixed(3)}`}, δ = ${test.cliffsDelta.toFixed(2)}`;
  return testText(test);
}

function rowCells(row: ComparisonRow): string[] {
  const cells = row.cells.map((cell, i) => {
    const figure = figureText(cell);
    if (i === 0 || cell.median === null) return figure;
    return `${figure} **${verdictText(cell)}** (${shortTest(cell)})`;
  });
  return [metricName(row), pairClassText(row), ...cells];
}

export function renderReportMarkdown(input: ReportMarkdownInput): string {
  const { comparison } = input;
  const max = input.maxRows ?? 40;
  const lines = [`## ${mdCell(input.title)}`, ''];
  if (comparison.rows.length === 0) {
    lines.push('The result sets have no metric in common.', '');
  } else {
    const header = ['metric', 'pairs', ...comparison.labels.map((label, i) => (i === 0 ? `${label} (baseline)` : label))];
    lines.push(`| ${header.map(mdCell).join(' | ')} |`, `|${header.map((_, i) => (i >= 2 ? '---:' : '---')).join('|')}|`);
    for (const row of comparison.rows.slice(0, max)) lines.push(`| ${rowCells(row).map(mdCell).join(' | ')} |`);
    if (comparison.rows.length > max) lines.push('', `${comparison.rows.length - max} more rows in the HTML report.`);
    lines.push('', `Medians with their 95% CI [low, high]; ×ratio to the baseline. ${TEST_RULE}`);
  }
  lines.push('', `Full report (charts, all-pairs heatmaps, provenance): [${mdCell(input.htmlLink)}](${encodeURI(input.htmlLink)})`, '');
  return lines.join('\n');
}
