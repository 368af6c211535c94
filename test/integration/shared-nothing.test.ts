// Nodes that share no filesystem, as cloud VMs: `testbed up --private-tmp`
// gives every node its own /tmp and kernel cache (a mount namespace with a
// fresh tmpfs). launch --bcast/--stage and bench must work across it, leave
// nothing behind on any node, and a program that only this machine has must
// be refused before mpirun starts.

import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, INVENTORY, NODES, finished, hpcrun, hpcrunOn } from './cluster.js';

// Outside /tmp, which the nodes no longer share with this machine.
let scratch: string;

/** Runs a shell command on a node, inside its own mounts. */
async function onNode(node: string, script: string): Promise<string> {
  const result = await execa(process.execPath, [BIN, 'testbed', 'exec', '--on', node, '--', 'sh', '-c', script], { reject: false });
  return String(result.stdout).trim();
}

const leftovers = async () => Object.fromEntries(await Promise.all(NODES.map(async (node) => [node, await onNode(node, 'ls -d /tmp/hpcrun-bcast-* 2>/dev/null || true')] as const)));

beforeAll(async () => {
  scratch = await mkdtemp('/var/tmp/hpcrun-it-');
  const up = await hpcrun(['testbed', 'up', '--nodes', '3', '--private-tmp']);
  if (up.exitCode !== 0) throw new Error(up.stderr);
  // A program and an input that exist only in the head node's private /tmp.
  await onNode('hpcrun-n1', 'printf \'#!/bin/sh\\necho "$(hostname) in $(pwd): $(cat input.txt) $*"\\n\' > /tmp/show && chmod 755 /tmp/show && echo "staged input" > /tmp/input.txt');
});
afterAll(async () => {
  await hpcrun(['testbed', 'up', '--nodes', '3']);
  await rm(scratch, { recursive: true, force: true });
});

