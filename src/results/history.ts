// Reading a history of result sets (the gate's baseline, nightly's history
// folder): files and directories; a directory means every *.json in it.
// Incomplete sets are left out with a note; the rest are ordered by
// metadata.date, oldest first.

import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { HpcrunError } from '../errors.js';
import { readResultSet } from './reader.js';
import type { ResultSet } from './schema.js';

export interface HistoryEntry {
  path: string;
  set: ResultSet;
}

export interface History {
  runs: HistoryEntry[];
  notes: string[];
}

/** Every *.json file of a directory, by name; [] when there are none. */
export async function jsonFilesIn(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names.filter((name) => name.endsWith('.json') && !name.startsWith('.')).sort().map((name) => join(dir, name));
}

async function expand(path: string, cwd: string, allowEmptyDir: boolean): Promise<string[]> {
  const full = isAbsolute(path) ? path : resolve(cwd, path);
  let info;
  try {
    info = await stat(full);
  } catch (error) {
    // A FILE may be named without .json (PATH as given to --out); readResultSet resolves that.
    if (!full.endsWith('.json')) {
      const json = await stat(`${full}.json`).catch(() => undefined);
      if (json?.isFile()) return [`${full}.json`];
    }
    throw new HpcrunError('not-found', 'HPCRUN_BASELINE_NOT_FOUND', `baseline ${path} does not exist`, {
      cause: error,
      hint: 'pass a folder of earlier result sets (the nightly history) or their .json files',
    });
  }
  if (!info.isDirectory()) return [full];
  const files = await jsonFilesIn(full);
  if (files.length === 0 && !allowEmptyDir) {
    throw new HpcrunError('not-found', 'HPCRUN_BASELINE_EMPTY', `baseline folder ${path} holds no *.json result sets`, {
      hint: 'point --baseline at a folder of earlier `hpcrun bench` result sets (their .json files)',
    });
  }
  return files;
}

/**
 * Reads every result set the paths name. A file that is not a result set is
 * an error that names it (a corrupt history must not silently shrink).
 */
export async function readHistory(paths: readonly string[], cwd: string, options: { allowEmptyDir?: boolean } = {}): Promise<History> {
  const files = [...new Set((await Promise.all(paths.map((p) => expand(p, cwd, options.allowEmptyDir === true)))).flat())];
  const notes: string[] = [];
  const runs: HistoryEntry[] = [];
  for (const path of files) {
    const set = await readResultSet(path, cwd);
    if (!set.metadata.complete) {
      notes.push(`left out ${path}: an incomplete result set${set.metadata.incompleteReason ? ` (${set.metadata.incompleteReason})` : ''}`);
      continue;
    }
    runs.push({ path, set });
  }
  runs.sort((a, b) => Date.parse(a.set.metadata.date) - Date.parse(b.set.metadata.date) || a.path.localeCompare(b.path));
  return { runs, notes };
}
