// `hpcrun model fit RESULT... --out MODEL.json`: read result sets, fit the
// model (pure, src/core/model/fit.ts), write it atomically.

import type { Deps } from '../deps.js';
import { usageError } from '../errors.js';
import { fitModel, type FitInput } from '../core/model/index.js';
import { readModelFile, writeModelFile } from '../io/model-file.js';
import { readResultSet } from '../results/index.js';
import type { ModelFile } from '../schemas/index.js';
import { VERSION } from '../version.js';

export interface FitCommandOptions {
  files: string[];
  out?: string;
  force?: boolean;
  robust?: boolean;
}

export interface FitOutcome {
  /** --out as given. */
  path: string;
  model: ModelFile;
}

/** Reads every input, fits (nothing is written when either fails), then writes. */
export async function fit(options: FitCommandOptions, deps: Deps): Promise<FitOutcome> {
  if (options.out === undefined) throw usageError('HPCRUN_MODEL_NO_OUT', 'model fit needs --out MODEL.json', 'for example `hpcrun model fit results/bench.json --out model.json`');
  const inputs: FitInput[] = [];
  for (const file of options.files) inputs.push({ file, set: await readResultSet(file, deps.cwd) });
  const model = fitModel(inputs, { created: deps.now(), hpcrun: VERSION, robust: options.robust === true });
  await writeModelFile(options.out, deps.cwd, model, options.force === true);
  return { path: options.out, model };
}

export { readModelFile };
