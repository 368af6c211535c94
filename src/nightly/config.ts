// Reading hpcrun-nightly.json: a missing file is not-found (66), a bad one an
// input error (65) that names the field. Relative paths in it are resolved
// against the file's folder, so the workflow can run from anywhere.

import { dirname, isAbsolute, resolve } from 'node:path';
import { inputError } from '../errors.js';
import { readInput } from '../io/read-input.js';
import { checkNightlyConfig, joinErrors, type NightlyConfig } from '../schemas/index.js';

export interface LoadedConfig {
  path: string;
  config: NightlyConfig;
  /** A path from the config, made absolute. */
  resolve: (path: string) => string;
}

export async function readNightlyConfig(file: string, cwd: string): Promise<LoadedConfig> {
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  const text = await readInput(path, `the nightly config ${file}`, 'HPCRUN_NIGHTLY_CONFIG_NOT_FOUND', 'write one with `hpcrun nightly init`, or pass --config PATH');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw inputError('HPCRUN_NIGHTLY_CONFIG_INVALID', `${file}: not valid JSON (${(error as Error).message})`, 'see benchmarks/nightly.schema.json, or write a new one with `hpcrun nightly init`');
  }
  const checked = checkNightlyConfig(data);
  if (!checked.ok) throw inputError('HPCRUN_NIGHTLY_CONFIG_INVALID', `${file}: ${joinErrors(checked.errors)}`, 'see benchmarks/nightly.schema.json, or write a new one with `hpcrun nightly init`');
  const base = dirname(path);
  return { path, config: checked.value, resolve: (p) => (isAbsolute(p) ? p : resolve(base, p)) };
}
