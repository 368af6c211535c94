// The gate's verdicts as a GitHub-flavoured Markdown table (a CI step
// summary) and as JUnit XML (one test case per metric). Pure string builders.

import type { GateResult, MetricVerdict, Verdict } from '../analysis/gate.js';
import { count, grouped } from '../text.js';

const VERDICT_TEXT: Record<Verdict, string> = {
  pass: 'ok',
  improved: 'improved',
  regression: '**REGRESSION**',
  'warming-up': 'warming up',
  new: 'new',
  'environment-changed': 'environment changed',
  missing: '**MISSING**',
  failed: '**FAILED**',
};

/** Figures with 3 significant digits (5.21, 52.1, 9870). */
export function figure(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '–';
  const abs = Math.abs(x);
  if (abs >= 1000) return grouped(Math.round(x));
  if (abs >= 100) return x.toFixed(0);
  if (abs >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

const percent = (x: number | null): string => (x === null || !Number.isFinite(x) ? '–' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`);

/** Markdown cells must not break the table: pipes escaped, newlines flattened. */
export function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

export function headline(result: GateResult): string {
  const c = result.counts;
  const failing = c.regression + c.missing + c.failed;
  const parts = [
    c.regression ? count(c.regression, 'regression') : '',
    c.missing ? `${c.missing} missing` : '',
    c.failed ? `${c.failed} failed` : '',
    c.improved ? `${c.improved} improved` : '',
    c['warming-up'] ? `${c['warming-up']} warming up` : '',
    c['environment-changed'] ? `${c['environment-changed']} with a changed environment` : '',
    c.new ? `${c.new} new` : '',
  ].filter(Boolean);
  const verdict = failing > 0 ? '❌ FAIL' : '✅ PASS';
  return `${verdict}: ${count(result.verdicts.length, 'metric')} against ${count(result.historyRuns, 'baseline run')}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

const spreadText = (v: MetricVerdict): string =>
  v.spread === null || v.baselineMedian === null ? '–' : `±${(v.spread * 100).toFixed(1)}% [${figure(v.min)}–${figure(v.max)}]`;

export interface GateMarkdownOptions {
  title?: string;
  notes?: readonly string[];
  /** A line such as a link to the HTML report. */
  link?: string;
}

export function renderGateMarkdown(result: GateResult, options: GateMarkdownOptions = {}): string {
  const o = result.options;
  const lines = [
    `## ${options.title ?? 'hpcrun gate'}`,
    '',
    headline(result),
    '',
    `Rule: a regression is a change for the worse beyond ${(o.tolerance * 100).toFixed(0)}% **and** outside the history's spread: robust z > ${o.zThreshold} (z = |ln current − ln median| / (1.4826 × MAD of ln medians) over the last ≤ ${o.window} runs), or beyond the history's worst run by more than that spread. Fewer than ${o.minHistory} runs: warming up.`,
    '',
    '| metric | unit | runs | baseline median | spread (σ̂) [min–max] | current | change | z | verdict | why |',
    '|---|---|--:|--:|---|--:|--:|--:|---|---|',
    ...result.verdicts.map((v) =>
      `| ${mdCell(v.label)} | ${v.unit} | ${v.history} | ${figure(v.baselineMedian)} | ${spreadText(v)} | ${figure(v.current)} | ${percent(v.change)} | ${v.z === null ? '–' : Number.isFinite(v.z) ? v.z.toFixed(1) : '∞'} | ${VERDICT_TEXT[v.verdict]} | ${mdCell(v.reason)} |`,
    ),
  ];
  if (options.notes && options.notes.length > 0) lines.push('', ...options.notes.map((n) => `- ${mdCell(n)}`));
  if (options.link) lines.push('', options.link);
  return `${lines.join('\n')}\n`;
}

/** Characters XML 1.0 cannot hold at all (most C0 controls, lone surrogates, U+FFFE/F) are replaced by U+FFFD. */
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for XML content and attribute values. */
export function xmlEscape(text: string): string {
  return text
    .replace(XML_INVALID, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

function testcase(v: MetricVerdict): string {
  const attrs = `classname="hpcrun.gate.${xmlEscape(v.kind)}" name="${xmlEscape(v.label)}" time="0"`;
  const details = `baseline median ${figure(v.baselineMedian)} ${v.unit} over ${v.history} runs, spread ${spreadText(v)}, current ${figure(v.current)} ${v.unit}, change ${percent(v.change)}`;
  const out = `      <system-out>${xmlEscape(`${details}\n${v.reason}`)}</system-out>\n`;
  if (v.failing) {
    const type = v.verdict;
    return `    <testcase ${attrs}>\n      <failure message="${xmlEscape(`${type}: ${v.reason}`)}" type="${type}">${xmlEscape(details)}</failure>\n${out}    </testcase>`;
  }
  if (v.verdict === 'warming-up' || v.verdict === 'new' || v.verdict === 'environment-changed') {
    return `    <testcase ${attrs}>\n      <skipped message="${xmlEscape(`${v.verdict}: ${v.reason}`)}"/>\n${out}    </testcase>`;
  }
  return `    <testcase ${attrs}>\n${out}    </testcase>`;
}

export function renderGateJUnit(result: GateResult, suiteName = 'hpcrun gate'): string {
  const failures = result.verdicts.filter((v) => v.failing).length;
  const skipped = result.verdicts.filter((v) => v.verdict === 'warming-up' || v.verdict === 'new' || v.verdict === 'environment-changed').length;
  const n = result.verdicts.length;
  const suite = `tests="${n}" failures="${failures}" errors="0" skipped="${skipped}" time="0"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(suiteName)}" ${suite}>`,
    `  <testsuite name="${xmlEscape(suiteName)}" ${suite}>`,
    ...result.verdicts.map(testcase),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
