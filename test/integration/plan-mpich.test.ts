// The plan's machinefile, read by a real MPICH Hydra launcher across the
// virtual cluster: each rank must land on the host the plan gave it.
// (Open MPI stays the default MPI; MPICH is called as mpiexec.mpich.)

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVENTORY, finished, hpcrun, hpcrunOn } from './cluster.js';
import { execa } from 'execa';
import { BIN } from './cluster.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'hpcrun-mpich-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('plan for MPICH', () => {
  it('places every rank where the machinefile says, under a real Hydra launch', async () => {
    const planDir = join(scratch, 'plan');
    const planned = await hpcrun(['plan', '--grid', '2x3', '--cores-per-node', '2', '--hosts', INVENTORY, '--mpi', 'mpich', '--out', planDir]);
    expect(planned.exitCode, planned.stderr).toBe(0);
    const plan = JSON.parse(await readFile(join(planDir, 'plan.json'), 'utf8')) as { nodes: { host: string }[]; rankToNode: number[] };
    const run = await execa(process.execPath, [BIN, 'testbed', 'exec', '--', 'mpiexec.mpich', '-f', join(planDir, 'machinefile'), '-n', '6', 'sh', '-c', 'echo "rank $PMI_RANK on $(hostname)"'], { reject: false });
    expect(run.exitCode, run.stderr).toBe(0);
    const placed = [...run.stdout.matchAll(/^rank (\d+) on (\S+)$/gm)].map((m) => [Number(m[1]), m[2]] as const).sort((a, b) => a[0] - b[0]);
    expect(placed.map(([, host]) => host)).toEqual(plan.rankToNode.map((node) => plan.nodes[node]!.host));
    expect(placed.map(([, host]) => host)).not.toEqual(['hpcrun-n1', 'hpcrun-n1', 'hpcrun-n2', 'hpcrun-n2', 'hpcrun-n3', 'hpcrun-n3']);
  });

  it('launch --plan refuses an MPICH plan on nodes whose mpirun is Open MPI', async () => {
    const result = await finished(hpcrunOn('hpcrun-n1', ['launch', '--plan', join(scratch, 'plan'), '--', 'true']));
    expect(result.exitCode).toBe(68);
    expect(result.stderr).toMatch(/HPCRUN_MPI_MISMATCH: the plan was made for mpich, but mpirun on the nodes is openmpi 4\.1/);
  });
});
