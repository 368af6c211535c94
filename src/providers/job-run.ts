// Puts a job's files in place (a temp folder here, or one on the head node),
// runs the launcher, and always removes the folder again.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Deps } from '../deps.js';
import { HpcrunError } from '../errors.js';
import { type JobDescription, placeJob } from '../core/launch.js';
import { type JobEnd, runLocalJob, runRemoteJob } from '../exec/job.js';
import { shellJoin } from '../exec/quote.js';
import { type Connection, exec } from '../exec/ssh.js';

export async function runJobHere(job: JobDescription, timeoutMs: number | undefined, deps: Deps): Promise<JobEnd> {
  let dir: string;
  try {
    dir = await mkdtemp(join(tmpdir(), 'hpcrun-launch-'));
  } catch (error) {
    throw new HpcrunError('output', 'HPCRUN_TMP_UNWRITABLE', `cannot create a temporary folder in ${tmpdir()}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      hint: 'set TMPDIR to a writable folder',
    });
  }
  try {
    for (const [name, content] of Object.entries(job.files)) await writeFile(join(dir, name), content);
    const placed = placeJob(job, dir);
    return await runLocalJob({ argv: placed.argv, env: { ...deps.env, ...placed.env }, timeoutMs }, deps);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Variables set on the head node: OMPI_* from here plus the job's own; never secrets. */
export function remoteEnv(env: Deps['env'], job: Readonly<Record<string, string>>): Record<string, string> {
  const ompi = Object.entries(env).filter((entry): entry is [string, string] => entry[0].startsWith('OMPI_') && entry[1] !== undefined);
  return { ...Object.fromEntries(ompi), ...job };
}

export async function runJobOnHead(head: Connection, job: JobDescription, timeoutMs: number | undefined, deps: Deps): Promise<JobEnd> {
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
    const placed = placeJob(job, path);
    return await runRemoteJob({ client: head.client, argv: placed.argv, env: remoteEnv(deps.env, placed.env), timeoutMs }, deps);
  } finally {
    removeHandler();
    if (dir) await exec(head.client, shellJoin(['rm', '-rf', '--', dir]), { timeoutMs: 30_000 }).catch(() => undefined);
  }
}
