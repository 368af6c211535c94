// hpcrun calibrate: runs the user's program at two (or more) step counts with
// a plan's placement and derives its time per step and its start-up time.

import { basename } from 'node:path';
import type { Deps } from '../deps.js';
import { HpcrunError, usageError } from '../errors.js';
import { type CalibrationRun, fitCalibration, parseStepCounts, programWithSteps } from '../core/calibrate/index.js';
import { count } from '../core/text.js';
import { formatDuration, requireDuration } from '../core/units.js';
import { readPlanDir } from '../providers/plan-dir.js';
import { checkPlanOnNodes, planJob, planProvider } from '../providers/plan-launch.js';
import { type SshFlags, sshOptionsOf } from '../providers/select.js';
import { stageList } from '../providers/stage-list.js';
import { withProvider } from '../providers/types.js';

export interface CalibrateOptions extends SshFlags {
  plan?: string;
  steps: string;
  timeout?: string;
  hosts?: string;
  slurm?: boolean;
  json?: boolean;
  bcast?: boolean;
  stage?: string[];
}

const ms = (seconds: number): string => `${(seconds * 1e3).toFixed(seconds < 0.01 ? 3 : 1)} ms`;

export async function run(options: CalibrateOptions, program: string[], deps: Deps): Promise<number> {
  // Every check on the flags comes before any file is read or host contacted.
  if (!options.plan) throw usageError('HPCRUN_CALIBRATE_NO_PLAN', 'calibrate runs under a plan\'s placement, but no --plan was given', 'make one with `hpcrun plan --grid ... --hosts hosts.txt --out plan/`, then pass --plan plan/');
  const planDir = options.plan;
  const counts = parseStepCounts(options.steps);
  const argvs = counts.map((steps) => programWithSteps(program, steps));
  const timeoutMs = options.timeout === undefined ? undefined : requireDuration(options.timeout, '--timeout');
  const plan = await readPlanDir(planDir);
  // Checked here, before any host is contacted: the program (--bcast) and the files (--stage) to copy.
  const files = await stageList(options, program[0] as string, deps);
  const provider = await planProvider(options, plan, sshOptionsOf(options), deps);
  const controller = new AbortController();
  const removeHandler = deps.onSignal((signal) => controller.abort(signal));
  try {
    return await withProvider(provider, async (checked) => {
      deps.stderr.write(checked.summary);
      checkPlanOnNodes(plan, checked.nodes, checked.mpi, provider);
      // Nodes that share no filesystem: one folder for all the runs, removed however they end.
      const staged = files.length > 0 ? await provider.stage(files) : undefined;
      // With --bcast the ranks run the copy in that folder.
      const onNodes = (argv: string[]) => (staged && options.bcast ? [`${staged.dir}/${basename(argv[0] as string)}`, ...argv.slice(1)] : argv);
      const runs: CalibrationRun[] = [];
      try {
        for (const [index, argv] of argvs.entries()) {
          const steps = counts[index] as number;
          const job = planJob(provider, plan, checked.mpi, onNodes(argv), staged ? { workDir: staged.dir } : {});
          const timer = timeoutMs === undefined ? undefined : setTimeout(() => controller.abort('timeout'), timeoutMs);
          const result = await provider.capture(job, { cancel: controller.signal }, deps).finally(() => clearTimeout(timer));
          if (result.canceled) {
            const reason = String(controller.signal.reason ?? 'SIGINT');
            if (reason === 'timeout') throw new HpcrunError('timeout', 'HPCRUN_TIMEOUT', `the run with ${count(steps, 'step')} ran past --timeout (${formatDuration(timeoutMs ?? 0)}) and was stopped`, { hint: 'raise --timeout, or calibrate with fewer steps' });
            throw new HpcrunError('interrupted', 'HPCRUN_INTERRUPTED', `interrupted by ${reason}; the calibration run was stopped`, { exitCode: reason === 'SIGTERM' ? 143 : 130 });
          }
          if (!result.ok) {
            const how = result.exitCode === undefined ? `was killed by ${result.signal ?? 'a signal'}` : `exited with status ${result.exitCode}`;
            // The program's own stderr comes before the launcher's banner (Open MPI's lines of dashes).
            const own = result.stderr.split(/^-{20,}$/m)[0]?.trim() || result.stderr.trim();
            const tail = own.split('\n').slice(-5).join('\n    ');
            throw new HpcrunError('benchmark', 'HPCRUN_CALIBRATE_FAILED', `\`${argv.join(' ')}\` ${how} under the plan's placement (run ${index + 1} of ${argvs.length}, ${count(steps, 'step')})${tail ? `; its stderr ended:\n    ${tail}` : ', with nothing on stderr'}`, {
              hint: 'run it with `hpcrun launch --plan DIR -- ...` to see all its output, and fix it before calibrating',
            });
          }
          const seconds = result.durationMs / 1e3;
          runs.push({ steps, seconds });
          deps.stderr.write(`calibrate: run ${index + 1}/${argvs.length}: ${count(steps, 'step')} in ${seconds.toFixed(3)} s\n`);
        }
      } finally {
        await staged?.release();
      }
      const fit = fitCalibration(runs);
      for (const warning of fit.warnings) deps.stderr.write(`calibrate: warning: ${warning}\n`);
      if (options.json) {
        deps.stdout.write(`${JSON.stringify({ perStepSeconds: fit.perStepSeconds, startupSeconds: fit.startupSeconds, runs: fit.runs.map((r, i) => ({ ...r, argv: argvs[i] })), plan: { dir: planDir, policy: plan.job.policy, ranks: plan.ranks, nodes: plan.placed.nodes.length }, warnings: fit.warnings }, null, 2)}\n`);
      } else {
        deps.stdout.write(`per step: ${ms(fit.perStepSeconds)} (${(fit.perStepSeconds * 1e6).toFixed(0)} us)\nstart-up: ${ms(fit.startupSeconds)}\nfrom ${fit.runs.map((r) => `${count(r.steps, 'step')} in ${r.seconds.toFixed(3)} s`).join(' and ')}, ${count(plan.ranks, 'rank')} on ${count(plan.placed.nodes.length, 'node')} (${plan.job.policy} plan)\n`);
      }
      return 0;
    }, { program: options.bcast ? undefined : { name: program[0] as string, dir: provider.workDir } });
  } finally {
    removeHandler();
  }
}
