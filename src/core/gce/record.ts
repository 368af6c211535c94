// cluster.json from what `up` created, and back: the spec a repair recreates
// nodes from. Pure.

import type { NodeShape } from '../plan/types.js';
import { CLUSTER_KIND, CLUSTER_SCHEMA_VERSION, type Cluster } from '../../schemas/index.js';
import type { ClusterSpec } from './spec.js';

/** A VM as hpcrun reads it from instances.list or instances.get. */
export interface InstanceInfo {
  name: string;
  /** PROVISIONING, STAGING, RUNNING, STOPPING, STOPPED, SUSPENDED, TERMINATED, ... */
  status: string;
  ip: string | undefined;
  externalIp: string | undefined;
  labels: Readonly<Record<string, string>>;
}

export interface HeadFiles {
  publicKey: string;
  keyPath: string;
  knownHostsPath: string;
}

const nul = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

export function clusterRecord(spec: ClusterSpec, instances: ReadonlyMap<string, InstanceInfo>, head: HeadFiles | undefined): Cluster {
  const ipOf = (name: string): string => {
    const ip = instances.get(name)?.ip;
    if (!ip) throw new Error(`${name} has no internal address`);
    return ip;
  };
  const policyOf = new Map(spec.groups.flatMap((group) => group.nodes.map((node) => [node, group.name] as const)));
  const headInfo = spec.head === undefined ? undefined : instances.get(spec.head);
  return {
    schemaVersion: CLUSTER_SCHEMA_VERSION,
    kind: CLUSTER_KIND,
    provider: 'gce',
    name: spec.name,
    project: spec.project,
    zone: spec.zone,
    region: spec.region,
    createdAt: spec.createdAt,
    expiresAt: spec.ttlSeconds === undefined ? null : new Date(Date.parse(spec.createdAt) + spec.ttlSeconds * 1000).toISOString(),
    machine: {
      name: spec.shape.name,
      vcpus: spec.shape.vcpus,
      physicalCores: spec.shape.physicalCores,
      memoryGiB: spec.shape.memoryBytes === undefined ? null : spec.shape.memoryBytes / 1024 ** 3,
      onDemandPerHour: nul(spec.shape.onDemandPerHour),
      spotPerHour: nul(spec.shape.spotPerHour),
    },
    spot: spec.spot,
    tier1: spec.tier1,
    image: spec.image,
    network: spec.network,
    subnetwork: nul(spec.subnetwork),
    diskGb: spec.diskGb,
    ssh: { user: spec.ssh.user, port: spec.ssh.port, identity: spec.ssh.identity, publicKeys: spec.ssh.publicKeys },
    policies: spec.groups.map((group) => ({ name: group.name, vmCount: group.vmCount, maxDistance: nul(group.maxDistance), nodes: group.nodes })),
    nodes: spec.nodes.map((name) => ({ name, ip: ipOf(name), policy: policyOf.get(name) ?? null })),
    head:
      spec.head === undefined || head === undefined
        ? null
        : { name: spec.head, ip: ipOf(spec.head), externalIp: headInfo?.externalIp ?? '', publicKey: head.publicKey, keyPath: head.keyPath, knownHostsPath: head.knownHostsPath },
  };
}

/** The shape a cluster was made with, as the planner's NodeShape (for requests; prices as recorded). */
export function shapeOfCluster(cluster: Cluster): NodeShape {
  const m = cluster.machine;
  return {
    name: m.name,
    provider: 'gce',
    vcpus: m.vcpus,
    physicalCores: m.physicalCores,
    memoryBytes: m.memoryGiB === null ? undefined : m.memoryGiB * 1024 ** 3,
    networkGbps: undefined,
    tier1Gbps: undefined,
    interconnect: 'ethernet',
    compactPlacement: true,
    onDemandPerHour: m.onDemandPerHour ?? undefined,
    spotPerHour: m.spotPerHour ?? undefined,
    family: m.name.split('-')[0],
  };
}

/** The spec a cluster was created from, as far as requests need it (repair rebuilds VMs with it). */
export function specOfCluster(cluster: Cluster, createdAt: string): ClusterSpec {
  return {
    name: cluster.name,
    project: cluster.project,
    zone: cluster.zone,
    region: cluster.region,
    shape: shapeOfCluster(cluster),
    nodes: cluster.nodes.map((node) => node.name),
    groups: cluster.policies.map((policy) => ({ name: policy.name, vmCount: policy.vmCount, maxDistance: policy.maxDistance ?? undefined, nodes: policy.nodes })),
    head: cluster.head?.name,
    spot: cluster.spot,
    tier1: cluster.tier1,
    ttlSeconds: undefined,
    image: cluster.image,
    network: cluster.network,
    subnetwork: cluster.subnetwork ?? undefined,
    diskGb: cluster.diskGb,
    ssh: cluster.ssh,
    // Request IDs of a repair derive from its own time, not the cluster's.
    createdAt,
  };
}

/** Seconds left before the cluster's TTL deletes it; undefined without a TTL. */
export function remainingTtlSeconds(cluster: Pick<Cluster, 'expiresAt'>, now: Date): number | undefined {
  return cluster.expiresAt === null ? undefined : Math.floor((Date.parse(cluster.expiresAt) - now.getTime()) / 1000);
}
