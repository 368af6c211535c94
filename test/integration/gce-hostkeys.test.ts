// Host keys from guest attributes, checked against real sshd: a local double
// of Compute Engine (not Compute Engine, test/gce/double/) "creates" the VMs
// at the virtual cluster's addresses (10.213.0.11-13) and publishes, as each
// VM's hostkeys/ guest attributes, the host key that node's sshd really has,
// or, for one VM, another key. `cluster up` runs here (the double is on
// 127.0.0.1); `launch --cluster` runs on hpcrun-n1, where the nodes are
// reachable, and must refuse the VM whose sshd presents another key than its
// guest attributes before mpirun starts.

import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ComputeDouble } from '../gce/double/server.js';
import { newHostKey } from '../gce/double/wire.js';
import { BIN, NODES, STATE_DIR, hpcrun } from './cluster.js';

const UP = ['cluster', 'up', '--provider', 'gce', '--project', 'hpc-proj', '--zone', 'us-central1-a', '--machine', 'c2-standard-60', '--nodes', '3'];
const FAST = 'retryBudget=2s,backoffBase=5ms,backoffMax=40ms,operationTimeout=10s,hostKeyTimeout=5s,hostKeyPoll=10ms,sweepTimeout=5s';

let double: ComputeDouble | undefined;
let dir: string | undefined;
afterEach(async () => {
  await double?.stop();
  // Not in /tmp: nodes started with --private-tmp have a /tmp of their own.
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The public host key node N's sshd presents (testbed layout: nodes/hpcrun-nN/ssh_host_ed25519_key.pub). */
function testbedHostKey(index: number): { type: string; key: string } {
  const [type, key] = readFileSync(join(STATE_DIR, 'nodes', `hpcrun-n${index}`, 'ssh_host_ed25519_key.pub'), 'utf8').trim().split(/\s+/);
  return { type: type as string, key: key as string };
}

/** A double whose VM NAME-000i sits at node i's address and publishes node i's key (or, for `forged`, another). */
async function start(forged: number | undefined): Promise<Record<string, string>> {
  const nodeOf = (name: string): number => Number(/-(\d+)$/.exec(name)?.[1]);
  double = new ComputeDouble({
    address: (name) => `10.213.0.${10 + nodeOf(name)}`,
    hostKeys: (name) => [nodeOf(name) === forged ? newHostKey() : testbedHostKey(nodeOf(name))],
  });
  const endpoint = await double.start();
  dir = await mkdtemp('/var/tmp/hpcrun-gce-it-');
  return { CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: endpoint, GOOGLE_OAUTH_ACCESS_TOKEN: double.token, HPCRUN_CLUSTERS_DIR: dir, HPCRUN_GCE_TIMING: FAST, METADATA_SERVER_DETECTION: 'none' };
}

async function up(name: string, env: Record<string, string>): Promise<void> {
  const created = await hpcrun([...UP, '--name', name, '--ssh-user', 'root', '--ssh-key', join(STATE_DIR, 'id_ed25519.pub'), '--identity', join(STATE_DIR, 'id_ed25519'), '--yes'], env);
  expect(created.exitCode, created.stderr).toBe(0);
}

/** `hpcrun launch --cluster NAME ...` on the head node hpcrun-n1, with the cluster folder passed along. */
async function launchOnNode(name: string, args: readonly string[]) {
  const result = await execa(process.execPath, [BIN, 'testbed', 'exec', '--on', 'hpcrun-n1', '--', 'env', `HPCRUN_CLUSTERS_DIR=${dir}`, process.execPath, BIN, 'launch', '--cluster', name, ...args], { reject: false, stdin: 'ignore' });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

describe('cluster host keys from guest attributes, against real sshd', () => {
  it('verifies every node by the key its guest attributes published, and runs across them', async () => {
    const env = await start(undefined);
    await up('itgood', env);
    const result = await launchOnNode('itgood', ['--np', '3', '--ppn', '1', '--', 'hostname']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n').sort()).toEqual(NODES);
    expect((await hpcrun(['cluster', 'down', 'itgood'], env)).exitCode).toBe(0);
    expect(double?.counts()).toEqual({ instances: 0, policies: 0 });
  });

  it('refuses a VM whose sshd presents another key than its guest attributes, before mpirun starts', async () => {
    const env = await start(2);
    await up('itbad', env);
    const result = await launchOnNode('itbad', ['--np', '3', '--ppn', '1', '--', 'hostname']);
    expect(result.exitCode).toBe(68);
    expect(result.stderr).toMatch(/HPCRUN_HOST_KEY_MISMATCH: 10\.213\.0\.12: host key SHA256:\S+ does not match known_hosts/);
    expect(result.stderr).not.toMatch(/10\.213\.0\.1[13]: host key/);
    expect(result.stdout).not.toMatch(/hpcrun-n/);
    expect((await hpcrun(['cluster', 'down', 'itbad'], env)).exitCode).toBe(0);
    expect(double?.counts()).toEqual({ instances: 0, policies: 0 });
  });
});
