// `hpcrun calibrate`'s flags, help and examples. The command's module loads only
// when it runs, so `hpcrun --help` and other commands never pay for it.

import type { Command } from 'commander';
import type { ExitStatus } from '../cli.js';
import type { Deps } from '../deps.js';
import type { CalibrateOptions } from '../commands/calibrate.js';

const load = () => import('../commands/calibrate.js');

export function register(program: Command, deps: Deps, status: ExitStatus): void {
  program
    .command('calibrate')
    .description('time your own program at two step counts under a plan\'s placement, and derive its time per step and start-up')
    .option('--plan <dir>', '(required) the plan to run under (its hosts and rank placement), from `hpcrun plan ... --hosts FILE --out DIR`')
    .option('--steps <list>', 'step counts to run, comma list of two or more (each run replaces {steps} in the program\'s arguments)', '10,20')
    .option('--timeout <duration>', 'stop a run after this long, e.g. 90s, 30m (default: none)')
    .option('--hosts <file>', 'inventory holding the plan\'s hosts (default: the plan\'s hosts, over SSH)')
    .option('--slurm', 'run inside the Slurm allocation hpcrun runs in')
    .option('--bcast', 'copy the program to a folder on every node and run that copy there, as launch --bcast (for nodes that share no filesystem)')
    .option('--stage <file>', 'copy this file into that folder too (repeatable); ranks start in it', (value: string, previous: string[] = []) => [...previous, value])
    .option('--json', 'print {perStepSeconds, startupSeconds, runs, warnings} as JSON')
    .option('--identity <file>', 'SSH private key')
    .option('--user <name>', 'SSH user')
    .option('--port <n>', 'SSH port (default 22)')
    .option('--known-hosts <file>', 'known_hosts file')
    .option('--accept-new-host-keys', 'trust and record host keys not yet in known_hosts')
    .argument('<program...>', 'the program and its arguments after --, with {steps} where it takes its step count')
    .passThroughOptions()
    .addHelpText(
      'after',
      `
Runs the program once per step count with the plan's placement (as
\`hpcrun launch --plan\`), {steps} replaced in its arguments (each argument is
passed as is, never through a shell), and times each run from the launcher's
start to its end. A run of s steps takes startup + s x perStep, so two runs give
perStep = (t2 - t1)/(s2 - s1) and startup = t1 - s1 x perStep (more runs: the
least-squares line). The per-step time is the whole step under this placement
(compute and communication); pass it to predict as --compute-us only for a
program whose steps are computation. A run that exits non-zero stops the
calibration (exit 71) with its status and the end of its stderr.

Examples:
  hpcrun calibrate --plan plan/ -- ./app --steps {steps}
  hpcrun calibrate --plan plan/ --steps 20,200 --json -- ./solver --iterations={steps} input.nml
  hpcrun calibrate --plan plan/ --steps 10,20,40 --timeout 10m -- ./wrf.exe
  hpcrun calibrate --plan plan/ --bcast --stage input.nml -- ./solver --steps {steps} input.nml`,
    )
    .action(async (argv: string[], options: CalibrateOptions) => {
      status.code = await (await load()).run(options, argv, deps);
    });
}
