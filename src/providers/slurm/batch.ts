// The Slurm client commands a batch job needs, each one argument array run
// with runCommand (a failed command is data): sbatch --parsable with the
// script on stdin, scontrol show job, scancel.

import type { Deps } from '../../deps.js';
import { HpcrunError } from '../../errors.js';
import { type JobInfo, parseJobInfo } from '../../core/slurm/job-state.js';
import { runCommand } from '../../exec/run.js';

export interface SlurmClient {
  env: Deps['env'];
  /** sbatch runs here: the job's working folder, where a relative --output lands. */
  cwd: string;
}

const CLIENT_TIMEOUT_MS = 30_000;
/**
 * Every client runs in a process group of its own: a Ctrl-C at the terminal
 * reaches hpcrun alone, which then cancels the job, and never kills an
 * sbatch halfway (job made, id lost) or the scancel it runs.
 */
const options = (client: SlurmClient) => ({ env: client.env, extendEnv: false, timeoutMs: CLIENT_TIMEOUT_MS, detached: true });

/** The lines a Slurm client printed on stderr, without its `sbatch: error:` prefixes. */
function slurmSays(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.replace(/^\w+: (error|fatal): /, '').trim()).filter(Boolean);
  return [...new Set(lines)].slice(-3).join('; ') || 'no message';
}

/** Submits a batch script and returns its job id. Slurm's refusal (unknown partition, bad account) is a preflight error quoting it. */
export async function submitScript(script: string, client: SlurmClient): Promise<string> {
  const result = await runCommand(['sbatch', '--parsable'], { ...options(client), input: script, cwd: client.cwd });
  if (result.spawnFailed) {
    throw new HpcrunError('environment', 'HPCRUN_NO_LAUNCHER', 'cannot start sbatch here', { hint: 'run hpcrun submit where the Slurm client commands are on the PATH (a login node)' });
  }
  if (!result.ok) {
    throw new HpcrunError('preflight', 'HPCRUN_SUBMIT_REFUSED', `Slurm refused the job: ${slurmSays(result.stderr)}`, {
      hint: 'check the partition (sinfo -s lists them), account, time and node count; hpcrun submit --dry-run prints the script',
    });
  }
  // --parsable prints `jobid` or `jobid;cluster`.
  const match = /^(\d+)(?:;\S+)?\s*$/.exec(result.stdout.trim());
  if (!match) throw new HpcrunError('internal', 'HPCRUN_SBATCH_OUTPUT', `sbatch --parsable printed ${JSON.stringify(result.stdout.slice(0, 200))}, not a job id`);
  return match[1] as string;
}

export type JobLook = { kind: 'job'; job: JobInfo } | { kind: 'gone' } | { kind: 'unknown'; why: string };

/** The job as scontrol sees it; `gone` once Slurm no longer knows the id (it ended more than MinJobAge ago). */
export async function lookAtJob(jobId: string, client: SlurmClient): Promise<JobLook> {
  const result = await runCommand(['scontrol', 'show', 'job', jobId], options(client));
  if (result.ok) return { kind: 'job', job: parseJobInfo(result.stdout) };
  if (/Invalid job id/i.test(result.stderr)) return { kind: 'gone' };
  return { kind: 'unknown', why: result.spawnFailed ? 'cannot start scontrol' : slurmSays(result.stderr) };
}

/** Cancels the job; an error when scancel itself fails (the job may then still run). */
export async function cancelJob(jobId: string, client: SlurmClient): Promise<void> {
  const result = await runCommand(['scancel', jobId], options(client));
  // A job that ended meanwhile needs no cancelling.
  if (!result.ok && !/already completing or completed|Invalid job id/i.test(result.stderr)) {
    throw new HpcrunError('remote', 'HPCRUN_CANCEL_FAILED', `scancel ${jobId} failed: ${slurmSays(result.stderr)}`, { hint: `cancel it by hand: scancel ${jobId}` });
  }
}
