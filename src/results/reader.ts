// Reading a result set back: PATH, PATH.json or PATH.csv all name the JSON,
// which is the complete record. Validates schemaVersion; older versions
// are upgraded (upgrade.ts).

import { readFile } from 'node:fs/promises';
import { HpcrunError, inputError } from '../errors.js';
import { resultPaths } from './paths.js';
import { validateResultSet, type ResultSet } from './schema.js';
import { upgradeResultSet } from './upgrade.js';

export function parseResultSet(text: string, source: string): ResultSet {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw inputError('HPCRUN_RESULTS_INVALID', `${source}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  return validateResultSet(upgradeResultSet(value), source);
}

export async function readResultSet(path: string, cwd: string): Promise<ResultSet> {
  const { json } = resultPaths(path, cwd);
  let text: string;
  try {
    text = await readFile(json, 'utf8');
  } catch (error) {
    throw new HpcrunError('not-found', 'HPCRUN_RESULTS_NOT_FOUND', `cannot read result set ${json}`, {
      cause: error,
      hint: 'pass the PATH given to --out, or its .json file',
    });
  }
  return parseResultSet(text, json);
}
