// bench's checks that come before any host is contacted.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hpcrun-bench-cmd-'));
  await writeFile(join(dir, 'hosts'), 'node01 slots=2\nnode02 slots=4\n');
  await writeFile(join(dir, 'twice'), 'node01 slots=2\nnode01 slots=2\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bench refuses before it measures', () => {
  it.each([
    [['--hosts', 'hosts', '--ppn', '4'], 67, /HPCRUN_PPN_TOO_HIGH: --ppn 4 does not fit on node01 \(2 slots\)/],
    [['--hosts', 'twice'], 65, /HPCRUN_INVENTORY_DUPLICATE: .*twice:2: host node01 is listed twice/],
    [['--hosts', 'hosts', '--slurm'], 64, /HPCRUN_TWO_NODE_SOURCES/],
    [['--slurm'], 64, /HPCRUN_SLURM_NO_ALLOCATION/],
  ])('bench %j exits %i', async (args, status, message) => {
    const run = await runCli(['bench', ...args.map((arg) => (arg === 'hosts' || arg === 'twice' ? join(dir, arg) : arg)), '--out', join(dir, 'out')], { cwd: dir, env: { HOME: dir, PATH: process.env.PATH } });
    expect(run.code, run.err).toBe(status);
    expect(run.err).toMatch(message);
  });
});
