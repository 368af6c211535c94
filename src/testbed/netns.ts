// Brings the virtual cluster up and down with iproute2, unshare and sshd.
// Every command is an argument array; nothing is built as a shell string.

import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { HpcrunError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { checkOwnedDir } from '../io/owned-dir.js';
import { signal, sleep } from './procs.js';
import { missingCommands, runChecked, runCommand } from '../exec/run.js';
import {
  BRIDGE,
  FABRIC_ADDRESS,
  FABRIC_NS,
  MAX_NODES,
  PREFIX,
  type TestbedNode,
  type TestbedPaths,
  clusterEnv,
  envFile,
  hostsFile,
  inventoryFile,
  knownHostsFile,
  nodeIndexOf,
  sshClientConfig,
  sshdConfig,
  testbedNodes,
  testbedPaths,
} from './layout.js';

const SSHD = '/usr/sbin/sshd';
/** Everything `up` writes into the state folder; `down` removes nothing else. */
const STATE_ENTRIES = new Set(['id_ed25519', 'id_ed25519.pub', 'authorized_keys', 'known_hosts', 'hostfile', 'env', 'state.json', 'nodes']);
const NETNS_ETC = '/etc/netns';

export interface UpOptions {
  nodes: number;
  /** Egress cap per node in bits per second, applied with tc tbf; undefined removes caps. */
  bandwidthBitsPerSecond?: number;
  /** Give every node its own /tmp and kernel cache (a mount namespace with tmpfs), as VMs that share nothing. */
  privateTmp?: boolean;
  dir: string;
}

export interface TestbedState {
  nodes: { name: string; address: string; sshdPid: number | undefined }[];
  bandwidthBitsPerSecond: number | null;
  privateTmp: boolean;
  paths: TestbedPaths;
}

/** Fails with a clear environment error when this machine cannot host the testbed. */
export async function checkCanHost(isRoot: boolean): Promise<void> {
  if (!isRoot) {
    throw new HpcrunError('environment', 'HPCRUN_TESTBED_NEEDS_ROOT', 'the virtual cluster needs root to create network namespaces', {
      hint: 'run hpcrun testbed as root (sudo), or launch on real nodes with --hosts',
    });
  }
  const packages: Record<string, string> = { ip: 'iproute2', unshare: 'util-linux', nsenter: 'util-linux', [SSHD]: 'openssh-server', 'ssh-keygen': 'openssh-client', tc: 'iproute2' };
  const [tool] = await missingCommands(Object.keys(packages));
  if (tool !== undefined) {
    throw new HpcrunError('environment', 'HPCRUN_TESTBED_MISSING_TOOL', `${tool} is not installed`, { hint: `apt-get install ${packages[tool]}` });
  }
  const probe = await runCommand(['ip', 'netns', 'list']);
  if (!probe.ok) {
    throw new HpcrunError('environment', 'HPCRUN_NO_NETNS', `this machine cannot use network namespaces: ${probe.stderr.trim()}`, {
      hint: 'run on a Linux host or VM that allows `ip netns add`, or launch on real nodes with --hosts',
    });
  }
}

export async function listNamespaces(): Promise<string[]> {
  const result = await runChecked(['ip', 'netns', 'list'], 'listing network namespaces');
  return result.stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(`${PREFIX}-`));
}

const ip = (...args: string[]) => runChecked(['ip', ...args], 'configuring the virtual cluster network');
const linkExists = async (netns: string, link: string) => (await runCommand(['ip', '-n', netns, 'link', 'show', link])).ok;

async function ensureNamespace(name: string, existing: readonly string[]): Promise<void> {
  if (!existing.includes(name)) await ip('netns', 'add', name);
  await ip('-n', name, 'link', 'set', 'lo', 'up');
}

async function ensureKeyPair(path: string, comment: string): Promise<string> {
  if (!existsSync(path)) {
    await runChecked(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], 'generating an SSH key');
  }
  return readFile(`${path}.pub`, 'utf8');
}

