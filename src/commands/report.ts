// `hpcrun report FILE.json... [--label NAME]... --out PATH [--reference FILE]`:
// compares result sets (an on-prem bench run against an imported cloud OSU
// run, say) and writes PATH.html (charts, comparison, provenance; one
// self-contained file) and PATH.md (the comparison for a CI step summary).
// Reads and checks every input first, renders, then writes both files at
// once: bad input writes nothing.

import { mkdir, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Deps } from '../deps.js';
import { HpcrunError, inputError, usageError } from '../errors.js';
import { readInput } from '../io/read-input.js';
import { writeFilesAtomic } from '../io/atomic.js';
import { compareSets, uniqueLabels, type Comparison, type LabelledSet } from '../core/analysis/index.js';
import { renderReportHtml, renderReportMarkdown, reportCharts } from '../core/render/report.js';
import { parseResultSet, readResultSet, type ResultSet } from '../results/index.js';
import { checkReferenceFile, joinErrors, type ReferenceFigure } from '../schemas/index.js';
import { VERSION } from '../version.js';
import { renderSvg } from '../report/svg.js';

export interface ReportOptions {
  files: string[];
  label?: string[];
  out?: string;
  reference?: string;
  json?: boolean;
}

export interface ReportOutcome {
  html: string;
  md: string;
  labels: string[];
  comparison: Comparison;
}

/** --out PATH names PATH.html and PATH.md; a PATH given with either extension loses it. */
export function reportPaths(out: string, cwd: string): { html: string; md: string } {
  const base = resolve(cwd, out).replace(/\.(html|md)$/i, '');
  return { html: `${base}.html`, md: `${base}.md` };
}

async function readReferences(file: string, cwd: string): Promise<ReferenceFigure[]> {
  const text = await readInput(resolve(cwd, file), `reference file ${file}`, 'HPCRUN_REFERENCE_NOT_FOUND', 'pass a file such as results/references/published-osu.json');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw inputError('HPCRUN_REFERENCE_INVALID', `${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const checked = checkReferenceFile(value);
  if (!checked.ok) throw inputError('HPCRUN_REFERENCE_INVALID', `${file}: ${joinErrors(checked.errors)}`, 'see results/references/references.schema.json');
  return checked.value.figures;
}

/** A file named as given when it exists (any extension), else bench's PATH -> PATH.json. */
async function readSet(file: string, cwd: string): Promise<ResultSet> {
  const path = resolve(cwd, file);
  if (!(await stat(path).catch(() => undefined))?.isFile()) return readResultSet(file, cwd);
  return parseResultSet(await readInput(path, `result set ${file}`, 'HPCRUN_RESULTS_NOT_FOUND', 'pass the PATH given to --out, or its .json file'), file);
}

function outputError(message: string, cause: unknown): HpcrunError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return new HpcrunError('output', 'HPCRUN_OUTPUT_UNWRITABLE', `${message}${code ? ` (${code})` : ''}`, { cause, hint: 'choose another --out PATH in a directory you can write' });
}

export async function run(options: ReportOptions, deps: Deps): Promise<ReportOutcome> {
  const labelsGiven = options.label ?? [];
  if (options.out === undefined) throw usageError('HPCRUN_REPORT_NO_OUT', 'report needs --out PATH (it writes PATH.html and PATH.md)', 'add --out PATH, for example --out results/report');
  if (options.files.length < 2) {
    throw usageError('HPCRUN_REPORT_ONE_SET', `report compares result sets and needs at least two; ${options.files.length} given`, 'pass two or more result sets, e.g. `hpcrun report results/onprem.json results/cloud.json --out report`');
  }
  if (labelsGiven.length > 0 && labelsGiven.length !== options.files.length) {
    throw usageError('HPCRUN_REPORT_LABELS', `${labelsGiven.length} --label for ${options.files.length} result sets`, 'give one --label per FILE, in the same order, or none (each set is then named by its metadata.name)');
  }
  const read = [];
  for (const file of options.files) read.push(await readSet(file, deps.cwd));
  const references = options.reference ? await readReferences(options.reference, deps.cwd) : [];
  const labels = uniqueLabels(read, labelsGiven);
  const sets: LabelledSet[] = read.map((set, i) => ({ label: labels[i] as string, set }));
  const comparison = compareSets(sets);
  if (comparison.rows.length === 0) {
    throw inputError(
      'HPCRUN_REPORT_NOTHING_IN_COMMON',
      `the result sets have no metric in common (the same kind, message size and unit in at least two sets): ${options.files.join(', ')}`,
      'compare sets that measured the same kinds and sizes, e.g. bench --kind latency,bw --sizes 8,1MiB against an osu_latency/osu_bw import',
    );
  }

  const out = options.out;
  const paths = reportPaths(out, deps.cwd);
  const dir = dirname(paths.html);
  for (const target of [paths.html, paths.md]) {
    if ((await stat(target).catch(() => undefined))?.isDirectory()) throw outputError(`--out ${out}: ${target} is a directory`, undefined);
  }

  const charts = reportCharts(sets, references);
  const svg = {
    latency: await renderSvg(charts.latency),
    bandwidth: await renderSvg(charts.bandwidth),
    heatmaps: await Promise.all(charts.heatmaps.map(async (h) => ({ label: h.label, svg: await renderSvg(h.spec) }))),
  };
  const title = `hpcrun report: ${labels.join(' vs ')}`;
  const html = renderReportHtml({
    title,
    generated: deps.now().toISOString(),
    version: VERSION,
    charts: [{ svg: svg.latency }, { svg: svg.bandwidth }],
    pairCharts: svg.heatmaps.map((h) => ({ svg: h.svg, caption: `${h.label}: red outline and "slow": a link above Tukey's upper fence of the pair medians (bench's rule)` })),
    comparison,
    sets: sets.map((s, i) => ({ label: s.label, file: options.files[i] as string, metadata: s.set.metadata })),
    references,
  });
  const md = renderReportMarkdown({ title, comparison, htmlLink: basename(paths.html) });

  try {
    await mkdir(dir, { recursive: true });
    await writeFilesAtomic([
      { path: paths.html, contents: html },
      { path: paths.md, contents: md },
    ]);
  } catch (error) {
    throw outputError(`cannot write the report to ${paths.html} and ${paths.md}`, error);
  }
  return { html: paths.html, md: paths.md, labels, comparison };
}
