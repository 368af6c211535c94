// The REST calls that create a cluster, as data: `cluster up --dry-run
// --json` prints them, and the provider sends exactly these through
// @google-cloud/compute. Bodies are in the REST JSON form (64-bit integers as
// strings), paths as on the wire. Pure: request IDs are derived from the
// spec (its creation time included), so a retried request is recognised by
// Compute Engine and never creates twice.

import { createHash } from 'node:crypto';
import { CLUSTER_LABEL, ROLE_LABEL } from './names.js';
import type { ClusterSpec, PolicyGroup } from './spec.js';

export interface PolicyCall {
  kind: 'policy';
  /** maxDistance exists only in the beta API. */
  beta: boolean;
  project: string;
  region: string;
  requestId: string;
  names: [string];
  body: Record<string, unknown>;
}

export interface InstancesCall {
  kind: 'instances';
  project: string;
  zone: string;
  requestId: string;
  names: string[];
  body: Record<string, unknown>;
}

export type CreateCall = PolicyCall | InstancesCall;

export interface WireRequest {
  method: 'POST';
  path: string;
  body: Record<string, unknown>;
}

export type Role = 'compute' | 'head';

/** A UUID (RFC 4122 layout, version 5 bits) from a hash of what identifies the request. */
export function requestIdFor(spec: Pick<ClusterSpec, 'project' | 'zone' | 'name' | 'createdAt'>, label: string): string {
  const hex = createHash('sha256').update(`hpcrun/${spec.project}/${spec.zone}/${spec.name}/${spec.createdAt}/${label}`).digest('hex');
  const variant = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function policyCall(spec: ClusterSpec, group: PolicyGroup): PolicyCall {
  const placement: Record<string, unknown> = { vmCount: group.vmCount, collocation: 'COLLOCATED' };
  if (group.maxDistance !== undefined) placement.maxDistance = group.maxDistance;
  return {
    kind: 'policy',
    beta: group.maxDistance !== undefined,
    project: spec.project,
    region: spec.region,
    requestId: requestIdFor(spec, `policy:${group.name}`),
    names: [group.name],
    body: { name: group.name, description: `hpcrun cluster ${spec.name}: compact placement of ${group.vmCount} VMs`, groupPlacementPolicy: placement },
  };
}

export interface PropertiesOptions {
  role: Role;
  policy: string | undefined;
  /** maxRunDuration; for a repair, what is left of the cluster's TTL. */
  ttlSeconds: number | undefined;
  /** ssh-keys metadata lines: the user's key, and on compute nodes the head node's cluster key. */
  sshKeys: readonly string[];
}

/** instanceProperties of a bulkInsert (names, not URLs, for machine type, disk type and policies). */
export function instanceProperties(spec: ClusterSpec, options: PropertiesOptions): Record<string, unknown> {
  const scheduling: Record<string, unknown> = {
    // MIGRATE would silently take a VM out of its compact placement.
    onHostMaintenance: 'TERMINATE',
    automaticRestart: false,
  };
  if (spec.spot && options.role === 'compute') scheduling.provisioningModel = 'SPOT';
  if (options.ttlSeconds !== undefined) {
    scheduling.maxRunDuration = { seconds: String(options.ttlSeconds) };
    scheduling.instanceTerminationAction = 'DELETE';
  } else if (spec.spot && options.role === 'compute') {
    // A preempted Spot VM stops (and shows as TERMINATED) so that status can name it.
    scheduling.instanceTerminationAction = 'STOP';
  }
  const nic: Record<string, unknown> = { network: `global/networks/${spec.network}`, nicType: 'GVNIC' };
  if (spec.subnetwork !== undefined) nic.subnetwork = `regions/${spec.region}/subnetworks/${spec.subnetwork}`;
  // Internal addresses only, except for the head (login) node.
  if (options.role === 'head') nic.accessConfigs = [{ type: 'ONE_TO_ONE_NAT', name: 'External NAT' }];
  const properties: Record<string, unknown> = {
    machineType: spec.shape.name,
    labels: { [CLUSTER_LABEL]: spec.name, [ROLE_LABEL]: options.role },
    metadata: {
      items: [
        { key: 'enable-guest-attributes', value: 'TRUE' },
        { key: 'ssh-keys', value: options.sshKeys.join('\n') },
      ],
    },
    disks: [{ boot: true, autoDelete: true, initializeParams: { sourceImage: spec.image, diskSizeGb: String(spec.diskGb), diskType: 'pd-balanced' } }],
    networkInterfaces: [nic],
    scheduling,
  };
  if (spec.tier1) properties.networkPerformanceConfig = { totalEgressBandwidthTier: 'TIER_1' };
  if (options.policy !== undefined) properties.resourcePolicies = [options.policy];
  return properties;
}

/** One all-or-nothing bulkInsert (minCount = count) of named VMs. */
export function instancesCall(spec: ClusterSpec, names: readonly string[], options: PropertiesOptions, label = `instances:${names[0]}`): InstancesCall {
  return {
    kind: 'instances',
    project: spec.project,
    zone: spec.zone,
    requestId: requestIdFor(spec, label),
    names: [...names],
    body: {
      count: String(names.length),
      minCount: String(names.length),
      perInstanceProperties: Object.fromEntries(names.map((name) => [name, {}])),
      instanceProperties: instanceProperties(spec, options),
    },
  };
}

/**
 * Every create `up` makes, in order: the placement policies, one bulkInsert
 * per policy (or one for a single node), then the head node. Between them
 * `up` waits on each operation; afterwards it lists the VMs and reads their
 * host keys, which are not creates and are not listed here.
 */
export function upCalls(spec: ClusterSpec, clusterKey: string | undefined): CreateCall[] {
  const userKeys = spec.ssh.publicKeys;
  const computeKeys = clusterKey === undefined ? userKeys : [...userKeys, clusterKey];
  const compute = { role: 'compute' as const, ttlSeconds: spec.ttlSeconds, sshKeys: computeKeys };
  const calls: CreateCall[] = spec.groups.map((group) => policyCall(spec, group));
  if (spec.groups.length === 0) calls.push(instancesCall(spec, spec.nodes, { ...compute, policy: undefined }));
  for (const group of spec.groups) calls.push(instancesCall(spec, group.nodes, { ...compute, policy: group.name }));
  if (spec.head !== undefined) calls.push(instancesCall(spec, [spec.head], { role: 'head', policy: undefined, ttlSeconds: spec.ttlSeconds, sshKeys: userKeys }));
  return calls;
}

export function wireOf(call: CreateCall): WireRequest {
  const query = `?requestId=${call.requestId}`;
  if (call.kind === 'policy') {
    return { method: 'POST', path: `/compute/${call.beta ? 'beta' : 'v1'}/projects/${call.project}/regions/${call.region}/resourcePolicies${query}`, body: call.body };
  }
  return { method: 'POST', path: `/compute/v1/projects/${call.project}/zones/${call.zone}/instances/bulkInsert${query}`, body: call.body };
}
