// A cluster's nodes as Compute Engine reports them: running, starting, or
// lost (a preempted Spot VM, a VM terminated by a host event, or one that is
// gone). Pure: the listing and the clock come in as arguments.

import type { Cluster } from '../../schemas/index.js';
import type { InstanceInfo } from './record.js';

export type NodeState = 'running' | 'starting' | 'preempted' | 'terminated' | 'missing';

export interface NodeStatus {
  name: string;
  role: 'compute' | 'head';
  ip: string | undefined;
  /** Compute Engine's status, or MISSING. */
  status: string;
  state: NodeState;
  policy: string | null;
}

export interface ClusterStatus {
  name: string;
  nodes: NodeStatus[];
  running: number;
  /** Nodes `repair` recreates. */
  lost: NodeStatus[];
  /** Labelled VMs cluster.json does not list (left by an interrupted repair, or made by hand). */
  strays: string[];
  expiresAt: string | null;
  expired: boolean;
}

const STARTING = new Set(['PROVISIONING', 'STAGING', 'REPAIRING', 'PENDING']);

function stateOf(instance: InstanceInfo | undefined, spot: boolean): NodeState {
  if (!instance) return spot ? 'preempted' : 'missing';
  if (instance.status === 'RUNNING') return 'running';
  if (STARTING.has(instance.status)) return 'starting';
  // A Spot VM that was stopped by preemption shows as TERMINATED.
  if (instance.status === 'TERMINATED' && spot) return 'preempted';
  return 'terminated';
}

export function clusterStatus(cluster: Cluster, instances: readonly InstanceInfo[], now: Date): ClusterStatus {
  const byName = new Map(instances.map((instance) => [instance.name, instance]));
  const nodes: NodeStatus[] = cluster.nodes.map((node) => {
    const instance = byName.get(node.name);
    return { name: node.name, role: 'compute', ip: instance?.ip ?? node.ip, status: instance?.status ?? 'MISSING', state: stateOf(instance, cluster.spot), policy: node.policy };
  });
  if (cluster.head) {
    const instance = byName.get(cluster.head.name);
    // The head is never Spot: gone means missing.
    nodes.push({ name: cluster.head.name, role: 'head', ip: instance?.ip ?? cluster.head.ip, status: instance?.status ?? 'MISSING', state: stateOf(instance, false), policy: null });
  }
  const known = new Set(nodes.map((node) => node.name));
  const expired = cluster.expiresAt !== null && Date.parse(cluster.expiresAt) <= now.getTime();
  return {
    name: cluster.name,
    nodes,
    running: nodes.filter((node) => node.state === 'running').length,
    lost: nodes.filter((node) => node.state === 'preempted' || node.state === 'terminated' || node.state === 'missing'),
    strays: instances.filter((instance) => !known.has(instance.name)).map((instance) => instance.name),
    expiresAt: cluster.expiresAt,
    expired,
  };
}

function remaining(expiresAt: string, now: Date): string {
  const minutes = Math.round((Date.parse(expiresAt) - now.getTime()) / 60_000);
  if (minutes <= 0) return 'expired';
  return minutes >= 60 ? `in ${Math.floor(minutes / 60)} h ${minutes % 60} min` : `in ${minutes} min`;
}

export function renderStatus(cluster: Cluster, status: ClusterStatus, now: Date): string {
  const traits = [cluster.spot ? 'Spot' : 'on-demand', ...(cluster.tier1 ? ['Tier_1'] : [])].join(', ');
  const ttl = cluster.expiresAt === null ? 'no TTL' : `deleted by Compute Engine at ${cluster.expiresAt} (${remaining(cluster.expiresAt, now)})`;
  const lines = [
    `cluster ${cluster.name}: ${cluster.nodes.length} × ${cluster.machine.name} (${traits}) in ${cluster.project}/${cluster.zone}; ${ttl}`,
    `${'NODE'.padEnd(24)}${'ROLE'.padEnd(9)}${'ADDRESS'.padEnd(17)}${'STATUS'.padEnd(13)}${'STATE'.padEnd(12)}POLICY`,
  ];
  for (const node of status.nodes) {
    lines.push(`${node.name.padEnd(24)}${node.role.padEnd(9)}${(node.ip ?? '-').padEnd(17)}${node.status.padEnd(13)}${node.state.padEnd(12)}${node.policy ?? '-'}`);
  }
  lines.push(`${status.running} of ${status.nodes.length} VM(s) running${status.lost.length > 0 ? `; lost: ${status.lost.map((node) => `${node.name} (${node.state})`).join(', ')}` : ''}`);
  if (status.strays.length > 0) lines.push(`labelled but not in cluster.json: ${status.strays.join(', ')} (cluster down deletes them too)`);
  return `${lines.join('\n')}\n`;
}
