import { describe, expect, it } from 'vitest';
import catalogJson from '../../placement/gce-catalog.json' with { type: 'json' };
import { validateCatalog, type Catalog } from '../../src/core/catalog/catalog.js';
import {
  type ClusterRequest, clusterSpec, clusterStatus, estimateCost, hostKeysOf, hostfileText, imagePath, instanceProperties, knownHostsText, nodeNames, parsePublicKey, regionOf, requestIdFor, upCalls, wireOf,
} from '../../src/core/gce/index.js';
import type { Cluster } from '../../src/schemas/index.js';
import { caught } from '../helpers/cli.js';

const catalog = validateCatalog(catalogJson).ok ? (catalogJson as Catalog) : (undefined as never);
const KEY = 'hpc:ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHoR+UOO+I9xCyhpg0Lp4eXxrpW9IwlLBgccagR7wlkc hpc';

function request(overrides: Partial<ClusterRequest> = {}): ClusterRequest {
  return {
    project: 'hpc-proj', zone: 'us-central1-a', name: 'demo', machine: 'c2-standard-60', nodes: 3, plan: undefined, spot: false, tier1: false, head: false, image: undefined,
    ttlMs: undefined, maxDistance: undefined, network: undefined, subnetwork: undefined, diskGb: undefined, ssh: { user: 'hpc', port: 22, identity: null, publicKeys: [KEY] }, now: new Date('2026-01-15T09:30:00Z'),
    ...overrides,
  };
}

describe('Compute Engine names', () => {
  it.each([
    ['us-central1-a', 'us-central1'],
    ['europe-west4-b', 'europe-west4'],
    ['northamerica-northeast1-c', 'northamerica-northeast1'],
  ])('zone %s is in region %s', (zone, region) => expect(regionOf(zone)).toBe(region));

  it.each(['us-central1', 'US-CENTRAL1-A', 'us-central-a', 'uscentral1-a', ''])('refuses the zone %j', (zone) => {
    expect(caught(() => regionOf(zone)).code).toBe('HPCRUN_GCE_BAD_ZONE');
  });

  it.each([
    ['hpc-rocky-linux-8', 'projects/hpc-proj/global/images/family/hpc-rocky-linux-8'],
    ['debian-cloud/debian-12', 'projects/debian-cloud/global/images/family/debian-12'],
    ['projects/my-images/global/images/mpi-2026', 'projects/my-images/global/images/mpi-2026'],
  ])('image %s is %s', (image, path) => expect(imagePath(image, 'hpc-proj')).toBe(path));

  it('numbers nodes NAME-0001.. and widens beyond 9,999', () => {
    expect(nodeNames('x', 2)).toEqual(['x-0001', 'x-0002']);
    expect(nodeNames('x', 12000)[11999]).toBe('x-12000');
  });

  it('reads OpenSSH public keys and refuses anything else', () => {
    expect(parsePublicKey('ssh-ed25519 AAAAC3Nz me@host\n', 'k')).toEqual({ type: 'ssh-ed25519', key: 'AAAAC3Nz' });
    expect(caught(() => parsePublicKey('-----BEGIN OPENSSH PRIVATE KEY-----', 'k')).code).toBe('HPCRUN_SSH_PUBLIC_KEY');
  });
});

