// hpcrun launch on the real virtual cluster: real sshd, real ssh2 preflight,
// real Open MPI mpirun across three network namespaces.

import { execa } from 'execa';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, copyFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureKernel } from '../../src/kernels/index.js';
import { INVENTORY, NODES, ROOT, STATE_DIR, finished, hpcrun, hpcrunOn, ranksByHost, sshdPidOf, stderrUntil } from './cluster.js';

const HOSTILE = 'x; touch /tmp/p $(touch /tmp/p) `touch /tmp/p` "q" \'s\' \n';
let rankhost: string;
let scratch: string;

beforeAll(async () => {
  rankhost = (await ensureKernel({ env: process.env, sourceDir: join(ROOT, 'mpi-templates/programs/rankhost') })).path;
  scratch = await mkdtemp(join(tmpdir(), 'hpcrun-it-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** hpcrun's own job folders in this machine's /tmp (the testbed's nodes share it). */
const jobDirs = async (): Promise<string[]> => (await readdir('/tmp')).filter((name) => /^hpcrun-(launch|rsh|hostfile)[-.]/.test(name));

/** Every process in a node's network namespace: pid, command name and argv. */
async function processesOn(node: string): Promise<{ pid: number; comm: string; args: string }[]> {
  const pids = (await execa('ip', ['netns', 'pids', node])).stdout.split('\n').filter(Boolean);
  if (pids.length === 0) return [];
  const lines = (await execa('ps', ['-o', 'pid=,comm=,args=', '-p', pids.join(',')], { reject: false })).stdout.split('\n').filter(Boolean);
  return lines.map((line) => /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line)).filter((m): m is RegExpExecArray => m !== null).map((m) => ({ pid: Number(m[1]), comm: m[2] as string, args: m[3] as string }));
}
const commandNamesOn = async (node: string): Promise<string[]> => (await processesOn(node)).map((process) => process.comm);
const commandsOn = async (node: string): Promise<string[]> => (await processesOn(node)).map((process) => process.args);

describe('launch across the virtual cluster', () => {
  it('places ranks 2 per node on 3 nodes, from the head node', async () => {
    const result = await finished(hpcrunOn('hpcrun-n1', ['launch', '--hosts', INVENTORY, '--np', '6', '--', rankhost]));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(ranksByHost(result.stdout)).toEqual({ 'hpcrun-n1': [0, 1], 'hpcrun-n2': [2, 3], 'hpcrun-n3': [4, 5] });
    expect(result.stderr).toMatch(/preflight: 3 hosts ok .*openmpi 4\.1/);
  });

  it('places ranks the same way through --head from outside the nodes', async () => {
    const result = await finished(hpcrunOn('login', ['launch', '--head', 'hpcrun-n1', '--hosts', INVENTORY, '--np', '3', '--ppn', '1', '--', rankhost]));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(ranksByHost(result.stdout)).toEqual({ 'hpcrun-n1': [0], 'hpcrun-n2': [1], 'hpcrun-n3': [2] });
  });

  it.each([['hpcrun-n1', []], ['login', ['--head', 'hpcrun-n1']]])('passes on the exit status 7 of a failing program (from %s)', async (on, extra) => {
    const result = await finished(hpcrunOn(on, ['launch', ...extra, '--hosts', INVENTORY, '--np', '6', '--', 'sh', '-c', 'exit 7']));
    expect(result.exitCode).toBe(7);
  });

  it('stops a job that runs past --timeout with status 124', async () => {
    const result = await finished(hpcrunOn('hpcrun-n1', ['launch', '--hosts', INVENTORY, '--np', '2', '--timeout', '2s', '--', 'sleep', '30']));
    expect(result.exitCode).toBe(124);
    expect(result.stderr).toMatch(/HPCRUN_TIMEOUT/);
    expect(result.durationMs).toBeLessThan(20_000);
  });

  it.each([['locally', 'hpcrun-n1', []], ['through --head', 'login', ['--head', 'hpcrun-n1']]])(
    'hands a hostile argument over byte for byte and executes nothing, %s',
    async (_how, on, extra) => {
      await rm('/tmp/p', { force: true });
      const out = join(scratch, `argv-${on}`);
      const script = 'printf "%s" "$1" > "$2.$(hostname)"';
      const result = await finished(hpcrunOn(on, ['launch', ...extra, '--hosts', INVENTORY, '--np', '3', '--ppn', '1', '--', 'sh', '-c', script, 'sh', HOSTILE, out]));
      expect(result.exitCode, result.stderr).toBe(0);
      for (const node of NODES) expect(await readFile(`${out}.${node}`, 'utf8')).toBe(HOSTILE);
      expect(existsSync('/tmp/p')).toBe(false);
    },
  );

  it.each([['hpcrun-n1', []], ['login', ['--head', 'hpcrun-n1']]])('names the nodes that lack the program before mpirun starts (from %s)', async (on, extra) => {
    for (const program of ['no-such-program-hpcrun', './no-such-program-hpcrun']) {
      const result = await finished(hpcrunOn(on, ['launch', ...extra, '--hosts', INVENTORY, '--np', '3', '--ppn', '1', '--', program, 'arg']));
      expect(result.exitCode, result.stderr).toBe(68);
      expect(result.stderr).toContain(`HPCRUN_PROGRAM_MISSING: ${program} was not found on hpcrun-n1, hpcrun-n2, hpcrun-n3`);
      expect(result.stderr).not.toMatch(/mpirun|ORTE/);
    }
  });

  it('refuses two inventory names for one node (the same host key), before mpirun starts', async () => {
    const inventory = join(scratch, 'aliases');
    await writeFile(inventory, 'hpcrun-n1 slots=1\nhpcrun-n2 slots=1\n10.213.0.12 slots=1\n');
    const result = await finished(hpcrunOn('hpcrun-n1', ['launch', '--hosts', inventory, '--np', '3', '--', 'true']));
    expect(result.exitCode).toBe(65);
    expect(result.stderr).toMatch(/HPCRUN_DUPLICATE_NODE: hpcrun-n2 and 10\.213\.0\.12 are one node \(the same host key SHA256:\S+\)/);
    // Two names for the machine hpcrun runs on, which it checks without SSH.
    await writeFile(inventory, 'hpcrun-n1 slots=1\n10.213.0.11 slots=1\nhpcrun-n2 slots=1\n');
    const local = await finished(hpcrunOn('hpcrun-n1', ['launch', '--hosts', inventory, '--np', '3', '--', 'true']));
    expect(local.exitCode).toBe(65);
    expect(local.stderr).toMatch(/HPCRUN_DUPLICATE_NODE: hpcrun-n1 and 10\.213\.0\.11 are one node \(both name this machine\)/);
  });

  it('names a node whose sshd is down before mpirun starts, within seconds', async () => {
    const marker = join(scratch, 'ran');
    process.kill(await sshdPidOf('hpcrun-n2'));
    try {
      const result = await finished(hpcrunOn('hpcrun-n1', ['launch', '--hosts', INVENTORY, '--np', '6', '--', 'touch', marker]));
      expect(result.exitCode).toBe(68);
      expect(result.stderr).toMatch(/HPCRUN_HOST_UNREACHABLE: hpcrun-n2: cannot connect on port 22/);
      expect(result.stderr).not.toMatch(/hpcrun-n[13]: cannot connect/);
      expect(result.durationMs).toBeLessThan(10_000);
      expect(existsSync(marker)).toBe(false);
    } finally {
      expect((await hpcrun(['testbed', 'up', '--nodes', '3'])).exitCode).toBe(0);
    }
  });

  it('refuses an unknown host key by default and records it only with --accept-new-host-keys', async () => {
    const knownHosts = join(scratch, 'known_hosts');
    await writeFile(knownHosts, '');
    const args = ['launch', '--hosts', INVENTORY, '--np', '3', '--ppn', '1', '--known-hosts', knownHosts, '--', 'true'];
    const refused = await finished(hpcrunOn('hpcrun-n1', args));
    expect(refused.exitCode).toBe(68);
    expect(refused.stderr).toMatch(/HPCRUN_HOST_KEY_UNKNOWN/);
    expect(refused.stderr).toMatch(/hpcrun-n2: host key SHA256:\S+ is not in known_hosts/);
    // hpcrun runs on hpcrun-n1, which mpirun starts no daemon on: it is checked by the local probe, not over SSH.
    expect(refused.stderr).not.toMatch(/hpcrun-n1: host key/);
    expect(refused.stderr).toMatch(/--accept-new-host-keys/);
    expect(await readFile(knownHosts, 'utf8')).toBe('');

    const accepted = await finished(hpcrunOn('hpcrun-n1', [...args.slice(0, -2), '--accept-new-host-keys', '--', 'true']));
    expect(accepted.exitCode, accepted.stderr).toBe(0);
    const recorded = (await readFile(knownHosts, 'utf8')).trim().split('\n');
    expect(recorded.map((line) => line.split(' ')[0]).sort()).toEqual(['hpcrun-n2', 'hpcrun-n3']);
  });

  it('refuses a changed host key even with --accept-new-host-keys', async () => {
    const real = await readFile(join(STATE_DIR, 'known_hosts'), 'utf8');
    const other = (await readFile(join(STATE_DIR, 'id_ed25519.pub'), 'utf8')).split(' ').slice(0, 2).join(' ');
    const forged = real.replace(/^hpcrun-n2,\S+ .*$/m, `hpcrun-n2 ${other}`);
    const knownHosts = join(scratch, 'forged_known_hosts');
    await writeFile(knownHosts, forged);
    const result = await finished(hpcrunOn('hpcrun-n1', ['launch', '--hosts', INVENTORY, '--np', '3', '--ppn', '1', '--known-hosts', knownHosts, '--accept-new-host-keys', '--', 'true']));
    expect(result.exitCode).toBe(68);
    expect(result.stderr).toMatch(/HPCRUN_HOST_KEY_MISMATCH: hpcrun-n2: host key SHA256:\S+ does not match/);
  });

  it.each([['locally', 'hpcrun-n1', []], ['through --head', 'login', ['--head', 'hpcrun-n1']]])('stops the job on Ctrl-C %s and leaves no hostfile', async (_how, on, extra) => {
    const before = await jobDirs();
    const child = hpcrunOn(on, ['launch', ...extra, '--hosts', INVENTORY, '--np', '2', '--', 'sleep', '97']);
    const seen = await stderrUntil(child, /preflight:/);
    expect(seen).toMatch(/preflight: 3 hosts ok/);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    child.kill('SIGINT');
    const result = await finished(child);
    expect(result.exitCode).toBe(130);
    expect(result.durationMs).toBeLessThan(20_000);
    expect(result.stderr).toMatch(/HPCRUN_INTERRUPTED/);
    const deadline = Date.now() + 10_000;
    let left = '';
    do {
      left = (await execa('pgrep', ['-f', 'sleep 97'], { reject: false })).stdout;
      if (left === '') break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    } while (Date.now() < deadline);
    expect(left).toBe('');
    expect((await jobDirs()).filter((name) => !before.includes(name))).toEqual([]);
  });
});

describe('a node that dies during the run', () => {

  it.each([['hpcrun-n1', []], ['login', ['--head', 'hpcrun-n1']]])('is named, the job stops within 30 s and nothing is left on the others (from %s)', async (on, extra) => {
    const before = await jobDirs();
    const child = hpcrunOn(on, ['launch', ...extra, '--hosts', INVENTORY, '--np', '3', '--ppn', '1', '--', 'sleep', '89']);
    await stderrUntil(child, /preflight:/);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !(await commandNamesOn('hpcrun-n2')).includes('sleep')) await new Promise((resolve) => setTimeout(resolve, 200));
    const killed = Date.now();
    // The node dies: every process in its namespace, its sshd sessions included.
    for (const pid of (await execa('ip', ['netns', 'pids', 'hpcrun-n2'])).stdout.split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
    try {
      const result = await finished(child);
      expect(Date.now() - killed).toBeLessThan(30_000);
      expect(result.exitCode, result.stderr).not.toBe(0);
      expect(result.stderr).toMatch(/hpcrun-n2/);
      if (on === 'hpcrun-n1') expect(result.stderr).toMatch(/HPCRUN_NODE_LOST: lost hpcrun-n2 during the run/);
      for (const node of ['hpcrun-n1', 'hpcrun-n3']) {
        const left = (await commandNamesOn(node)).filter((comm) => comm !== 'sshd');
        expect(left, node).toEqual([]);
      }
      expect((await jobDirs()).filter((name) => !before.includes(name))).toEqual([]);
    } finally {
      expect((await hpcrun(['testbed', 'up', '--nodes', '3'])).exitCode).toBe(0);
    }
  });
});

describe('mpirun reuses the preflight connections', () => {

  /** Open MPI's per-job session folders on the surviving nodes: /tmp/ompi.HOST.UID/jf.N. */
  const sessionDirs = () => ['hpcrun-n1', 'hpcrun-n2', 'hpcrun-n3'].flatMap((node) => {
    const base = join('/tmp', `ompi.${node}.0`);
    return existsSync(base) ? readdirSync(base).map((name) => join(base, name)) : [];
  });

  it('starts the daemons through hpcrun\'s agent, not ssh, and nothing outlives a killed hpcrun', async () => {
    const sessionsBefore = sessionDirs();
    const child = hpcrunOn('hpcrun-n1', ['launch', '--hosts', INVENTORY, '--np', '3', '--ppn', '1', '--', 'sleep', '87']);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !(await commandsOn('hpcrun-n3')).some((args) => args.startsWith('sleep 87'))) await new Promise((resolve) => setTimeout(resolve, 200));
    const head = await commandsOn('hpcrun-n1');
    // The C build of the agent (a compiler is here); without one, the Node.js agent would serve.
    expect(head.filter((args) => /hpcrun-rsh-agent-[0-9a-f]{16} hpcrun-n/.test(args))).toHaveLength(2);
    expect(head.filter((args) => /^(\/usr\/bin\/)?ssh /.test(args))).toEqual([]);
    const launcher = (await processesOn('hpcrun-n1')).find((entry) => entry.args.includes('dist/bin.js launch'));
    expect(launcher).toBeDefined();
    process.kill(launcher!.pid, 'SIGKILL');
    await finished(child);
    const gone = Date.now() + 15_000;
    let left: string[] = [];
    do {
      left = (await Promise.all(NODES.map(commandsOn))).flat().filter((args) => /sleep 87|orted|mpirun|rsh-agent/.test(args));
      if (left.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 300));
    } while (Date.now() < gone);
    expect(left).toEqual([]);
    // Open MPI's session folders went with the job too (the nodes share this /tmp).
    expect(sessionDirs().filter((dir) => !sessionsBefore.includes(dir))).toEqual([]);
    // The killed hpcrun could not remove its own job folders; the next launch sweeps them.
    const orphaned = (await jobDirs()).filter((name) => name.includes(`-${launcher!.pid}-`));
    expect(orphaned.length).toBeGreaterThan(0);
    expect((await finished(hpcrunOn('hpcrun-n1', ['launch', '--hosts', INVENTORY, '--np', '1', '--', 'true']))).exitCode).toBe(0);
    expect((await jobDirs()).filter((name) => name.includes(`-${launcher!.pid}-`))).toEqual([]);
  });

  /** Polls until `done` holds, or fails after `ms`. */
  async function until(what: string, done: () => Promise<boolean>, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('starts mpirun while a node is still in preflight, and starts no daemon before every node has passed', async () => {
    // hpcrun-n3's sshd is stopped: its connection is accepted but not answered, so preflight waits on it.
    const sshd = await sshdPidOf('hpcrun-n3');
    process.kill(sshd, 'SIGSTOP');
    let stopped = true;
    try {
      const child = hpcrunOn('hpcrun-n1', ['launch', '--hosts', INVENTORY, '--np', '3', '--ppn', '1', '--', rankhost]);
      // mpirun is up and has asked hpcrun's agent for both remote daemons...
      await until('mpirun and two agents on the head', async () => (await commandsOn('hpcrun-n1')).filter((args) => /hpcrun-rsh-agent-[0-9a-f]{16} hpcrun-n/.test(args)).length === 2);
      // ...which are held: no daemon on the node that passed preflight, nor on the one still in it.
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const node of ['hpcrun-n2', 'hpcrun-n3']) expect(await commandNamesOn(node)).not.toContain('orted');
      process.kill(sshd, 'SIGCONT');
      stopped = false;
      const result = await finished(child);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(ranksByHost(result.stdout)).toEqual({ 'hpcrun-n1': [0], 'hpcrun-n2': [1], 'hpcrun-n3': [2] });
      expect(result.stderr).toMatch(/^preflight: 3 hosts ok/);
    } finally {
      if (stopped) process.kill(sshd, 'SIGCONT');
    }
  });

  it('stops the early mpirun when preflight then fails: no daemon, no rank, no output of it, nothing left', async () => {
    const knownHosts = join(scratch, 'known_hosts_one');
    // Only hpcrun-n1's key is known: n2 and n3 fail preflight after mpirun has started.
    const all = await readFile(join(STATE_DIR, 'known_hosts'), 'utf8');
    await writeFile(knownHosts, all.split('\n').filter((line) => line.startsWith('hpcrun-n1 ') || line.startsWith('hpcrun-n1,')).join('\n') + '\n');
    const marker = join(scratch, 'early-ran');
    const before = await jobDirs();
    const result = await finished(hpcrunOn('hpcrun-n1', ['launch', '--hosts', INVENTORY, '--np', '3', '--ppn', '1', '--known-hosts', knownHosts, '--', 'touch', marker]));
    expect(result.exitCode, result.stderr).toBe(68);
    expect(result.stderr).toMatch(/HPCRUN_HOST_KEY_UNKNOWN/);
    expect(result.stderr).not.toMatch(/mpirun|ORTE|orted|daemon/);
    expect(existsSync(marker)).toBe(false);
    const left = (await Promise.all(NODES.map(commandsOn))).flat().filter((args) => /orted|mpirun|rsh-agent/.test(args));
    expect(left).toEqual([]);
    expect((await jobDirs()).filter((name) => !before.includes(name))).toEqual([]);
  });

  it('through --head, a lost connection (hpcrun killed) stops the job and removes its folder on the head', async () => {
    const child = hpcrunOn('login', ['launch', '--head', 'hpcrun-n1', '--hosts', INVENTORY, '--np', '2', '--ppn', '1', '--', 'sleep', '83']);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !(await commandsOn('hpcrun-n2')).some((args) => args.startsWith('sleep 83'))) await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await readdir('/tmp')).filter((name) => name.startsWith('hpcrun-launch.'))).toHaveLength(1);
    const launcher = (await processesOn('hpcrun-fabric')).find((entry) => entry.args.includes('dist/bin.js launch'));
    expect(launcher).toBeDefined();
    process.kill(launcher!.pid, 'SIGKILL');
    await finished(child);
    const gone = Date.now() + 20_000;
    let left: string[] = [];
    do {
      left = [...(await readdir('/tmp')).filter((name) => name.startsWith('hpcrun-launch.')), ...(await Promise.all(NODES.map(commandsOn))).flat().filter((args) => /sleep 83|orted|mpirun/.test(args))];
      if (left.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 300));
    } while (Date.now() < gone);
    expect(left).toEqual([]);
  });
});

