// hpcrun inside a real Slurm allocation (slurmctld, three `slurmd -N snK`
// with their own hostnames, munge; src/testbed/slurm.ts): the nodes come from
// SLURM_JOB_NODELIST and SLURM_TASKS_PER_NODE, an srun step checks them
// instead of SSH, and jobs start with srun --mpi=pmix (or mpirun when asked).
// The cluster runs over loopback and neither needs nor touches the namespace testbed.

import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureKernel } from '../../src/kernels/index.js';
import { slurmDown, slurmUp, type SlurmCluster } from '../../src/testbed/slurm.js';
import { slurmStateDir } from '../../src/testbed/slurm-conf.js';
import { userEnv } from './helpers.js';
import { BIN, ROOT, ranksByHost } from '../integration/cluster.js';

const DIR = slurmStateDir(process.env);
let cluster: SlurmCluster;
let scratch: string;
let rankhost: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'hpcrun-slurm-launch-'));
  cluster = await slurmUp({ nodes: 3, cpusPerNode: 2, dir: DIR });
  rankhost = (await ensureKernel({ env: process.env, sourceDir: join(ROOT, 'mpi-templates/programs/rankhost') })).path;
});
afterAll(async () => {
  await slurmDown(DIR);
  await rm(scratch, { recursive: true, force: true });
});

