// Watches a submitted batch job by polling `scontrol show job` (not sbatch
// --wait, which holds an RPC open and cannot be told apart from a hang, and
// not sacct, which needs accounting). With --wait it follows the job to its
// end, tailing its output file to stdout, and returns its exit status.
// Without, it looks only long enough to catch a job that cannot start.
//
// Ctrl-C (SIGINT/SIGTERM) cancels the job with scancel and waits until it has
// left the queue. A job pending for a reason that means it cannot start is
// cancelled too, and the reason quoted (core/slurm/job-state.ts decides).
// When watchJob returns or throws, the job is no longer queued or running,
// unless it was left to run without --wait.

import type { Deps } from '../../deps.js';
import { HpcrunError } from '../../errors.js';
import { type JobInfo, type PendingWatch, cannotStart, describeReason, endStatus, hasEnded, judgePending } from '../../core/slurm/job-state.js';
import { FileTail } from '../../exec/tail.js';
import { type SlurmClient, cancelJob, lookAtJob } from './batch.js';

export interface WatchOptions {
  /** --wait: follow the job to its end, streaming its output; otherwise return once it is seen able to start. */
  follow: boolean;
  /** How long a job pending for a reason that needs someone to act (a drained node, a hold) is waited for. */
  stuckAfterMs: number;
}

const TICK_MS = 250; // the output file is read this often, and scontrol asked while things change
const POLL_MAX_MS = 5_000; // scontrol at most this far apart on a quiet job
const HOPELESS_MS = 2_000; // a reason such as PartitionTimeLimit must hold this long to be believed
const LOOK_MS = 5_000; // without --wait: how long a job with a worrying reason is watched
const LEAVE_MS = 30_000; // after scancel: how long the job may take to leave the queue
const LOST_MS = 60_000; // scontrol failing for this long: the job is lost from sight

/** SIGINT/SIGTERM while hpcrun works on a job: the first one is kept, and it cuts the current sleep short. */
export class Interrupt {
  signal: NodeJS.Signals | undefined;
  private wake: (() => void) | undefined;
  private readonly remove: () => void;

  constructor(deps: Pick<Deps, 'onSignal'>) {
    this.remove = deps.onSignal((signal) => {
      this.signal ??= signal;
      this.wake?.();
    });
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  error(jobId: string): HpcrunError {
    return new HpcrunError('interrupted', 'HPCRUN_INTERRUPTED', `interrupted by ${this.signal}; job ${jobId} was cancelled and has left the queue`, { exitCode: this.signal === 'SIGTERM' ? 143 : 130 });
  }

  dispose(): void {
    this.remove();
  }
}

const lost = (jobId: string, why: string): HpcrunError =>
  new HpcrunError('remote', 'HPCRUN_JOB_LOST', `lost sight of job ${jobId}: ${why}; how it ended is unknown`, {
    hint: `check it with scontrol show job ${jobId} (or sacct -j ${jobId} where accounting is on)`,
  });

/** Cancels a job and waits until it has left the queue; for an interrupt before hpcrun knew anything else about it. */
export async function cancelAndWait(jobId: string, client: SlurmClient, interrupt: Interrupt, deps: Deps): Promise<never> {
  await watchJob(jobId, client, { follow: false, stuckAfterMs: 0 }, interrupt, deps);
  throw interrupt.error(jobId);
}

export async function watchJob(jobId: string, client: SlurmClient, options: WatchOptions, interrupt: Interrupt, deps: Deps): Promise<number> {
  const say = (text: string) => deps.stderr.write(`submit: job ${jobId} ${text}\n`);
  const started = Date.now();
  let job: JobInfo | undefined;
  let pending: PendingWatch | undefined;
  let cancelled: { at: number; error: HpcrunError | undefined } | undefined;
  let tail: FileTail | undefined;
  let pollEvery = TICK_MS;
  let nextPoll = 0;
  let lastAnswer = started;
  const cancel = async (error: HpcrunError | undefined) => {
    if (!error) say('is being cancelled (interrupted)');
    await cancelJob(jobId, client);
    cancelled = { at: Date.now(), error };
    nextPoll = 0;
  };
  try {
    for (;;) {
      if (interrupt.signal && !cancelled) await cancel(undefined);
      const now = Date.now();
      if (now >= nextPoll) {
        const look = await lookAtJob(jobId, client);
        if (look.kind === 'gone') {
          if (cancelled) break;
          throw lost(jobId, 'Slurm no longer knows it (it ended longer ago than its MinJobAge)');
        }
        if (look.kind === 'unknown') {
          if (now - lastAnswer > LOST_MS) throw lost(jobId, `scontrol has failed for ${LOST_MS / 1000} s: ${look.why}`);
          nextPoll = now + 1_000;
        } else {
          lastAnswer = now;
          const before = job;
          job = look.job;
          const changed = before?.state !== job.state || before.reason !== job.reason;
          if (changed && options.follow) report(job, say);
          if (hasEnded(job.state)) break;
          if (job.state === 'PENDING' && !cancelled) {
            const judged = judgePending(pending, job.reason, now, { hopelessMs: HOPELESS_MS, stuckMs: options.stuckAfterMs });
            pending = judged.watch;
            if (judged.giveUp) await cancel(cannotStart(job, pending, now));
            else if (!options.follow && (pending.cls === 'waiting' || now - started > LOOK_MS)) {
              if (pending.cls !== 'waiting') say(`is pending: ${describeReason(job.reason)}`);
              return 0;
            }
          } else if (!options.follow && !cancelled) {
            return 0;
          }
          // Output exists once the job runs (a file of the same name from before would be stale until then).
          if (options.follow && !tail && job.state !== 'PENDING' && job.stdout) tail = new FileTail(job.stdout);
          pollEvery = changed || cancelled || !options.follow ? TICK_MS : Math.min(pollEvery * 1.5, POLL_MAX_MS);
          nextPoll = now + pollEvery;
        }
      }
      if (cancelled && now - cancelled.at > LEAVE_MS) {
        throw new HpcrunError('remote', 'HPCRUN_CANCEL_FAILED', `job ${jobId} was cancelled but is still in the queue (${job?.state ?? 'state unknown'}) after ${LEAVE_MS / 1000} s`, {
          hint: `check it with squeue -j ${jobId}, and scancel ${jobId} again if needed`,
        });
      }
      await tail?.pump(deps.stdout);
      await interrupt.sleep(TICK_MS);
    }
    // A short job may start and end between two looks: its output is read whole.
    if (options.follow && !tail && job?.stdout && job.nodeList) tail = new FileTail(job.stdout);
    await tail?.pump(deps.stdout);
  } finally {
    await tail?.close();
  }
  if (cancelled?.error) throw cancelled.error;
  if (interrupt.signal) throw interrupt.error(jobId);
  if (!options.follow) return 0;
  if (!job) throw lost(jobId, 'Slurm no longer knows it');
  say(`ended ${job.state}${job.signal > 0 ? `, killed by signal ${job.signal}` : `, exit code ${job.exitCode}`}`);
  return endStatus(job);
}

function report(job: JobInfo, say: (text: string) => void): void {
  if (job.state === 'PENDING') say(job.reason === 'None' ? 'is queued' : `is pending: ${describeReason(job.reason)}`);
  else if (job.state === 'RUNNING') say(`is running on ${job.nodeList ?? '?'}; output: ${job.stdout ?? '?'}`);
}
