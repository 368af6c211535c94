// `cluster up`, the I/O half: create the placement policies, then the VMs
// (one all-or-nothing bulkInsert per policy), then the head node; wait on
// every operation; read every VM's host keys; write the cluster folder.
// Before each create a journal line is flushed to disk. If anything fails
// (an operation's error, a 503 storm, Ctrl-C), everything created so far is
// deleted before the error is reported, once: nothing is retried after an
// operation error, so an exhausted quota cannot cause a create/delete loop.

import { join } from 'node:path';
import { HpcrunError } from '../../errors.js';
import { type ClusterSpec, type CreateCall, type HostKey, type InstanceInfo, clusterKnownHosts, clusterRecord, hostfileText, knownHostsText, upCalls } from '../../core/gce/index.js';
import type { Cluster } from '../../schemas/index.js';
import type { ComputeApi, OperationRef } from './api.js';
import { type ClusterKey, bootstrapHead, generateClusterKey } from './head.js';
import { waitForHostKeys } from './hostkeys.js';
import { appendJournal, readJournal, resetJournal, summarise } from './journal.js';
import { awaitOperation, interrupted } from './operations.js';
import { CLUSTER_FILES, retireClusterFiles, writeClusterFiles, writeHeadKey } from './store.js';
import { teardown } from './teardown.js';
import type { GceTiming } from './timing.js';

export interface GceContext {
  api: ComputeApi;
  timing: GceTiming;
  signal?: AbortSignal | undefined;
  log: (line: string) => void;
  env: Readonly<Record<string, string | undefined>>;
}

/** Sends the creates of one phase (journal line, then request, then the operation's name), then waits on all. */
export async function createPhase(calls: readonly CreateCall[], dir: string, context: GceContext): Promise<void> {
  const { api, signal } = context;
  const pending: { ref: OperationRef; what: string }[] = [];
  const failures: unknown[] = [];
  for (const call of calls) {
    if (signal?.aborted) break;
    const what = call.kind === 'policy' ? `creating the placement policy ${call.names[0]}` : `creating ${call.names.length === 1 ? `the VM ${call.names[0]}` : `the VMs ${call.names[0]} to ${call.names.at(-1)}`}`;
    await appendJournal(dir, { event: 'create', kind: call.kind === 'policy' ? 'policy' : 'instances', names: call.names });
    try {
      const ref = call.kind === 'policy' ? await api.insertPolicy(call) : await api.bulkInsert(call);
      await appendJournal(dir, { event: 'operation', scope: ref.scope, location: ref.location, name: ref.name });
      pending.push({ ref, what });
    } catch (error) {
      failures.push(error);
      break;
    }
  }
  // Every operation that was started is waited on, even after a failure, so that cleanup sees its result.
  const settled = await Promise.allSettled(pending.map(({ ref, what }) => awaitOperation(api, ref, what, context)));
  for (const outcome of settled) if (outcome.status === 'rejected') failures.push(outcome.reason);
  if (failures.length > 0) throw failures.find((failure) => !(failure instanceof HpcrunError && failure.kind === 'interrupted')) ?? failures[0];
  if (signal?.aborted) throw interrupted(signal);
}

async function build(spec: ClusterSpec, dir: string, key: ClusterKey | undefined, context: GceContext): Promise<Cluster> {
  const { api } = context;
  const calls = upCalls(spec, key?.metadataLine);
  const all = [...spec.nodes, ...(spec.head ? [spec.head] : [])];
  await appendJournal(dir, { event: 'begin', project: spec.project, zone: spec.zone, region: spec.region, name: spec.name, policies: spec.groups.map((g) => g.name), instances: all });
  const policies = calls.filter((call) => call.kind === 'policy');
  if (policies.length > 0) {
    context.log(`up: creating ${policies.length} compact placement polic${policies.length === 1 ? 'y' : 'ies'} in ${spec.region}`);
    await createPhase(policies, dir, context);
  }
  context.log(`up: creating ${all.length} VM(s) in ${spec.zone}`);
  await createPhase(calls.filter((call) => call.kind === 'instances'), dir, context);
  const listed = new Map((await api.listInstances(spec.project, spec.zone, spec.name)).map((instance) => [instance.name, instance] as const));
  const absent = all.filter((name) => !listed.get(name)?.ip);
  if (absent.length > 0) {
    throw new HpcrunError('cloud', 'HPCRUN_GCE_OPERATION_FAILED', `the create operations succeeded, but ${absent.join(', ')} ${absent.length === 1 ? 'is' : 'are'} not listed with an address`, { hint: 'run `hpcrun cluster down NAME` and try again' });
  }
  context.log(`up: waiting for every VM to publish its SSH host keys (guest attributes)`);
  const keys = await waitForHostKeys(api, spec.project, spec.zone, all, { ...context, onProgress: context.log });
  return finish(spec, dir, listed, keys, key, context);
}

