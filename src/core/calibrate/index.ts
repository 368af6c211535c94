// hpcrun calibrate, the pure part: the step counts, the program's argv with
// {steps} filled in, and per-step and start-up time from runs of different
// lengths. A run of s steps that takes t = startup + s·perStep; two runs give
// perStep = (t2 − t1)/(s2 − s1) and startup = t1 − s1·perStep (more runs: the
// least-squares line through all of them, which for two is exactly that).

import { HpcrunError, usageError } from '../../errors.js';

export const STEPS_PLACEHOLDER = '{steps}';
const MAX_STEPS = 1_000_000_000;

/** `10,20` → [10, 20]: at least two different whole step counts, in the order given. */
export function parseStepCounts(text: string): number[] {
  const bad = (what: string) => usageError('HPCRUN_CALIBRATE_STEPS', `--steps ${JSON.stringify(text)}: ${what}`, 'give two or more different step counts, e.g. --steps 10,20 (the second well above the first)');
  const parts = text.split(',').map((part) => part.trim());
  const counts = parts.map((part) => {
    if (!/^\d+$/.test(part)) throw bad(`${JSON.stringify(part)} is not a whole number of steps`);
    const n = Number(part);
    if (n < 1 || n > MAX_STEPS) throw bad(`${part} is not from 1 to ${MAX_STEPS}`);
    return n;
  });
  if (counts.length < 2) throw bad('one step count cannot separate per-step time from start-up');
  if (new Set(counts).size !== counts.length) throw bad('a step count repeats');
  return counts;
}

/** The program's argv with every {steps} replaced; refused when no word holds the placeholder. */
export function programWithSteps(program: readonly string[], steps: number): string[] {
  if (program.length === 0) throw usageError('HPCRUN_NO_PROGRAM', 'no program given to calibrate', 'put the program after --, for example: hpcrun calibrate --plan plan/ --steps 10,20 -- ./app --steps {steps}');
  if (!program.some((word) => word.includes(STEPS_PLACEHOLDER))) {
    throw usageError('HPCRUN_CALIBRATE_NO_PLACEHOLDER', `no ${STEPS_PLACEHOLDER} in the program's arguments (${program.join(' ')}), so every run would be the same length`, `put ${STEPS_PLACEHOLDER} where the program takes its step count, e.g. -- ./app --steps ${STEPS_PLACEHOLDER}`);
  }
  return program.map((word) => word.split(STEPS_PLACEHOLDER).join(String(steps)));
}

export interface CalibrationRun {
  steps: number;
  seconds: number;
}

export interface Calibration {
  perStepSeconds: number;
  startupSeconds: number;
  runs: CalibrationRun[];
  warnings: string[];
}

/** Per-step and start-up time from runs of two or more step counts (least squares). */
export function fitCalibration(runs: readonly CalibrationRun[]): Calibration {
  const n = runs.length;
  const meanS = runs.reduce((a, r) => a + r.steps, 0) / n;
  const meanT = runs.reduce((a, r) => a + r.seconds, 0) / n;
  const sxx = runs.reduce((a, r) => a + (r.steps - meanS) ** 2, 0);
  const sxy = runs.reduce((a, r) => a + (r.steps - meanS) * (r.seconds - meanT), 0);
  if (n < 2 || sxx === 0) throw usageError('HPCRUN_CALIBRATE_STEPS', 'calibration needs runs of at least two different step counts');
  const perStep = sxy / sxx;
  const startup = meanT - perStep * meanS;
  if (!(perStep > 0)) {
    const list = runs.map((r) => `${r.steps} steps: ${r.seconds.toFixed(3)} s`).join(', ');
    throw new HpcrunError('benchmark', 'HPCRUN_CALIBRATE_NOISE', `the longer run was not slower (${list}), so the difference is noise, not steps`, {
      hint: 'spread the step counts further apart (e.g. --steps 10,100) so the steps outweigh start-up jitter',
    });
  }
  const warnings: string[] = [];
  if (startup < 0) warnings.push(`start-up came out negative (${(startup * 1e3).toFixed(1)} ms): the runs do not lie on one line (noise, or steps that get slower as the run goes on); trust the per-step time less`);
  return { perStepSeconds: perStep, startupSeconds: startup, runs: [...runs], warnings };
}
