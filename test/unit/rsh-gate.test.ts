// The shell that holds a daemon's start on a node until preflight has passed
// (providers/ssh/rsh-server.ts): run here by a real sh, as sshd would run it.

import { execa } from 'execa';
import { mkdtemp, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gatedCommand } from '../../src/providers/ssh/rsh-server.js';

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