describe('nodes that share no filesystem', () => {
  it('gives each node its own /tmp', async () => {
    await onNode('hpcrun-n2', 'echo n2 > /tmp/hpcrun-private-check');
    expect(await onNode('hpcrun-n2', 'cat /tmp/hpcrun-private-check')).toBe('n2');
    expect(await onNode('hpcrun-n3', 'cat /tmp/hpcrun-private-check 2>&1 || echo missing')).toMatch(/missing/);
    const status = await hpcrun(['testbed', 'status']);
    expect(status.stdout).toMatch(/private \/tmp per node/);
  });

  it('refuses a program only this machine has, naming the nodes that lack it, before mpirun starts', async () => {
    const result = await finished(hpcrunOn('hpcrun-n1', ['launch', '--hosts', INVENTORY, '--np', '3', '--ppn', '1', '--', '/tmp/show']));
    expect(result.exitCode).toBe(68);
    expect(result.stderr).toContain('HPCRUN_PROGRAM_MISSING: /tmp/show was not found on hpcrun-n2, hpcrun-n3');
  });

  it('launch --bcast --stage copies the program and its input to every node, runs there, and leaves nothing', async () => {
    const result = await finished(hpcrunOn('hpcrun-n1', ['launch', '--hosts', INVENTORY, '--np', '3', '--ppn', '1', '--bcast', '--stage', '/tmp/input.txt', '--', '/tmp/show', 'a b']));
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n').sort();
    expect(lines).toHaveLength(3);
    lines.forEach((line, index) => expect(line).toMatch(new RegExp(`^hpcrun-n${index + 1} in /tmp/hpcrun-bcast-[0-9a-f]{12}: staged input a b$`)));
    expect(new Set(lines.map((line) => /bcast-([0-9a-f]+)/.exec(line)?.[1])).size).toBe(1);
    expect(await leftovers()).toEqual({ 'hpcrun-n1': '', 'hpcrun-n2': '', 'hpcrun-n3': '' });
  });

  it('calibrate --bcast --stage times a program only this machine has, under a plan, and leaves nothing', async () => {
    const planDir = join(scratch, 'plan');
    const planned = await hpcrun(['plan', '--grid', '3x1', '--cores-per-node', '1', '--hosts', INVENTORY, '--out', planDir]);
    expect(planned.exitCode, planned.stderr).toBe(0);
    // Each step sleeps 50 ms; it reads its input from the staged copy in the job's folder.
    await onNode('hpcrun-n1', 'printf \'#!/bin/sh\\ncat input.txt >/dev/null || exit 9\\ni=0; while [ $i -lt $1 ]; do sleep 0.05; i=$((i+1)); done\\n\' > /tmp/steps && chmod 755 /tmp/steps');
    const result = await finished(hpcrunOn('hpcrun-n1', ['calibrate', '--plan', planDir, '--steps', '5,25', '--bcast', '--stage', '/tmp/input.txt', '--json', '--', '/tmp/steps', '{steps}']));
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { perStepSeconds: number; runs: { steps: number }[] };
    expect(report.runs.map((run) => run.steps)).toEqual([5, 25]);
    expect(report.perStepSeconds).toBeGreaterThan(0.045);
    expect(report.perStepSeconds).toBeLessThan(0.09);
    expect(await leftovers()).toEqual({ 'hpcrun-n1': '', 'hpcrun-n2': '', 'hpcrun-n3': '' });
    // Without --bcast the nodes lack the program, and it is refused before anything runs.
    const refused = await finished(hpcrunOn('hpcrun-n1', ['calibrate', '--plan', planDir, '--', '/tmp/steps', '{steps}']));
    expect(refused.exitCode).toBe(68);
    expect(refused.stderr).toContain('HPCRUN_PROGRAM_MISSING: /tmp/steps was not found on hpcrun-n2, hpcrun-n3');
  });

  it('removes the copies after a failed job and after Ctrl-C', async () => {
    const failed = await finished(hpcrunOn('hpcrun-n1', ['launch', '--hosts', INVENTORY, '--np', '2', '--ppn', '1', '--bcast', '--', '/bin/false']));
    expect(failed.exitCode).toBe(1);
    expect(await leftovers()).toEqual({ 'hpcrun-n1': '', 'hpcrun-n2': '', 'hpcrun-n3': '' });

    const child = hpcrunOn('hpcrun-n1', ['launch', '--hosts', INVENTORY, '--np', '2', '--ppn', '1', '--bcast', '--', '/bin/sleep', '93']);
    const started = Date.now();
    // The brackets keep pgrep from matching the shell that runs it (whose command line holds the pattern).
    const running = async () => onNode('hpcrun-n2', 'pgrep -f "hpcrun-bcas[t]-.*/sleep 93" || true');
    while (Date.now() - started < 20_000 && !(await running())) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await running()).toMatch(/^\d+/);
    child.kill('SIGINT');
    const result = await finished(child);
    expect(result.exitCode).toBe(130);
    expect(await leftovers()).toEqual({ 'hpcrun-n1': '', 'hpcrun-n2': '', 'hpcrun-n3': '' });
  });

  it('removes the copies when hpcrun itself is killed (the nodes notice the connection drop)', async () => {
    const child = hpcrunOn('hpcrun-n1', ['launch', '--hosts', INVENTORY, '--np', '2', '--ppn', '1', '--bcast', '--', '/bin/sleep', '91']);
    const started = Date.now();
    // The brackets keep pgrep from matching the shell that runs it (whose command line holds the pattern).
    const running = async () => onNode('hpcrun-n2', 'pgrep -f "hpcrun-bcas[t]-.*/sleep 91" || true');
    while (Date.now() - started < 20_000 && !(await running())) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await running()).toMatch(/^\d+/);
    const pid = (await onNode('hpcrun-n1', 'pgrep -f "^[^ ]*node [^ ]*dist/bin.js launch .*sleep 91"'));
    expect(pid).toMatch(/^\d+$/);
    await onNode('hpcrun-n1', `kill -KILL ${pid}`);
    const killed = Date.now();
    await finished(child);
    // mpirun's daemons ran through the killed hpcrun's agent, so the job ends at once, not after 91 s.
    expect(Date.now() - killed).toBeLessThan(30_000);
    const deadline = Date.now() + 15_000;
    let left = await leftovers();
    while (Date.now() < deadline && Object.values(left).some(Boolean)) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      left = await leftovers();
    }
    expect(left).toEqual({ 'hpcrun-n1': '', 'hpcrun-n2': '', 'hpcrun-n3': '' });
  });

  it('bench copies its kernel to every node and measures across them', async () => {
    const out = join(scratch, 'bench');
    const result = await finished(hpcrunOn('hpcrun-n1', ['bench', '--hosts', INVENTORY, '--kind', 'latency', '--sizes', '8', '--max-samples', '100', '--out', out, '--json']));
    expect(result.exitCode, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { complete: boolean; rows: { host_a: string; host_b: string; median: number }[] };
    expect(summary.complete).toBe(true);
    expect(summary.rows[0]).toMatchObject({ host_a: 'hpcrun-n1', host_b: 'hpcrun-n2' });
    expect(await leftovers()).toEqual({ 'hpcrun-n1': '', 'hpcrun-n2': '', 'hpcrun-n3': '' });
  });
});
