import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockPlacement, placedInOrder } from '../../src/core/launch.js';
import { FILES_DIR, LAUNCHER_NAMES, type LauncherName, inDir, launcherFor, parseMpiVersion } from '../../src/core/launchers/index.js';
import { remoteCommandLine, statusOf } from '../../src/exec/job.js';
import { HpcrunError } from '../../src/errors.js';

const three = [
  { name: 'n1', slots: 2 },
  { name: 'n2', slots: 2 },
  { name: 'n3', slots: 4 },
];

const hostsOf = (placed: { nodes: readonly { host: string; ranks: number }[] }) => placed.nodes.map((node) => [node.host, node.ranks]);

describe('blockPlacement', () => {
  it.each([
    [6, undefined, [['n1', 2], ['n2', 2], ['n3', 2]]],
    [8, undefined, [['n1', 2], ['n2', 2], ['n3', 4]]],
    [3, undefined, [['n1', 2], ['n2', 1]]],
    [3, 1, [['n1', 1], ['n2', 1], ['n3', 1]]],
    [5, 2, [['n1', 2], ['n2', 2], ['n3', 1]]],
  ])('places np=%i ppn=%s as %j', (np, ppn, expected) => {
    const placed = blockPlacement(three, np, ppn);
    expect(hostsOf(placed)).toEqual(expected);
    expect(placed.rankToNode.length).toBe(np);
    // Block order: node indices never go down, and each node's slots count 0, 1, ...
    const nodes = Array.from(placed.rankToNode);
    expect(nodes).toEqual([...nodes].sort((x, y) => x - y));
    expect(Array.from(placed.rankSlot)).toEqual(nodes.map((node, rank) => nodes.slice(0, rank).filter((other) => other === node).length));
  });

  it.each([
    [9, undefined, 'HPCRUN_NOT_ENOUGH_SLOTS', /--np 9 needs 9 slots but the 3 hosts offer 8/],
    [6, 3, 'HPCRUN_PPN_TOO_HIGH', /--ppn 3 does not fit on n1, which has 2 slot/],
  ])('refuses np=%i ppn=%s', (np, ppn, code, message) => {
    let error: unknown;
    try {
      blockPlacement(three, np, ppn);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HpcrunError);
    expect((error as HpcrunError).code).toBe(code);
    expect((error as HpcrunError).message).toMatch(message);
    expect((error as HpcrunError).exitCode).toBe(67);
  });
});

