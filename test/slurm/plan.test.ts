// The plan's slurm-hostfile, read by a real Slurm 22.05 (slurmctld, three
// `slurmd -N snK` with their own hostnames, munge; src/testbed/slurm.ts):
// under `srun --distribution=arbitrary` every task must run on the host the
// plan gave its rank. This test brings its own cluster up and down over
// loopback; it neither needs nor touches the namespace testbed.

import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slurmDown, slurmUp, type SlurmCluster } from '../../src/testbed/slurm.js';
import { slurmStateDir } from '../../src/testbed/slurm-conf.js';
import { hpcrun } from '../integration/cluster.js';

const DIR = slurmStateDir(process.env);
const REPORT = 'echo "rank $SLURM_PROCID on $(hostname)"';
let cluster: SlurmCluster;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'hpcrun-slurm-'));
  cluster = await slurmUp({ nodes: 3, cpusPerNode: 2, dir: DIR });
});
afterAll(async () => {
  // Runs even when beforeAll or a test failed; slurmDown finds the daemons from pid files and its marker.
  await slurmDown(DIR);
  await rm(scratch, { recursive: true, force: true });
});

interface PlanJson {
  nodes: { host: string; ranks: number }[];
  rankToNode: number[];
}

async function planFor(hosts: readonly string[], name: string): Promise<{ dir: string; plan: PlanJson }> {
  const hostsFile = join(scratch, `${name}.hosts`);
  await writeFile(hostsFile, hosts.map((host) => `${host} slots=2\n`).join(''));
  const dir = join(scratch, name);
  const planned = await hpcrun(['plan', '--grid', '2x3', '--cores-per-node', '2', '--hosts', hostsFile, '--mpi', 'slurm', '--out', dir]);
  expect(planned.exitCode, planned.stderr).toBe(0);
  return { dir, plan: JSON.parse(await readFile(join(dir, 'plan.json'), 'utf8')) as PlanJson };
}

/** Runs argv against the cluster and returns the host of each rank, in rank order. */
async function hostsByRank(argv: readonly string[], env: Record<string, string>): Promise<string[]> {
  const [file, ...args] = argv as [string, ...string[]];
  // No SLURM_* from outside (an enclosing job, a stray SLURM_HOSTFILE): only this cluster's and the test's.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SLURM_')));
  const run = await execa(file, args, { env: { ...inherited, ...cluster.env, ...env }, extendEnv: false, reject: false, stdin: 'ignore', timeout: 60_000 });
  expect(run.exitCode, `${argv.join(' ')}\n${run.stderr}`).toBe(0);
  const placed = [...String(run.stdout).matchAll(/^rank (\d+) on (\S+)$/gm)].map((m) => [Number(m[1]), m[2] as string] as const).sort((a, b) => a[0] - b[0]);
  expect(placed.map(([rank]) => rank)).toEqual([0, 1, 2, 3, 4, 5]);
  return placed.map(([, host]) => host);
}

const planned = (plan: PlanJson) => plan.rankToNode.map((node) => plan.nodes[node]!.host);
const srun = ['srun', '-N3', '-n6', '--distribution=arbitrary', 'sh', '-c', REPORT];

describe('plan for Slurm, on a real Slurm cluster', () => {
  it('without a hostfile, srun places tasks in block order (the control)', async () => {
    const hosts = await hostsByRank(['srun', '-N3', '-n6', 'sh', '-c', REPORT], {});
    expect(hosts).toEqual(['sn1', 'sn1', 'sn2', 'sn2', 'sn3', 'sn3']);
  });

  it.each([
    ['in node order', ['sn1', 'sn2', 'sn3']],
    ['listed out of node order', ['sn3', 'sn1', 'sn2']],
  ])('places every task on its planned host with SLURM_HOSTFILE and --distribution=arbitrary (hosts %s)', async (name, hosts) => {
    const { dir, plan } = await planFor(hosts, name.replace(/ /g, '-'));
    // Compact keeps grid columns together: ranks 0+3, 1+4 and 2+5 share a node, which is not block order.
    expect(plan.rankToNode).toEqual([0, 1, 2, 0, 1, 2]);
    expect(plan.nodes.map((node) => node.host)).toEqual(hosts);
    const placed = await hostsByRank(srun, { SLURM_HOSTFILE: join(dir, 'slurm-hostfile') });
    expect(placed).toEqual(planned(plan));
    expect(placed).not.toEqual(['sn1', 'sn1', 'sn2', 'sn2', 'sn3', 'sn3']);
  });

  it("the plan's own launch.sh (which execs srun) places every task on its planned host", async () => {
    const { dir, plan } = await planFor(['sn2', 'sn3', 'sn1'], 'launch-sh');
    const placed = await hostsByRank([join(dir, 'launch.sh'), 'sh', '-c', REPORT], {});
    expect(placed).toEqual(planned(plan));
    expect(placed).toEqual(['sn2', 'sn3', 'sn1', 'sn2', 'sn3', 'sn1']);
  });
});
