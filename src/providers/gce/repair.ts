// `cluster repair`: recreate the nodes that were preempted, terminated or
// lost, under the same names and in the same placement policies, for what is
// left of the TTL; then read every VM's host keys again and rewrite the
// inventory, known_hosts and cluster.json. A failed create is reported, not
// retried (no create/delete loop); what it made is labelled and journalled,
// so `down` removes it.

import { HpcrunError } from '../../errors.js';
import { type InstancesCall, clusterStatus, instancesCall, remainingTtlSeconds, specOfCluster } from '../../core/gce/index.js';
import type { Cluster } from '../../schemas/index.js';
import type { ClusterKey } from './head.js';
import { waitForHostKeys } from './hostkeys.js';
import { appendJournal } from './journal.js';
import { API_CONCURRENCY, mapLimit } from './limit.js';
import { awaitOperation } from './operations.js';
import { readHeadKey } from './store.js';
import { type GceContext, createPhase, writeCluster } from './up.js';

export interface RepairResult {
  cluster: Cluster;
  recreated: string[];
}

export async function repair(cluster: Cluster, dir: string, now: Date, context: GceContext): Promise<RepairResult> {
  const { api } = context;
  const status = clusterStatus(cluster, await api.listInstances(cluster.project, cluster.zone, cluster.name), now);
  const ttl = remainingTtlSeconds(cluster, now);
  if (status.expired || (ttl !== undefined && ttl < 60)) {
    throw new HpcrunError('not-found', 'HPCRUN_CLUSTER_EXPIRED', `the cluster's TTL ends at ${cluster.expiresAt}: Compute Engine deletes its VMs then`, { hint: 'create a new cluster with `hpcrun cluster up`' });
  }
  const lost = status.lost;
  if (lost.length === 0) return { cluster, recreated: [] };
  context.log(`repair: ${lost.map((node) => `${node.name} (${node.state})`).join(', ')}`);
  // A stopped VM keeps its name: delete it first.
  const stale = lost.filter((node) => node.status !== 'MISSING');
  const refs = await mapLimit(stale, API_CONCURRENCY, (node) => api.deleteInstance(cluster.project, cluster.zone, node.name));
  await Promise.all(refs.map((ref, i) => (ref ? awaitOperation(api, ref, `deleting the stopped VM ${stale[i]?.name}`, context) : undefined)));

  const spec = { ...specOfCluster(cluster, now.toISOString()), ttlSeconds: ttl };
  const privateKey = cluster.head ? await readHeadKey(dir) : undefined;
  const key: ClusterKey | undefined = cluster.head && privateKey ? { metadataLine: cluster.head.publicKey, privateKey } : undefined;
  const computeKeys = cluster.head ? [...cluster.ssh.publicKeys, cluster.head.publicKey] : cluster.ssh.publicKeys;
  const calls: InstancesCall[] = [];
  const lostNames = new Set(lost.map((node) => node.name));
  const byPolicy = new Map<string | null, string[]>();
  for (const node of cluster.nodes) if (lostNames.has(node.name)) byPolicy.set(node.policy, [...(byPolicy.get(node.policy) ?? []), node.name]);
  for (const [policy, names] of byPolicy) {
    calls.push(instancesCall(spec, names, { role: 'compute', policy: policy ?? undefined, ttlSeconds: ttl, sshKeys: computeKeys }, `repair:${names[0]}`));
  }
  if (cluster.head && lostNames.has(cluster.head.name)) {
    if (!key) throw new HpcrunError('not-found', 'HPCRUN_CLUSTER_HEAD_KEY', `the head node ${cluster.head.name} is lost, and its key is missing from ${dir}`, { hint: `take the cluster down and up again` });
    calls.push(instancesCall(spec, [cluster.head.name], { role: 'head', policy: undefined, ttlSeconds: ttl, sshKeys: cluster.ssh.publicKeys }, `repair:${cluster.head.name}`));
  }
  context.log(`repair: recreating ${lost.length} VM(s)${ttl === undefined ? '' : ` for the ${Math.round(ttl / 60)} min left of the TTL`}`);
  await createPhase(calls, dir, context);

  const listed = new Map((await api.listInstances(cluster.project, cluster.zone, cluster.name)).map((instance) => [instance.name, instance] as const));
  const all = [...cluster.nodes.map((node) => node.name), ...(cluster.head ? [cluster.head.name] : [])];
  const keys = await waitForHostKeys(api, cluster.project, cluster.zone, all, { ...context, onProgress: context.log });
  const ipOf = (name: string, old: string): string => listed.get(name)?.ip ?? old;
  const updated: Cluster = {
    ...cluster,
    nodes: cluster.nodes.map((node) => ({ ...node, ip: ipOf(node.name, node.ip) })),
    head: cluster.head ? { ...cluster.head, ip: ipOf(cluster.head.name, cluster.head.ip), externalIp: listed.get(cluster.head.name)?.externalIp ?? cluster.head.externalIp } : null,
  };
  // The head's known_hosts of the nodes changes with every new node: set it up again.
  const written = await writeCluster(updated, dir, keys, key, context);
  await appendJournal(dir, { event: 'up-done' });
  return { cluster: written, recreated: [...lostNames] };
}
