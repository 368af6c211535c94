// A cluster's life against the local Compute Engine double (not Compute
// Engine): up with 3 Spot nodes and a TTL, launch --cluster in dry-run,
// status, list, down; afterwards the double holds nothing.

import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseInventory } from '../../src/core/inventory.js';
import { parseKnownHosts } from '../../src/core/known-hosts.js';
import { checkCluster } from '../../src/schemas/index.js';
import { type Lab, UP, openLab } from './helpers.js';

let lab: Lab;
beforeEach(async () => {
  lab = await openLab();
});
afterEach(async () => {
  await lab.close();
});

const normalise = (value: unknown): unknown => {
  // The client library adds empty maps and lists; JSON numbers and int64 strings are the same value.
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => !(v && typeof v === 'object' && Object.keys(v).length === 0 && !Array.isArray(v))).map(([k, v]) => [k, normalise(v)]));
  }
  return typeof value === 'number' ? String(value) : value;
};

describe('cluster lifecycle on the Compute Engine double', () => {
  it('up (3 Spot nodes, TTL) -> launch --cluster --dry-run -> status -> down leaves 0 instances and 0 policies', async () => {
    const args = [...UP, '--machine', 'c2-standard-60', '--nodes', '3', '--spot', '--ttl', '4h', '--name', 'demo'];
    const dry = await lab.run([...args, '--dry-run', '--json']);
    expect(dry.code, dry.err).toBe(0);
    expect(lab.double.log).toEqual([]);

    const up = await lab.run([...args, '--yes']);
    expect(up.code, up.err).toBe(0);
    expect(up.err).toMatch(/cost: 3 × c2-standard-60 × \$0\.46\/h Spot = \$1\.38\/h/);
    expect(up.err).toMatch(/ttl: 4 h: Compute Engine deletes every VM then.*at most \$5\.52/);
    expect(up.out).toMatch(/cluster demo is up: 3 × c2-standard-60/);
    expect(lab.double.counts()).toEqual({ instances: 3, policies: 1 });

    // What up sent is what --dry-run printed (requestIds differ: they derive from the time).
    const sent = lab.double.log.filter((entry) => entry.method === 'POST' && !entry.path.includes('/operations/'));
    const planned = (JSON.parse(dry.out) as { requests: { method: string; path: string; body: unknown }[] }).requests;
    expect(sent.map((entry) => entry.path.replace(/requestId=[-0-9a-f]+/, 'requestId=ID'))).toEqual(planned.map((request) => request.path.replace(/requestId=[-0-9a-f]+/, 'requestId=ID')));
    expect(sent.map((entry) => normalise(entry.body))).toEqual(planned.map((request) => normalise(request.body)));

    // The VMs as created: compact placement, TERMINATE, Spot with a TTL that deletes, gVNIC, no external address.
    const vm = [...lab.double.state.instances.values()][0]!;
    expect(vm.policies).toEqual(['demo-compact']);
    expect(vm.properties.scheduling).toEqual({ onHostMaintenance: 'TERMINATE', automaticRestart: false, provisioningModel: 'SPOT', maxRunDuration: { seconds: '14400' }, instanceTerminationAction: 'DELETE' });
    expect(vm.properties.labels).toEqual({ 'hpcrun-cluster': 'demo', 'hpcrun-role': 'compute' });
    expect(vm.natIP).toBeUndefined();

    const dir = join(lab.clusters, 'demo');
    const cluster = JSON.parse(await readFile(join(dir, 'cluster.json'), 'utf8'));
    expect(checkCluster(cluster).ok).toBe(true);
    expect(cluster).toMatchObject({ name: 'demo', project: 'hpc-proj', zone: 'us-central1-a', region: 'us-central1', spot: true, machine: { name: 'c2-standard-60', physicalCores: 30 } });
    const inventory = parseInventory(await readFile(join(dir, 'hostfile'), 'utf8'));
    expect(inventory.map((host) => [host.name, host.slots])).toEqual(cluster.nodes.map((node: { ip: string }) => [node.ip, 30]));
    const known = parseKnownHosts(await readFile(join(dir, 'known_hosts'), 'utf8'));
    for (const instance of lab.double.state.instances.values()) {
      expect(known).toContainEqual({ marker: undefined, patterns: [instance.name, instance.networkIP], keyType: 'ssh-ed25519', key: instance.hostKeys[0]!.key });
    }
    expect((await stat(dir)).mode & 0o777).toBe(0o700);

    // mpirun starts its daemons through hpcrun's agent, on connections verified against the cluster's known_hosts;
    // with OpenSSH instead (HPCRUN_RSH_AGENT=ssh), mpirun's ssh gets that known_hosts and user.
    const launch = await lab.run(['launch', '--cluster', 'demo', '--np', '6', '--ppn', '2', '--dry-run', '--', './app']);
    expect(launch.code, launch.err).toBe(0);
    expect(launch.out).toContain('--mca plm_rsh_agent');
    const overSsh = await lab.run(['launch', '--cluster', 'demo', '--np', '6', '--ppn', '2', '--dry-run', '--', './app'], { HPCRUN_RSH_AGENT: 'ssh' });
    expect(overSsh.out).toContain(`UserKnownHostsFile=${join(dir, 'known_hosts')}`);
    expect(overSsh.out).toContain('-l hpc');
    for (const node of cluster.nodes) expect(launch.out).toContain(`${node.ip} slots=2`);

    const status = await lab.run(['cluster', 'status', 'demo']);
    expect(status.code, status.err).toBe(0);
    expect(status.out).toMatch(/3 of 3 VM\(s\) running/);
    const list = await lab.run(['cluster', 'list', '--json']);
    expect(JSON.parse(list.out).clusters).toEqual([expect.objectContaining({ name: 'demo', nodes: 3, running: 3, lost: 0, state: 'up' })]);

    const down = await lab.run(['cluster', 'down', 'demo']);
    expect(down.code, down.err).toBe(0);
    expect(down.out).toMatch(/deleted 3 VM\(s\) and 1 placement policy; nothing is left/);
    expect(lab.double.counts()).toEqual({ instances: 0, policies: 0 });

    // Idempotent: a second down finds nothing and succeeds; the cluster is gone from the list.
    const again = await lab.run(['cluster', 'down', 'demo']);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toMatch(/nothing left to delete/);
    expect((await lab.run(['cluster', 'list'])).out).toMatch(/no clusters/);
  });

  it('runs a plan on the cluster made from it: launch --plan DIR --cluster NAME puts the plan\'s node i on the cluster\'s node i', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hpcrun-plan-'));
    try {
      const plan = await lab.run(['plan', '--grid', '6x5x3', '--machine', 'c2-standard-60', '--out', dir]);
      expect(plan.code, plan.err).toBe(0);
      expect((await lab.run([...UP, '--plan', dir, '--name', 'pl', '--yes'])).code).toBe(0);
      const cluster = JSON.parse(await readFile(join(lab.clusters, 'pl', 'cluster.json'), 'utf8'));
      expect(cluster.nodes).toHaveLength(3);
      const launch = await lab.run(['launch', '--plan', dir, '--cluster', 'pl', '--dry-run', '--', './stencil']);
      expect(launch.code, launch.err).toBe(0);
      const stored = JSON.parse(await readFile(join(dir, 'plan.json'), 'utf8')) as { rankToNode: number[] };
      const ranks = [...launch.out.matchAll(/^rank (\d+)=(\S+) /gm)].map((m) => [Number(m[1]), m[2]]);
      expect(ranks).toHaveLength(90);
      for (const [rank, host] of ranks) expect(host).toBe(cluster.nodes[stored.rankToNode[rank as number] as number].ip);
      expect((await lab.run(['cluster', 'down', 'pl'])).code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('down --project --zone deletes a cluster whose folder is lost, policies included (found by name)', async () => {
    expect((await lab.run([...UP, '--machine', 'c2-standard-60', '--nodes', '30', '--max-distance', '1', '--name', 'lost', '--yes'])).code).toBe(0);
    expect(lab.double.counts()).toEqual({ instances: 30, policies: 2 });
    await rm(join(lab.clusters, 'lost'), { recursive: true });
    expect((await lab.run(['cluster', 'down', 'lost'])).code).toBe(66);
    const down = await lab.run(['cluster', 'down', 'lost', '--project', 'hpc-proj', '--zone', 'us-central1-a']);
    expect(down.code, down.err).toBe(0);
    expect(down.out).toMatch(/deleted 30 VM\(s\) and 2 placement policies/);
    expect(lab.double.counts()).toEqual({ instances: 0, policies: 0 });
  });

  it('reads every page of instances.list', async () => {
    await lab.close();
    lab = await openLab({ pageSize: 2 });
    expect((await lab.run([...UP, '--machine', 'c2-standard-60', '--nodes', '5', '--name', 'pages', '--yes'])).code).toBe(0);
    expect(lab.double.requests('GET', /\/instances\?.*pageToken=/).length).toBeGreaterThan(0);
    const status = await lab.run(['cluster', 'status', 'pages']);
    expect(status.code, status.err).toBe(0);
    expect(status.out).toMatch(/5 of 5 VM\(s\) running/);
    expect((await lab.run(['cluster', 'down', 'pages'])).code).toBe(0);
    expect(lab.double.counts()).toEqual({ instances: 0, policies: 0 });
  });

  it('never prints or writes the token', async () => {
    const up = await lab.run([...UP, '--machine', 'c2-standard-60', '--nodes', '2', '--name', 'tok', '--yes']);
    expect(up.code, up.err).toBe(0);
    const dir = join(lab.clusters, 'tok');
    const files = await Promise.all(['cluster.json', 'hostfile', 'known_hosts', 'journal.jsonl'].map((file) => readFile(join(dir, file), 'utf8')));
    for (const text of [up.out, up.err, ...files]) expect(text).not.toContain(lab.double.token);
    const refused = await lab.run(['cluster', 'status', 'tok'], { GOOGLE_OAUTH_ACCESS_TOKEN: 'a-wrong-token-that-must-not-leak' });
    expect(refused.code).toBe(69);
    expect(refused.err).toMatch(/HPCRUN_GCP_UNAUTHENTICATED/);
    expect(refused.err).not.toContain('a-wrong-token-that-must-not-leak');
    expect((await lab.run(['cluster', 'down', 'tok'])).code).toBe(0);
  });
});
