// The files `--bcast` and `--stage` copy to nodes that share no filesystem
// (launch, calibrate): the program as a path or from this machine's PATH, and
// any other files, each checked here before any host is contacted.

import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Deps } from '../deps.js';
import { HpcrunError } from '../errors.js';
import type { StageFile } from './types.js';

/** The local file --bcast copies: the program as a path, or as found on this machine's PATH. */
async function localProgram(program: string, deps: Deps): Promise<string> {
  const candidates = program.includes('/') ? [resolve(deps.cwd, program)] : (deps.env.PATH ?? '').split(':').filter(Boolean).map((dir) => join(dir, program));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  throw new HpcrunError('not-found', 'HPCRUN_PROGRAM_MISSING', `--bcast copies ${program} from this machine, but ${program.includes('/') ? 'it is not an executable file here' : 'it is not on the PATH here'}`, {
    hint: 'give the path of the program to copy, for example ./a.out',
  });
}

/** The files --bcast and --stage copy to the nodes, with the names they get there. */
export async function stageList(options: { bcast?: boolean | undefined; stage?: string[] | undefined }, program: string, deps: Deps): Promise<StageFile[]> {
  const files: StageFile[] = [];
  if (options.bcast) files.push({ local: await localProgram(program, deps), name: basename(program), mode: 0o755 });
  for (const path of options.stage ?? []) {
    const local = resolve(deps.cwd, path);
    let mode: number;
    try {
      const info = await stat(local);
      if (!info.isFile()) throw new Error('not a file');
      mode = info.mode & 0o777;
    } catch {
      throw new HpcrunError('not-found', 'HPCRUN_STAGE_MISSING', `--stage ${path}: no such file here`, { hint: 'name a file on this machine; it is copied into the job\'s folder on every node' });
    }
    files.push({ local, name: basename(local), mode });
  }
  return files;
}
