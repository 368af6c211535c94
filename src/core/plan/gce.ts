// Google Compute Engine compact placement: groupPlacementPolicy.collocation =
// COLLOCATED. maxDistance is in the beta API only. Slurm-on-GCP caps a policy
// at 22 VMs with maxDistance 1, 150 with 2 and 1,500 otherwise, so larger
// jobs are split over several policies of consecutive nodes (the compact
// mapping numbers nodes so that neighbouring sub-boxes are consecutive).

import { HpcrunError } from '../../errors.js';
import type { GcePlacement, JobSpec, NodeShape, PlacementPolicy } from './types.js';

export const MAX_VMS_BY_DISTANCE: Readonly<Record<number, number>> = { 1: 22, 2: 150, 3: 1500 };
export const MAX_VMS_PER_POLICY = 1500;
export const NO_COMPACT_PLACEMENT_FAMILIES: readonly string[] = ['e2', 'n1', 't2d', 't2a', 'm1', 'm2', 'm3'];

export function familyOf(shape: NodeShape): string {
  return (shape.family ?? shape.name.split('-')[0] ?? shape.name).toLowerCase();
}

export function supportsCompactPlacement(shape: NodeShape): boolean {
  return shape.compactPlacement && !NO_COMPACT_PLACEMENT_FAMILIES.includes(familyOf(shape));
}

export function compactRefusal(shape: NodeShape): string {
  return (
    `${shape.name} (${familyOf(shape)} family) does not support compact placement policies; ` +
    `families ${NO_COMPACT_PLACEMENT_FAMILIES.join(', ')} do not`
  );
}

/** Splits `nodes` VMs into policies; undefined maxDistance picks the tightest that fits in one. */
export function placementPolicies(nodes: number, maxDistance: number | undefined, prefix = 'hpcrun-compact'): PlacementPolicy[] {
  let distance = maxDistance;
  if (distance === undefined) {
    distance = nodes <= 22 ? 1 : nodes <= 150 ? 2 : undefined;
  }
  const limit = distance === undefined ? MAX_VMS_PER_POLICY : (MAX_VMS_BY_DISTANCE[distance] ?? MAX_VMS_PER_POLICY);
  const groups = Math.ceil(nodes / limit);
  const q = Math.floor(nodes / groups);
  const extra = nodes - q * groups;
  const out: PlacementPolicy[] = [];
  let first = 0;
  for (let g = 0; g < groups; g += 1) {
    const vmCount = g < extra ? q + 1 : q;
    out.push({
      name: groups === 1 ? prefix : `${prefix}-${g + 1}`,
      collocation: 'COLLOCATED',
      vmCount,
      maxDistance: distance,
      firstNode: first,
    });
    first += vmCount;
  }
  return out;
}

/** The GCE part of a plan, or undefined (with a warning pushed) when there is none. */
export function gcePlacement(job: JobSpec, shape: NodeShape, nodes: number, warnings: string[]): GcePlacement | undefined {
  if (shape.provider !== 'gce') {
    if (job.gcePlacement === 'compact') {
      throw new HpcrunError('usage', 'HPCRUN_PLAN_NOT_GCE', `--gce-placement compact needs a Compute Engine machine type; ${shape.name} is not one`, {
        hint: 'use --machine with a catalog machine type, or drop --gce-placement',
      });
    }
    return undefined;
  }
  const provisioningModel = job.spot ? 'SPOT' : 'STANDARD';
  if (job.gcePlacement === 'none' || nodes < 2) {
    return { policies: [], onHostMaintenance: 'TERMINATE', provisioningModel };
  }
  if (!supportsCompactPlacement(shape)) {
    if (job.gcePlacement === 'compact') {
      throw new HpcrunError('infeasible', 'HPCRUN_PLAN_NO_COMPACT_PLACEMENT', compactRefusal(shape), {
        hint: 'choose a c2, c2d, c3, h3, n2 or n2d machine type, or use --gce-placement none',
      });
    }
    warnings.push(`${compactRefusal(shape)}: the ${nodes} VMs may land far apart`);
    return { policies: [], onHostMaintenance: 'TERMINATE', provisioningModel };
  }
  return { policies: placementPolicies(nodes, job.maxDistance), onHostMaintenance: 'TERMINATE', provisioningModel };
}
