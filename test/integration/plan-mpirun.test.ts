// Checks the plan files against a real Open MPI (4.1): the hostfile and the
// rankfile of a multi-node plan with `mpirun --display-map --do-not-launch`,
// and the rankfile's exact placement and binding with a real launch on this
// host. Needs `npm run build` (dist/bin.js) and mpirun; not the virtual cluster.

import { execa } from 'execa';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
const MPI_ENV = { OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1', OMPI_MCA_btl: 'self,vader' };

async function plan(...args: string[]): Promise<{ dir: string; json: { nodes: { host: string; ranks: number }[]; rankToNode: number[] } }> {
  const dir = join(mkdtempSync(join(tmpdir(), 'hpcrun-plan-mpi-')), 'plan');
  const result = await execa(process.execPath, [BIN, 'plan', ...args, '--out', dir], { reject: false });
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  return { dir, json: JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) };
}

/** "Data for node: NAME  Num slots: S  Max slots: M  Num procs: P" blocks of --display-map. */
function parseMap(text: string): Map<string, { slots: number; procs: number; ranks: number[] }> {
  const nodes = new Map<string, { slots: number; procs: number; ranks: number[] }>();
  let current: { slots: number; procs: number; ranks: number[] } | undefined;
  for (const line of text.split('\n')) {
    const node = /Data for node: (\S+)\s+Num slots: (\d+).*Num procs: (\d+)/.exec(line);
    if (node) {
      current = { slots: Number(node[2]), procs: Number(node[3]), ranks: [] };
      nodes.set(node[1] as string, current);
      continue;
    }
    const proc = /Process rank: (\d+)/.exec(line);
    if (proc && current) current.ranks.push(Number(proc[1]));
  }
  return nodes;
}

describe('plan files under a real Open MPI mpirun', () => {
  it('the hostfile of a 6x6 compact plan on 8-core nodes maps as planned (--display-map --do-not-launch)', async () => {
    const { dir, json } = await plan('--grid', '6x6', '--cores-per-node', '8');
    expect(json.nodes.length).toBe(5);
    const run = await execa('mpirun', ['--hostfile', join(dir, 'hostfile'), '--display-map', '--do-not-launch', '-np', '36', 'true'], { env: MPI_ENV, reject: false, all: true });
    const map = parseMap(run.all ?? '');
    expect(run.all).toContain('JOB MAP');
    expect([...map.keys()]).toEqual(json.nodes.map((n) => n.host));
    for (const node of json.nodes) {
      expect(map.get(node.host)).toMatchObject({ slots: node.ranks, procs: node.ranks });
    }
  });

  it('Open MPI accepts the multi-node rankfile, and rejects a copy naming a host outside the hostfile', async () => {
    // 2-core nodes: without launching, Open MPI 4.1 assumes remote nodes have
    // this host's topology (2 cores here), so slots must be 0 or 1. It then
    // stops at binding ("assign hardware locations"), after its rankfile
    // mapper has parsed every line and found every host in the allocation.
    const { dir, json } = await plan('--grid', '4x4', '--cores-per-node', '2');
    expect(json.nodes.length).toBe(8);
    const args = (rankfile: string): string[] => ['--hostfile', join(dir, 'hostfile'), '--rankfile', rankfile, '--display-map', '--do-not-launch', '-np', '16', 'true'];
    const good = await execa('mpirun', args(join(dir, 'rankfile')), { env: MPI_ENV, reject: false, all: true });
    expect(good.all).toContain('assign hardware locations');
    expect(good.all).not.toMatch(/rankfile/i);
    const bad = join(dir, 'rankfile.bad');
    writeFileSync(bad, readFileSync(join(dir, 'rankfile'), 'utf8').replace('rank 0=node0001', 'rank 0=node0099'));
    const rejected = await execa('mpirun', args(bad), { env: MPI_ENV, reject: false, all: true });
    expect(rejected.all).toMatch(/rankfile that was used claimed that a host was either not\s+allocated or oversubscribed/);
  });

  it.each([
    // ranks, threads per rank, expected binding per rank (2-core machine)
    [2, 1, ['[B/.]', '[./B]']],
    // Both cores of this 2-core host: Open MPI reports that as "bound to all available processors".
    [1, 2, ['all available processors']],
  ] as const)('launch.sh runs %i rank(s) x %i thread(s) on the planned host and cores', async (ranks, threads, bindings) => {
    const hosts = join(mkdtempSync(join(tmpdir(), 'hpcrun-hosts-')), 'hosts');
    writeFileSync(hosts, `${hostname()} slots=2\n`);
    const { dir, json } = await plan('--ranks', String(ranks), '--threads-per-rank', String(threads), '--cores-per-node', '2', '--hosts', hosts);
    const run = await execa(join(dir, 'launch.sh'), ['--report-bindings', 'sh', '-c', 'echo "rank $OMPI_COMM_WORLD_RANK on $(hostname)"'], {
      env: MPI_ENV,
      reject: false,
      all: true,
    });
    expect(run.exitCode, run.all).toBe(0);
    for (let r = 0; r < ranks; r += 1) {
      const host = json.nodes[json.rankToNode[r] as number]?.host;
      expect(run.stdout).toContain(`rank ${r} on ${host}`);
      const line = (run.all ?? '').split('\n').find((l) => l.includes(`MCW rank ${r} `));
      expect(line).toContain(bindings[r]);
    }
  });
});
