// cluster up --head against the Compute Engine double (not Compute Engine)
// and a stand-in for the head node's sshd on 127.0.0.1 (fake-head.ts): the
// host key from guest attributes verifies the head, and a head whose sshd
// presents another key is refused and everything is deleted.

import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { newHostKey } from './double/wire.js';
import { type FakeHead, startFakeHead } from './fake-head.js';
import { type Lab, UP, openLab } from './helpers.js';

let lab: Lab | undefined;
let head: FakeHead | undefined;
afterEach(async () => {
  await lab?.close();
  await head?.close();
});

async function setUp(publish: 'true key' | 'other key'): Promise<{ lab: Lab; head: FakeHead }> {
  let fake: FakeHead | undefined;
  const opened = await openLab({ hostKeys: (name) => [name.endsWith('-head') && publish === 'true key' && fake ? fake.hostKey : newHostKey()] });
  fake = await startFakeHead(await readFile(join(opened.home, '.ssh', 'id_ed25519.pub'), 'utf8'));
  lab = opened;
  head = fake;
  return { lab: opened, head: fake };
}

describe('cluster up --head', () => {
  it('sets up the head over a verified connection: the cluster key and the nodes\' known_hosts, in ~/.hpcrun/clusters/NAME there', async () => {
    const { lab, head } = await setUp('true key');
    const up = await lab.run([...UP, '--machine', 'c2-standard-60', '--nodes', '2', '--head', '--name', 'hd', '--ssh-port', String(head.port), '--yes']);
    expect(up.code, up.err).toBe(0);
    expect(lab.double.counts()).toEqual({ instances: 3, policies: 1 });
    const cluster = JSON.parse(await readFile(join(lab.clusters, 'hd', 'cluster.json'), 'utf8'));
    const dir = join(head.home, '.hpcrun', 'clusters', 'hd');
    expect(cluster.head).toMatchObject({ name: 'hd-head', externalIp: '127.0.0.1', keyPath: join(dir, 'id_ed25519'), knownHostsPath: join(dir, 'known_hosts') });
    // The private key went over stdin, never on a command line.
    expect(head.commands.join('\n')).not.toMatch(/PRIVATE KEY/);
    expect((await stat(cluster.head.keyPath)).mode & 0o777).toBe(0o600);
    const parsed = ssh2.utils.parseKey(await readFile(cluster.head.keyPath, 'utf8'));
    if (parsed instanceof Error) throw parsed;
    expect(cluster.head.publicKey).toBe(`hpc:ssh-ed25519 ${parsed.getPublicSSH().toString('base64')} hpcrun-hd-head`);
    const knownOnHead = await readFile(cluster.head.knownHostsPath, 'utf8');
    for (const node of cluster.nodes) expect(knownOnHead).toContain(`[${node.name}]:${head.port},[${node.ip}]:${head.port} ssh-ed25519 `);

    // Compute nodes accept the user's key and the head's; the head only the user's, and it alone has an external address.
    const vms = [...lab.double.state.instances.values()];
    const keysOf = (name: string) => (vms.find((vm) => vm.name === name)?.properties.metadata as { items: { key: string; value: string }[] }).items.find((item) => item.key === 'ssh-keys')?.value.split('\n');
    expect(keysOf('hd-0001')).toEqual([cluster.ssh.publicKeys[0], cluster.head.publicKey]);
    expect(keysOf('hd-head')).toEqual(cluster.ssh.publicKeys);
    expect(vms.filter((vm) => vm.natIP).map((vm) => vm.name)).toEqual(['hd-head']);
    expect(vms.find((vm) => vm.name === 'hd-head')?.policies).toEqual([]);

    // launch runs mpirun on the head, whose ssh uses the cluster key and known_hosts there.
    const launch = await lab.run(['launch', '--cluster', 'hd', '--np', '4', '--ppn', '2', '--dry-run', '--', './app']);
    expect(launch.code, launch.err).toBe(0);
    expect(launch.out).toContain(`-i ${cluster.head.keyPath} -o IdentitiesOnly=yes -o UserKnownHostsFile=${cluster.head.knownHostsPath}`);
    expect(launch.out).toContain(`-p ${head.port}`);

    expect((await lab.run(['cluster', 'down', 'hd'])).code).toBe(0);
    expect(lab.double.counts()).toEqual({ instances: 0, policies: 0 });
  });

  it('refuses a head whose sshd presents another key than its guest attributes, and deletes everything', async () => {
    const { lab, head } = await setUp('other key');
    const up = await lab.run([...UP, '--machine', 'c2-standard-60', '--nodes', '2', '--head', '--name', 'mitm', '--ssh-port', String(head.port), '--yes']);
    expect(up.code).toBe(68);
    expect(up.err).toMatch(/HPCRUN_HOST_KEY_MISMATCH: 127\.0\.0\.1: host key SHA256:\S+ does not match known_hosts/);
    expect(up.err).toMatch(/up: cleaned up: 3 VM\(s\) and 1 placement policy deleted; nothing is left/);
    expect(head.commands).toEqual([]);
    expect(lab.double.counts()).toEqual({ instances: 0, policies: 0 });
  });
});
