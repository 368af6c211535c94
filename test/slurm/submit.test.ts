// hpcrun submit against a real Slurm 22.05 (slurmctld, three `slurmd -N snK`
// with their own hostnames, munge; src/testbed/slurm.ts), as a user on the
// login node runs it: sbatch takes the script, scontrol follows the job, and
// the job's output file streams back. Accounting is off there, as the code
// expects. The cluster runs over loopback and neither needs nor touches the
// namespace testbed; HPCRUN_SLURM_DIR and HPCRUN_SLURM_BASE_PORT move it.

import { execa } from 'execa';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
let planDir: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'hpcrun-submit-'));
  cluster = await slurmUp({ nodes: 3, cpusPerNode: 2, dir: DIR });
  rankhost = (await ensureKernel({ env: process.env, sourceDir: join(ROOT, 'mpi-templates/programs/rankhost') })).path;
  await writeFile(join(scratch, 'hosts'), 'sn1 slots=2\nsn2 slots=2\nsn3 slots=2\n');
  planDir = join(scratch, 'plan');
  const planned = await execa(process.execPath, [BIN, 'plan', '--grid', '2x3', '--cores-per-node', '2', '--hosts', join(scratch, 'hosts'), '--mpi', 'slurm', '--out', planDir], { reject: false });
  expect(planned.exitCode, String(planned.stderr)).toBe(0);
});
afterAll(async () => {
  await slurmDown(DIR);
  await rm(scratch, { recursive: true, force: true });
});

/** `hpcrun submit ARGS`, started in the scratch folder (where the job's output file lands), in a process group of its own as a shell starts it. */
function submit(args: readonly string[]) {
  return execa(process.execPath, [BIN, 'submit', ...args], { cwd: scratch, env: userEnv(cluster.env), extendEnv: false, reject: false, stdin: 'ignore', stripFinalNewline: false, timeout: 90_000, detached: true });
}

const jobIdOf = (stderr: unknown) => /submitted batch job (\d+)/.exec(String(stderr))?.[1] ?? '';
const slurm = async (argv: string[]) => String((await execa(argv[0] as string, argv.slice(1), { env: userEnv(cluster.env), extendEnv: false, reject: false })).stdout);
const exists = (path: string) => access(path).then(() => true, () => false);

