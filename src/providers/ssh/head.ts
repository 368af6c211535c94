// Runs a job on a head node over SSH: its files go to a `mktemp -d` folder
// there, the launcher runs under the stdin watchdog, and the folder is always
// removed again.

import type { Deps } from '../../deps.js';
import { HpcrunError } from '../../errors.js';
import { inDir } from '../../core/launchers/index.js';
import { type JobEnd, runRemoteJob } from '../../exec/job.js';
import { shellJoin } from '../../exec/quote.js';
import { type Connection, exec } from '../../exec/ssh.js';
import type { RunResult } from '../../exec/run.js';
import type { Job } from '../types.js';

/** Variables set on the head node: OMPI_* from here plus the job's own; never secrets. */
export function remoteEnv(env: Deps['env'], job: Readonly<Record<string, string>>): Record<string, string> {
  const ompi = Object.entries(env).filter((entry): entry is [string, string] => entry[0].startsWith('OMPI_') && entry[1] !== undefined);
  return { ...Object.fromEntries(ompi), ...job };
}

export async function runJobOnHead(head: Connection, job: Job, timeoutMs: number | undefined, deps: Deps): Promise<JobEnd> {
  // A Ctrl-C while the folder is being made must still remove it.
  let interrupted: NodeJS.Signals | undefined;
  const removeHandler = deps.onSignal((signal) => {
    interrupted = signal;
  });
  let dir: string | undefined;
  try {
    const made = await exec(head.client, shellJoin(['sh', '-c', 'umask 077 && mktemp -d "${TMPDIR:-/tmp}/hpcrun-launch.XXXXXX"']), { timeoutMs: 30_000 });
    const path = made.stdout.trim();
    if (made.exitCode !== 0 || !/^\/[^\n]+$/.test(path)) {
      throw new HpcrunError('preflight', 'HPCRUN_HEAD_TMP', `cannot create a temporary folder on the head node: ${made.stderr.trim() || path || 'no answer'}`, {
        hint: 'check that the head node has a writable /tmp or TMPDIR',
      });
    }
    dir = path;
    for (const [name, content] of Object.entries(job.files)) {
      const upload = await exec(head.client, shellJoin(['sh', '-c', 'cat > "$1"', 'sh', `${path}/${name}`]), { stdin: content, timeoutMs: 60_000 });
      if (upload.exitCode !== 0) {
        throw new HpcrunError('preflight', 'HPCRUN_HEAD_UPLOAD', `cannot write ${path}/${name} on the head node: ${upload.stderr.trim() || `status ${upload.exitCode ?? upload.signal}`}`, {
          hint: 'check the free space and quota of TMPDIR on the head node',
        });
      }
    }
    removeHandler();
    if (interrupted) return { exitCode: undefined, signal: undefined, timedOut: false, interruptedBy: interrupted, durationMs: 0 };
    const placed = inDir(job, path);
    return await runRemoteJob({ client: head.client, argv: [...placed.argv, ...job.program], env: remoteEnv(deps.env, placed.env), timeoutMs, cleanupDir: path }, deps);
  } finally {
    removeHandler();
    if (dir) await exec(head.client, shellJoin(['rm', '-rf', '--', dir]), { timeoutMs: 30_000 }).catch(() => undefined);
  }
}

/** Runs a job on the head node and keeps its output (bench kernels); `cancel` stops it as Ctrl-C would. */
export async function captureOnHead(head: Connection, job: Job, cancel: AbortSignal | undefined, deps: Deps): Promise<RunResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const collect = (into: Buffer[]) => ({ write: (chunk: string | Uint8Array) => into.push(Buffer.from(chunk)) > 0 });
  const onSignal: Deps['onSignal'] = (handler) => {
    const listener = () => handler('SIGINT');
    if (cancel?.aborted) queueMicrotask(listener);
    cancel?.addEventListener('abort', listener, { once: true });
    return () => cancel?.removeEventListener('abort', listener);
  };
  const end = await runJobOnHead(head, job, undefined, { ...deps, stdout: collect(out), stderr: collect(err), onSignal });
  return {
    argv: [...job.argv, ...job.program],
    exitCode: end.exitCode,
    signal: end.signal,
    timedOut: end.timedOut,
    canceled: end.interruptedBy !== undefined,
    durationMs: end.durationMs,
    stdout: Buffer.concat(out).toString(),
    stderr: Buffer.concat(err).toString(),
    spawnFailed: false,
    ok: end.exitCode === 0,
  };
}
