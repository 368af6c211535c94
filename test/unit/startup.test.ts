// Start-up cost: a command loads only what it uses. `hpcrun --version`,
// `--help` and `plan` must not load ssh2, execa or the Compute Engine client.
// Runs the built CLI (npm test builds first) under a resolve hook that
// reports every package module loaded.

import { execa } from 'execa';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'dist', 'bin.js');
const TRACE = join(ROOT, 'test', 'fixtures', 'startup', 'trace.mjs');

async function packagesLoaded(args: readonly string[]): Promise<string[]> {
  const result = await execa(process.execPath, ['--import', TRACE, BIN, ...args], { reject: false, cwd: ROOT });
  expect(result.exitCode, result.stderr).toBe(0);
  const names = [...result.stderr.matchAll(/^hpcrun-trace: ((?:@[^/]+\/)?[^/]+)\//gm)].map((match) => match[1] as string);
  return [...new Set(names)].sort();
}

describe('start-up loads only what the command uses', () => {
  it.each([
    [['--version'], ['commander']],
    [['--help'], ['commander']],
    [['launch', '--help'], ['commander']],
    [['report', '--help'], ['commander']],
  ])('hpcrun %j loads %j', async (args, expected) => {
    expect(await packagesLoaded(args)).toEqual(expected);
  });

  it('plan loads neither ssh2, execa nor the Compute Engine client', async () => {
    const loaded = await packagesLoaded(['plan', '--grid', '4x4', '--cores-per-node', '4', '--json']);
    expect(loaded).toContain('zod');
    for (const heavy of ['ssh2', 'execa', '@google-cloud', 'google-gax', 'google-auth-library']) expect(loaded).not.toContain(heavy);
  });

  // Launch starts mpirun before it loads ssh2 (which it loads on first connect),
  // and needs neither execa nor zod (plan files and clusters load them when named).
  it('launch loads only commander until it connects', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hpcrun-startup-'));
    await writeFile(join(dir, 'hosts'), 'n1 slots=2\nn2 slots=2\n');
    expect(await packagesLoaded(['launch', '--hosts', join(dir, 'hosts'), '--np', '4', '--dry-run', '--', 'true'])).toEqual(['commander']);
  });
});