/** The pid of the node's sshd if it is alive and inside that node's namespace. */
export async function sshdPid(node: TestbedNode): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(join(node.dir, 'sshd.pid'), 'utf8')).trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    const comm = (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
    if (comm !== 'sshd') return undefined;
    const [procNet, nsFile] = await Promise.all([readlink(`/proc/${pid}/ns/net`), stat(`/run/netns/${node.netns}`)]);
    return procNet === `net:[${nsFile.ino}]` ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Folders a node keeps to itself with --private-tmp: /tmp, and hpcrun's kernel cache (~/.cache/hpcrun for root). */
export const PRIVATE_DIRS = ['/tmp', '/root/.cache/hpcrun'];

async function startSshd(node: TestbedNode, privateTmp: boolean): Promise<void> {
  // unshare gives the node its own hostname (and, with privateTmp, its own
  // mounts: a fresh tmpfs on each private folder); sshd then daemonises inside it.
  const mounts = privateTmp ? 'for d in $5; do mkdir -p "$d" && mount -t tmpfs -o mode=1777 hpcrun-private "$d" || exit 1; done; ' : '';
  await runChecked(
    ['ip', 'netns', 'exec', node.netns, 'unshare', '--uts', ...(privateTmp ? ['--mount', '--propagation', 'private'] : []), '--', 'sh', '-c', `hostname "$1" && ${mounts}exec "$2" -f "$3" -E "$4"`, 'sh', node.name, SSHD, join(node.dir, 'sshd_config'), join(node.dir, 'sshd.log'), PRIVATE_DIRS.join(' ')],
    `starting sshd on ${node.name}`,
  );
}

async function readState(dir: string): Promise<{ bandwidthBitsPerSecond: number | null; privateTmp: boolean }> {
  try {
    const state = JSON.parse(await readFile(testbedPaths(dir).stateFile, 'utf8')) as { bandwidthBitsPerSecond?: number | null; privateTmp?: boolean };
    return { bandwidthBitsPerSecond: state.bandwidthBitsPerSecond ?? null, privateTmp: state.privateTmp === true };
  } catch {
    return { bandwidthBitsPerSecond: null, privateTmp: false };
  }
}

/**
 * Writes the files `ip netns exec` bind-mounts over /etc. They are rewritten
 * in place, not renamed: an sshd started earlier holds a bind mount of the old
 * inode, and must see the new node list when the cluster grows.
 */
async function writeNetnsEtc(netns: string, hosts: string, sshConfig: string, knownHosts: string): Promise<void> {
  const dir = join(NETNS_ETC, netns);
  await mkdir(join(dir, 'ssh'), { recursive: true });
  await writeFile(join(dir, 'hosts'), hosts);
  await writeFile(join(dir, 'ssh', 'ssh_config'), sshConfig);
  await writeFile(join(dir, 'ssh', 'ssh_known_hosts'), knownHosts);
}

/**
 * Which state folder owns the running testbed. Not under /etc/netns: `ip netns
 * exec` bind-mounts every file there over /etc and fails on one /etc lacks.
 */
const OWNER_FILE = '/run/hpcrun-testbed.owner';

/**
 * The namespaces' names are fixed, so only one testbed can exist at a time.
 * Refuses to touch one that another state folder (still present) owns.
 */
async function checkOwner(dir: string, action: string): Promise<void> {
  let owner: string | undefined;
  try {
    owner = (await readFile(OWNER_FILE, 'utf8')).trim();
  } catch {
    return;
  }
  if (owner && owner !== dir && existsSync(owner) && (await listNamespaces()).includes(FABRIC_NS)) {
    throw new HpcrunError('environment', 'HPCRUN_TESTBED_BUSY', `cannot ${action}: the running testbed belongs to ${owner}, not ${dir}`, {
      hint: `use it (HPCRUN_TESTBED_DIR=${owner}), or take it down first: HPCRUN_TESTBED_DIR=${owner} hpcrun testbed down`,
    });
  }
}

async function applyBandwidth(node: TestbedNode, bitsPerSecond: number | undefined): Promise<void> {
  if (bitsPerSecond === undefined) {
    await runCommand(['ip', 'netns', 'exec', node.netns, 'tc', 'qdisc', 'del', 'dev', 'eth0', 'root']);
    return;
  }
  // The bucket holds 1 ms of traffic (at least two full frames): enough for the
  // kernel's timer granularity, small enough that bursts barely exceed the rate.
  // Each node's egress has its own tbf, so the link is full duplex: measured
  // 2026-11-29 at 1 Gbit/s, 50 MB each way at once over one TCP connection ran
  // at 118.7 MB/s per direction, as fast as one way alone, and Open MPI's bibw
  // read 238 MB/s (2x bw) once its eager limit exceeded the message size. The
  // queue depth (`latency`) changed neither: 100, 10 and 2 ms gave the same bw,
  // bibw and halo steps (2 ms dropped packets), so it stays at 100 ms, which
  // never drops a TCP flow here. What makes default Open MPI's bibw read about
  // one cap at >= 1 MiB is its rendezvous over TCP (benchmarks/README.md).
  const burstBytes = Math.max(Math.ceil(bitsPerSecond / 8 / 1000), 3028);
  await runChecked(
    ['ip', 'netns', 'exec', node.netns, 'tc', 'qdisc', 'replace', 'dev', 'eth0', 'root', 'tbf', 'rate', `${bitsPerSecond}bit`, 'burst', String(burstBytes), 'latency', '100ms'],
    `capping bandwidth on ${node.name}`,
  );
}

async function removeNode(netns: string): Promise<void> {
  await killNamespaceProcesses(netns);
  await runCommand(['ip', 'netns', 'del', netns]);
  await rm(join(NETNS_ETC, netns), { recursive: true, force: true });
}

async function killNamespaceProcesses(netns: string): Promise<void> {
  const pids = async () => (await runCommand(['ip', 'netns', 'pids', netns])).stdout.split(/\s+/).filter(Boolean).map(Number);
  for (const name of ['SIGTERM', 'SIGKILL'] as const) {
    const live = await pids();
    if (live.length === 0) return;
    for (const pid of live) signal(pid, name);
    await sleep(200);
  }
}

/** Creates or repairs the cluster so that exactly `nodes` nodes exist and answer on SSH. Idempotent. */
export async function up(options: UpOptions): Promise<TestbedState> {
  if (!Number.isInteger(options.nodes) || options.nodes < 1 || options.nodes > MAX_NODES) {
    throw new HpcrunError('usage', 'HPCRUN_TESTBED_NODES', `--nodes must be between 1 and ${MAX_NODES}, got ${options.nodes}`, { hint: 'for example --nodes 3' });
  }
  const paths = testbedPaths(options.dir);
  const nodes = testbedNodes(options.nodes, options.dir);
  await checkOwner(options.dir, 'bring a testbed up');
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const userKey = await ensureKeyPair(paths.identity, 'hpcrun-testbed');
  await writeFileAtomic(paths.authorizedKeys, userKey, 0o600);

  const existing = await listNamespaces();
  for (const stale of existing) {
    const index = nodeIndexOf(stale);
    if (index !== undefined && index > options.nodes) await removeNode(stale);
  }
  await ensureNamespace(FABRIC_NS, existing);
  await writeFile(OWNER_FILE, `${options.dir}\n`);
  if (!(await linkExists(FABRIC_NS, BRIDGE))) await ip('-n', FABRIC_NS, 'link', 'add', BRIDGE, 'type', 'bridge');
  await ip('-n', FABRIC_NS, 'addr', 'replace', `${FABRIC_ADDRESS}/24`, 'dev', BRIDGE);
  await ip('-n', FABRIC_NS, 'link', 'set', BRIDGE, 'up');

  const hostKeys: { node: TestbedNode; publicKey: string }[] = [];
  for (const node of nodes) {
    await ensureNamespace(node.netns, existing);
    if (!(await linkExists(FABRIC_NS, node.bridgePort))) {
      await ip('-n', FABRIC_NS, 'link', 'add', node.bridgePort, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', node.netns);
      // A fixed MAC per node: a node removed and made again keeps its address,
      // so the other nodes' ARP caches stay right.
      await ip('-n', node.netns, 'link', 'set', 'eth0', 'address', node.mac);
    }
    await ip('-n', FABRIC_NS, 'link', 'set', node.bridgePort, 'master', BRIDGE, 'up');
    await ip('-n', node.netns, 'addr', 'replace', `${node.address}/24`, 'dev', 'eth0');
    await ip('-n', node.netns, 'link', 'set', 'eth0', 'up');
    await mkdir(node.dir, { recursive: true, mode: 0o700 });
    hostKeys.push({ node, publicKey: await ensureKeyPair(join(node.dir, 'ssh_host_ed25519_key'), node.name) });
    await writeFileAtomic(join(node.dir, 'sshd_config'), sshdConfig(node, paths));
    await applyBandwidth(node, options.bandwidthBitsPerSecond);
  }

  const knownHosts = knownHostsFile(hostKeys);
  await writeFileAtomic(paths.knownHosts, knownHosts);
  const hosts = hostsFile(nodes);
  const sshConfig = sshClientConfig(paths);
  for (const netns of [FABRIC_NS, ...nodes.map((node) => node.netns)]) {
    await writeNetnsEtc(netns, hosts, sshConfig, knownHosts);
  }
  // sshd starts after /etc/netns is in place, so its sessions see the cluster's hosts file.
  // Nodes whose /tmp is shared or private against what is asked are started afresh.
  const privateTmp = options.privateTmp === true;
  const restart = (await readState(options.dir)).privateTmp !== privateTmp;
  for (const node of nodes) {
    await ip('-n', node.netns, 'neigh', 'flush', 'all');
    if (restart) await killNamespaceProcesses(node.netns);
    if ((await sshdPid(node)) === undefined) await startSshd(node, privateTmp);
  }
  await writeFileAtomic(paths.inventory, inventoryFile(nodes, availableParallelism()));
  await writeFileAtomic(paths.envFile, envFile(clusterEnv(paths, true)));
  await writeFileAtomic(paths.stateFile, `${JSON.stringify({ nodes: options.nodes, bandwidthBitsPerSecond: options.bandwidthBitsPerSecond ?? null, privateTmp }, null, 2)}\n`);
  const state = await status(options.dir);
  const dead = state.nodes.filter((node) => node.sshdPid === undefined);
  if (dead.length > 0) {
    throw new HpcrunError('environment', 'HPCRUN_TESTBED_SSHD', `sshd did not start on ${dead.map((node) => node.name).join(', ')}`, {
      hint: `read ${join(options.dir, 'nodes', dead[0]?.name ?? '', 'sshd.log')}`,
    });
  }
  return state;
}

/** What exists now. Nodes are those whose namespaces exist. */
export async function status(dir: string): Promise<TestbedState> {
  const paths = testbedPaths(dir);
  const namespaces = await listNamespaces();
  const indices = namespaces.map(nodeIndexOf).filter((index): index is number => index !== undefined).sort((a, b) => a - b);
  const count = indices.length === 0 ? 0 : Math.max(...indices);
  const nodes = [];
  for (const node of testbedNodes(count, dir)) {
    if (!namespaces.includes(node.netns)) continue;
    nodes.push({ name: node.name, address: node.address, sshdPid: await sshdPid(node) });
  }
  return { nodes, ...(await readState(dir)), paths };
}

/** Removes every namespace, process, /etc/netns entry and state file of the testbed, even after a crash. */
export async function down(dir: string): Promise<string[]> {
  await checkOwnedDir(dir, STATE_ENTRIES, 'a testbed state folder', 'HPCRUN_TESTBED_DIR');
  await checkOwner(dir, 'take the testbed down');
  const namespaces = await listNamespaces();
  // Nodes first: deleting a node's namespace also removes its veth pair.
  const ordered = [...namespaces.filter((ns) => ns !== FABRIC_NS), ...namespaces.filter((ns) => ns === FABRIC_NS)];
  for (const netns of ordered) await removeNode(netns);
  for (const leftover of existsSync(NETNS_ETC) ? await readdir(NETNS_ETC) : []) {
    if (leftover.startsWith(`${PREFIX}-`)) await rm(join(NETNS_ETC, leftover), { recursive: true, force: true });
  }
  await rm(dir, { recursive: true, force: true });
  await rm(OWNER_FILE, { force: true });
  return ordered;
}

/**
 * The argv that runs a command on a testbed node (its network and UTS
 * namespaces, so it sees the node's hostname), or at the login position in
 * the fabric namespace, with the cluster's environment.
 */
export async function commandOn(target: string, argv: readonly string[], dir: string, isRoot: boolean): Promise<string[]> {
  const env = Object.entries(clusterEnv(testbedPaths(dir), isRoot)).map(([key, value]) => `${key}=${value}`);
  if (target === 'login') return ['ip', 'netns', 'exec', FABRIC_NS, 'env', ...env, ...argv];
  const index = nodeIndexOf(target) ?? (/^\d+$/.test(target) ? Number(target) : undefined);
  const node = index === undefined ? undefined : testbedNodes(index, dir)[index - 1];
  const pid = node ? await sshdPid(node) : undefined;
  if (!node || pid === undefined) {
    throw new HpcrunError('usage', 'HPCRUN_TESTBED_NO_NODE', `there is no running testbed node ${JSON.stringify(target)}`, {
      hint: 'run `hpcrun testbed status` to list the nodes, or `hpcrun testbed up` to (re)start them',
    });
  }
  // The node's hostname and mounts (its own /tmp with --private-tmp), as its sshd sessions see them.
  return ['ip', 'netns', 'exec', node.netns, 'nsenter', `--uts=/proc/${pid}/ns/uts`, `--mount=/proc/${pid}/ns/mnt`, '--', 'env', ...env, ...argv];
}
