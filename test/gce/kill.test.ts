// hpcrun killed in the middle of `cluster up` (the built CLI, dist/bin.js,
// as a child process), against the Compute Engine double (not Compute
// Engine): SIGKILL after the policy exists, while a bulkInsert is in flight,
// and after the VMs exist. The journal written before each create lets a
// later `cluster down` delete everything. SIGINT makes up clean up itself.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, type Lab, UP, openLab } from './helpers.js';

let lab: Lab | undefined;
let child: ChildProcess | undefined;

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does)`);
});
afterEach(async () => {
  child?.kill('SIGKILL');
  await lab?.close();
});

function startUp(lab: Lab, name: string): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
  const spawned = spawn(process.execPath, [BIN, ...UP, '--machine', 'c2-standard-60', '--nodes', '4', '--spot', '--ttl', '1h', '--name', name, '--yes'], { env: lab.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child = spawned;
  let stderr = '';
  spawned.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => spawned.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  return { child: spawned, exited };
}

async function downLeavesZero(lab: Lab, name: string): Promise<void> {
  const down = await lab.run(['cluster', 'down', name]);
  expect(down.code, down.err).toBe(0);
  // Counted once every operation has finished: a create still in flight would add VMs later.
  await lab.double.until(() => [...lab.double.state.operations.values()].every((op) => op.status === 'DONE'));
  expect(lab.double.counts()).toEqual({ instances: 0, policies: 0 });
  const list = await lab.run(['cluster', 'list']);
  expect(list.out).toMatch(/no clusters/);
}

describe('a killed cluster up is cleaned up by cluster down', () => {
  it('SIGKILL after the placement policy was created', async () => {
    lab = await openLab({ timing: { runningMs: 400 } });
    const { child: up, exited } = startUp(lab, 'k1');
    await lab.double.until(() => lab!.double.counts().policies === 1);
    up.kill('SIGKILL');
    expect((await exited).signal).toBe('SIGKILL');
    const status = await lab.run(['cluster', 'status', 'k1']);
    expect(status.code).toBe(66);
    expect(status.err).toMatch(/HPCRUN_CLUSTER_INCOMPLETE: k1: `cluster up` did not finish/);
    expect((await lab.run(['cluster', 'list'])).out).toMatch(/k1 .* incomplete \(run cluster down\)/);
    await downLeavesZero(lab, 'k1');
  });

  it('SIGKILL while the bulkInsert operation is still pending: down waits for it, then deletes its VMs', async () => {
    // No VM exists yet when hpcrun dies; they appear later. A down that only listed would miss them.
    lab = await openLab({ timing: { pendingMsFor: { 'instances.bulkInsert': 6000 } } });
    const { child: up, exited } = startUp(lab, 'k2');
    await lab.double.until(() => lab!.double.requests('POST', /\/bulkInsert\?/).length === 1, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    up.kill('SIGKILL');
    await exited;
    expect(lab.double.counts().instances).toBe(0);
    expect([...lab.double.state.operations.values()].filter((op) => op.type === 'bulkInsert').map((op) => op.status)).toEqual(['PENDING']);
    await downLeavesZero(lab, 'k2');
  });

  it('SIGKILL after the VMs were created (while up waits for host keys)', async () => {
    lab = await openLab({ timing: { guestDelayMs: 60_000 } });
    const { child: up, exited } = startUp(lab, 'k3');
    await lab.double.until(() => [...lab!.double.state.instances.values()].filter((vm) => vm.status === 'RUNNING').length === 4, 15_000);
    up.kill('SIGKILL');
    await exited;
    expect(lab.double.counts()).toEqual({ instances: 4, policies: 1 });
    await downLeavesZero(lab, 'k3');
  });

  it('SIGINT makes up delete what it created and exit 130', async () => {
    lab = await openLab({ timing: { guestDelayMs: 60_000 } });
    const { child: up, exited } = startUp(lab, 'k4');
    await lab.double.until(() => lab!.double.counts().instances === 4, 15_000);
    up.kill('SIGINT');
    const end = await exited;
    expect(end.code, end.stderr).toBe(130);
    expect(end.stderr).toMatch(/up: cleaned up: 4 VM\(s\) and 1 placement policy deleted; nothing is left/);
    expect(end.stderr).toMatch(/HPCRUN_INTERRUPTED/);
    expect(lab.double.counts()).toEqual({ instances: 0, policies: 0 });
  });
});
