// `hpcrun predict --plan DIR --model MODEL.json --halo-bytes SIZE`: reads the
// plan and the model, predicts the time per step of a halo exchange on the
// plan's placement (pure, src/core/model/predict.ts), and prices the run.

import { join, resolve } from 'node:path';
import type { Deps } from '../deps.js';
import { inputError, usageError } from '../errors.js';
import { costPerRun, fromModelFile, predictHalo, type CostPerRun, type Prediction } from '../core/model/index.js';
import { PLAN_FILES, parsePlanFile } from '../core/plan/index.js';
import { parseSize } from '../core/units.js';
import { readInput } from '../io/read-input.js';
import { readModelFile } from '../io/model-file.js';

export interface PredictOptions {
  plan?: string;
  model?: string;
  haloBytes?: string;
  computeUs?: string;
  steps?: string;
}

export interface PredictOutcome {
  predicted: Pick<Prediction, 'secondsPerStep' | 'commSecondsPerStep' | 'computeSecondsPerStep' | 'totalSeconds' | 'model'>;
  costPerRun: Pick<CostPerRun, 'onDemand' | 'spotLow' | 'spotHigh'>;
  warnings: string[];
  /** For the text output; not in --json. */
  detail: { prediction: Prediction; cost: CostPerRun; haloBytes: number };
}

export function parseHaloBytes(text: string | undefined): number {
  if (text === undefined) throw usageError('HPCRUN_USAGE_MISSING_OPTION', 'predict needs --halo-bytes SIZE', 'give the bytes each rank sends to each neighbour per step, e.g. --halo-bytes 64KiB');
  const bytes = parseSize(text);
  if (bytes === undefined || bytes <= 0) {
    throw usageError('HPCRUN_BAD_HALO_BYTES', `--halo-bytes ${JSON.stringify(text)} is not a positive size`, 'give the bytes each rank sends to each neighbour per step, e.g. --halo-bytes 64KiB (at least 1 byte)');
  }
  return bytes;
}

function parseComputeUs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0) throw usageError('HPCRUN_BAD_NUMBER', `--compute-us ${JSON.stringify(text)} is not a number of microseconds ≥ 0`, 'for example --compute-us 250');
  return v;
}

export function parseSteps(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw usageError('HPCRUN_BAD_NUMBER', `--steps ${JSON.stringify(text)} is not a whole number ≥ 1`, 'for example --steps 10000');
  return Number(text);
}

export async function run(options: PredictOptions, deps: Deps): Promise<PredictOutcome> {
  if (options.plan === undefined) throw usageError('HPCRUN_USAGE_MISSING_OPTION', 'predict needs --plan DIR', 'give the folder written by `hpcrun plan --grid ... --out DIR`');
  if (options.model === undefined) throw usageError('HPCRUN_USAGE_MISSING_OPTION', 'predict needs --model MODEL.json', 'fit one with `hpcrun model fit RESULT.json --out MODEL.json`');
  const haloBytes = parseHaloBytes(options.haloBytes);
  const computeUs = parseComputeUs(options.computeUs);
  const steps = parseSteps(options.steps);
  const dir = resolve(deps.cwd, options.plan);
  const planPath = join(dir, PLAN_FILES.plan);
  const text = await readInput(planPath, planPath, 'HPCRUN_PLAN_MISSING', 'give --plan the folder written by `hpcrun plan --out DIR`');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw inputError('HPCRUN_PLAN_INVALID', `${planPath} is not JSON: ${(error as Error).message}`, 'plan again with `hpcrun plan --out DIR`');
  }
  const plan = parsePlanFile(data, planPath);
  if (plan.grid === null) {
    throw inputError('HPCRUN_PLAN_NO_GRID', `${planPath} has no grid (planned with --ranks): a halo exchange needs the Cartesian grid to know each rank's neighbours`, 'plan again with --grid AxB[xC] (and --periodic if it wraps), e.g. `hpcrun plan --grid 4x1 ... --out DIR`');
  }
  const model = await readModelFile(options.model, deps.cwd);
  const prediction = predictHalo(
    { grid: plan.grid, periodic: plan.periodic, rankToNode: plan.rankToNode, nodeCount: plan.nodes.length, haloBytes, computeUs, steps },
    fromModelFile(model, options.model),
  );
  const cost = costPerRun(prediction.totalSeconds, plan.nodeCount, { onDemandPerHour: plan.shape.onDemandPerHour, spotPerHour: plan.shape.spotPerHour });
  const { secondsPerStep, commSecondsPerStep, computeSecondsPerStep, totalSeconds } = prediction;
  return {
    predicted: { secondsPerStep, commSecondsPerStep, computeSecondsPerStep, totalSeconds, model: options.model },
    costPerRun: { onDemand: cost.onDemand, spotLow: cost.spotLow, spotHigh: cost.spotHigh },
    warnings: [...prediction.warnings, ...model.warnings.map((w) => `model: ${w}`), ...cost.notes],
    detail: { prediction, cost, haloBytes },
  };
}
