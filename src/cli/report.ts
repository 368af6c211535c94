// `hpcrun report`'s flags, help and examples. The command's module (and vega,
// which it loads to draw the charts) loads only when it runs.

import type { Command } from 'commander';
import type { ExitStatus } from '../cli.js';
import type { Deps } from '../deps.js';
import type { ReportOptions } from '../commands/report.js';
import { count } from '../core/text.js';

const load = () => import('../commands/report.js');

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function register(program: Command, deps: Deps, status: ExitStatus): void {
  void status;
  program
    .command('report')
    .description('compare result sets (on-prem against cloud, tonight against last week): HTML with charts, and Markdown')
    .argument('<FILE...>', 'two or more result sets (PATH.json written by bench or import)')
    .option('--out <PATH>', 'write PATH.html (self-contained: charts, comparison, provenance) and PATH.md (the comparison table)')
    .option('--label <NAME>', 'name of the next FILE in charts and tables, once per FILE in order (default: its metadata.name)', collect, [])
    .option('--reference <FILE>', 'published figures drawn as dashed levels, e.g. results/references/published-osu.json')
    .option('--json', 'print the comparison rows as JSON on stdout')
    .addHelpText(
      'after',
      `
Rows: every kind, message size and host-pair class present in at least two
sets ("first pair": each set's first host pair; "all pairs": every pair of a
--pairs all set, pooled), with each set's median and 95% CI, its ratio to the
first set, and a test against the first set: Mann–Whitney U and Cliff's delta
when both have raw samples, CI overlap when both have CIs, otherwise "no
samples: CI overlap not testable" (imported OSU/IMB output).

PATH.html and PATH.md are replaced if they exist (a report is derived data).

Examples:
  $ hpcrun report results/onprem.json results/gce.json --label on-prem --label gce --out report
  $ hpcrun report results/onprem.json results/osu-hpc6a.json --reference results/references/published-osu.json --out report
  $ hpcrun report last-week.json tonight.json --out summary --json > rows.json`,
    )
    .action(async (files: string[], opts: Omit<ReportOptions, 'files'>) => {
      const outcome = await (await load()).run({ ...opts, files }, deps);
      if (opts.json) {
        deps.stdout.write(`${JSON.stringify({ html: outcome.html, md: outcome.md, labels: outcome.labels, rows: outcome.comparison.rows }, null, 2)}\n`);
      } else {
        deps.stdout.write(`report of ${count(outcome.labels.length, 'result set')}, ${count(outcome.comparison.rows.length, 'metric')} in common\n  ${outcome.html}\n  ${outcome.md}\n`);
      }
    });
}
