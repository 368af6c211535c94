// Faults at every step of `cluster up`, injected by the Compute Engine double
// (not Compute Engine): a refused or failed policy insert, QUOTA_EXCEEDED on
// bulkInsert, an operation that fails midway, 503/429 storms. In every case
// up (or, when the API itself is down, a later down) leaves zero resources,
// and an operation error is never retried: no create/delete loop.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Lab, UP, openLab } from './helpers.js';

let lab: Lab;
beforeEach(async () => {
  lab = await openLab();
});
afterEach(async () => {
  await lab.close();
});

const three = [...UP, '--machine', 'c2-standard-60', '--nodes', '3', '--spot', '--ttl', '2h', '--name', 'f', '--yes'];
const creates = () => ({
  policies: lab.double.requests('POST', /\/resourcePolicies\?/).length,
  bulkInserts: lab.double.requests('POST', /\/instances\/bulkInsert\?/).length,
});

describe('cluster up cleans up after every fault', () => {
  it('the policy insert is refused (HTTP 403): nothing is created, exit 75', async () => {
    lab.double.failHttp({ method: 'POST', path: /\/resourcePolicies\?/, status: 403 });
    const up = await lab.run(three);
    expect(up.code).toBe(75);
    expect(up.err).toMatch(/HPCRUN_GCE_PERMISSION_DENIED: creating the placement policy f-compact: Compute Engine answered 403 forbidden/);
    expect(creates()).toEqual({ policies: 1, bulkInserts: 0 });
    expect(lab.double.counts()).toEqual({ instances: 0, policies: 0 });
  });

  it('the policy insert operation fails: its error code is named, no VM is created', async () => {
    lab.double.failOperation({ call: 'policy.insert', error: { code: 'QUOTA_EXCEEDED', message: "Quota 'RESOURCE_POLICIES' exceeded.  Limit: 10.0 in region us-central1." } });
    const up = await lab.run(three);
    expect(up.code).toBe(75);
    expect(up.err).toMatch(/HPCRUN_GCE_QUOTA_EXCEEDED: creating the placement policy f-compact failed: QUOTA_EXCEEDED: Quota 'RESOURCE_POLICIES' exceeded/);
    expect(creates()).toEqual({ policies: 1, bulkInserts: 0 });
    expect(lab.double.counts()).toEqual({ instances: 0, policies: 0 });
  });

  it('bulkInsert ends in QUOTA_EXCEEDED: the policy is deleted, and nothing is created again (no create/delete loop)', async () => {
    lab.double.failOperation({ call: 'instances.bulkInsert', error: { code: 'QUOTA_EXCEEDED', message: "Quota 'C2_CPUS' exceeded.  Limit: 24.0 in region us-central1." } });
    const up = await lab.run(three);
    expect(up.code).toBe(75);
    expect(up.err).toMatch(/HPCRUN_GCE_QUOTA_EXCEEDED: creating the VMs f-0001 to f-0003 failed: QUOTA_EXCEEDED: Quota 'C2_CPUS' exceeded/);
    expect(up.err).toMatch(/fix: nothing was retried/);
    expect(creates()).toEqual({ policies: 1, bulkInserts: 1 });
    expect(lab.double.counts()).toEqual({ instances: 0, policies: 0 });
    // Nothing was created after the failure: only reads, waits and deletes followed it.
    const failedAt = lab.double.log.findIndex((entry) => entry.path.includes('/bulkInsert'));
    expect(lab.double.log.slice(failedAt + 1).filter((entry) => entry.method === 'POST' && !entry.path.includes('/wait'))).toEqual([]);
  });

  it('the second of two bulkInserts fails midway (ZONE_RESOURCE_POOL_EXHAUSTED after 5 VMs existed): every VM and both policies are deleted', async () => {
    lab.double.failOperation({ call: 'instances.bulkInsert', nth: 2, midway: 5, error: { code: 'ZONE_RESOURCE_POOL_EXHAUSTED', message: "The zone 'projects/hpc-proj/zones/us-central1-a' does not have enough resources available to fulfill the request." } });
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, lab.double.counts().instances)), 2);
    const up = await lab.run([...UP, '--machine', 'c2-standard-60', '--nodes', '30', '--max-distance', '1', '--name', 'mid', '--yes']);
    clearInterval(watch);
    expect(up.code).toBe(75);
    expect(up.err).toMatch(/HPCRUN_GCE_STOCKOUT: creating the VMs mid-0016 to mid-0030 failed: ZONE_RESOURCE_POOL_EXHAUSTED/);
    expect(most).toBe(15 + 5);
    expect(creates()).toEqual({ policies: 2, bulkInserts: 2 });
    expect(lab.double.counts()).toEqual({ instances: 0, policies: 0 });
  });

  it('rides out a 503/429 storm shorter than the retry budget, without creating twice', async () => {
    lab.double.failHttp({ method: 'POST', path: /\/bulkInsert\?/, status: 503, times: 3 });
    lab.double.failHttp({ method: 'POST', path: /\/operations\/.*\/wait/, status: 429, times: 4 });
    lab.double.failHttp({ method: 'GET', path: /getGuestAttributes/, status: 503, times: 2 });
    const up = await lab.run(three);
    expect(up.code, up.err).toBe(0);
    expect(up.err).toMatch(/HTTP 503; retrying in/);
    const bulk = lab.double.requests('POST', /\/bulkInsert\?/);
    expect(bulk).toHaveLength(4);
    // Every retry carries the same requestId, so Compute Engine would not create twice.
    expect(new Set(bulk.map((entry) => entry.path)).size).toBe(1);
    expect(lab.double.counts()).toEqual({ instances: 3, policies: 1 });
    expect((await lab.run(['cluster', 'down', 'f'])).code).toBe(0);
    expect(lab.double.counts()).toEqual({ instances: 0, policies: 0 });
  });

  it('gives up on a storm that outlasts the retry budget (exit 75); a later down leaves zero', async () => {
    lab.double.failHttp({ method: 'GET', path: /getGuestAttributes/, status: 503 });
    lab.double.failHttp({ method: 'DELETE', status: 503 });
    const started = Date.now();
    const up = await lab.run(three);
    expect(up.code).toBe(75);
    expect(up.err).toMatch(/HPCRUN_GCE_UNAVAILABLE: reading the host keys of f-000\d: Compute Engine answered 503 backendError.*gave up after \d+ attempts/);
    expect(up.err).toMatch(/the cleanup failed too .* run `hpcrun cluster down f`/);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(lab.double.counts()).toEqual({ instances: 3, policies: 1 });
    lab.double.httpFaults.length = 0;
    const down = await lab.run(['cluster', 'down', 'f']);
    expect(down.code, down.err).toBe(0);
    expect(lab.double.counts()).toEqual({ instances: 0, policies: 0 });
  });

  it('deletes what it made when the host keys never appear (the image has no guest environment)', async () => {
    await lab.close();
    lab = await openLab({ hostKeys: () => [] });
    const up = await lab.run(three);
    expect(up.code).toBe(75);
    expect(up.err).toMatch(/HPCRUN_GCE_HOSTKEYS_TIMEOUT: 3 VM\(s\) published no SSH host keys/);
    expect(lab.double.counts()).toEqual({ instances: 0, policies: 0 });
  });
});