/** Polls squeue until it no longer lists the job; the seconds that took, or Infinity after `limitMs`. */
async function secondsUntilGone(jobId: string, limitMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    if ((await slurm(['squeue', '--noheader', '--jobs', jobId, '--format', '%T'])).trim() === '') return (performance.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Infinity;
}

describe('submit --wait on a real Slurm', () => {
  it('passes on the program\'s exit status (7) and its output', async () => {
    const run = await submit(['--nodes', '1', '--ntasks-per-node', '1', '--wait', '--', 'sh', '-c', 'echo on $(hostname); exit 7']);
    expect(run.exitCode, String(run.stderr)).toBe(7);
    expect(String(run.stdout)).toContain('on sn1\n');
    expect(String(run.stderr)).toMatch(/submit: job \d+ ended FAILED, exit code 7/);
  });

  it('gives 128+N for a program killed by signal N', async () => {
    const run = await submit(['--nodes', '1', '--ntasks-per-node', '1', '--wait', '--', 'sh', '-c', 'kill -9 $$']);
    expect(run.exitCode, String(run.stderr)).toBe(137);
  });

  it('streams the output file while the job runs', async () => {
    const child = submit(['--nodes', '1', '--ntasks-per-node', '1', '--wait', '--', 'sh', '-c', 'echo first; sleep 3; echo second']);
    const seen: { text: string; at: number }[] = [];
    child.stdout?.on('data', (chunk: Buffer) => seen.push({ text: String(chunk), at: performance.now() }));
    const run = await child;
    expect(run.exitCode, String(run.stderr)).toBe(0);
    const first = seen.find((part) => part.text.includes('first'));
    const second = seen.find((part) => part.text.includes('second'));
    // "first" arrived while the job was still sleeping, not all at the end.
    expect(first && second && second.at - first.at).toBeGreaterThan(2_000);
    expect(seen.map((part) => part.text).join('')).toBe('first\nsecond\n');
  });

  it('hands hostile arguments and job names over byte for byte, and runs nothing in them', async () => {
    const canary = join(scratch, 'ran');
    const words = [`; touch ${canary}`, `$(touch ${canary})`, `\`touch ${canary}\``, `it's "quoted"`, 'two\nlines', '', '  ', '{{step}}', '#', '%j', '$HOME'];
    const name = `it's $(touch ${canary}) "q" #1`;
    const run = await submit(['--nodes', '2', '--ntasks-per-node', '1', '--job-name', name, '--wait', '--', 'printf', '[%s]\\n', ...words]);
    expect(run.exitCode, String(run.stderr)).toBe(0);
    const once = words.map((word) => `[${word}]\n`).join('');
    expect(String(run.stdout)).toBe(once + once);
    expect(await exists(canary)).toBe(false);
    expect(await slurm(['scontrol', 'show', 'job', jobIdOf(run.stderr)])).toMatch(new RegExp(`^JobId=\\d+ JobName=${name.replace(/[$()"]/g, '\\$&')}\n`));
  });

  it.each([
    ['SIGINT', 'hpcrun', 130],
    ['SIGTERM', 'hpcrun', 143],
    // As a terminal's Ctrl-C does: to hpcrun and every process of its group.
    ['SIGINT', 'its process group', 130],
  ] as const)('on %s to %s cancels the job, which leaves squeue within 10 s', async (signal, target, status) => {
    const child = submit(['--nodes', '1', '--ntasks-per-node', '1', '--wait', '--', 'sleep', '600']);
    let stderr = '';
    await new Promise<void>((resolve) => child.stderr?.on('data', (chunk: Buffer) => ((stderr += String(chunk)), /is running/.test(stderr) && resolve())));
    const jobId = jobIdOf(stderr);
    expect((await slurm(['squeue', '--noheader', '--jobs', jobId, '--format', '%T'])).trim()).toBe('RUNNING');
    if (target === 'hpcrun') child.kill(signal);
    else process.kill(-(child.pid as number), signal);
    const run = await child;
    expect(run.exitCode).toBe(status);
    expect(String(run.stderr)).toMatch(new RegExp(`HPCRUN_INTERRUPTED: interrupted by ${signal}; job ${jobId} was cancelled and has left the queue`));
    expect(await secondsUntilGone(jobId, 10_000)).toBeLessThan(10);
    expect((await slurm(['squeue', '--noheader', '--jobs', jobId])).trim()).toBe('');
  });

  it('places every rank on its planned host with --plan (Open MPI, srun --mpi=pmix)', async () => {
    const plan = JSON.parse(await readFile(join(planDir, 'plan.json'), 'utf8')) as { nodes: { host: string }[]; rankToNode: number[] };
    const run = await submit(['--plan', planDir, '--wait', '--', rankhost]);
    expect(run.exitCode, String(run.stderr)).toBe(0);
    const byRank = [...String(run.stdout).matchAll(/^rank (\d+) of 6 on (\S+)$/gm)].sort((a, b) => Number(a[1]) - Number(b[1])).map((m) => m[2]);
    expect(byRank).toEqual(plan.rankToNode.map((node) => plan.nodes[node]!.host));
    // Compact columns of the 2x3 grid, not block order.
    expect(byRank).toEqual(['sn1', 'sn2', 'sn3', 'sn1', 'sn2', 'sn3']);
  });

  it('places ranks in block order with --nodes and --ntasks-per-node', async () => {
    const run = await submit(['--nodes', '3', '--ntasks-per-node', '2', '--wait', '--', rankhost]);
    expect(run.exitCode, String(run.stderr)).toBe(0);
    expect(ranksByHost(String(run.stdout))).toEqual({ sn1: [0, 1], sn2: [2, 3], sn3: [4, 5] });
  });
});

describe('a job that cannot start', () => {
  it('is refused at submission for an unknown partition (68, Slurm quoted)', async () => {
    const run = await submit(['--nodes', '1', '--ntasks-per-node', '1', '--partition', 'nosuch', '--wait', '--', 'true']);
    expect(run.exitCode).toBe(68);
    expect(String(run.stderr)).toMatch(/HPCRUN_SUBMIT_REFUSED: Slurm refused the job: .*Invalid partition name specified/);
  });

  it.each([[['--wait']], [[]]])('is cancelled when it asks for more time than the partition allows (%j)', async (wait) => {
    const run = await submit(['--nodes', '1', '--ntasks-per-node', '1', '--partition', 'short', '--time', '5', ...wait, '--', 'true']);
    expect(run.exitCode).toBe(68);
    expect(String(run.stderr)).toMatch(/HPCRUN_JOB_CANNOT_START: job (\d+) cannot start: Slurm holds it pending with reason "PartitionTimeLimit"; hpcrun cancelled it/);
    expect(String(run.stderr)).toMatch(/asks for 00:05:00: lower --time to at most partition short's limit/);
    const jobId = /job (\d+) cannot start/.exec(String(run.stderr))?.[1] ?? '';
    expect((await slurm(['squeue', '--noheader', '--jobs', jobId])).trim()).toBe('');
  });

  it('is given up after --stuck-after when a planned node is drained', async () => {
    await execa('scontrol', ['update', 'NodeName=sn3', 'State=DRAIN', 'Reason=hpcrun-submit-test'], { env: userEnv(cluster.env), extendEnv: false });
    try {
      const run = await submit(['--plan', planDir, '--wait', '--stuck-after', '2s', '--', 'true']);
      expect(run.exitCode).toBe(68);
      expect(String(run.stderr)).toMatch(/HPCRUN_JOB_CANNOT_START: job \d+ cannot start: Slurm holds it pending with reason "ReqNodeNotAvail, UnavailableNodes:sn3" and stayed so for \d+ s/);
    } finally {
      await execa('scontrol', ['update', 'NodeName=sn3', 'State=RESUME'], { env: userEnv(cluster.env), extendEnv: false });
    }
  });
});
