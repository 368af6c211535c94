// Reading and writing model files (MODEL.json from `hpcrun model fit`).
// Reading checks the kind and version first, then the schema; writing is
// atomic and refuses to replace a file without `force`.

import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { HpcrunError, inputError } from '../errors.js';
import { checkModelFile, joinErrors, type ModelFile } from '../schemas/index.js';
import { writeFileAtomic } from './atomic.js';
import { readInput } from './read-input.js';

const FIT_HINT = 'fit it again with this hpcrun: `hpcrun model fit RESULT.json... --out MODEL.json`';

export async function readModelFile(path: string, cwd: string): Promise<ModelFile> {
  const absolute = resolve(cwd, path);
  const text = await readInput(absolute, `model ${path}`, 'HPCRUN_MODEL_NOT_FOUND', 'give --model the file written by `hpcrun model fit --out MODEL.json`');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw inputError('HPCRUN_MODEL_INVALID', `model ${path} is not valid JSON: ${(error as Error).message}`, FIT_HINT);
  }
  const checked = checkModelFile(data);
  if (!checked.ok) {
    const version = checked.errors.some((e) => e.startsWith('model schemaVersion'));
    throw inputError(version ? 'HPCRUN_MODEL_VERSION' : 'HPCRUN_MODEL_INVALID', `model ${path}: ${joinErrors(checked.errors)}`, FIT_HINT);
  }
  return checked.value;
}

/** Writes MODEL.json atomically; an existing file is replaced only with `force`. */
export async function writeModelFile(path: string, cwd: string, model: ModelFile, force: boolean): Promise<string> {
  const absolute = resolve(cwd, path);
  const existing = await stat(absolute).catch(() => undefined);
  if (existing?.isDirectory()) throw new HpcrunError('output', 'HPCRUN_OUTPUT_UNWRITABLE', `--out ${path} is a directory`, { hint: 'give --out a file name, e.g. --out model.json' });
  if (existing && !force) throw new HpcrunError('output', 'HPCRUN_OUTPUT_EXISTS', `--out ${path} already exists`, { hint: 'add --force to replace it, or choose another --out' });
  try {
    await writeFileAtomic(absolute, `${JSON.stringify(model, null, 2)}\n`);
  } catch (error) {
    throw new HpcrunError('output', 'HPCRUN_OUTPUT_UNWRITABLE', `cannot write --out ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
      cause: error,
      hint: 'choose an --out path in a directory you can write',
    });
  }
  return absolute;
}
