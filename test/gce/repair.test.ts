// Preempted Spot VMs on the Compute Engine double (not Compute Engine):
// status and list name them, repair recreates them under the same names in
// the same placement policy and rewrites the inventory and known_hosts.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseKnownHosts } from '../../src/core/known-hosts.js';
import { type Lab, UP, openLab } from './helpers.js';

let lab: Lab;
beforeEach(async () => {
  lab = await openLab();
});
afterEach(async () => {
  await lab.close();
});

const vm = (name: string) => [...lab.double.state.instances.values()].find((instance) => instance.name === name);

describe('preempted Spot nodes', () => {
  it('shows a stopped (preempted) node, recreates it in its policy, and rewrites hostfile and known_hosts', async () => {
    expect((await lab.run([...UP, '--machine', 'c2-standard-60', '--nodes', '4', '--spot', '--name', 'sp', '--yes'])).code).toBe(0);
    const dir = join(lab.clusters, 'sp');
    const oldIp = vm('sp-0002')!.networkIP;
    const oldKey = vm('sp-0002')!.hostKeys[0]!.key;
    lab.double.state.preempt('sp-0002');
    expect(vm('sp-0002')?.status).toBe('TERMINATED');

    const status = await lab.run(['cluster', 'status', 'sp']);
    expect(status.code).toBe(68);
    expect(status.out).toMatch(/sp-0002\s+compute\s+\S+\s+TERMINATED\s+preempted\s+sp-compact/);
    expect(status.err).toMatch(/HPCRUN_CLUSTER_DEGRADED: 1 VM\(s\) of sp are lost: sp-0002 \(preempted\)[\s\S]*fix: run `hpcrun cluster repair sp`/);
    expect(JSON.parse((await lab.run(['cluster', 'list', '--json'])).out).clusters[0]).toMatchObject({ name: 'sp', running: 3, lost: 1 });

    const repair = await lab.run(['cluster', 'repair', 'sp']);
    expect(repair.code, repair.err).toBe(0);
    expect(repair.out).toMatch(/recreated sp-0002/);
    const fresh = vm('sp-0002')!;
    expect(fresh.status).toBe('RUNNING');
    expect(fresh.policies).toEqual(['sp-compact']);
    expect(fresh.networkIP).not.toBe(oldIp);
    const hostfile = await readFile(join(dir, 'hostfile'), 'utf8');
    expect(hostfile).toContain(`${fresh.networkIP} slots=30  # sp-0002`);
    expect(hostfile).not.toContain(`${oldIp} `);
    const known = parseKnownHosts(await readFile(join(dir, 'known_hosts'), 'utf8'));
    expect(known).toContainEqual(expect.objectContaining({ patterns: ['sp-0002', fresh.networkIP], key: fresh.hostKeys[0]!.key }));
    expect(known.some((entry) => entry.key === oldKey)).toBe(false);
    expect((await lab.run(['cluster', 'status', 'sp'])).code).toBe(0);
    expect((await lab.run(['cluster', 'repair', 'sp'])).out).toMatch(/nothing to repair/);

    expect((await lab.run(['cluster', 'down', 'sp'])).code).toBe(0);
    expect(lab.double.counts()).toEqual({ instances: 0, policies: 0 });
  });

  it('recreates a deleted (TTL cluster) node for what is left of the TTL', async () => {
    expect((await lab.run([...UP, '--machine', 'c2-standard-60', '--nodes', '3', '--spot', '--ttl', '2h', '--name', 'tt', '--yes'])).code).toBe(0);
    lab.double.state.preempt('tt-0003');
    expect(vm('tt-0003')).toBeUndefined();
    expect((await lab.run(['cluster', 'status', 'tt'])).out).toMatch(/tt-0003\s+compute\s+\S+\s+MISSING\s+preempted/);
    const repair = await lab.run(['cluster', 'repair', 'tt']);
    expect(repair.code, repair.err).toBe(0);
    const seconds = Number((vm('tt-0003')?.properties.scheduling as { maxRunDuration: { seconds: string } }).maxRunDuration.seconds);
    expect(seconds).toBeGreaterThan(7000);
    expect(seconds).toBeLessThanOrEqual(7200);
    expect((await lab.run(['cluster', 'down', 'tt'])).code).toBe(0);
    expect(lab.double.counts()).toEqual({ instances: 0, policies: 0 });
  });

  it('reports QUOTA_EXCEEDED during a repair once, without a create/delete loop', async () => {
    expect((await lab.run([...UP, '--machine', 'c2-standard-60', '--nodes', '3', '--spot', '--ttl', '2h', '--name', 'rq', '--yes'])).code).toBe(0);
    lab.double.state.preempt('rq-0001');
    lab.double.failOperation({ call: 'instances.bulkInsert', nth: 2, error: { code: 'QUOTA_EXCEEDED', message: "Quota 'PREEMPTIBLE_CPUS' exceeded.  Limit: 120.0 in region us-central1." } });
    const repair = await lab.run(['cluster', 'repair', 'rq']);
    expect(repair.code).toBe(75);
    expect(repair.err).toMatch(/HPCRUN_GCE_QUOTA_EXCEEDED: creating the VM rq-0001 failed: QUOTA_EXCEEDED/);
    expect(lab.double.requests('POST', /\/bulkInsert\?/)).toHaveLength(2);
    expect(lab.double.counts()).toEqual({ instances: 2, policies: 1 });
    expect((await lab.run(['cluster', 'down', 'rq'])).code).toBe(0);
    expect(lab.double.counts()).toEqual({ instances: 0, policies: 0 });
  });
});
