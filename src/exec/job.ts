// Runs an MPI launcher argv, here with execa or on a head node over ssh2,
// streaming its output. The job's end is data (exit code, signal, timeout);
// SIGINT/SIGTERM are forwarded and the job is always waited for.

import { constants } from 'node:os';
import type { ClientChannel } from 'ssh2';
import type { Deps } from '../deps.js';
import { HpcrunError } from '../errors.js';
import { shellJoin } from './quote.js';
import { spawnProcess } from './spawn.js';
import { type SshClient, exec } from './ssh.js';
import { optionalTimeout } from './timer.js';

export interface JobEnd {
  exitCode: number | undefined;
  signal: string | undefined;
  timedOut: boolean;
  /** The signal hpcrun received and forwarded, if the user interrupted the job. */
  interruptedBy: NodeJS.Signals | undefined;
  durationMs: number;
}

/** The status a shell would report: the exit code, or 128 + signal number. */
export function statusOf(end: Pick<JobEnd, 'exitCode' | 'signal'>): number {
  if (end.signal) {
    const number = (constants.signals as Record<string, number>)[end.signal];
    return 128 + (number ?? 15);
  }
  return end.exitCode ?? 1;
}

export interface LocalJob {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  timeoutMs?: number;
}

export async function runLocalJob(job: LocalJob, deps: Deps): Promise<JobEnd> {
  const file = job.argv[0];
  const started = performance.now();
  const child = spawnProcess(job.argv, {
    env: job.env,
    extendEnv: false,
    // Its own process group: a terminal's Ctrl-C reaches only hpcrun, which
    // forwards it once (Open MPI reads a second SIGINT as "abort at once").
    detached: true,
    onStdout: (chunk) => deps.stdout.write(chunk),
    onStderr: (chunk) => deps.stderr.write(chunk),
    forceKillAfterMs: 10_000,
  });
  let interruptedBy: NodeJS.Signals | undefined;
  let timedOut = false;
  // SIGTERM, then SIGKILL 10 s later if it is still there.
  const timer = optionalTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM');
  }, job.timeoutMs);
  const lastSent = new Map<NodeJS.Signals, number>();
  const removeHandler = deps.onSignal((signal) => {
    interruptedBy = signal;
    // One Ctrl-C can arrive twice (the terminal and a wrapper such as
    // `hpcrun testbed exec` both deliver it): pass each signal on once per 3 s.
    const now = Date.now();
    if (now - (lastSent.get(signal) ?? 0) < 3_000) return;
    lastSent.set(signal, now);
    child.kill(signal);
  });
  try {
    const result = await child.ended;
    if (result.spawnError) {
      throw new HpcrunError('environment', 'HPCRUN_NO_LAUNCHER', `cannot start ${file}: ${result.spawnError.code ?? result.spawnError.message}`, {
        hint: `install the MPI launcher on this machine (Debian: apt-get install openmpi-bin) or run with --head on a node that has it`,
      });
    }
    return {
      exitCode: result.exitCode,
      signal: result.signal,
      timedOut,
      interruptedBy,
      durationMs: performance.now() - started,
    };
  } finally {
    timer.clear();
    removeHandler();
  }
}

export interface RemoteJob {
  client: SshClient;
  argv: readonly string[];
  /** Variables set with `env` in front of the command (OMPI_*), never secrets. */
  env: Readonly<Record<string, string>>;
  timeoutMs?: number;
  /** A folder on the head node that the wrapper removes when the job has ended. */
  cleanupDir?: string;
}

/**
 * Runs the job in the background on the head node and watches the session's
 * stdin: each line is a signal name to send to the job, and end of input (we
 * hang up, or the connection drops) sends TERM. This stops the remote job on
 * Ctrl-C without a pty and without relying on SSH signal requests, which
 * OpenSSH's sshd does not act on for every session. Its first argument is a
 * folder to remove once the job has ended (or ''), so that the job's files go
 * even when the connection was lost and hpcrun cannot remove them itself.
 */
export const REMOTE_WRAPPER = [
  'dir=$1; shift',
  // A background list reads /dev/null unless told otherwise, so keep stdin on fd 3.
  'exec 3<&0',
  '"$@" </dev/null 3<&- &',
  'job=$!',
  // sh starts background jobs with SIGINT ignored, so INT is followed by TERM
  // for programs that do not install their own handler (mpirun does).
  '{ while IFS= read -r sig; do kill -s "$sig" "$job" 2>/dev/null;',
  '  if [ "$sig" = INT ]; then sleep 2; kill -s TERM "$job" 2>/dev/null; fi; done',
  '  kill -s TERM "$job" 2>/dev/null; } <&3 &',
  'watch=$!',
  'wait "$job"; status=$?',
  'kill "$watch" 2>/dev/null',
  '[ -z "$dir" ] || rm -rf -- "$dir"',
  'exit "$status"',
].join('\n');

/** The one command line sent to the head node: the wrapper, the folder to remove, then `env K=V … argv…`, every word quoted. */
export function remoteCommandLine(argv: readonly string[], env: Readonly<Record<string, string>>, cleanupDir = ''): string {
  const assignments = Object.entries(env).map(([key, value]) => `${key}=${value}`);
  return shellJoin(['sh', '-c', REMOTE_WRAPPER, 'hpcrun-job', cleanupDir, 'env', ...assignments, ...argv]);
}

export async function runRemoteJob(job: RemoteJob, deps: Deps): Promise<JobEnd> {
  const started = performance.now();
  let channel: ClientChannel | undefined;
  let interruptedBy: NodeJS.Signals | undefined;
  let timedOut = false;
  let escalation: NodeJS.Timeout | undefined;
  const stop = (signal: 'INT' | 'TERM') => {
    channel?.write(`${signal}\n`);
    // If the launcher ignores the signal, kill it, then hang up.
    escalation ??= setTimeout(() => {
      channel?.write('KILL\n');
      escalation = setTimeout(() => channel?.close(), 5_000);
    }, 10_000);
  };
  const removeHandler = deps.onSignal((signal) => {
    interruptedBy = signal;
    stop(signal === 'SIGINT' ? 'INT' : 'TERM');
  });
  const timer = optionalTimeout(() => {
    timedOut = true;
    stop('TERM');
  }, job.timeoutMs);
  try {
    const result = await exec(job.client, remoteCommandLine(job.argv, job.env, job.cleanupDir), {
      keepStdinOpen: true,
      onStdout: (chunk) => deps.stdout.write(chunk),
      onStderr: (chunk) => deps.stderr.write(chunk),
      onChannel: (opened) => {
        channel = opened;
      },
    });
    if (result.exitCode === undefined && result.signal === undefined && !interruptedBy && !timedOut) {
      throw new HpcrunError('remote', 'HPCRUN_CONNECTION_LOST', 'the connection to the head node was lost while the job ran; its state is unknown', {
        hint: 'log in to the head node and check for leftover mpirun processes (the job is sent TERM when the session ends)',
      });
    }
    return { exitCode: result.exitCode, signal: result.signal, timedOut, interruptedBy, durationMs: performance.now() - started };
  } finally {
    removeHandler();
    timer.clear();
    if (escalation) clearTimeout(escalation);
  }
}
