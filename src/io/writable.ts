// Checks, before anything is written, that a file can be written where the
// user asked: its folder exists and is writable, and the path is not a folder.
// Commands that write several files check them all first, so a bad path
// leaves nothing half-done.

import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { HpcrunError } from '../errors.js';

/** Resolves `path` against `cwd` and checks it can be written; returns the absolute path. */
export async function checkWritable(path: string, cwd: string, option: string): Promise<string> {
  const full = isAbsolute(path) ? path : resolve(cwd, path);
  const fail = (why: string, cause?: unknown): never => {
    throw new HpcrunError('output', 'HPCRUN_OUTPUT_UNWRITABLE', `${option} ${path}: ${why}`, {
      cause,
      hint: `choose a path in a folder that exists and that you can write, for example ${option} ./${option.replace(/^--/, '')}-out`,
    });
  };
  const existing = await stat(full).catch(() => undefined);
  if (existing?.isDirectory()) fail('is a folder, not a file');
  const dir = dirname(full);
  const info = await stat(dir).catch((error: unknown) => fail(`its folder ${dir} does not exist`, error));
  if (!info.isDirectory()) fail(`${dir} is not a folder`);
  await access(dir, constants.W_OK).catch((error: unknown) => fail(`its folder ${dir} is not writable`, error));
  return full;
}
