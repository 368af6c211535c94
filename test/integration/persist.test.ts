// launch --persist on the virtual cluster: a holder process keeps verified
// SSH logins (real sshd, real ssh2), the next launch runs its probes and
// mpirun's daemons on them with no new SSH connection, and a changed
// known_hosts is never served by a login made under the old one.

import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureKernel } from '../../src/kernels/index.js';
import { INVENTORY, ROOT, STATE_DIR, finished, hpcrun, hpcrunOn, ranksByHost, stderrUntil } from './cluster.js';

let rankhost: string;
let scratch: string;

beforeAll(async () => {
  rankhost = (await ensureKernel({ env: process.env, sourceDir: join(ROOT, 'mpi-templates/programs/rankhost') })).path;
  scratch = await mkdtemp(join(tmpdir(), 'hpcrun-it-persist-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});
// No holder outlives a test.
afterEach(async () => {
  await finished(hpcrunOn('hpcrun-n1', ['connections', '--stop']));
});

/** Established TCP connections to a node's sshd (port 22), seen in its own namespace. */
async function sshSessions(node: string): Promise<number> {
  const { stdout } = await execa('ip', ['netns', 'exec', node, 'ss', '-Htn', 'state', 'established', '( sport = :22 )']);
  return stdout.split('\n').filter(Boolean).length;
}

interface HolderJson {
  pid: number;
  hosts: string[];
  persistMs: number;
  idleMs: number | null;
}

async function holders(): Promise<HolderJson[]> {
  const result = await finished(hpcrunOn('hpcrun-n1', ['connections', '--json']));
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as HolderJson[];
}

async function until(what: string, done: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('launch --persist', () => {
  it('keeps the logins, and the next launch opens no SSH connection of its own', async () => {
    expect(await holders()).toEqual([]);
    const first = await finished(hpcrunOn('hpcrun-n1', ['launch', '--hosts', INVENTORY, '--np', '3', '--ppn', '1', '--persist', '1m', '--', rankhost]));
    expect(first.exitCode, first.stderr).toBe(0);
    expect(ranksByHost(first.stdout)).toEqual({ 'hpcrun-n1': [0], 'hpcrun-n2': [1], 'hpcrun-n3': [2] });
    // The launch has ended; its logins to the two other nodes are kept by one holder (hpcrun-n1 is this machine, checked locally).
    const [holder, ...others] = await holders();
    expect(others).toEqual([]);
    expect(holder!.hosts.sort()).toEqual(['hpcrun-n2', 'hpcrun-n3']);
    expect(holder!.persistMs).toBe(60_000);
    expect(holder!.idleMs).not.toBeNull();
    for (const node of ['hpcrun-n2', 'hpcrun-n3']) expect(await sshSessions(node)).toBe(1);

    // While the second launch runs, each node still has that one SSH connection, not a second.
    const second = hpcrunOn('hpcrun-n1', ['launch', '--hosts', INVENTORY, '--np', '3', '--ppn', '1', '--persist', '1m', '--', 'sh', '-c', 'sleep 3; hostname']);
    const seen: number[] = [];
    const watching = (async () => {
      while (second.exitCode === null) {
        seen.push(...(await Promise.all(['hpcrun-n2', 'hpcrun-n3'].map(sshSessions))));
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    const result = await finished(second);
    await watching;
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.split('\n').filter(Boolean).sort()).toEqual(['hpcrun-n1', 'hpcrun-n2', 'hpcrun-n3']);
    expect(result.stderr).toMatch(/^preflight: 3 hosts ok/);
    expect(seen.length).toBeGreaterThan(4);
    expect(new Set(seen)).toEqual(new Set([1]));
    // The same holder served it.
    expect((await holders()).map((h) => h.pid)).toEqual([holder!.pid]);

    // --stop closes the logins: no SSH connection is left on any node.
    const stop = await finished(hpcrunOn('hpcrun-n1', ['connections', '--stop']));
    expect(stop.exitCode, stop.stderr).toBe(0);
    expect(stop.stdout).toMatch(/2 logins \(hpcrun-n[23], hpcrun-n[23]\): closed/);
    await until('the nodes\' SSH connections to close', async () => (await sshSessions('hpcrun-n2')) === 0 && (await sshSessions('hpcrun-n3')) === 0);
    expect(await holders()).toEqual([]);
  });

  it('never serves a changed known_hosts from a login kept under the old one', async () => {
    const all = await readFile(join(STATE_DIR, 'known_hosts'), 'utf8');
    const knownHosts = join(scratch, 'known_hosts');
    await writeFile(knownHosts, all);
    const ok = await finished(hpcrunOn('hpcrun-n1', ['launch', '--hosts', INVENTORY, '--np', '3', '--ppn', '1', '--persist', '1m', '--known-hosts', knownHosts, '--', 'true']));
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect((await holders())[0]?.hosts.sort()).toEqual(['hpcrun-n2', 'hpcrun-n3']);
    // hpcrun-n3's key is taken out of the same file: its kept login must not be used.
    await writeFile(knownHosts, all.split('\n').filter((line) => !line.startsWith('hpcrun-n3')).join('\n'));
    const refused = await finished(hpcrunOn('hpcrun-n1', ['launch', '--hosts', INVENTORY, '--np', '3', '--ppn', '1', '--persist', '1m', '--known-hosts', knownHosts, '--', 'true']));
    expect(refused.exitCode).toBe(68);
    expect(refused.stderr).toMatch(/HPCRUN_HOST_KEY_UNKNOWN: hpcrun-n3: host key SHA256:\S+ is not in known_hosts/);
    // Two holders now: the old settings' (idle) and the new ones' (holding only hpcrun-n2).
    expect((await holders()).map((h) => h.hosts.sort().join(',')).sort()).toEqual(['hpcrun-n2', 'hpcrun-n2,hpcrun-n3']);
  });

  it('ends the holder and its logins once it has been idle for the --persist time', async () => {
    const result = await finished(hpcrunOn('hpcrun-n1', ['launch', '--hosts', INVENTORY, '--np', '2', '--ppn', '1', '--persist', '2s', '--', 'true']));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await sshSessions('hpcrun-n2')).toBe(1);
    await until('the holder to end', async () => (await sshSessions('hpcrun-n2')) === 0, 10_000);
    expect(await holders()).toEqual([]);
  });

  it('a node that dies during a run on kept logins is named, and the job stops within 30 s', async () => {
    const child = hpcrunOn('hpcrun-n1', ['launch', '--hosts', INVENTORY, '--np', '3', '--ppn', '1', '--persist', '1m', '--', 'sleep', '79']);
    await stderrUntil(child, /preflight:/);
    const sleeping = async () => {
      const pids = (await execa('ip', ['netns', 'pids', 'hpcrun-n2'])).stdout.split('\n').filter(Boolean);
      return pids.length > 0 && (await execa('ps', ['-o', 'args=', '-p', pids.join(',')], { reject: false })).stdout.includes('sleep 79');
    };
    await until('sleep on hpcrun-n2', sleeping);
    const killed = Date.now();
    // The node dies: every process in its namespace, the kept login's sshd session included.
    for (const pid of (await execa('ip', ['netns', 'pids', 'hpcrun-n2'])).stdout.split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
    try {
      const result = await finished(child);
      expect(Date.now() - killed).toBeLessThan(30_000);
      expect(result.exitCode, result.stderr).not.toBe(0);
      // hpcrun's own watch heard it through the holder, as it hears a direct connection close.
      expect(result.stderr).toMatch(/HPCRUN_NODE_LOST: lost hpcrun-n2 during the run/);
      // The holder let go of the dead login and keeps the live one.
      await until('the holder to let go of hpcrun-n2', async () => (await holders())[0]?.hosts.join(',') === 'hpcrun-n3');
    } finally {
      expect((await hpcrun(['testbed', 'up', '--nodes', '3'])).exitCode).toBe(0);
    }
  });

  it('a kept login lost with its node is let go, and the next launch logs in again', async () => {
    const first = await finished(hpcrunOn('hpcrun-n1', ['launch', '--hosts', INVENTORY, '--np', '3', '--ppn', '1', '--persist', '1m', '--', 'true']));
    expect(first.exitCode, first.stderr).toBe(0);
    // hpcrun-n3's sshd session (the kept login) is killed; its sshd still listens, so a new login works.
    const { stdout } = await execa('ip', ['netns', 'pids', 'hpcrun-n3']);
    const pids = stdout.split('\n').filter(Boolean);
    const sessions = (await execa('ps', ['-o', 'pid=,args=', '-p', pids.join(',')])).stdout.split('\n').filter((line) => /sshd: \S+@notty/.test(line));
    expect(sessions).toHaveLength(1);
    process.kill(Number(sessions[0]!.trim().split(/\s+/)[0]), 'SIGKILL');
    await until('the holder to let go of hpcrun-n3', async () => !(await holders())[0]?.hosts.includes('hpcrun-n3'));
    // The next launch logs in again through the holder and runs.
    const again = await finished(hpcrunOn('hpcrun-n1', ['launch', '--hosts', INVENTORY, '--np', '3', '--ppn', '1', '--persist', '1m', '--', rankhost]));
    expect(again.exitCode, again.stderr).toBe(0);
    expect(ranksByHost(again.stdout)).toEqual({ 'hpcrun-n1': [0], 'hpcrun-n2': [1], 'hpcrun-n3': [2] });
  });
});
