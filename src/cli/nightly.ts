// `hpcrun nightly init|run`: flags, help and examples. The command's module
// loads only when a subcommand runs.

import type { Command } from 'commander';
import type { ExitStatus } from '../cli.js';
import type { Deps } from '../deps.js';
import type { InitOptions, RunOptions } from '../commands/nightly.js';

const load = () => import('../commands/nightly.js');

export function register(program: Command, deps: Deps, status: ExitStatus): void {
  const nightly = program
    .command('nightly')
    .description('a nightly network benchmark in GitHub Actions: bench, gate against the history, report')
    .addHelpText(
      'after',
      `
Examples:
  hpcrun nightly init --runner-label hpc-cluster --hosts cluster/hosts.txt
  hpcrun nightly run --config hpcrun-nightly.json`,
    );

  nightly
    .command('init')
    .description('write .github/workflows/hpcrun-nightly.yml and hpcrun-nightly.json')
    .option('--dir <DIR>', 'the repository root to write into', '.')
    .option('--runner-label <LABEL>', 'label of the self-hosted runner that can reach the cluster (several: a,b)', 'hpc')
    .option('--hosts <FILE>', 'the inventory the config names (relative to --dir)', 'hosts.txt')
    .option('--kind <list>', 'kernels to run each night', 'latency,bw')
    .option('--sizes <list>', 'message sizes', '8,1KiB,64KiB,1MiB')
    .option('--pairs <mode>', 'first or all', 'first')
    .option('--history <DIR>', 'folder of earlier result sets (relative to --dir)', 'results/history')
    .option('--report <PATH>', 'report base path: PATH.html, PATH.md, PATH-gate.xml', 'results/nightly/report')
    .option('--tolerance <fraction>', 'changes within this are never flagged', '10%')
    .option('--min-history <n>', 'runs a metric needs before it can fail', '5')
    .option('--max-samples <n>', 'sample cap per kind and size (default: the OSU counts)')
    .option('--cron <schedule>', 'when to run, in UTC', '17 3 * * *')
    .option('--force', 'replace an existing workflow and config')
    .option('--json', 'print the paths written as JSON')
    .addHelpText(
      'after',
      `
The workflow runs on a schedule and on demand (workflow_dispatch), on
runs-on: [self-hosted, LABEL]; its step runs \`hpcrun nightly run --config
hpcrun-nightly.json\` and keeps the history and the report as artifacts.
Existing files are never replaced without --force (exit 73).

Examples:
  hpcrun nightly init --runner-label hpc-cluster --hosts cluster/hosts.txt
  hpcrun nightly init --dir ../infra --kind latency,bw,bibw --sizes 8,64KiB,1MiB --pairs all
  hpcrun nightly init --cron "0 2 * * 1-5" --tolerance 15% --force`,
    )
    .action(async (options: InitOptions) => {
      const outcome = await (await load()).init(options, deps);
      if (options.json) deps.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
      else deps.stdout.write(`wrote ${outcome.workflow}\nwrote ${outcome.config}\nnext: edit the config's inventory, commit both, and give a self-hosted runner the label\n`);
    });

  nightly
    .command('run')
    .description("one night's work: bench, gate against the history, append to it, write the report; exit with the gate's status")
    .option('--config <FILE>', 'the nightly config (hpcrun-nightly.json)')
    .option('--json', "print the gate's verdicts as JSON instead of Markdown")
    .addHelpText(
      'after',
      `
Steps: 1) bench with the config (into its work folder); 2) gate against the
history folder; 3) append tonight's set to the history (atomically); 4) write
REPORT.html (trend plots of every gated metric), REPORT.md and
REPORT-gate.xml; 5) append the Markdown to $GITHUB_STEP_SUMMARY when set;
6) exit 0 (no regression) or 1 (a regression, missing or failed metric).
A failed bench adds nothing to the history and exits with bench's status
(71 when pairs failed) and its reason.

Examples:
  hpcrun nightly run --config hpcrun-nightly.json
  GITHUB_STEP_SUMMARY=/tmp/summary.md hpcrun nightly run --config ci/hpcrun-nightly.json --json`,
    )
    .action(async (options: RunOptions) => {
      status.code = await (await load()).run(options, deps);
    });
}
