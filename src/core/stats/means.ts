// The right mean for the quantity (Hoefler & Belli): arithmetic for costs
// such as times, harmonic for rates such as MB/s over equal work, geometric
// only to summarise ratios. Never average ratios arithmetically.

import { geometricMean as ssGeometric, harmonicMean as ssHarmonic, mean as ssMean } from 'simple-statistics';

/** Arithmetic mean, for costs (latencies, durations). */
export function arithmeticMean(costs: readonly number[]): number {
  if (costs.length === 0) throw new RangeError('mean of no values');
  return ssMean([...costs]);
}

/** Harmonic mean, for rates measured over equal amounts of work (bytes). */
export function harmonicMean(rates: readonly number[]): number {
  if (rates.length === 0) throw new RangeError('harmonic mean of no values');
  if (rates.some((r) => !(r > 0))) throw new RangeError('harmonic mean needs positive rates');
  return ssHarmonic([...rates]);
}

/** Geometric mean, the only honest single figure for a set of ratios. */
export function geometricMean(ratios: readonly number[]): number {
  if (ratios.length === 0) throw new RangeError('geometric mean of no values');
  if (ratios.some((r) => !(r > 0))) throw new RangeError('geometric mean needs positive ratios');
  return ssGeometric([...ratios]);
}
