// Reading a result set back: PATH, PATH.json or PATH.csv all name the JSON,
// which is the complete record. Checks schemaVersion first (a file of another
// version says which it has and which this hpcrun reads; version 1 is
// upgraded, see upgrade.ts), then the schema.

import { readFile } from 'node:fs/promises';
import { HpcrunError, inputError } from '../errors.js';
import { checkResultSet, joinErrors, resultSetVersion, show, type ResultSet } from '../schemas/index.js';
import { resultPaths } from './paths.js';

const SCHEMA_HINT = 'see results/README.md and results/result-set.schema.json';

/** Validates parsed JSON as a result set; `source` names it in errors. */
export function validateResultSet(value: unknown, source: string): ResultSet {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw inputError('HPCRUN_RESULTS_INVALID', `${source}: not a result set (expected a JSON object)`, SCHEMA_HINT);
  }
  const version = resultSetVersion(value);
  if (!version.ok) {
    const newer = typeof version.found === 'number' && version.found > version.need;
    throw inputError(
      'HPCRUN_RESULTS_VERSION',
      `${source}: result schemaVersion ${show(version.found)} found; this hpcrun reads schemaVersion ${version.need} (and upgrades 1)`,
      newer ? 'upgrade hpcrun to read this file' : 'was this file written by hpcrun?',
    );
  }
  const checked = checkResultSet(value);
  if (!checked.ok) throw inputError('HPCRUN_RESULTS_INVALID', `${source}: ${joinErrors(checked.errors)}`, SCHEMA_HINT);
  return checked.value;
}
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
