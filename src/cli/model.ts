// `hpcrun model fit`'s flags, help and examples. The command's module loads
// only when it runs.

import type { Command } from 'commander';
import type { ExitStatus } from '../cli.js';
import type { Deps } from '../deps.js';

const load = () => import('../commands/model.js');
const render = () => import('../core/render/model.js');

export function register(program: Command, deps: Deps, status: ExitStatus): void {
  void status;
  const model = program.command('model').description('fit a network model (latency, bandwidth, node injection) from bench or imported OSU/IMB results');
  model.addHelpText(
    'after',
    `
Measure, fit, then predict (README: Predict before you pay).

Examples:
  $ hpcrun model fit results/net.json --out model.json
  $ hpcrun predict --plan plan/ --model model.json --halo-bytes 64KiB --steps 10000`,
  );
  model
    .command('fit')
    .description('fit latency(n) = α + n/β per regime (breakpoints from the data), the stream gap, and node injection')
    .argument('<RESULT...>', 'result sets from `hpcrun bench` or `hpcrun import` (PATH, PATH.json or PATH.csv)')
    .option('--out <MODEL.json>', 'write the model here (atomically)')
    .option('--force', 'replace an existing --out file')
    .option('--json', 'print the model as JSON instead of a summary')
    .option('--robust', "fit each regime with Huber's M-estimator (IRLS, k 1.345) instead of least squares, so that a few sizes far off the line (a stalled run) do not drag α and β")
    .addHelpText(
      'after',
      `
Latency rows (us, half the round trip) give latency(n) = α + n/β; bw rows
(MB/s = 10^6 B/s) give the gap between back-to-back messages (n / rate); mbw
rows with --ppn ≥ 2 give the node's injection rate. Regimes are found by
segmented regression on relative residuals (1 to 3 regimes, chosen by BIC);
a regime needs at least 3 distinct sizes, and a set with fewer exits 65
naming the sizes to add. --robust weights a size whose relative residual is
beyond 1.345 robust standard deviations (MAD) by c/|r| instead of 1 (Huber),
and uses the Huber loss in the regime search: for sets with a few bad rows.

Examples:
  $ hpcrun bench --hosts hosts.txt --kind latency,bw --sizes 8:4MiB --out results/net
  $ hpcrun model fit results/net.json --out model.json
  $ hpcrun model fit osu_latency-set.json osu_bw-set.json mbw-ppn4.json --out cloud.json --json
  $ hpcrun model fit results/busy-night.json --out model.json --robust`,
    )
    .action(async (files: string[], opts: { out?: string; force?: boolean; json?: boolean; robust?: boolean }) => {
      const outcome = await (await load()).fit({ files, out: opts.out, force: opts.force, robust: opts.robust }, deps);
      if (opts.json) deps.stdout.write(`${JSON.stringify(outcome.model, null, 2)}\n`);
      else deps.stdout.write((await render()).renderModel(outcome.model, outcome.path));
    });
}
