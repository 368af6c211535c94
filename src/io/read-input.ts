// Reads a file the user named; a missing or unreadable one is a `not-found`
// error that names it, with the error code and what to do.

import { readFile } from 'node:fs/promises';
import { HpcrunError } from '../errors.js';

export async function readInput(path: string, label: string, code: string, hint?: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new HpcrunError('not-found', code, `cannot read ${label}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { hint, cause: error });
  }
}
