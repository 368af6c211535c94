// `hpcrun bench`: the command is the bench library (src/bench/run.ts), whose
// exit status it passes on; --kind halo runs the halo mini-app under a plan
// (src/bench/halo.ts).

import type { Deps } from '../deps.js';
import { isHaloRun, runBench, type BenchOptions } from '../bench/run.js';

export { progressLine, renderRows, toSpec, type BenchOptions } from '../bench/run.js';

export async function run(options: BenchOptions, deps: Deps): Promise<number> {
  if (isHaloRun(options)) return (await import('../bench/halo.js')).runHaloBench(options, deps);
  return (await runBench(options, deps)).status;
}
