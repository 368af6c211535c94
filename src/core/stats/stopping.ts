// Adaptive stopping (Hoefler & Belli): keep sampling until the median's 95%
// CI lies within ±target of the median, or until the sample cap.

import { MIN_SAMPLES_FOR_CI, summarize, type Summary } from './summary.js';

export type StopReason = 'ci-target' | 'sample-cap';

export interface StoppingPolicy {
  /** Target relative half-width, e.g. 0.05 for ±5% of the median. */
  targetRelHalfWidth: number;
  /** Hard cap on the number of samples. */
  maxSamples: number;
  /** Do not stop on the CI before this many samples (at least 6, where the CI is defined). */
  minSamples?: number;
}

export interface StopDecision {
  stop: boolean;
  /** Which rule ended the run; undefined while continuing. */
  reason: StopReason | undefined;
  n: number;
  /** Relative half-width now, max(median − low, high − median)/median; undefined with n ≤ 5. */
  relHalfWidth: number | undefined;
  summary: Summary | undefined;
}

export const STOPPING_RULE =
  'stop when max(median - ci95_low, ci95_high - median) <= target * median (n > 5), or when n reaches the sample cap';

export function validatePolicy(policy: StoppingPolicy): string[] {
  const problems: string[] = [];
  if (!(policy.targetRelHalfWidth > 0 && policy.targetRelHalfWidth < 1)) {
    problems.push(`target relative half-width ${policy.targetRelHalfWidth} must be between 0 and 1 (e.g. 0.05)`);
  }
  if (!Number.isInteger(policy.maxSamples) || policy.maxSamples < 1) {
    problems.push(`sample cap ${policy.maxSamples} must be a positive whole number`);
  }
  if (policy.minSamples !== undefined && (!Number.isInteger(policy.minSamples) || policy.minSamples < 1)) {
    problems.push(`minimum samples ${policy.minSamples} must be a positive whole number`);
  }
  return problems;
}

/** Decides whether to stop after the samples so far (warm-up already excluded). */
export function decideStop(samples: readonly number[], policy: StoppingPolicy): StopDecision {
  const problems = validatePolicy(policy);
  if (problems.length > 0) throw new RangeError(problems.join('; '));
  const n = samples.length;
  const summary = n > 0 ? summarize(samples) : undefined;
  const relHalfWidth = summary?.ciRelHalfWidth;
  const minForCI = Math.max(MIN_SAMPLES_FOR_CI, policy.minSamples ?? 0);
  if (n >= minForCI && relHalfWidth !== undefined && relHalfWidth <= policy.targetRelHalfWidth) {
    return { stop: true, reason: 'ci-target', n, relHalfWidth, summary };
  }
  if (n >= policy.maxSamples) {
    return { stop: true, reason: 'sample-cap', n, relHalfWidth, summary };
  }
  return { stop: false, reason: undefined, n, relHalfWidth, summary };
}
