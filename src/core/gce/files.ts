// The files of a cluster folder, as text: the inventory (Open MPI hostfile
// syntax, one line per node with its slots) and known_hosts, built from the
// SSH host keys each VM's guest environment published in its `hostkeys/`
// guest attributes. Pure.

import { keyTypeOf, lookupName } from '../known-hosts.js';
import type { Cluster } from '../../schemas/index.js';

/** The key types gcloud accepts from guest attributes (ssh_utils.SUPPORTED_HOSTKEY_TYPES). */
export const HOSTKEY_TYPES: readonly string[] = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ssh-rsa'];

export interface GuestAttribute {
  namespace?: string | null;
  key?: string | null;
  value?: string | null;
}

export interface HostKey {
  type: string;
  key: string;
}

/**
 * The host keys among a VM's guest attributes. As gcloud does, a value is cut
 * at the first whitespace and must be plain base64; beyond that, the key type
 * written inside the blob must be the attribute's key.
 */
export function hostKeysOf(items: readonly GuestAttribute[]): HostKey[] {
  const keys: HostKey[] = [];
  for (const item of items) {
    if (item.namespace !== 'hostkeys' || !item.key || !HOSTKEY_TYPES.includes(item.key)) continue;
    const value = (item.value ?? '').trim().split(/\s+/)[0] ?? '';
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) continue;
    const blob = Buffer.from(value, 'base64');
    if (blob.toString('base64') !== value || keyTypeOf(blob) !== item.key) continue;
    keys.push({ type: item.key, key: value });
  }
  return keys.sort((a, b) => HOSTKEY_TYPES.indexOf(a.type) - HOSTKEY_TYPES.indexOf(b.type));
}

export interface KnownHost {
  /** Every name the host is reached by: instance name, internal and external address. */
  names: string[];
  keys: readonly HostKey[];
}

/** known_hosts lines; names take OpenSSH's [host]:port form when sshd is not on port 22. */
export function knownHostsText(hosts: readonly KnownHost[], cluster: string, port = 22): string {
  const lines = [`# hpcrun cluster ${cluster}: host keys read from each VM's hostkeys/ guest attributes`];
  for (const host of hosts) for (const key of host.keys) lines.push(`${host.names.map((name) => lookupName(name, port)).join(',')} ${key.type} ${key.key}`);
  return `${lines.join('\n')}\n`;
}

/** The inventory: nodes by internal address, one slot per physical core, the instance name as a comment. */
export function hostfileText(cluster: Pick<Cluster, 'name' | 'nodes' | 'machine'>): string {
  const header = `# hpcrun cluster ${cluster.name}: ${cluster.nodes.length} × ${cluster.machine.name} (Open MPI hostfile syntax)\n`;
  return header + cluster.nodes.map((node) => `${node.ip} slots=${cluster.machine.physicalCores}  # ${node.name}\n`).join('');
}

/** Known hosts of every node, and of the head by its internal and external address. */
export function clusterKnownHosts(cluster: Pick<Cluster, 'name' | 'nodes' | 'head' | 'ssh'>, keys: ReadonlyMap<string, readonly HostKey[]>): string {
  const hosts: KnownHost[] = cluster.nodes.map((node) => ({ names: [node.name, node.ip], keys: keys.get(node.name) ?? [] }));
  if (cluster.head) hosts.push({ names: [cluster.head.name, cluster.head.ip, cluster.head.externalIp], keys: keys.get(cluster.head.name) ?? [] });
  return knownHostsText(hosts, cluster.name, cluster.ssh.port);
}
