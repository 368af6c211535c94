// `hpcrun bench`: the command is the bench library (src/bench/run.ts), whose
// exit status it passes on.

import type { Deps } from '../deps.js';
import { runBench, type BenchOptions } from '../bench/run.js';

export { progressLine, renderRows, toSpec, type BenchOptions } from '../bench/run.js';

export async function run(options: BenchOptions, deps: Deps): Promise<number> {
  return (await runBench(options, deps)).status;
}
