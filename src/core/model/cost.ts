// Cost of one run, and the time–cost Pareto front. Pure.
//
//   on demand  = nodes × $/h on demand × hours
//   Spot       = nodes × $/h Spot × hours / (1 − ℓ), for ℓ from 5% to 15%
// ℓ is the share of the VM-hours paid for that preemption throws away and
// that must be run again (Google's guidance for Spot/preemptible VMs: a
// 5–15% loss rate, so the paid hours are hours/(1 − ℓ)). spotLow uses ℓ = 5%,
// spotHigh ℓ = 15%. Without a catalog Spot price, Spot is null with the
// reason: the catalog's null means "not offered" (H3) as well as "not
// recorded", so guessing 80% off the on-demand price could price a VM that
// cannot be bought as Spot.

export const SPOT_LOSS_LOW = 0.05;
export const SPOT_LOSS_HIGH = 0.15;

export interface CostPerRun {
  onDemand: number | null;
  spotLow: number | null;
  spotHigh: number | null;
  /** Why a figure is null, or how it was made. */
  notes: string[];
}

export interface Prices {
  onDemandPerHour: number | null | undefined;
  spotPerHour: number | null | undefined;
}

export function costPerRun(totalSeconds: number | null, nodes: number, prices: Prices | null | undefined): CostPerRun {
  const notes: string[] = [];
  if (totalSeconds === null) return { onDemand: null, spotLow: null, spotHigh: null, notes: ['no --steps: the run has no length to price'] };
  const onDemandRate = prices?.onDemandPerHour ?? null;
  const spotRate = prices?.spotPerHour ?? null;
  if (onDemandRate === null && spotRate === null) return { onDemand: null, spotLow: null, spotHigh: null, notes: ['the machine has no price in the catalog'] };
  if (spotRate === null) notes.push('the machine has no Spot price in the catalog (not offered, or not recorded): spotLow and spotHigh are null');
  const hours = totalSeconds / 3600;
  if (onDemandRate === null) notes.push('the machine has no on-demand price in the catalog');
  return {
    onDemand: onDemandRate === null ? null : nodes * onDemandRate * hours,
    spotLow: spotRate === null ? null : (nodes * spotRate * hours) / (1 - SPOT_LOSS_LOW),
    spotHigh: spotRate === null ? null : (nodes * spotRate * hours) / (1 - SPOT_LOSS_HIGH),
    notes,
  };
}

/**
 * Indices of the points on the time–cost Pareto front: no other point is at
 * least as fast and at least as cheap, and strictly better in one. Points
 * with an unknown time or cost are never on it.
 */
export function paretoFront(points: readonly { time: number | null; cost: number | null }[]): Set<number> {
  const front = new Set<number>();
  points.forEach((p, i) => {
    if (p.time === null || p.cost === null) return;
    const dominated = points.some(
      (q, j) => j !== i && q.time !== null && q.cost !== null && q.time <= p.time! && q.cost <= p.cost! && (q.time < p.time! || q.cost < p.cost!),
    );
    if (!dominated) front.add(i);
  });
  return front;
}
