// `hpcrun gate`'s flags, help and examples. The command's module loads only
// when it runs.

import type { Command } from 'commander';
import type { ExitStatus } from '../cli.js';
import type { Deps } from '../deps.js';
import type { GateCommandOptions } from '../commands/gate.js';

const load = () => import('../commands/gate.js');

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function register(program: Command, deps: Deps, status: ExitStatus): void {
  program
    .command('gate')
    .description('judge a result set against the history of earlier ones: exit 1 on a regression')
    .option('--baseline <DIR|FILE...>', 'earlier result sets: a folder (every *.json in it) or files; repeatable', collect)
    .option('--current <FILE>', 'the result set to judge (required)')
    .option('--tolerance <fraction>', 'changes within this are never flagged (10% or 0.1)', '10%')
    .option('--min-history <n>', 'baseline runs a metric needs before it can fail; fewer is "warming up" (0: judge from the first)', '5')
    .option('--window <n>', 'the most recent baseline runs used', '30')
    .option('--strict-env', 'judge metrics whose environment (MPI, transport, node shape, hosts) changed instead of reporting "environment changed"')
    .option('--md <PATH>', 'write the Markdown table here (also appended to $GITHUB_STEP_SUMMARY when that is set)')
    .option('--junit <PATH>', 'write JUnit XML here: one test case per metric')
    .option('--json', 'print the verdicts as JSON instead of the Markdown table')
    .addHelpText(
      'after',
      `
Per metric (kind, size, unit, host pair) the current median is compared with
the MEDIANS of the baseline runs (the last --window of them), never with
pooled samples. A regression is a change in the bad direction (latency up,
bandwidth or message rate down) that is both beyond --tolerance and outside
the history's spread, on log medians: robust z = |current - median| /
spread > 4, or beyond the worst baseline run by more than the spread
(spread = 1.4826 x MAD, and at least range/d2(n) below 10 runs; README).
Improvements are reported and never fail. A metric the latest baseline run
has but the current run lacks, or a failed row, fails. Incomplete baseline
sets are left out with a note.

Exit status: 0 no regression, 1 at least one regression, missing or failed
metric; 64 bad flags, 65 a file that is not a result set (or of another
schemaVersion), 66 a baseline or current file that does not exist or an
empty baseline folder, 73 an unwritable --md or --junit (nothing is written).

Examples:
  hpcrun gate --baseline results/history/ --current results/tonight.json
  hpcrun gate --baseline results/history/ --current tonight.json --md gate.md --junit gate.xml
  hpcrun gate --baseline a.json --baseline b.json --current c.json --min-history 0 --json
  hpcrun gate --baseline history/ --current new-mpi.json --strict-env`,
    )
    .action(async (options: GateCommandOptions) => {
      status.code = await (await load()).run(options, deps);
    });
}