describe('launch --plan', () => {
  it('runs every rank on the host the plan gave it', async () => {
    const planDir = join(scratch, 'plan');
    // A 2x3 grid on 2-core nodes: compact keeps grid columns together
    // (ranks 0+3, 1+4, 2+5), which is not mpirun's block order.
    const planned = await hpcrun(['plan', '--grid', '2x3', '--cores-per-node', '2', '--hosts', INVENTORY, '--out', planDir, '--json']);
    expect(planned.exitCode, planned.stderr).toBe(0);
    const plan = JSON.parse(await readFile(join(planDir, 'plan.json'), 'utf8')) as { nodes: { host: string }[]; rankToNode: number[] };
    const expected: Record<string, number[]> = {};
    plan.rankToNode.forEach((node, rank) => (expected[plan.nodes[node]!.host] ??= []).push(rank));
    expect(expected['hpcrun-n1']).not.toEqual([0, 1]);

    for (const [on, extra] of [['hpcrun-n1', []], ['login', ['--head', 'hpcrun-n1']]] as const) {
      const result = await finished(hpcrunOn(on, ['launch', ...extra, '--plan', planDir, '--', rankhost]));
      expect(result.exitCode, result.stderr).toBe(0);
      expect(ranksByHost(result.stdout)).toEqual(expected);
    }
  });
});

