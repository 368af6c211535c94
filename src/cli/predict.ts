// `hpcrun predict`'s flags, help and examples. The command's module loads
// only when it runs.

import type { Command } from 'commander';
import type { ExitStatus } from '../cli.js';
import type { Deps } from '../deps.js';
import type { PredictOptions } from '../commands/predict.js';

const load = () => import('../commands/predict.js');
const render = () => import('../core/render/model.js');

export function register(program: Command, deps: Deps, status: ExitStatus): void {
  void status;
  program
    .command('predict')
    .description("predict a halo exchange's time per step, runtime and cost per run on a plan's placement, from a fitted model")
    .option('--plan <DIR>', 'plan folder written by `hpcrun plan --grid ... --out DIR`')
    .option('--model <MODEL.json>', 'model written by `hpcrun model fit`')
    .option('--halo-bytes <size>', 'bytes each rank sends to each neighbour per step, e.g. 64KiB')
    .option('--compute-us <us>', 'compute time per step, µs (default 0)')
    .option('--steps <n>', 'steps in the run: gives the runtime and the cost per run')
    .option('--json', 'print {predicted, costPerRun, warnings} as JSON')
    .addHelpText(
      'after',
      `
For every node, from the plan's grid and rank→node mapping: M off-node
messages over S streams, busiest rank m. Time per step = max over nodes of
max(L(n) + (m−1)·G(n), L(n) + (M−1)·n / min(S·ρ, R)) + compute, with L the fitted
latency, G the stream gap, ρ = n/G one pair's rate and R the node rate (one
pair's rate when mbw was not measured). Cost per run: nodes × $/h × hours;
Spot as hours/(1−ℓ) for a 5–15% loss rate ℓ. README: Predict before you pay.

Examples:
  $ hpcrun predict --plan plan/ --model model.json --halo-bytes 1MiB
  $ hpcrun predict --plan plan/ --model model.json --halo-bytes 64KiB --compute-us 500 --steps 100000 --json`,
    )
    .action(async (opts: PredictOptions & { json?: boolean }) => {
      const { json, ...options } = opts;
      const outcome = await (await load()).run(options, deps);
      if (json) {
        const { detail: _detail, ...out } = outcome;
        deps.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      } else {
        deps.stdout.write((await render()).renderPrediction(outcome.detail.prediction, outcome.detail.cost, outcome.detail.haloBytes));
        for (const w of outcome.warnings) deps.stderr.write(`hpcrun: warning: ${w}\n`);
      }
    });
}
