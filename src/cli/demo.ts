// `hpcrun demo`'s flags, help and examples. The command's module loads only
// when it runs, so `hpcrun --help` and other commands never pay for it.

import type { Command } from 'commander';
import type { ExitStatus } from '../cli.js';
import type { Deps } from '../deps.js';

const load = () => import('../commands/demo.js');

export function register(program: Command, deps: Deps, status: ExitStatus): void {
  program
    .command('demo')
    .description('bring up a 3-node virtual cluster, run an MPI program across it, tear it down')
    .option('--local', 'skip the virtual cluster and run on localhost')
    .addHelpText('after', '\nExamples:\n  hpcrun demo\n  hpcrun demo --local')
    .action(async (options: { local?: boolean }) => {
      status.code = await (await load()).run(options, deps);
    });
}
