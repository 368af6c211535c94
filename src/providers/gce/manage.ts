// `cluster down`, `status` and `list`, the I/O halves: what a cluster folder
// records (cluster.json, the journal) joined with what Compute Engine lists
// under the cluster's label.

import { HpcrunError, usageError } from '../../errors.js';
import { type ClusterStatus, clusterStatus, regionOf } from '../../core/gce/index.js';
import type { Cluster } from '../../schemas/index.js';
import type { ComputeApi } from './api.js';
import { type JournalSummary, appendJournal, readJournal, summarise } from './journal.js';
import { clusterDir, clusterNames, readCluster, retireClusterFiles, unknownCluster } from './store.js';
import { type TeardownResult, type TeardownTarget, teardown } from './teardown.js';
import type { GceContext } from './up.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface ClusterState {
  name: string;
  dir: string;
  cluster: Cluster | undefined;
  journal: JournalSummary;
  /** up: complete; incomplete: an `up` that did not finish; deleted: taken down; absent: no folder. */
  state: 'up' | 'incomplete' | 'deleted' | 'absent';
}

export async function clusterState(name: string, env: Env): Promise<ClusterState> {
  const dir = clusterDir(env, name);
  const cluster = await readCluster(dir);
  const journal = summarise(await readJournal(dir));
  const state = cluster ? 'up' : journal.last === 'down-done' ? 'deleted' : journal.begin ? 'incomplete' : 'absent';
  return { name, dir, cluster, journal, state };
}

/** What `down` deletes: everything recorded, plus (by label) what was not; --project/--zone alone suffice without a folder. */
export function teardownTarget(state: ClusterState, flags: { project?: string | undefined; zone?: string | undefined }, env: Env): TeardownTarget {
  const recorded = state.cluster ?? state.journal.begin;
  const project = recorded?.project ?? flags.project;
  const zone = recorded?.zone ?? flags.zone;
  if (recorded && ((flags.project && flags.project !== recorded.project) || (flags.zone && flags.zone !== recorded.zone))) {
    throw usageError('HPCRUN_CLUSTER_MISMATCH', `${state.name} was created in ${recorded.project}/${recorded.zone}, not in ${flags.project ?? recorded.project}/${flags.zone ?? recorded.zone}`, 'drop --project and --zone: the cluster folder says where it is');
  }
  if (!project || !zone) throw unknownCluster(state.name, env);
  const cluster = state.cluster;
  const instances = [...(cluster?.nodes.map((node) => node.name) ?? []), ...(cluster?.head ? [cluster.head.name] : []), ...state.journal.instances];
  const policies = [...(cluster?.policies.map((policy) => policy.name) ?? []), ...state.journal.policies];
  return { name: state.name, project, zone, region: regionOf(zone), instances: [...new Set(instances)], policies: [...new Set(policies)], operations: state.journal.operations, findPolicies: !recorded };
}

export async function downCluster(state: ClusterState, target: TeardownTarget, context: GceContext): Promise<TeardownResult> {
  const result = await teardown(context.api, target, context);
  if (state.state !== 'absent') {
    await retireClusterFiles(state.dir);
    await appendJournal(state.dir, { event: 'down-done' });
  }
  return result;
}

/** The cluster.json of a complete cluster, or the reason there is none. */
export function requireComplete(state: ClusterState, env: Env): Cluster {
  if (state.state === 'absent' || state.state === 'deleted') throw unknownCluster(state.name, env);
  if (!state.cluster) {
    throw new HpcrunError('not-found', 'HPCRUN_CLUSTER_INCOMPLETE', `${state.name}: \`cluster up\` did not finish (no cluster.json in ${state.dir})`, { hint: `run \`hpcrun cluster down ${state.name}\` to delete what it created` });
  }
  return state.cluster;
}

export async function statusOf(cluster: Cluster, api: ComputeApi, now: Date): Promise<ClusterStatus> {
  return clusterStatus(cluster, await api.listInstances(cluster.project, cluster.zone, cluster.name), now);
}

export interface ListRow {
  name: string;
  project: string;
  zone: string;
  machine: string;
  nodes: number | undefined;
  running: number | undefined;
  lost: number | undefined;
  expiresAt: string | null;
  state: ClusterState['state'] | 'expired';
}

export async function listStates(env: Env): Promise<ClusterState[]> {
  const states = await Promise.all((await clusterNames(env)).map((name) => clusterState(name, env)));
  return states.filter((state) => state.state === 'up' || state.state === 'incomplete');
}

/** One row per live or incomplete cluster, with one instances.list call each. */
export async function listRows(states: readonly ClusterState[], api: ComputeApi, now: Date): Promise<ListRow[]> {
  return Promise.all(
    states.map(async (state): Promise<ListRow> => {
      const where = state.cluster ?? state.journal.begin;
      const instances = where ? await api.listInstances(where.project, where.zone, state.name) : [];
      if (!state.cluster) {
        return { name: state.name, project: where?.project ?? '-', zone: where?.zone ?? '-', machine: '-', nodes: undefined, running: instances.filter((i) => i.status === 'RUNNING').length, lost: undefined, expiresAt: null, state: 'incomplete' };
      }
      const status = clusterStatus(state.cluster, instances, now);
      const c = state.cluster;
      return { name: c.name, project: c.project, zone: c.zone, machine: c.machine.name, nodes: c.nodes.length, running: status.running, lost: status.lost.length, expiresAt: c.expiresAt, state: status.expired ? 'expired' : 'up' };
    }),
  );
}

export function renderList(rows: readonly ListRow[]): string {
  if (rows.length === 0) return 'no clusters (hpcrun cluster up creates one)\n';
  const show = (value: number | undefined): string => (value === undefined ? '-' : String(value));
  const header = `${'NAME'.padEnd(28)}${'PROJECT'.padEnd(22)}${'ZONE'.padEnd(18)}${'MACHINE'.padEnd(20)}${'NODES'.padStart(6)}${'RUNNING'.padStart(9)}${'LOST'.padStart(6)}  ${'EXPIRES'.padEnd(26)}STATE`;
  const lines = rows.map((r) => `${r.name.padEnd(28)}${r.project.padEnd(22)}${r.zone.padEnd(18)}${r.machine.padEnd(20)}${show(r.nodes).padStart(6)}${show(r.running).padStart(9)}${show(r.lost).padStart(6)}  ${(r.expiresAt ?? '-').padEnd(26)}${r.state === 'incomplete' ? 'incomplete (run cluster down)' : r.state}`);
  return `${[header, ...lines].join('\n')}\n`;
}
