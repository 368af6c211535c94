// The shell that holds a daemon's start on a node until preflight has passed
// (providers/ssh/rsh-server.ts): run here by a real sh, as sshd would run it.

import { execa } from 'execa';
import { mkdtemp, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gatedCommand, probeSplitter } from '../../src/providers/ssh/rsh-server.js';

// What Open MPI's rsh launcher sends: a command line for the login shell, with quotes and a variable.
const daemon = (out: string) => `echo "started $0" > ${out}; cat >> ${out}`;

async function runGated(input: string, out: string) {
  return execa('sh', ['-c', gatedCommand(daemon(out))], { input, reject: false, env: { SHELL: '/bin/sh' } });
}

describe('the daemon gate', () => {
  it('starts the command with the login shell after "go", and hands it the rest of stdin', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hpcrun-gate-'));
    const out = join(dir, 'out');
    const result = await runGated('go\nstdin for the daemon\n', out);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await readFile(out, 'utf8')).toBe('started /bin/sh\nstdin for the daemon\n');
  });

  it.each([
    ['end of input (preflight failed)', ''],
    ['anything but go', 'stop\nmore\n'],
    ['go without its newline', 'go'],
  ])('starts nothing on %s', async (_name, input) => {
    const dir = await mkdtemp(join(tmpdir(), 'hpcrun-gate-'));
    const out = join(dir, 'out');
    const result = await runGated(input, out);
    expect(result.exitCode).not.toBe(0);
    expect(existsSync(out)).toBe(false);
  });
});

describe('the daemon gate with preflight\'s probe', () => {
  it('runs the probe first (without taking the go line), marks its end and status, then waits for go', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hpcrun-gate-'));
    const out = join(dir, 'out');
    const result = await execa('sh', ['-c', gatedCommand(daemon(out), "sh -c 'echo mpi: Open MPI 4.1; cat; exit 3' hpcrun-probe")], { input: 'go\nrest\n', reject: false, stripFinalNewline: false, env: { SHELL: '/bin/sh' } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe('mpi: Open MPI 4.1\n\nhpcrun-probe-end 3\n');
    expect(await readFile(out, 'utf8')).toBe('started /bin/sh\nrest\n');
  });

  it('splits the probe\'s output and status off the session\'s stdout, in any chunking', () => {
    const stream = Buffer.from('cores=2\nmpi: Open MPI 4.1\n\nhpcrun-probe-end 0\ndaemon says hi\n');
    for (const size of [1, 3, 7, stream.length]) {
      const probes: (string | Error)[] = [];
      const split = probeSplitter((output) => probes.push(output));
      let daemon = '';
      for (let at = 0; at < stream.length; at += size) daemon += split(stream.subarray(at, at + size)).toString();
      expect(probes).toEqual(['cores=2\nmpi: Open MPI 4.1\n']);
      expect(daemon).toBe('daemon says hi\n');
    }
    const failed: (string | Error)[] = [];
    probeSplitter((output) => failed.push(output))(Buffer.from('x\n\nhpcrun-probe-end 127\n'));
    expect(failed[0]).toBeInstanceOf(Error);
  });
});
