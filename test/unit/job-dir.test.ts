// Job folders of an hpcrun that was killed are swept by the next one.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeJobDir } from '../../src/io/job-dir.js';

let scratch: string;
let saved: string | undefined;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'hpcrun-jobdir-test-'));
  saved = process.env.TMPDIR;
  process.env.TMPDIR = scratch;
});
afterAll(async () => {
  if (saved === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = saved;
  await rm(scratch, { recursive: true, force: true });
});

describe('makeJobDir', () => {
  it('makes a private folder named after this process and sweeps those of dead processes only', async () => {
    const dead = spawnSync('true').pid as number; // a pid that has exited
    await mkdir(join(scratch, `hpcrun-x-${dead}-AbC123`));
    await mkdir(join(scratch, `hpcrun-x-${process.pid}-DeF456`)); // ours: alive
    await mkdir(join(scratch, `hpcrun-y-${dead}-GhI789`)); // another prefix
    const made = await makeJobDir('hpcrun-x');
    expect(dirname(made)).toBe(scratch);
    expect(basename(made)).toMatch(new RegExp(`^hpcrun-x-${process.pid}-\\w{6}$`));
    expect(existsSync(join(scratch, `hpcrun-x-${dead}-AbC123`))).toBe(false);
    expect(existsSync(join(scratch, `hpcrun-x-${process.pid}-DeF456`))).toBe(true);
    expect(existsSync(join(scratch, `hpcrun-y-${dead}-GhI789`))).toBe(true);
  });
});