describe('testbed', () => {
  it('up is idempotent: a second up keeps the same sshd processes', async () => {
    const before = await Promise.all(NODES.map(sshdPidOf));
    const again = await hpcrun(['testbed', 'up', '--nodes', '3']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(await Promise.all(NODES.map(sshdPidOf))).toEqual(before);
    const status = JSON.parse((await hpcrun(['testbed', 'status', '--json'])).stdout) as { nodes: { name: string; sshdPid: number }[] };
    expect(status.nodes.map((node) => node.name)).toEqual(NODES);
  });

  it('grows to 4 nodes with the running nodes seeing the new one, then shrinks back to 3', async () => {
    const before = await Promise.all(NODES.map(sshdPidOf));
    try {
      expect((await hpcrun(['testbed', 'up', '--nodes', '4'])).exitCode).toBe(0);
      expect(await Promise.all(NODES.map(sshdPidOf))).toEqual(before);
      const result = await finished(hpcrunOn('login', ['launch', '--head', 'hpcrun-n1', '--hosts', INVENTORY, '--np', '4', '--ppn', '1', '--', rankhost]));
      expect(result.exitCode, result.stderr).toBe(0);
      // Lines from different nodes may arrive in any order; the placement may not.
      expect(ranksByHost(result.stdout)).toEqual({ 'hpcrun-n1': [0], 'hpcrun-n2': [1], 'hpcrun-n3': [2], 'hpcrun-n4': [3] });
    } finally {
      expect((await hpcrun(['testbed', 'up', '--nodes', '3'])).exitCode).toBe(0);
    }
    const namespaces = (await execa('ip', ['netns', 'list'])).stdout;
    expect(namespaces).not.toMatch(/hpcrun-n4/);
    expect(await readFile(INVENTORY, 'utf8')).not.toMatch(/hpcrun-n4/);
  });

  it('refuses a second testbed with another state folder, leaving the running one untouched', async () => {
    const before = await Promise.all(NODES.map(sshdPidOf));
    const other = join(scratch, 'other-testbed');
    for (const action of [['up', '--nodes', '2'], ['down']]) {
      const result = await execa(process.execPath, [join(ROOT, 'dist/bin.js'), 'testbed', ...action], { reject: false, env: { HPCRUN_TESTBED_DIR: other } });
      expect(result.exitCode, result.stderr).toBe(69);
      expect(result.stderr).toMatch(/HPCRUN_TESTBED_BUSY: cannot .*: the running testbed belongs to \/run\/hpcrun-testbed/);
    }
    expect(await Promise.all(NODES.map(sshdPidOf))).toEqual(before);
  });

  it('status exits non-zero and names the node whose sshd is dead, shows the cap, and up repairs it', async () => {
    const healthy = await hpcrun(['testbed', 'status']);
    expect(healthy.exitCode).toBe(0);
    expect(healthy.stdout).toMatch(/^testbed: 3 nodes on 10\.213\.0\.0\/24, no bandwidth cap$/m);
    process.kill(await sshdPidOf('hpcrun-n3'), 'SIGKILL');
    const sick = await hpcrun(['testbed', 'status']);
    expect(sick.exitCode).toBe(68);
    expect(sick.stdout).toMatch(/hpcrun-n3 +10\.213\.0\.13 +sshd NOT RUNNING/);
    expect(sick.stderr).toMatch(/HPCRUN_TESTBED_UNHEALTHY: sshd is not running on hpcrun-n3/);
    expect((await hpcrun(['testbed', 'up', '--nodes', '3'])).exitCode).toBe(0);
    expect((await hpcrun(['testbed', 'status'])).exitCode).toBe(0);
  });

  it('the demo uses a testbed that is already up and leaves it up', async () => {
    const before = await Promise.all(NODES.map(sshdPidOf));
    const demo = await hpcrun(['demo']);
    expect(demo.exitCode, demo.stderr).toBe(0);
    expect(demo.stderr).toMatch(/demo: using the virtual cluster that is already up \(3 nodes\); it stays up/);
    expect(demo.stderr).not.toMatch(/tearing/);
    expect(demo.stdout.match(/^rank \d of 6 on hpcrun-n\d$/gm)).toHaveLength(6);
    expect(await Promise.all(NODES.map(sshdPidOf))).toEqual(before);
  });

  it('says clearly that it needs root, and the demo falls back to localhost', async () => {
    const asNobody = ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', `HOME=${scratch}`, 'PATH=/usr/local/bin:/usr/bin:/bin'];
    await execa('chmod', ['0777', scratch]);
    // This Node.js, where nobody may run it (npx installs Node 24 under /root, which is 0700).
    const node = join(scratch, 'node');
    await copyFile(process.execPath, node);
    await chmod(node, 0o755);
    const refused = await execa('setpriv', [...asNobody, node, join(ROOT, 'dist/bin.js'), 'testbed', 'up', '--nodes', '2'], { reject: false });
    expect(refused.exitCode).toBe(69);
    expect(refused.stderr).toMatch(/HPCRUN_TESTBED_NEEDS_ROOT: the virtual cluster needs root/);
    const demo = await execa('setpriv', [...asNobody, node, join(ROOT, 'dist/bin.js'), 'demo'], { reject: false });
    expect(demo.exitCode, demo.stderr).toBe(0);
    expect(demo.stderr).toMatch(/no virtual cluster here .*running on localhost instead/);
    expect(demo.stdout.match(/^rank \d of 2 on \S+$/gm)).toHaveLength(2);
  });

  it('each node has its own hostname and no route leads there from the host', async () => {
    for (const node of NODES) {
      const result = await execa(process.execPath, [join(ROOT, 'dist/bin.js'), 'testbed', 'exec', '--on', node, '--', 'hostname'], { reject: false });
      expect(result.stdout.trim()).toBe(node);
    }
    const route = await execa('ip', ['route', 'get', '10.213.0.11'], { reject: false });
    expect(route.stdout).not.toMatch(/hpcbr0|10\.213\.0\.1 /);
  });
});
