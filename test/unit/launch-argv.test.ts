import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { blockPlacement, launcherArgv, machinefile, placementHostfile } from '../../src/core/launch.js';
import { remoteCommandLine, statusOf } from '../../src/exec/job.js';
import { HpcrunError } from '../../src/errors.js';

const three = [
  { name: 'n1', slots: 2 },
  { name: 'n2', slots: 2 },
  { name: 'n3', slots: 4 },
];

describe('blockPlacement', () => {
  it.each([
    [6, undefined, [['n1', 2], ['n2', 2], ['n3', 2]]],
    [8, undefined, [['n1', 2], ['n2', 2], ['n3', 4]]],
    [3, undefined, [['n1', 2], ['n2', 1]]],
    [3, 1, [['n1', 1], ['n2', 1], ['n3', 1]]],
    [5, 2, [['n1', 2], ['n2', 2], ['n3', 1]]],
  ])('places np=%i ppn=%s as %j', (np, ppn, expected) => {
    const placement = blockPlacement(three, np, ppn);
    expect(placement.hosts.map((host) => [host.name, host.ranks])).toEqual(expected);
    expect(placement.hosts.reduce((sum, host) => sum + host.ranks, 0)).toBe(np);
  });

  it.each([
    [9, undefined, 'HPCRUN_NOT_ENOUGH_SLOTS', /--np 9 needs 9 slots but the 3 host\(s\) offer 8/],
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

describe('launcherArgv', () => {
  const placement = blockPlacement(three, 5);

  it('builds Open MPI argv with the hostfile, block mapping and ssh arguments', () => {
    expect(launcherArgv({ flavour: 'openmpi', np: 5, hostfilePath: '/tmp/h', sshArgs: ['-i', '/k', '-o', 'BatchMode=yes'], program: ['./a.out', 'x y'] })).toEqual([
      'mpirun', '--hostfile', '/tmp/h', '-np', '5', '--map-by', 'slot', '--mca', 'plm_rsh_args', '-i /k -o BatchMode=yes', './a.out', 'x y',
    ]);
    expect(placementHostfile(placement)).toBe('n1 slots=2\nn2 slots=2\nn3 slots=1\n');
  });

  it('builds Hydra argv and a host:count machinefile for MPICH and Intel MPI', () => {
    expect(launcherArgv({ flavour: 'mpich', np: 5, hostfilePath: 'm', program: ['p'] })).toEqual(['mpiexec', '-f', 'm', '-n', '5', 'p']);
    expect(machinefile(placement)).toBe('n1:2\nn2:2\nn3:1\n');
  });

  it('refuses ssh arguments with spaces, which Open MPI would split', () => {
    expect(() => launcherArgv({ flavour: 'openmpi', np: 1, hostfilePath: 'h', sshArgs: ['-i', '/my keys/id'], program: ['p'] })).toThrow(/splits its ssh arguments/);
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
