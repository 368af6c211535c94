// Runs a job on this machine: its files in a fresh temp folder that is always
// removed, the launcher's argv with the program after it.

import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Deps } from '../deps.js';
import { HpcrunError } from '../errors.js';
import { makeJobDir } from '../io/job-dir.js';
import { inDir } from '../core/launchers/index.js';
import { type JobEnd, runLocalJob } from '../exec/job.js';
import { type RunResult, runCommand } from '../exec/run.js';
import type { CaptureOptions, Job, RunOptions } from './types.js';

async function withJobDir<T>(files: Readonly<Record<string, string>>, work: (dir: string) => Promise<T>): Promise<T> {
  let dir: string;
  try {
    dir = await makeJobDir('hpcrun-launch');
  } catch (error) {
    throw new HpcrunError('output', 'HPCRUN_TMP_UNWRITABLE', `cannot create a temporary folder in ${tmpdir()}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      hint: 'set TMPDIR to a writable folder',
    });
  }
  try {
    for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The job's argv and env with its folder filled in, here. */
function placed(job: Job, dir: string, env: Deps['env']): { argv: string[]; env: Record<string, string | undefined> } {
  const command = inDir(job, dir);
  return { argv: [...command.argv, ...job.program], env: { ...env, ...command.env } };
}

export function runHere(job: Job, options: RunOptions, deps: Deps): Promise<JobEnd> {
  return withJobDir(job.files, (dir) => runLocalJob({ ...placed(job, dir, deps.env), timeoutMs: options.timeoutMs }, deps));
}

export function captureHere(job: Job, options: CaptureOptions, deps: Deps): Promise<RunResult> {
  return withJobDir(job.files, (dir) => {
    const { argv, env } = placed(job, dir, deps.env);
    return runCommand(argv, { env, extendEnv: false, cancel: options.cancel });
  });
}