describe('what cluster up creates', () => {
  it.each([
    // nodes, --max-distance, [policy vmCount, maxDistance sent]
    [1, undefined, []],
    [3, undefined, [[3, undefined]]],
    [200, undefined, [[200, undefined]]],
    [200, 2, [[100, 2], [100, 2]]],
    [30, 1, [[15, 1], [15, 1]]],
    [1501, undefined, [[751, undefined], [750, undefined]]],
  ] as const)('%i nodes, max-distance %s -> policies %j', (nodes, maxDistance, expected) => {
    const spec = clusterSpec(request({ nodes, maxDistance }), catalog);
    expect(spec.groups.map((group) => [group.vmCount, group.maxDistance])).toEqual(expected);
    expect(spec.groups.flatMap((group) => group.nodes)).toEqual(nodes === 1 ? [] : spec.nodes);
    const calls = upCalls(spec, undefined);
    expect(calls.filter((call) => call.kind === 'policy').map((call) => wireOf(call).path.split('?')[0])).toEqual(
      expected.map(([, distance]) => `/compute/${distance === undefined ? 'v1' : 'beta'}/projects/hpc-proj/regions/us-central1/resourcePolicies`),
    );
  });

  it.each([
    ['Tier_1 below 30 vCPUs', request({ tier1: true, machine: 'small' }), 'HPCRUN_GCE_TIER1_TOO_SMALL'],
    ['a family without compact placement', request({ machine: 'n1-standard-64' }), 'HPCRUN_GCE_NO_COMPACT_PLACEMENT'],
    ['a TTL over 120 days', request({ ttlMs: 121 * 24 * 3600 * 1000 }), 'HPCRUN_GCE_BAD_TTL'],
    ['a plan with --machine', request({ plan: { machine: 'c2-standard-60', nodeCount: 2, gce: null } }), 'HPCRUN_GCE_PLAN_AND_SHAPE'],
    ['a plan policy too large for --max-distance', request({ machine: undefined, nodes: undefined, maxDistance: 1, plan: { machine: 'c2-standard-60', nodeCount: 40, gce: { policies: [{ name: 'p', collocation: 'COLLOCATED', vmCount: 40, maxDistance: 2, firstNode: 0 }], onHostMaintenance: 'TERMINATE', provisioningModel: 'STANDARD' } } }), 'HPCRUN_GCE_PLAN_DISTANCE'],
  ])('refuses %s', (_what, input, code) => {
    const small: Catalog = { ...catalog, shapes: [...catalog.shapes, { name: 'small', provider: 'gce', vcpus: 16, physicalCores: 8, compactPlacement: true }] };
    expect(caught(() => clusterSpec(input, small)).code).toBe(code);
  });

  it('schedules Spot VMs to stop when preempted, and to be deleted at the end of a TTL', () => {
    const props = (over: Partial<ClusterRequest>, role: 'compute' | 'head' = 'compute') => {
      const spec = clusterSpec(request(over), catalog);
      return instanceProperties(spec, { role, policy: undefined, ttlSeconds: spec.ttlSeconds, sshKeys: [KEY] });
    };
    expect(props({ spot: true }).scheduling).toEqual({ onHostMaintenance: 'TERMINATE', automaticRestart: false, provisioningModel: 'SPOT', instanceTerminationAction: 'STOP' });
    expect(props({ spot: true, ttlMs: 3_600_000 }).scheduling).toEqual({ onHostMaintenance: 'TERMINATE', automaticRestart: false, provisioningModel: 'SPOT', maxRunDuration: { seconds: '3600' }, instanceTerminationAction: 'DELETE' });
    expect(props({ ttlMs: 3_600_000 }).scheduling).toEqual({ onHostMaintenance: 'TERMINATE', automaticRestart: false, maxRunDuration: { seconds: '3600' }, instanceTerminationAction: 'DELETE' });
    // The head is never Spot, and alone has an external address.
    const head = props({ spot: true, head: true }, 'head');
    expect(head.scheduling).toEqual({ onHostMaintenance: 'TERMINATE', automaticRestart: false });
    expect(head.networkInterfaces).toEqual([{ network: 'global/networks/default', nicType: 'GVNIC', accessConfigs: [{ type: 'ONE_TO_ONE_NAT', name: 'External NAT' }] }]);
    expect(props({}).networkInterfaces).toEqual([{ network: 'global/networks/default', nicType: 'GVNIC' }]);
  });

  it('derives request IDs as UUIDs, stable for one run and distinct per request and per run', () => {
    const spec = clusterSpec(request(), catalog);
    const id = requestIdFor(spec, 'policy:demo-compact');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(requestIdFor(spec, 'policy:demo-compact')).toBe(id);
    expect(requestIdFor(spec, 'instances:demo-0001')).not.toBe(id);
    expect(requestIdFor({ ...spec, createdAt: '2026-01-15T09:31:00.000Z' }, 'policy:demo-compact')).not.toBe(id);
  });
});

