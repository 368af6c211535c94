import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

let dir: string;

async function cli(argv: string[], env: Record<string, string> = {}): Promise<{ status: number; out: string; err: string }> {
  const run = await runCli(argv, { cwd: dir, env: { HOME: dir, PATH: process.env.PATH, ...env } });
  return { status: run.code, out: run.out, err: run.err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hpcrun-launch-plan-'));
  await writeFile(join(dir, 'hosts'), 'alpha slots=2\nbeta slots=2\ngamma slots=2\n');
  expect((await cli(['plan', '--grid', '3x2', '--cores-per-node', '2', '--hosts', join(dir, 'hosts'), '--out', join(dir, 'plan')])).status).toBe(0);
  expect((await cli(['plan', '--grid', '3x2', '--cores-per-node', '2', '--out', join(dir, 'placeholders')])).status).toBe(0);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('launch --plan', () => {
  it('hands mpirun the plan hostfile and its rankfile, rank by rank (dry run)', async () => {
    const result = await cli(['launch', '--plan', join(dir, 'plan'), '--dry-run', '--', './stencil']);
    expect(result.status, result.err).toBe(0);
    // mpirun starts its daemons through hpcrun's agent, on the preflight's verified connections.
    expect(result.out).toMatch(/^# mpirun -np 6 --hostfile '<job-dir>\/hostfile' --rankfile '<job-dir>\/rankfile' --mca plm_rsh_agent '\S+ \S+\/exec\/rsh-agent\.js : ssh' --mca plm_rsh_no_tree_spawn 1 --mca routed direct --mca orte_leave_session_attached 1 \.\/stencil$/m);
    // HPCRUN_RSH_AGENT=ssh keeps OpenSSH, with strict host-key checking.
    const ssh = await cli(['launch', '--plan', join(dir, 'plan'), '--dry-run', '--', './stencil'], { HPCRUN_RSH_AGENT: 'ssh' });
    expect(ssh.out).toMatch(/^# mpirun -np 6 --hostfile '<job-dir>\/hostfile' --rankfile '<job-dir>\/rankfile' --mca plm_rsh_args '-o StrictHostKeyChecking=yes -o BatchMode=yes' \.\/stencil$/m);
    expect(result.out).toContain('alpha slots=2\nbeta slots=2\ngamma slots=2\n');
    expect(result.out).toContain('rank 0=alpha slot=0\nrank 1=alpha slot=1\nrank 2=beta slot=0');
  });

  it('passes the plan threads on: OMP_NUM_THREADS set and exported to every rank', async () => {
    const planDir = join(dir, 'threads');
    expect((await cli(['plan', '--ranks', '3', '--threads-per-rank', '2', '--cores-per-node', '2', '--hosts', join(dir, 'hosts'), '--out', planDir])).status).toBe(0);
    const result = await cli(['launch', '--plan', planDir, '--dry-run', '--', './hybrid']);
    expect(result.status, result.err).toBe(0);
    expect(result.out).toMatch(/^# env OMP_NUM_THREADS=2 mpirun -np 3 .* -x OMP_NUM_THREADS .*\.\/hybrid$/m);
  });

  it('refuses a plan folder whose rankfile no longer matches plan.json', async () => {
    const planDir = join(dir, 'edited');
    expect((await cli(['plan', '--grid', '3x2', '--cores-per-node', '2', '--hosts', join(dir, 'hosts'), '--out', planDir])).status).toBe(0);
    await writeFile(join(planDir, 'rankfile'), 'rank 0=alpha slot=0\nrank 1=intruder slot=0\n');
    const result = await cli(['launch', '--plan', planDir, '--dry-run', '--', './stencil']);
    expect(result.status).toBe(65);
    expect(result.err).toMatch(/HPCRUN_PLAN_INCONSISTENT: rankfile does not match plan.json \(2 ranks listed, 6 planned; rank 1 differs\)/);
  });

  it.each([
    [['--plan', 'PLAN', '--port', '99999'], 64, /--port "99999" is not a TCP port/],
    [['--plan', 'PLAN', '--head', '*'], 65, /--head: "\*" is not a host name/],
    [['--plan', 'PLAN', '--hosts', 'HOSTS'], 64, /HPCRUN_PLAN_AND_HOSTS/],
    [['--plan', 'PLAN', '--np', '8'], 64, /--np 8 differs from the plan's 6 ranks/],
    [['--plan', 'PLACEHOLDERS'], 64, /HPCRUN_PLAN_PLACEHOLDERS: the plan names placeholder hosts \(node0001…\)/],
    [['--plan', 'MISSING'], 66, /HPCRUN_PLAN_MISSING: cannot read .*missing\/plan\.json/],
  ])('refuses %j with status %i', async (args, status, message) => {
    const paths: Record<string, string> = { PLAN: join(dir, 'plan'), HOSTS: join(dir, 'hosts'), PLACEHOLDERS: join(dir, 'placeholders'), MISSING: join(dir, 'missing') };
    const result = await cli(['launch', ...args.map((arg) => paths[arg] ?? arg), '--dry-run', '--', './stencil']);
    expect(result.status).toBe(status);
    expect(result.err).toMatch(message);
  });
});