describe('launchers: one module per MPI, one render path', () => {
  const block = blockPlacement(three, 5);
  // An exact placement that is not block order: ranks alternate between two nodes.
  const exact = { ...placedInOrder([{ host: 'a', ranks: 2 }, { host: 'b', ranks: 2 }]), rankToNode: Int32Array.from([0, 1, 0, 1]), rankSlot: Int32Array.from([0, 0, 1, 1]) };
  const D = FILES_DIR;

  it.each<[LauncherName, 'block' | 'exact', string[], Record<string, string>, Record<string, string>]>([
    ['openmpi', 'block', ['mpirun', '-np', '5', '--hostfile', `${D}/hostfile`, '--map-by', 'slot'], {}, { hostfile: 'n1 slots=2\nn2 slots=2\nn3 slots=1\n' }],
    ['openmpi', 'exact', ['mpirun', '-np', '4', '--hostfile', `${D}/hostfile`, '--rankfile', `${D}/rankfile`], {}, { hostfile: 'a slots=2\nb slots=2\n', rankfile: 'rank 0=a slot=0\nrank 1=b slot=0\nrank 2=a slot=1\nrank 3=b slot=1\n' }],
    ['mpich', 'block', ['mpiexec', '-n', '5', '-f', `${D}/machinefile`], {}, { machinefile: 'n1:2\nn2:2\nn3:1\n' }],
    ['mpich', 'exact', ['mpiexec', '-n', '4', '-f', `${D}/machinefile`], {}, { machinefile: 'a:1\nb:1\na:1\nb:1\n' }],
    ['intelmpi', 'exact', ['mpirun', '-n', '4', '-machinefile', `${D}/machinefile`], {}, { machinefile: 'a:1\nb:1\na:1\nb:1\n' }],
    ['slurm', 'block', ['srun', '--distribution=arbitrary', '--ntasks=5', '--nodes=3', '--cpus-per-task=1'], { SLURM_HOSTFILE: `${D}/slurm-hostfile` }, { 'slurm-hostfile': 'n1\nn1\nn2\nn2\nn3\n' }],
    ['slurm', 'exact', ['srun', '--distribution=arbitrary', '--ntasks=4', '--nodes=2', '--cpus-per-task=1'], { SLURM_HOSTFILE: `${D}/slurm-hostfile` }, { 'slurm-hostfile': 'a\nb\na\nb\n' }],
  ])('%s with %s placement: argv, env and host file', (name, placement, argv, env, files) => {
    const placed = placement === 'block' ? block : exact;
    expect(launcherFor(name).render(placed, { placement })).toEqual({ argv, env, files });
  });

  it('passes threads per rank the way each MPI expects', () => {
    const threaded = { ...exact, threadsPerRank: 4 };
    expect(launcherFor('openmpi').render(threaded, { placement: 'exact' }).argv.slice(-2)).toEqual(['-x', 'OMP_NUM_THREADS']);
    expect(launcherFor('mpich').render(threaded, { placement: 'exact' }).argv.slice(-5)).toEqual(['-bind-to', 'core:4', '-genv', 'OMP_NUM_THREADS', '4']);
    expect(launcherFor('intelmpi').render(threaded, { placement: 'exact' }).argv).toContain('I_MPI_PIN_DOMAIN');
    expect(launcherFor('slurm').render(threaded, { placement: 'exact' })).toMatchObject({ argv: expect.arrayContaining(['--cpus-per-task=4']), env: { OMP_NUM_THREADS: '4' } });
    expect(launcherFor('openmpi').render(threaded, { placement: 'exact' }).files.rankfile).toContain('rank 0=a slot=0-3\n');
  });

  it('adds srun --mpi=pmix and Open MPI ssh arguments from the context', () => {
    expect(launcherFor('slurm').render(block, { placement: 'block', pmi: 'pmix' }).argv[1]).toBe('--mpi=pmix');
    expect(launcherFor('openmpi').render(block, { placement: 'block', sshArgs: ['-i', '/k', '-o', 'BatchMode=yes'] }).argv.slice(-3)).toEqual(['--mca', 'plm_rsh_args', '-i /k -o BatchMode=yes']);
    // Hydra has no such hook: its ssh follows the node's own configuration.
    expect(launcherFor('mpich').render(block, { placement: 'block', sshArgs: ['-i', '/k'] }).argv).not.toContain('-i /k');
  });

  it('refuses ssh arguments with spaces, which Open MPI would split', () => {
    expect(() => launcherFor('openmpi').render(block, { placement: 'block', sshArgs: ['-i', '/my keys/id'] })).toThrow(/splits its ssh arguments/);
  });

  it('fills the files folder into argv and env', () => {
    const command = launcherFor('slurm').render(block, { placement: 'block' });
    expect(inDir(command, '/tmp/j')).toEqual({ argv: command.argv, env: { SLURM_HOSTFILE: '/tmp/j/slurm-hostfile' } });
    expect(inDir(launcherFor('openmpi').render(block, { placement: 'block' }), '/tmp/j').argv).toContain('/tmp/j/hostfile');
  });

  it('knows every launcher name', () => {
    expect(LAUNCHER_NAMES.map((name) => launcherFor(name).command)).toEqual(['mpirun', 'mpiexec', 'mpirun', 'srun']);
  });

  it.each([
    ['mpirun (Open MPI) 4.1.4\n\nReport bugs to http://www.open-mpi.org/community/help/', { flavour: 'openmpi', version: '4.1.4' }],
    ['HYDRA build details:\n    Version:                                 4.0.2\n    Release Date:', { flavour: 'mpich', version: '4.0.2' }],
    ['Intel(R) MPI Library for Linux* OS, Version 2021.10 Build 20230619 (id: c2e19c2f3e)\nHYDRA build details:\n    Version: 2021.10', { flavour: 'intelmpi', version: '2021.10' }],
    ['bash: mpirun: command not found', undefined],
  ])('recognises the MPI from %j', (text, info) => {
    expect(parseMpiVersion(text)).toEqual(info);
  });
});

describe('remote command line and status', () => {
  // The line goes through a real sh, as a login shell on the head node would run it.
  function runLine(line: string, stdinLines: string[] = []): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve) => {
      const child = spawn('sh', ['-c', line], { stdio: ['pipe', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      for (const text of stdinLines) setTimeout(() => child.stdin.write(`${text}\n`), 300);
      child.on('exit', (code) => {
        child.stdin.end();
        resolve({ code, out });
      });
    });
  }

  it('delivers every argument and the environment verbatim and passes the status on', async () => {
    const hostile = 'x; touch /tmp/p $(touch /tmp/p) `touch /tmp/p` "q" \'s\' \n';
    const line = remoteCommandLine(['sh', '-c', 'printf "%s|" "$OMPI_MCA_btl" "$@"; exit 3', 'sh', hostile, "a'b", ''], { OMPI_MCA_btl: 'tcp,self' });
    expect(await runLine(line)).toEqual({ code: 3, out: `tcp,self|${hostile}|a'b||` });
  });

  it('removes the job folder it was given once the job has ended, also when its stdin (the connection) ends', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hpcrun-wrapper-'));
    await writeFile(join(dir, 'hostfile'), 'x\n');
    // No signal lines: stdin ends at once, as when the connection drops; the job is stopped and the folder goes.
    const code = await new Promise<number | null>((resolve) => spawn('sh', ['-c', remoteCommandLine(['sleep', '30'], {}, dir)], { stdio: ['ignore', 'ignore', 'inherit'] }).on('exit', resolve));
    expect(code).toBe(143);
    expect(existsSync(dir)).toBe(false);
  });

  it('stops the job when a signal name arrives on stdin, with TERM when INT is ignored', async () => {
    const started = Date.now();
    const result = await runLine(remoteCommandLine(['sleep', '30'], {}), ['INT']);
    expect(result.code).toBe(143);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it.each([
    [{ exitCode: 0, signal: undefined }, 0],
    [{ exitCode: 7, signal: undefined }, 7],
    [{ exitCode: undefined, signal: 'SIGKILL' }, 137],
    [{ exitCode: undefined, signal: 'SIGTERM' }, 143],
  ])('reports %j as status %i', (end, status) => {
    expect(statusOf(end)).toBe(status);
  });
});
