// hpcrun submit: render a batch script (mpi-templates/slurm/batch.sh.tmpl,
// an srun job step with block or planned placement), submit it with sbatch,
// and with --wait follow the job to its end and pass on its exit status.

import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULTS } from '../cli/submit.js';
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
    output: options.output ?? DEFAULTS.output,
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
  const stuckAfterMs = requireDuration(options.stuckAfter ?? DEFAULTS.stuckAfter, '--stuck-after');
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

