// A batch job's state as `scontrol show job ID` prints it, and what hpcrun
// makes of it: whether it has ended, whether a pending reason is normal
// waiting or means it cannot start, and the exit status it ended with.
// Accounting may be off (no sacct), so scontrol is the one source. Pure.

import { HpcrunError } from '../../errors.js';

export interface JobInfo {
  jobId: string;
  name: string;
  /** JobState: PENDING, RUNNING, COMPLETING, COMPLETED, FAILED, CANCELLED, TIMEOUT, ... */
  state: string;
  /** Reason as scontrol writes it (blanks as `_`): None, Resources, PartitionTimeLimit, ReqNodeNotAvail,_UnavailableNodes:sn3 ... */
  reason: string;
  /** ExitCode=N:S: the batch script's exit status and the signal that ended it. */
  exitCode: number;
  signal: number;
  partition: string | undefined;
  timeLimit: string | undefined;
  nodeList: string | undefined;
  /** The output file, with %j and friends filled in. */
  stdout: string | undefined;
}

/** Keys whose value runs to the end of its line (paths and commands may hold blanks). */
const WHOLE_LINE = new Set(['StdOut', 'StdErr', 'StdIn', 'WorkDir', 'Command', 'Comment', 'AdminComment']);

/** Reads `scontrol show job ID` (the multi-line form, one job). */
export function parseJobInfo(text: string): JobInfo {
  const fields = new Map<string, string>();
  const lines = text.split('\n');
  // The first line is `JobId=N JobName=<the name, blanks and all>`.
  const head = /^JobId=(\S+) JobName=(.*)$/.exec(lines[0] ?? '');
  for (const line of lines.slice(1)) {
    const trimmed = line.trim();
    const key = trimmed.slice(0, trimmed.indexOf('='));
    if (WHOLE_LINE.has(key)) {
      fields.set(key, trimmed.slice(key.length + 1));
      continue;
    }
    for (const token of trimmed.split(' ')) {
      const at = token.indexOf('=');
      if (at > 0) fields.set(token.slice(0, at), token.slice(at + 1));
    }
  }
  const state = fields.get('JobState');
  const exit = /^(\d+):(\d+)$/.exec(fields.get('ExitCode') ?? '');
  if (!head || !state || !exit) {
    throw new HpcrunError('internal', 'HPCRUN_SCONTROL_OUTPUT', `cannot read \`scontrol show job\` output: ${JSON.stringify(text.slice(0, 200))}`, {
      hint: 'this Slurm prints jobs in a form hpcrun does not know; please report it with the output of scontrol show job',
    });
  }
  const optional = (key: string): string | undefined => {
    const value = fields.get(key);
    return value === undefined || value === '' || value === '(null)' ? undefined : value;
  };
  return {
    jobId: head[1] as string,
    name: head[2] as string,
    state,
    reason: fields.get('Reason') ?? 'None',
    exitCode: Number(exit[1]),
    signal: Number(exit[2]),
    partition: optional('Partition'),
    timeLimit: optional('TimeLimit'),
    nodeList: optional('NodeList'),
    stdout: optional('StdOut'),
  };
}

/** States a job never leaves: it has left the queue (squeue no longer lists it). COMPLETING is not one. */
const ENDED = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'OUT_OF_MEMORY', 'REVOKED']);

export function hasEnded(state: string): boolean {
  return ENDED.has(state);
}

/** A reason for people: scontrol's `_` back to blanks. */
export function describeReason(reason: string): string {
  return reason.replace(/_/g, ' ');
}

/**
 * What a pending reason means for a job that waits:
 *   waiting   normal queueing (Resources, Priority, a dependency, a group limit): wait as long as it takes;
 *   stuck     someone must act (a requested node down or drained, a partition down, a hold): give up after a while;
 *   hopeless  the job as submitted can never start (over a partition's time or node limit, a per-job limit,
 *             an invalid account): give up once the reason has held for a moment.
 * Reasons hpcrun does not know count as stuck: they get the grace period, never an instant verdict.
 */
export type ReasonClass = 'waiting' | 'stuck' | 'hopeless';

const WAITING = new Set(['None', 'Priority', 'Resources', 'Dependency', 'BeginTime', 'Reservation', 'Licenses', 'JobArrayTaskLimit', 'Prolog', 'PowerUpNode', 'NodeBoot', 'Cleaning', 'SchedDefer', 'BurstBufferResources', 'BurstBufferStageIn']);
const HOPELESS = new Set(['PartitionTimeLimit', 'PartitionNodeLimit', 'InvalidAccount', 'InvalidQOS', 'BadConstraints', 'DependencyNeverSatisfied', 'AccountNotAllowed', 'QOSNotAllowed']);

