// plan --recommend's prediction inputs: --model [MACHINE=]FILE (repeatable),
// --steps, --compute-us, --objective, and the published latency figures.
// Reads the files (so it lives in io/); the choice of figures per shape is pure (core/model/choose.ts).

import { fileURLToPath } from 'node:url';
import type { Deps } from '../deps.js';
import { inputError, usageError } from '../errors.js';
import { networkFor, type GivenModel } from '../core/model/choose.js';
import type { Objective, RecommendOptions } from '../core/plan/recommend.js';
import { readInput } from './read-input.js';
import { readModelFile } from './model-file.js';
import { checkPublishedLatency, joinErrors, type PublishedLatency } from '../schemas/index.js';
import { parseComputeUs, parseSteps } from '../core/model/options.js';

export const PUBLISHED_LATENCY = fileURLToPath(new URL('../../placement/published-latency.json', import.meta.url));

export interface RecommendFlags {
  model?: string[];
  steps?: string;
  computeUs?: string;
  objective?: string;
}

/** These flags only mean something with --recommend: refused (64) without it, never silently ignored. */
export function checkRecommendOnly(flags: RecommendFlags | undefined): void {
  const given = [
    flags?.model !== undefined ? '--model' : undefined,
    flags?.steps !== undefined ? '--steps' : undefined,
    flags?.computeUs !== undefined ? '--compute-us' : undefined,
    flags?.objective !== undefined ? '--objective' : undefined,
  ].filter((f): f is string => f !== undefined);
  if (given.length > 0) {
    throw usageError('HPCRUN_RECOMMEND_ONLY', `${given.join(', ')} ${given.length === 1 ? 'goes' : 'go'} with --recommend`, 'add --recommend to rank every shape, or use `hpcrun predict --plan DIR --model FILE` for one plan');
  }
}

/** `c2=model.json` → machine c2; a path alone applies to every shape. */
function splitModel(text: string): { machine: string | undefined; file: string } {
  const m = /^([A-Za-z0-9][A-Za-z0-9_.-]*)=(.+)$/.exec(text);
  return m ? { machine: m[1], file: m[2] as string } : { machine: undefined, file: text };
}

async function readPublished(): Promise<PublishedLatency> {
  const text = await readInput(PUBLISHED_LATENCY, PUBLISHED_LATENCY, 'HPCRUN_FILE_NOT_FOUND');
  const checked = checkPublishedLatency(JSON.parse(text));
  if (!checked.ok) throw inputError('HPCRUN_BAD_PUBLISHED_LATENCY', `${PUBLISHED_LATENCY}: ${joinErrors(checked.errors)}`);
  return checked.value;
}

export async function readRecommendInputs(flags: RecommendFlags | undefined, haloBytes: number | undefined, deps: Deps): Promise<{ options: RecommendOptions; warnings: string[] }> {
  const objective = flags?.objective ?? 'cost';
  if (objective !== 'cost' && objective !== 'time') throw usageError('HPCRUN_BAD_OBJECTIVE', `--objective ${JSON.stringify(objective)} is not cost or time`, 'rank by --objective cost (cost per run) or --objective time (time per step)');
  const steps = parseSteps(flags?.steps);
  const computeUs = parseComputeUs(flags?.computeUs);
  const models: GivenModel[] = [];
  const seen = new Set<string>();
  for (const text of flags?.model ?? []) {
    const { machine, file } = splitModel(text);
    const key = machine ?? '*';
    if (seen.has(key)) throw usageError('HPCRUN_MODEL_TWICE', `--model ${machine === undefined ? 'FILE' : `${machine}=`} is given twice`, 'give one model per machine (and at most one for every shape)');
    seen.add(key);
    models.push({ machine, name: file, model: await readModelFile(file, deps.cwd) });
  }
  const published = await readPublished();
  const warnings: string[] = [];
  if (haloBytes === undefined) warnings.push('no --halo-bytes: nothing to predict (predicted and costPerRun are null)');
  else if (steps === undefined) warnings.push('no --steps: no runtime or cost per run; ranked by $/h');
  return {
    options: { networkFor: (shape) => networkFor(shape, models, published), predict: { haloBytes, computeUs, steps }, objective: objective as Objective },
    warnings,
  };
}
