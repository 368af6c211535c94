// `hpcrun submit`'s flags, help and examples. The command's module loads only
// when it runs, so `hpcrun --help` and other commands never pay for it.

import { Command, Option } from 'commander';
import type { ExitStatus } from '../cli.js';
import type { Deps } from '../deps.js';
import type { SubmitOptions } from '../commands/submit.js';

const load = () => import('../commands/submit.js');
/** Defaults shown in --help and used by the command. */
export const DEFAULTS = { output: 'hpcrun-%j.out', stuckAfter: '60s' };

export function register(program: Command, deps: Deps, status: ExitStatus): void {
  program
    .command('submit')
    .description('run an MPI program as a Slurm batch job (sbatch, an srun step), and with --wait follow it to its end')
    .option('--plan <dir>', 'place every rank on the host a plan gave it (`hpcrun plan --hosts FILE --out DIR`); the job asks for those nodes')
    .option('--nodes <n>', 'number of nodes (block placement, with --ntasks-per-node)')
    .option('--ntasks-per-node <k>', 'ranks on each node')
    .option('--partition <name>', 'Slurm partition (default: the cluster\'s default partition)')
    .option('--time <limit>', 'time limit as sbatch takes it: minutes, H:M:S or D-H:M:S')
    .option('--account <name>', 'account to charge')
    .option('--job-name <name>', 'job name (default: the program\'s file name)')
    .option('--output <file>', `output file, a Slurm pattern relative to this folder (default ${DEFAULTS.output}; %j is the job id)`)
    .addOption(new Option('--mpi <flavour>', 'the MPI the program uses, for srun --mpi (default: the plan\'s, else openmpi: --mpi=pmix)').choices(['openmpi', 'mpich', 'intelmpi']))
    .option('--template <file>', 'your own batch template, with {{sbatch}}, {{step}}, {{summary}} and {{version}} (default mpi-templates/slurm/batch.sh.tmpl)')
    .option('--wait', 'follow the job: stream its output file to stdout and exit with its exit status')
    .option('--stuck-after <duration>', `with --wait, give up on a job pending for a reason someone must fix (a drained node, a hold) after this long (default ${DEFAULTS.stuckAfter})`)
    .option('--dry-run', 'print the batch script; submit nothing')
    .option('--json', 'print {"jobId": N} on the first line of stdout')
    .argument('<program...>', 'the program and its arguments, after --')
    .passThroughOptions()
    .addHelpText(
      'after',
      `
Without --wait, stdout is the job id (as sbatch --parsable prints it). With
--wait, stdout is the job's output as it is written, and the exit status is the
program's (128+N if a signal ended it, 124 if it hit --time). Ctrl-C cancels
the job and waits until it has left the queue (exit 130, or 143 for SIGTERM).
A job Slurm refuses, or holds for a reason that means it cannot start
(PartitionTimeLimit, PartitionNodeLimit, ...; a drained node after
--stuck-after), is cancelled and exits 68 with Slurm's reason.

Examples:
  hpcrun submit --nodes 4 --ntasks-per-node 16 --time 1:00:00 -- ./cfd --case wing
  hpcrun submit --nodes 2 --ntasks-per-node 4 --partition debug --wait -- ./a.out
  hpcrun plan --grid 8x8x8 --cores-per-node 64 --hosts nodes.txt --mpi slurm --out plan/ && hpcrun submit --plan plan/ --wait -- ./stencil
  hpcrun submit --nodes 2 --ntasks-per-node 4 --dry-run -- ./a.out > job.sh     (sbatch job.sh later)
  id=$(hpcrun submit --nodes 1 --ntasks-per-node 1 -- ./post.sh) && squeue -j "$id"`,
    )
    .action(async (argv: string[], options: SubmitOptions) => {
      status.code = await (await load()).run(options, argv, deps);
    });
}