export function reasonClass(reason: string): ReasonClass {
  const code = /^[A-Za-z]+/.exec(reason)?.[0] ?? reason;
  if (HOPELESS.has(code) || /^(QOS|Assoc)(Max\w*PerJob|Min)/.test(code)) return 'hopeless';
  // Group and per-user limits (QOSGrpCpuLimit, AssocMaxJobsLimit) clear as other jobs end.
  if (WAITING.has(code) || /^(QOS|Assoc)/.test(code)) return 'waiting';
  return 'stuck';
}

export interface PendingWatch {
  cls: ReasonClass;
  /** When the job's reason entered this class (ms). */
  since: number;
}

export interface PendingLimits {
  /** How long a hopeless reason must hold before it is believed (Slurm shows one for a moment at submission). */
  hopelessMs: number;
  /** How long a stuck job is waited for. */
  stuckMs: number;
}

/** Tracks a pending job's reason over time and says when to give up on it. */
export function judgePending(previous: PendingWatch | undefined, reason: string, now: number, limits: PendingLimits): { watch: PendingWatch; giveUp: boolean } {
  const cls = reasonClass(reason);
  const watch = previous?.cls === cls ? previous : { cls, since: now };
  const limit = cls === 'hopeless' ? limits.hopelessMs : cls === 'stuck' ? limits.stuckMs : Infinity;
  return { watch, giveUp: now - watch.since >= limit };
}

const HINTS: Readonly<Record<string, (job: JobInfo) => string>> = {
  PartitionTimeLimit: (job) => `the job asks for ${job.timeLimit ?? 'more time'}: lower --time to at most partition ${job.partition ?? '?'}'s limit (sinfo -p ${job.partition ?? 'PARTITION'} -o %l shows it), or choose another partition`,
  PartitionNodeLimit: (job) => `ask for fewer nodes, or choose another partition (sinfo -p ${job.partition ?? 'PARTITION'} shows its nodes)`,
  InvalidAccount: () => 'give an account you may charge with --account (sacctmgr show assoc user=$USER lists them)',
};

/** The error for a job that cannot start: Slurm's reason, quoted, and what to do. */
export function cannotStart(job: JobInfo, watch: PendingWatch, now: number): HpcrunError {
  const code = /^[A-Za-z]+/.exec(job.reason)?.[0] ?? '';
  const held = watch.cls === 'stuck' ? ` and stayed so for ${Math.round((now - watch.since) / 1000)} s` : '';
  const hint =
    HINTS[code]?.(job) ??
    (watch.cls === 'stuck' ? `check the nodes and partition with sinfo -R and scontrol show partition; to wait longer, raise --stuck-after` : `see scontrol show job and sinfo for what Slurm expects`);
  return new HpcrunError('preflight', 'HPCRUN_JOB_CANNOT_START', `job ${job.jobId} cannot start: Slurm holds it pending with reason "${describeReason(job.reason)}"${held}; hpcrun cancelled it`, { hint });
}

/**
 * The exit status of an ended job: the program's (the batch script's, which
 * is srun's), or 128+N when a signal ended it. A job Slurm ended for its time
 * limit is a timeout (124); one cancelled before it ran counts as stopped by
 * TERM (143); one that failed without any status (a node failure) is an error.
 */
export function endStatus(job: JobInfo): number {
  if (job.state === 'TIMEOUT') {
    throw new HpcrunError('timeout', 'HPCRUN_TIMEOUT', `job ${job.jobId} reached its time limit (${job.timeLimit ?? 'unknown'}) and Slurm stopped it`, { hint: 'raise --time, or check the job for a hang' });
  }
  if (job.signal > 0) return 128 + job.signal;
  if (job.exitCode > 0) return job.exitCode;
  if (job.state === 'COMPLETED') return 0;
  if (job.state === 'CANCELLED') {
    throw new HpcrunError('interrupted', 'HPCRUN_JOB_CANCELLED', `job ${job.jobId} was cancelled before it ran (scancel, or an administrator)`, { exitCode: 143 });
  }
  throw new HpcrunError('remote', 'HPCRUN_JOB_FAILED', `job ${job.jobId} ended ${job.state} (${describeReason(job.reason)}) without an exit status`, {
    hint: `see scontrol show job ${job.jobId} and the nodes' state (sinfo -R) while Slurm still remembers the job`,
  });
}