/** `salloc ARGS hpcrun HPCRUN_ARGS`, as a user types it. */
async function inAllocation(salloc: readonly string[], args: readonly string[]) {
  const result = await execa('salloc', [...salloc, process.execPath, BIN, ...args], { env: userEnv(cluster.env), extendEnv: false, reject: false, stdin: 'ignore', timeout: 90_000 });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

const count = (lines: string) => lines.trim().split('\n').sort().reduce<Record<string, number>>((acc, line) => ({ ...acc, [line]: (acc[line] ?? 0) + 1 }), {});

describe('launch inside a Slurm allocation', () => {
  it('salloc -N 3 then launch --np 6 puts 2 ranks on each node, checked by an srun step and not by SSH', async () => {
    const result = await inAllocation(['-N', '3'], ['launch', '--np', '6', '--', 'hostname']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(count(result.stdout)).toEqual({ sn1: 2, sn2: 2, sn3: 2 });
    expect(result.stderr).toMatch(/slurm job \d+: 3 hosts ok in [\d.]+ s: openmpi 4\.1/);
  });

  it('runs an MPI program across the nodes with srun --mpi=pmix, every task by default', async () => {
    const result = await inAllocation(['-N', '3'], ['launch', '--', rankhost]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(ranksByHost(result.stdout)).toEqual({ sn1: [0, 1], sn2: [2, 3], sn3: [4, 5] });
  });

  it('prints the srun argv and SLURM_HOSTFILE with --dry-run', async () => {
    const result = await inAllocation(['-N', '2'], ['launch', '--np', '3', '--dry-run', '--', 'hostname']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain("env 'SLURM_HOSTFILE=<job-dir>/slurm-hostfile' srun --mpi=pmix --distribution=arbitrary --ntasks=3 --nodes=2 --cpus-per-task=1 hostname");
    expect(result.stdout).toContain('# <job-dir>/slurm-hostfile:\nsn1\nsn1\nsn2');
  });

  it('passes on the program\'s exit status', async () => {
    const result = await inAllocation(['-N', '1'], ['launch', '--np', '1', '--', 'sh', '-c', 'exit 7']);
    expect(result.exitCode).toBe(7);
  });

  it('runs a compact plan with every rank on its planned node', async () => {
    const hosts = join(scratch, 'hosts');
    await writeFile(hosts, 'sn1 slots=2\nsn2 slots=2\nsn3 slots=2\n');
    const planDir = join(scratch, 'plan');
    const planned = await execa(process.execPath, [BIN, 'plan', '--grid', '2x3', '--cores-per-node', '2', '--hosts', hosts, '--out', planDir], { reject: false });
    expect(planned.exitCode, String(planned.stderr)).toBe(0);
    const plan = JSON.parse(await readFile(join(planDir, 'plan.json'), 'utf8')) as { nodes: { host: string }[]; rankToNode: number[] };
    const result = await inAllocation(['-N', '3'], ['launch', '--plan', planDir, '--', rankhost]);
    expect(result.exitCode, result.stderr).toBe(0);
    const byRank = [...result.stdout.matchAll(/^rank (\d+) of 6 on (\S+)$/gm)].sort((a, b) => Number(a[1]) - Number(b[1])).map((m) => m[2]);
    expect(byRank).toEqual(plan.rankToNode.map((node) => plan.nodes[node]!.host));
    // Compact columns of the 2x3 grid, not block order.
    expect(byRank).not.toEqual(['sn1', 'sn1', 'sn2', 'sn2', 'sn3', 'sn3']);

    const outside = await inAllocation(['-N', '2', '-w', 'sn1,sn2'], ['launch', '--plan', planDir, '--', 'hostname']);
    expect(outside.exitCode).toBe(67);
    expect(outside.stderr).toMatch(/HPCRUN_PLAN_HOSTS_OUTSIDE: the plan puts ranks on sn3, which is not in the Slurm allocation \(sn\[1-2\]\)/);
  });

  it('runs with the MPI\'s own mpirun when asked', async () => {
    const result = await inAllocation(['-N', '2'], ['launch', '--launcher', 'mpirun', '--np', '4', '--', rankhost]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(ranksByHost(result.stdout)).toEqual({ sn1: [0, 1], sn2: [2, 3] });
  });

  it.each([
    [['-N', '2'], ['launch', '--np', '5', '--', 'hostname'], 67, /HPCRUN_NOT_ENOUGH_SLOTS: --np 5 needs 5 slots but the 2 hosts offer 4/],
    [['-N', '1'], ['launch', '--head', 'sn1', '--slurm', '--', 'hostname'], 64, /HPCRUN_SLURM_HEAD/],
    [['-N', '2'], ['launch', '--', './no-such-program-hpcrun'], 68, /HPCRUN_PROGRAM_MISSING: \.\/no-such-program-hpcrun was not found on sn1, sn2/],
  ])('refuses salloc %j hpcrun %j with status %i', async (salloc, args, status, message) => {
    const result = await inAllocation(salloc, args);
    expect(result.exitCode).toBe(status);
    expect(result.stderr).toMatch(message);
  });

  it('refuses --slurm outside any allocation', async () => {
    const result = await execa(process.execPath, [BIN, 'launch', '--slurm', '--', 'hostname'], { env: userEnv(cluster.env), extendEnv: false, reject: false });
    expect(result.exitCode).toBe(64);
    expect(String(result.stderr)).toMatch(/HPCRUN_SLURM_NO_ALLOCATION: --slurm was given, but hpcrun is not inside a Slurm allocation/);
  });
});

describe('bench inside a Slurm allocation', () => {
  it('measures the allocation\'s nodes through srun and writes a result set', async () => {
    const out = join(scratch, 'bench');
    const result = await inAllocation(['-N', '2'], ['bench', '--kind', 'latency', '--sizes', '8', '--max-samples', '200', '--out', out, '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const set = JSON.parse(await readFile(`${out}.json`, 'utf8')) as { metadata: { hosts: string[]; complete: boolean; notes: string[] }; rows: { kind: string; host_a: string; host_b: string; median: number }[] };
    expect(set.metadata.hosts).toEqual(['sn1', 'sn2']);
    expect(set.metadata.complete).toBe(true);
    expect(set.metadata.notes.join(' ')).toContain('launched with srun (slurm provider)');
    expect(set.rows).toHaveLength(1);
    expect(set.rows[0]).toMatchObject({ kind: 'latency', host_a: 'sn1', host_b: 'sn2' });
    expect(set.rows[0]!.median).toBeGreaterThan(0);
  });
});
