import { describe, expect, it } from 'vitest';
import { findShape, toNodeShape, validateCatalog, type Catalog } from '../../src/core/catalog/catalog.js';
import { placementPolicies, planJob, NO_COMPACT_PLACEMENT_FAMILIES } from '../../src/core/plan/index.js';
import catalogJson from '../../placement/gce-catalog.json' with { type: 'json' };
import { job } from '../fixtures/plan/helpers.js';

const catalog = validateCatalog(catalogJson).ok ? (catalogJson as Catalog) : (undefined as never);

describe('GCE compact placement policies', () => {
  it.each([
    // nodes, requested maxDistance, expected [vmCount, maxDistance][]
    [2, undefined, [[2, 1]]],
    [22, undefined, [[22, 1]]],
    [23, undefined, [[23, 2]]],
    [150, undefined, [[150, 2]]],
    [151, undefined, [[151, undefined]]],
    [1500, undefined, [[1500, undefined]]],
    [1501, undefined, [[751, undefined], [750, undefined]]],
    [4096, undefined, [[1366, undefined], [1365, undefined], [1365, undefined]]],
    [100, 1, [[20, 1], [20, 1], [20, 1], [20, 1], [20, 1]]],
    [300, 2, [[150, 2], [150, 2]]],
    [40, 3, [[40, 3]]],
  ] as const)('%i VMs, maxDistance %s -> %j', (nodes, distance, expected) => {
    const policies = placementPolicies(nodes, distance);
    expect(policies.map((p) => [p.vmCount, p.maxDistance])).toEqual(expected);
    expect(policies.every((p) => p.collocation === 'COLLOCATED')).toBe(true);
    // Consecutive node ranges covering every node once.
    let next = 0;
    for (const p of policies) {
      expect(p.firstNode).toBe(next);
      next += p.vmCount;
    }
    expect(next).toBe(nodes);
  });

  it('puts the policies, TERMINATE on host maintenance and the provisioning model in a c2 plan', () => {
    const plan = planJob(job({ grid: [64, 64, 64], spot: true }), findShape(catalog, 'c2-standard-60'));
    expect(plan.nodeCount).toBe(8739);
    expect(plan.gce?.onHostMaintenance).toBe('TERMINATE');
    expect(plan.gce?.provisioningModel).toBe('SPOT');
    expect(plan.gce?.policies).toHaveLength(6);
    expect(plan.warnings.some((w) => /Spot VMs are \d+% cheaper/.test(w) && w.includes('5-15%'))).toBe(true);
    expect(plan.warnings.some((w) => w.includes('over Ethernet'))).toBe(true);
  });

  it.each(NO_COMPACT_PLACEMENT_FAMILIES.map((f) => [f]))('refuses compact placement for the %s family', (family) => {
    const shape = { ...findShape(catalog, 'n2-standard-64'), name: `${family}-standard-64`, family, compactPlacement: true };
    expect(() => planJob(job({ ranks: 256, gcePlacement: 'compact' }), shape)).toThrow(new RegExp(`${family}-standard-64 \\(${family} family\\) does not support compact placement`));
    const auto = planJob(job({ ranks: 256 }), shape);
    expect(auto.gce?.policies).toEqual([]);
    expect(auto.warnings.join('\n')).toMatch(/does not support compact placement/);
  });

  it('gives no policy for a single VM and none for on-prem shapes', () => {
    expect(planJob(job({ ranks: 16 }), findShape(catalog, 'c2-standard-60')).gce?.policies).toEqual([]);
    const onprem = toNodeShape({ name: 'x', provider: 'onprem', vcpus: 64, physicalCores: 32 });
    expect(planJob(job({ ranks: 128 }), onprem).gce).toBeUndefined();
    expect(() => planJob(job({ ranks: 128, gcePlacement: 'compact' }), onprem)).toThrow(/needs a Compute Engine machine type/);
  });

  it('warns above about 1,000 cores on Ethernet only', () => {
    const eth = toNodeShape({ name: 'eth', provider: 'onprem', interconnect: 'ethernet', vcpus: 64, physicalCores: 64 });
    const ib = toNodeShape({ name: 'ib', provider: 'onprem', interconnect: 'infiniband', vcpus: 64, physicalCores: 64 });
    expect(planJob(job({ ranks: 1024 }), eth).warnings.some((w) => w.includes('1,024 cores over Ethernet'))).toBe(true);
    expect(planJob(job({ ranks: 960 }), eth).warnings).toEqual([]);
    expect(planJob(job({ ranks: 1024 }), ib).warnings).toEqual([]);
  });
});