describe('cost', () => {
  const shape = clusterSpec(request(), catalog).shape;
  it('is nodes × price per hour, and over the TTL', () => {
    const cost = estimateCost({ shape, nodes: 3, spot: true, head: false, ttlSeconds: 4 * 3600, catalogRegion: 'us-central1', region: 'us-central1' });
    expect(cost.perHour).toBeCloseTo(3 * 0.4601, 6);
    expect(cost.overTtl).toBeCloseTo(4 * 3 * 0.4601, 6);
    expect(cost.lines[0]).toBe('cost: 3 × c2-standard-60 × $0.46/h Spot = $1.38/h');
  });
  it('adds an on-demand head, says when there is no TTL, and when the region differs from the catalog\'s', () => {
    const cost = estimateCost({ shape, nodes: 2, spot: false, head: true, ttlSeconds: undefined, catalogRegion: 'us-central1', region: 'europe-west4' });
    expect(cost.perHour).toBeCloseTo(3 * 3.1308, 6);
    expect(cost.lines.join('\n')).toMatch(/ttl: none: the VMs run, and are billed, until `hpcrun cluster down` \(\$225\.42 a day\)/);
    expect(cost.lines.join('\n')).toMatch(/prices are for us-central1, europe-west4 differs/);
  });
  it('names a missing price instead of guessing', () => {
    const cost = estimateCost({ shape: { ...shape, spotPerHour: undefined }, nodes: 2, spot: true, head: false, ttlSeconds: 3600, catalogRegion: undefined, region: 'us-central1' });
    expect(cost.perHour).toBeUndefined();
    expect(cost.lines[0]).toMatch(/the catalog has no Spot price for c2-standard-60/);
  });
});

describe('the cluster folder\'s files', () => {
  const blob = (type: string) => {
    const name = Buffer.from(type);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(name.length);
    return Buffer.concat([length, name, Buffer.alloc(36, 7)]).toString('base64');
  };
  it('keeps only well-formed host keys of supported types whose blob names the same type', () => {
    const ed = blob('ssh-ed25519');
    expect(hostKeysOf([
      { namespace: 'hostkeys', key: 'ssh-ed25519', value: `${ed}\nssh-rsa evil` },
      { namespace: 'hostkeys', key: 'ssh-rsa', value: ed },
      { namespace: 'hostkeys', key: 'ssh-dss', value: blob('ssh-dss') },
      { namespace: 'other', key: 'ssh-ed25519', value: ed },
      { namespace: 'hostkeys', key: 'ecdsa-sha2-nistp256', value: 'not base64!' },
    ])).toEqual([{ type: 'ssh-ed25519', key: ed }]);
  });
  it('writes known_hosts by name and address, in [host]:port form off port 22', () => {
    const keys = [{ type: 'ssh-ed25519', key: 'AAAA' }];
    expect(knownHostsText([{ names: ['n-0001', '10.0.0.2'], keys }], 'n')).toMatch(/\nn-0001,10\.0\.0\.2 ssh-ed25519 AAAA\n$/);
    expect(knownHostsText([{ names: ['n-0001', '10.0.0.2'], keys }], 'n', 2222)).toMatch(/\n\[n-0001\]:2222,\[10\.0\.0\.2\]:2222 ssh-ed25519 AAAA\n$/);
  });
  it('writes the inventory by address with one slot per physical core', () => {
    expect(hostfileText({ name: 'n', machine: { name: 'c2-standard-60', vcpus: 60, physicalCores: 30, memoryGiB: 240, onDemandPerHour: 3.13, spotPerHour: 0.46 }, nodes: [{ name: 'n-0001', ip: '10.0.0.2', policy: null }] })).toBe(
      '# hpcrun cluster n: 1 × c2-standard-60 (Open MPI hostfile syntax)\n10.0.0.2 slots=30  # n-0001\n',
    );
  });
});

describe('node states', () => {
  const cluster = { name: 'c', spot: true, expiresAt: null, head: null, nodes: [{ name: 'c-0001', ip: '10.0.0.2', policy: 'p' }, { name: 'c-0002', ip: '10.0.0.3', policy: 'p' }, { name: 'c-0003', ip: '10.0.0.4', policy: 'p' }] } as unknown as Cluster;
  it('names preempted Spot VMs, starting VMs and strays', () => {
    const status = clusterStatus(cluster, [
      { name: 'c-0001', status: 'RUNNING', ip: '10.0.0.2', externalIp: undefined, labels: {} },
      { name: 'c-0002', status: 'TERMINATED', ip: '10.0.0.3', externalIp: undefined, labels: {} },
      { name: 'c-0009', status: 'STAGING', ip: '10.0.0.9', externalIp: undefined, labels: {} },
    ], new Date());
    expect(status.nodes.map((node) => node.state)).toEqual(['running', 'preempted', 'preempted']);
    expect(status.lost.map((node) => node.name)).toEqual(['c-0002', 'c-0003']);
    expect(status.strays).toEqual(['c-0009']);
    expect(clusterStatus({ ...cluster, spot: false }, [], new Date()).nodes.map((node) => node.state)).toEqual(['missing', 'missing', 'missing']);
  });
});
