// hpcrun submit: render a batch script (mpi-templates/slurm/batch.sh.tmpl,
// an srun job step with block or planned placement), submit it with sbatch,
// and with --wait follow the job to its end and pass on its exit status.

import { Command, Option } from 'commander';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExitStatus } from '../cli.js';
import type { Deps } from '../deps.js';
import { HpcrunError, usageError } from '../errors.js';
import { type MpiFlavour, pmiFor } from '../core/launchers/index.js';
import { type BatchShape, type BatchSpec, renderBatchScript } from '../core/slurm/batch.js';
import type { Template } from '../core/slurm/template.js';
import { requireDuration, requirePositiveInt } from '../core/units.js';
import { readInput } from '../io/read-input.js';
import { readPlanDir } from '../providers/plan-dir.js';
import { submitScript } from '../providers/slurm/batch.js';
import { Interrupt, cancelAndWait, watchJob } from '../providers/slurm/watch.js';
import { VERSION } from '../version.js';

export const BATCH_TEMPLATE = fileURLToPath(new URL('../../mpi-templates/slurm/batch.sh.tmpl', import.meta.url));
const DEFAULT_OUTPUT = 'hpcrun-%j.out';
const DEFAULT_STUCK_AFTER = '60s';

export interface SubmitOptions {
  plan?: string;
  nodes?: string;
  ntasksPerNode?: string;
  partition?: string;
  time?: string;
  account?: string;
  jobName?: string;
  output?: string;
  mpi?: MpiFlavour;
  template?: string;
  stuckAfter?: string;
  wait?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

async function shapeOf(options: SubmitOptions, deps: Deps): Promise<{ shape: BatchShape; flavour: MpiFlavour | undefined }> {
  const block = options.nodes !== undefined || options.ntasksPerNode !== undefined;
  if (options.plan !== undefined) {
    if (block) throw usageError('HPCRUN_SUBMIT_SHAPE', '--plan fixes the nodes and ranks, so --nodes and --ntasks-per-node cannot be given with it', 'drop --nodes/--ntasks-per-node, or drop --plan');
    const plan = await readPlanDir(resolve(deps.cwd, options.plan));
    return { shape: { kind: 'plan', placed: plan.placed }, flavour: plan.flavour === 'slurm' ? undefined : plan.flavour };
  }
  if (options.nodes === undefined || options.ntasksPerNode === undefined) {
    throw usageError('HPCRUN_SUBMIT_SHAPE', 'say where the ranks go: --nodes N with --ntasks-per-node K, or --plan DIR', 'for example: hpcrun submit --nodes 2 --ntasks-per-node 4 -- ./a.out');
  }
  return { shape: { kind: 'block', nodes: requirePositiveInt(options.nodes, '--nodes'), tasksPerNode: requirePositiveInt(options.ntasksPerNode, '--ntasks-per-node') }, flavour: undefined };
}

/** The program's file name, made fit for an #SBATCH line. */
const defaultJobName = (program: readonly string[]): string => basename(program[0] ?? '').replace(/[\u0000-\u001f\u007f\\]/g, '_') || 'hpcrun';

export async function toBatchSpec(options: SubmitOptions, program: string[], deps: Deps): Promise<BatchSpec> {
  const { shape, flavour } = await shapeOf(options, deps);
  return {
    shape,
    jobName: options.jobName ?? defaultJobName(program),
    output: options.output ?? DEFAULT_OUTPUT,
    partition: options.partition,
    time: options.time,
    account: options.account,
    // Open MPI needs srun --mpi=pmix; other MPIs keep the site's MpiDefault.
    pmi: pmiFor(options.mpi ?? flavour ?? 'openmpi'),
    program,
  };
}

async function readTemplate(path: string | undefined, deps: Deps): Promise<Template> {
  if (path !== undefined) {
    const full = resolve(deps.cwd, path);
    return { text: await readInput(full, `batch template ${full}`, 'HPCRUN_TEMPLATE_MISSING', 'give --template a readable file'), source: 'user', path: full };
  }
  try {
    return { text: await readInput(BATCH_TEMPLATE, BATCH_TEMPLATE, 'HPCRUN_TEMPLATE_MISSING'), source: 'builtin', path: BATCH_TEMPLATE };
  } catch (error) {
    throw new HpcrunError('internal', 'HPCRUN_TEMPLATE_MISSING', `hpcrun's batch template is missing: ${(error as Error).message}`, { hint: 'reinstall hpcrun; mpi-templates/ ships with it', cause: error });
  }
}

export async function run(options: SubmitOptions, program: string[], deps: Deps): Promise<number> {
  const stuckAfterMs = requireDuration(options.stuckAfter ?? DEFAULT_STUCK_AFTER, '--stuck-after');
  const script = renderBatchScript(await readTemplate(options.template, deps), await toBatchSpec(options, program, deps), VERSION);
  if (options.dryRun) {
    deps.stdout.write(script);
    return 0;
  }
  const client = { env: deps.env, cwd: deps.cwd };
  // Listen before sbatch runs: a Ctrl-C while it submits must still cancel the job it made.
  const interrupt = new Interrupt(deps);
  try {
    const jobId = await submitScript(script, client);
    if (options.json) deps.stdout.write(`${JSON.stringify({ jobId: Number(jobId) })}\n`);
    else if (options.wait) deps.stderr.write(`submit: submitted batch job ${jobId}\n`);
    else deps.stdout.write(`${jobId}\n`);
    if (interrupt.signal) return await cancelAndWait(jobId, client, interrupt, deps);
    return await watchJob(jobId, client, { follow: options.wait === true, stuckAfterMs }, interrupt, deps);
  } finally {
    interrupt.dispose();
  }
}

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
    .option('--output <file>', `output file, a Slurm pattern relative to this folder (default ${DEFAULT_OUTPUT}; %j is the job id)`)
    .addOption(new Option('--mpi <flavour>', 'the MPI the program uses, for srun --mpi (default: the plan\'s, else openmpi: --mpi=pmix)').choices(['openmpi', 'mpich', 'intelmpi']))
    .option('--template <file>', 'your own batch template, with {{sbatch}}, {{step}}, {{summary}} and {{version}} (default mpi-templates/slurm/batch.sh.tmpl)')
    .option('--wait', 'follow the job: stream its output file to stdout and exit with its exit status')
    .option('--stuck-after <duration>', `with --wait, give up on a job pending for a reason someone must fix (a drained node, a hold) after this long (default ${DEFAULT_STUCK_AFTER})`)
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
      status.code = await run(options, argv, deps);
    });
}
