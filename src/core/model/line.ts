// The one weighted line fit under the segmented regression (segmented.ts)
// and its robust variant (huber.ts). Pure.

import type { Point } from './segmented.js';

/**
 * Weighted least squares of t = α + b·n on relative residuals: weights
 * w_i/t_i² (w_i = 1 without `weights`). b is kept ≥ 0: a flat regime, not a
 * faster-for-larger one.
 */
export function weightedLine(points: readonly Point[], weights?: readonly number[]): { a: number; b: number } {
  let sw = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  points.forEach((p, i) => {
    const w = (weights ? (weights[i] as number) : 1) / (p.us * p.us);
    sw += w;
    sx += w * p.bytes;
    sy += w * p.us;
    sxx += w * p.bytes * p.bytes;
    sxy += w * p.bytes * p.us;
  });
  const det = sw * sxx - sx * sx;
  let b = det > 0 ? (sw * sxy - sx * sy) / det : 0;
  if (!(b > 0)) b = 0;
  return { a: (sy - b * sx) / sw, b };
}
