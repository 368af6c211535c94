// `hpcrun gate --baseline DIR|FILE... --current FILE`: judges a result set
// against the history of earlier ones (src/core/analysis/gate.ts holds the
// rule) and writes the verdicts as Markdown, JUnit XML or JSON. Returns the
// gate's status (0 pass, 1 regression) as the command's exit status: a
// regression is a verdict, not an error.

import { isAbsolute, resolve } from 'node:path';
import type { Deps } from '../deps.js';
import { usageError } from '../errors.js';
import { gateOptionsOf, type GateFlags } from '../core/analysis/gate-options.js';
import { gate, gateRunOf, type GateResult } from '../core/analysis/gate.js';
import { renderGateJUnit, renderGateMarkdown } from '../core/render/gate.js';
import { writeFileAtomic } from '../io/atomic.js';
import { checkWritable } from '../io/writable.js';
import { readHistory } from '../results/history.js';
import { readResultSet, resultPaths } from '../results/index.js';
import { appendStepSummary } from '../io/step-summary.js';

export interface GateCommandOptions extends GateFlags {
  baseline?: string[];
  current?: string;
  md?: string;
  junit?: string;
  json?: boolean;
}

export interface GateOutcome {
  result: GateResult;
  markdown: string;
  notes: string[];
}

export async function run(options: GateCommandOptions, deps: Deps): Promise<number> {
  const gateOptions = gateOptionsOf(options);
  if (!options.baseline || options.baseline.length === 0) {
    throw usageError('HPCRUN_GATE_NO_BASELINE', 'gate needs --baseline DIR|FILE (the history of earlier result sets)', 'for example --baseline results/history/ --current results/tonight.json');
  }
  if (options.current === undefined) {
    throw usageError('HPCRUN_GATE_NO_CURRENT', 'gate needs --current FILE (the result set to judge)', 'for example --baseline results/history/ --current results/tonight.json');
  }
  // Everything is read and every output path checked before anything is written.
  const current = await readResultSet(options.current, deps.cwd);
  const currentPath = resultPaths(options.current, deps.cwd).json;
  const history = await readHistory(options.baseline, deps.cwd);
  const md = options.md === undefined ? undefined : await checkWritable(options.md, deps.cwd, '--md');
  const junit = options.junit === undefined ? undefined : await checkWritable(options.junit, deps.cwd, '--junit');
  const notes = [...history.notes];
  const runs = history.runs.filter((entry) => {
    const same = resolve(entry.path) === (isAbsolute(currentPath) ? currentPath : resolve(deps.cwd, currentPath));
    if (same) notes.push(`left out ${entry.path} from the baseline: it is the current run`);
    return !same;
  });
  if (!current.metadata.complete) notes.push(`the current run is incomplete${current.metadata.incompleteReason ? ` (${current.metadata.incompleteReason})` : ''}: what it lacks is reported missing`);
  const result = gate(runs.map((entry) => gateRunOf(entry.path, entry.set)), gateRunOf(currentPath, current), gateOptions);
  const markdown = renderGateMarkdown(result, { notes });
  if (md) await writeFileAtomic(md, markdown);
  if (junit) await writeFileAtomic(junit, renderGateJUnit(result));
  await appendStepSummary(markdown, deps);
  for (const note of notes) deps.stderr.write(`hpcrun: note: ${note}\n`);
  if (options.json) {
    deps.stdout.write(`${JSON.stringify({ status: result.status, counts: result.counts, options: result.options, historyRuns: result.historyRuns, verdicts: result.verdicts, notes }, null, 2)}\n`);
  } else {
    deps.stdout.write(markdown);
  }
  return result.status;
}
