// Before removing a state folder recursively as root, make sure it holds only
// what hpcrun itself puts there: a mistyped HPCRUN_*_DIR must never cost a home folder.

import { readdir } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { HpcrunError } from '../errors.js';

export async function checkOwnedDir(dir: string, allowed: ReadonlySet<string>, what: string, envVar: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    entries = [];
  }
  // Dot-files are hpcrun's own temp files (atomic writes).
  const foreign = entries.filter((name) => !allowed.has(name) && !name.startsWith('.'));
  if (!isAbsolute(dir) || dir === '/' || foreign.length > 0) {
    throw new HpcrunError('usage', 'HPCRUN_STATE_DIR_FOREIGN', `${dir} does not look like ${what}${foreign.length > 0 ? ` (it holds ${foreign.slice(0, 3).join(', ')})` : ''}; not removing it`, {
      hint: `point ${envVar} at a folder used only for ${what}`,
    });
  }
}