async function finish(spec: ClusterSpec, dir: string, listed: ReadonlyMap<string, InstanceInfo>, keys: ReadonlyMap<string, readonly HostKey[]>, key: ClusterKey | undefined, context: GceContext): Promise<Cluster> {
  const placeholder = { publicKey: key?.metadataLine ?? '', keyPath: '-', knownHostsPath: '-' };
  const cluster = await writeCluster(clusterRecord(spec, listed, spec.head ? placeholder : undefined), dir, keys, key, context);
  await appendJournal(dir, { event: 'up-done' });
  return cluster;
}

/**
 * Writes the inventory and known_hosts; with a head node, copies the cluster
 * key and the nodes' known_hosts to it; then writes cluster.json.
 */
export async function writeCluster(record: Cluster, dir: string, keys: ReadonlyMap<string, readonly HostKey[]>, key: ClusterKey | undefined, context: GceContext): Promise<Cluster> {
  let cluster = record;
  const files = { hostfile: hostfileText(cluster), knownHosts: clusterKnownHosts(cluster, keys) };
  // known_hosts first: the head's own key verifies the connection that sets it up.
  await writeClusterFiles(dir, undefined, files);
  if (cluster.head && key) {
    await writeHeadKey(dir, key);
    context.log(`head: setting up the head node ${cluster.head.name} (${cluster.head.externalIp})`);
    const nodesOnly = knownHostsText(cluster.nodes.map((node) => ({ names: [node.name, node.ip], keys: keys.get(node.name) ?? [] })), cluster.name, cluster.ssh.port);
    const paths = await bootstrapHead({
      cluster: cluster.name,
      address: cluster.head.externalIp,
      user: cluster.ssh.user,
      port: cluster.ssh.port,
      identity: cluster.ssh.identity ?? undefined,
      knownHostsFile: join(dir, CLUSTER_FILES.knownHosts),
      key,
      nodesKnownHosts: nodesOnly,
      env: context.env,
      timing: context.timing,
    });
    cluster = { ...cluster, head: { ...cluster.head, ...paths } };
  }
  await writeClusterFiles(dir, cluster, files);
  return cluster;
}

/** Creates the cluster; on any failure deletes what was created, then rethrows. */
export async function up(spec: ClusterSpec, dir: string, context: GceContext): Promise<Cluster> {
  await resetJournal(dir);
  const key = spec.head ? generateClusterKey(spec.name, spec.ssh.user) : undefined;
  try {
    return await build(spec, dir, key, context);
  } catch (error) {
    const reason = error instanceof HpcrunError ? `${error.code}: ${error.message}` : String(error);
    context.log(`up: failed (${reason.split('\n')[0]}); deleting what was created`);
    const journal = summarise(await readJournal(dir));
    try {
      // The cleanup runs to the end even after Ctrl-C: the user asked to stop creating, not to leave VMs behind.
      const removed = await teardown(context.api, { name: spec.name, project: spec.project, zone: spec.zone, region: spec.region, instances: journal.instances, policies: journal.policies, operations: journal.operations }, { ...context, signal: undefined });
      await retireClusterFiles(dir);
      await appendJournal(dir, { event: 'down-done' });
      context.log(`up: cleaned up: ${removed.instances.length} VM(s) and ${removed.policies.length} placement polic${removed.policies.length === 1 ? 'y' : 'ies'} deleted; nothing is left`);
    } catch (cleanup) {
      const why = cleanup instanceof HpcrunError ? cleanup.message : String(cleanup);
      context.log(`up: the cleanup failed too (${why}); run \`hpcrun cluster down ${spec.name}\``);
    }
    throw error;
  }
}
