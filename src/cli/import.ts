// `hpcrun import`'s flags, help and examples. The command's module loads only
// when it runs, so `hpcrun --help` and other commands never pay for it.

import type { Command } from 'commander';
import type { ExitStatus } from '../cli.js';
import type { Deps } from '../deps.js';
import type { ImportOptions } from '../commands/import.js';
import { count } from '../core/text.js';

const load = () => import('../commands/import.js');

export function register(program: Command, deps: Deps, status: ExitStatus): void {
  void status;
  program
    .command('import')
    .description('convert captured OSU Micro-Benchmarks / Intel MPI Benchmarks output into an hpcrun result set')
    .argument('<FILE...>', 'files with osu_latency, osu_bw, osu_bibw, osu_mbw_mr or IMB-MPI1 output')
    .option('--out <PATH>', 'write PATH.csv and PATH.json; a directory (DIR/) gets DIR/<date>-<name> (default: results/<date>-<name>)')
    .option('--force', 'replace an existing PATH.csv and PATH.json')
    .option('--name <NAME>', 'name recorded in the metadata and used in the default path', 'import')
    .option('--hosts <A,B>', 'the two hosts the output was measured between (the tools do not print them)')
    .option('--json', 'print a JSON summary of what was written instead of text')
    .addHelpText(
      'after',
      `
Rows keep the figure each tool reports in "mean" (OSU and IMB print averages:
the arithmetic mean for times; total bytes over total time for rates). OSU's
P50/P5/P95/P99 Tail columns fill median/p05/p95/p99. "samples" and the CI are
empty: the tools do not print their samples. MB/s is 10^6 bytes/s; IMB before
2018 printed 2^20 and is converted.

Examples:
  $ hpcrun import osu_latency.out --out results/ib-latency
  $ hpcrun import lat.txt bw.txt --hosts node1,node2 --out results/ib-baseline
  $ hpcrun import IMB-MPI1-pingpong.log --json`,
    )
    .action(async (files: string[], opts: Omit<ImportOptions, 'files'>) => {
      const outcome = await (await load()).run({ ...opts, files }, deps);
      for (const note of outcome.notes) deps.stderr.write(`hpcrun: note: ${note}\n`);
      if (opts.json) {
        deps.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
      } else {
        deps.stdout.write(`imported ${count(outcome.rows, 'row')} from ${count(outcome.tables, 'table')}\n  ${outcome.csv}\n  ${outcome.json}\n`);
      }
    });
}
