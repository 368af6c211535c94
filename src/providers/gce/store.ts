// The cluster folder (default ~/.hpcrun/clusters/NAME/, or
// $HPCRUN_CLUSTERS_DIR/NAME/): cluster.json, the inventory `hostfile`,
// `known_hosts`, and journal.jsonl (journal.ts). Writes are atomic; the
// folder is private to the user.

import { readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HpcrunError, inputError } from '../../errors.js';
import { requireClusterName } from '../../core/gce/index.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { type Cluster, checkCluster, joinErrors } from '../../schemas/index.js';

export const CLUSTER_FILES = { cluster: 'cluster.json', journal: 'journal.jsonl', hostfile: 'hostfile', knownHosts: 'known_hosts', headKey: 'head_ed25519' } as const;

type Env = Readonly<Record<string, string | undefined>>;

export function clustersRoot(env: Env): string {
  return env.HPCRUN_CLUSTERS_DIR || join(env.HOME || homedir(), '.hpcrun', 'clusters');
}

export function clusterDir(env: Env, name: string): string {
  return join(clustersRoot(env), requireClusterName(name));
}

function parseCluster(text: string, path: string): Cluster {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw inputError('HPCRUN_CLUSTER_INVALID', `${path} is not JSON: ${(error as Error).message}`, 'the file was edited or truncated; `hpcrun cluster down NAME --project P --zone Z` still deletes by label');
  }
  const checked = checkCluster(data);
  if (!checked.ok) throw inputError('HPCRUN_CLUSTER_INVALID', `${path}: ${joinErrors(checked.errors)}`, 'the file was edited by hand, or written by another hpcrun version');
  return checked.value;
}

/** cluster.json, or undefined when the folder has none (an `up` that did not finish, or a cluster taken down). */
export async function readCluster(dir: string): Promise<Cluster | undefined> {
  const path = join(dir, CLUSTER_FILES.cluster);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new HpcrunError('not-found', 'HPCRUN_CLUSTER_UNREADABLE', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseCluster(text, path);
}

/** The same, synchronously, for choosing a provider from flags. */
export function readClusterSync(dir: string): Cluster | undefined {
  const path = join(dir, CLUSTER_FILES.cluster);
  try {
    return parseCluster(readFileSync(path, 'utf8'), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function unknownCluster(name: string, env: Env): HpcrunError {
  return new HpcrunError('not-found', 'HPCRUN_CLUSTER_UNKNOWN', `no cluster named ${name} in ${clustersRoot(env)}`, {
    hint: '`hpcrun cluster list` shows the clusters; to delete VMs labelled hpcrun-cluster=NAME without a folder, add --project P --zone Z',
  });
}

export async function ensureClusterDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new HpcrunError('output', 'HPCRUN_OUTPUT_UNWRITABLE', `cannot create the cluster folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { hint: 'set HPCRUN_CLUSTERS_DIR to a writable folder' });
  }
}

/**
 * Writes the inventory and known_hosts, then cluster.json last: a cluster.json
 * means the folder is complete. Without `cluster`, only the first two.
 */
export async function writeClusterFiles(dir: string, cluster: Cluster | undefined, files: { hostfile: string; knownHosts: string }): Promise<void> {
  try {
    await writeFileAtomic(join(dir, CLUSTER_FILES.hostfile), files.hostfile, 0o600);
    await writeFileAtomic(join(dir, CLUSTER_FILES.knownHosts), files.knownHosts, 0o600);
    if (cluster) await writeFileAtomic(join(dir, CLUSTER_FILES.cluster), `${JSON.stringify(cluster, null, 2)}\n`, 0o600);
  } catch (error) {
    throw new HpcrunError('output', 'HPCRUN_OUTPUT_UNWRITABLE', `cannot write the cluster folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/**
 * The private half of the head node's cluster key, kept (mode 0600) so that a
 * replaced head can be set up again; it opens only this cluster's VMs.
 */
export async function writeHeadKey(dir: string, key: { privateKey: string }): Promise<void> {
  await writeFileAtomic(join(dir, CLUSTER_FILES.headKey), key.privateKey, 0o600);
}

export async function readHeadKey(dir: string): Promise<string | undefined> {
  return readFile(join(dir, CLUSTER_FILES.headKey), 'utf8').catch(() => undefined);
}

/** After `down`: only the journal stays, ending in down-done, so a second `down` knows the cluster and finds nothing. */
export async function retireClusterFiles(dir: string): Promise<void> {
  await Promise.all([CLUSTER_FILES.cluster, CLUSTER_FILES.hostfile, CLUSTER_FILES.knownHosts, CLUSTER_FILES.headKey].map((file) => rm(join(dir, file), { force: true })));
}

export async function clusterNames(env: Env): Promise<string[]> {
  try {
    const entries = await readdir(clustersRoot(env), { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory() && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(entry.name)).map((entry) => entry.name).sort();
  } catch {
    return [];
  }
}
