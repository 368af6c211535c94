// Nodes from a cluster made by `hpcrun cluster up`, for `launch --cluster
// NAME` and `bench --cluster NAME`: the SSH provider over the cluster
// folder's inventory and known_hosts (host keys read from guest attributes,
// so the first connection is verified), as the user the VMs were given keys
// for, through the head node when the cluster has one. Reads only the folder:
// no Compute Engine call, no cloud library.

import { join } from 'node:path';
import type { Deps } from '../../deps.js';
import { HpcrunError } from '../../errors.js';
import { parseInventory } from '../../core/inventory.js';
import { readFileSync } from 'node:fs';
import { type SshOptions, sshProvider } from '../ssh/index.js';
import type { Provider } from '../types.js';
import { headSshArgs } from './head.js';
import { CLUSTER_FILES, clusterDir, readClusterSync, unknownCluster } from './store.js';

export { CLUSTER_FILES, clusterDir, clustersRoot } from './store.js';

function liveCluster(name: string, deps: Deps) {
  const dir = clusterDir(deps.env, name);
  const cluster = readClusterSync(dir);
  if (!cluster) throw unknownCluster(name, deps.env);
  if (cluster.expiresAt !== null && Date.parse(cluster.expiresAt) <= deps.now().getTime()) {
    throw new HpcrunError('not-found', 'HPCRUN_CLUSTER_EXPIRED', `the cluster ${name} expired at ${cluster.expiresAt}: Compute Engine has deleted its VMs`, {
      hint: `run \`hpcrun cluster down ${name}\` to clear what is left, then \`hpcrun cluster up\` again`,
    });
  }
  return { dir, cluster };
}

/** The cluster's nodes as the inventory lists them (internal addresses), in node order: a plan's node i is host i. */
export function clusterHosts(name: string, deps: Deps): string[] {
  const { dir } = liveCluster(name, deps);
  const path = join(dir, CLUSTER_FILES.hostfile);
  return parseInventory(readFileSync(path, 'utf8'), path).map((host) => host.name);
}

export function clusterProvider(name: string, ssh: SshOptions, deps: Deps): Provider {
  const { dir, cluster } = liveCluster(name, deps);
  const options: SshOptions = {
    ...ssh,
    identity: ssh.identity ?? cluster.ssh.identity ?? undefined,
    user: ssh.user ?? cluster.ssh.user,
    port: ssh.port ?? cluster.ssh.port,
    knownHosts: ssh.knownHosts ?? join(dir, CLUSTER_FILES.knownHosts),
  };
  const head = cluster.head;
  const inner = sshProvider({ inventory: join(dir, CLUSTER_FILES.hostfile), head: head?.externalIp, ssh: options }, deps);
  if (!head) return inner;
  return {
    ...inner,
    // mpirun on the head reaches the nodes with the cluster's own key and known_hosts there.
    launcher(mpi, choice) {
      const chosen = inner.launcher(mpi, choice);
      return { ...chosen, context: { ...chosen.context, sshArgs: headSshArgs(head, options.user, options.port) } };
    },
  };
}
