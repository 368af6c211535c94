// A robust line fit for the segmented regression: Huber's M-estimator by
// iteratively reweighted least squares (IRLS), on the same relative residuals
// r = (t − fit)/t as the least-squares fit in segmented.ts.
//
// - A point within c = k·s of the line counts as in least squares; beyond it,
//   linearly (weight c/|r|), so one stalled size (a row measured while the
//   host was busy) cannot drag α and β. k = 1.345 gives 95% of least
//   squares' efficiency when the noise is Gaussian (Huber 1964; Holland and
//   Welsch 1977).
// - s, the residual scale, is re-estimated each iteration as
//   median(|r|)/0.6745 (the MAD about the line), floored at the segmented
//   fit's noise floor (0.5%) so that points on an exact line are not all
//   down-weighted.
// - The fit's loss, Σ ρ_c(r) with ρ_c(r) = r² for |r| ≤ c and 2c|r| − c²
//   beyond, replaces the sum of squares in the regime search and BIC.
// Pure.

import { weightedLine } from './line.js';
import type { LineFit, Point } from './segmented.js';

export const HUBER_K = 1.345;
const MAX_ITERATIONS = 100;
const TOLERANCE = 1e-10;

export interface HuberFit extends LineFit {
  /** The final scale s and threshold c = k·s, both relative. */
  scale: number;
  /** Points whose final weight is below 1 (beyond c). */
  downweighted: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Huber's robust fit of t = α + b·n on relative residuals; `floor` is the least scale (relative). */
export function fitLineHuber(points: readonly Point[], floor: number): HuberFit {
  let weights = points.map(() => 1);
  let { a, b } = weightedLine(points, weights);
  let scale = floor;
  for (let i = 0; i < MAX_ITERATIONS; i += 1) {
    const r = points.map((p) => (p.us - (a + b * p.bytes)) / p.us);
    scale = Math.max(median(r.map(Math.abs)) / 0.6745, floor);
    const c = HUBER_K * scale;
    weights = r.map((x) => (Math.abs(x) <= c ? 1 : c / Math.abs(x)));
    const next = weightedLine(points, weights);
    const moved = Math.abs(next.a - a) / Math.max(Math.abs(a), 1e-12) + Math.abs(next.b - b) / Math.max(Math.abs(b), 1e-18);
    a = next.a;
    b = next.b;
    if (moved < TOLERANCE) break;
  }
  const c = HUBER_K * scale;
  let loss = 0;
  let squares = 0;
  let maxRel = 0;
  let downweighted = 0;
  let sw = 0;
  let sy = 0;
  for (const p of points) {
    const r = (p.us - (a + b * p.bytes)) / p.us;
    loss += Math.abs(r) <= c ? r * r : 2 * c * Math.abs(r) - c * c;
    squares += r * r;
    if (Math.abs(r) > c) downweighted += 1;
    maxRel = Math.max(maxRel, Math.abs(r));
    sw += 1 / (p.us * p.us);
    sy += 1 / p.us;
  }
  // R² as in segmented.ts, from the plain squared relative residuals: the loss would flatter it.
  const mean = sy / sw;
  let sst = 0;
  for (const p of points) sst += ((p.us - mean) / p.us) ** 2;
  return { alphaUs: a, usPerByte: b, sse: loss, r2: sst > 0 ? 1 - squares / sst : null, maxRelResidual: maxRel, scale, downweighted };
}
