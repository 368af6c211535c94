// cluster up --dry-run --json: the REST calls up would make, in order, with
// their full bodies, golden-tested. Nothing is contacted (no credentials, no
// endpoint). UPDATE_GOLDEN=1 rewrites the golden files after a deliberate change.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { FIXTURES, ROOT } from './helpers.js';

const NOW = new Date('2026-01-15T09:30:00.000Z');
const BASE = ['cluster', 'up', '--provider', 'gce', '--project', 'hpc-proj', '--zone', 'us-central1-a', '--ssh-user', 'hpc', '--ssh-key', join(FIXTURES, 'id_ed25519.pub'), '--dry-run', '--json'];

async function golden(name: string, argv: readonly string[]): Promise<unknown> {
  const run = await runCli([...BASE, ...argv], { env: { HOME: '/nonexistent' }, now: NOW, cwd: ROOT });
  expect(run.code, run.err).toBe(0);
  const path = join(FIXTURES, name);
  if (process.env.UPDATE_GOLDEN) await writeFile(path, run.out);
  expect(run.out).toBe(await readFile(path, 'utf8'));
  return JSON.parse(run.out);
}

interface Requests {
  requests: { method: string; path: string; body: Record<string, any> }[];
}

describe('cluster up --dry-run --json (golden)', () => {
  it('3 Spot nodes with Tier_1: one v1 policy, then one bulkInsert', async () => {
    const out = (await golden('dry-run-3-spot-tier1.json', ['--machine', 'c2-standard-60', '--nodes', '3', '--spot', '--tier1', '--ttl', '4h', '--name', 'demo'])) as Requests;
    expect(out.requests.map((r) => `${r.method} ${r.path.replace(/\?.*/, '')}`)).toEqual([
      'POST /compute/v1/projects/hpc-proj/regions/us-central1/resourcePolicies',
      'POST /compute/v1/projects/hpc-proj/zones/us-central1-a/instances/bulkInsert',
    ]);
    const [policy, bulk] = out.requests;
    expect(policy?.body.groupPlacementPolicy).toEqual({ vmCount: 3, collocation: 'COLLOCATED' });
    const properties = bulk?.body.instanceProperties;
    expect(properties.networkPerformanceConfig).toEqual({ totalEgressBandwidthTier: 'TIER_1' });
    expect(properties.networkInterfaces).toEqual([{ network: 'global/networks/default', nicType: 'GVNIC' }]);
    expect(properties.scheduling).toMatchObject({ onHostMaintenance: 'TERMINATE', automaticRestart: false, provisioningModel: 'SPOT', instanceTerminationAction: 'DELETE' });
    expect(properties.resourcePolicies).toEqual(['demo-compact']);
  });

  it('200 nodes with --max-distance 2: two beta policies of at most 150 VMs, one bulkInsert each', async () => {
    const out = (await golden('dry-run-200-max-distance-2.json', ['--machine', 'c2-standard-60', '--nodes', '200', '--max-distance', '2', '--name', 'big'])) as Requests;
    const policies = out.requests.filter((r) => r.path.includes('/resourcePolicies'));
    expect(policies.map((r) => r.path.split('?')[0])).toEqual(Array(2).fill('/compute/beta/projects/hpc-proj/regions/us-central1/resourcePolicies'));
    expect(policies.map((r) => r.body.groupPlacementPolicy)).toEqual([
      { vmCount: 100, collocation: 'COLLOCATED', maxDistance: 2 },
      { vmCount: 100, collocation: 'COLLOCATED', maxDistance: 2 },
    ]);
    const bulks = out.requests.filter((r) => r.path.includes('/bulkInsert'));
    expect(bulks.map((r) => [r.body.count, r.body.instanceProperties.resourcePolicies, Object.keys(r.body.perInstanceProperties).length])).toEqual([
      ['100', ['big-compact-1'], 100],
      ['100', ['big-compact-2'], 100],
    ]);
  });

  it('follows a plan folder: its machine, node count and policy split', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hpcrun-plan-'));
    const plan = await runCli(['plan', '--ranks', '1200', '--machine', 'c2-standard-60', '--out', dir], { now: NOW });
    expect(plan.code, plan.err).toBe(0);
    const run = await runCli([...BASE, '--plan', dir, '--name', 'planned'], { env: { HOME: '/nonexistent' }, now: NOW });
    await rm(dir, { recursive: true, force: true });
    expect(run.code, run.err).toBe(0);
    const out = JSON.parse(run.out) as Requests;
    // 1,200 ranks on 30-core nodes: 40 nodes, one policy (the planner's split), not Spot.
    expect(out.requests.map((r) => r.body.groupPlacementPolicy?.vmCount ?? r.body.count)).toEqual([40, '40']);
    expect(out.requests[1]?.body.instanceProperties.scheduling.provisioningModel).toBeUndefined();
  });

  it('prints the cost and the calls without --json, and contacts nothing', async () => {
    const run = await runCli([...BASE.filter((arg) => arg !== '--json'), '--machine', 'c2-standard-60', '--nodes', '3', '--spot', '--ttl', '4h', '--name', 'demo'], { env: { HOME: '/nonexistent' }, now: NOW });
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain('cost: 3 × c2-standard-60 × $0.46/h Spot = $1.38/h');
    expect(run.out).toContain('at most $5.52 over the TTL');
    expect(run.out).toMatch(/^POST \/compute\/v1\/projects\/hpc-proj\/zones\/us-central1-a\/instances\/bulkInsert\?requestId=/m);
  });
});
