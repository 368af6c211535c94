import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HpcrunError } from '../../src/errors.js';
import { resolveSshSettings } from '../../src/exec/ssh.js';
import { runCli } from '../helpers/cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcrun-ssh-settings-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function settingsError(input: Parameters<typeof resolveSshSettings>[0]): Promise<HpcrunError | undefined> {
  try {
    await resolveSshSettings(input);
    return undefined;
  } catch (error) {
    if (error instanceof HpcrunError) return error;
    throw error;
  }
}

describe('a known_hosts file named by --known-hosts', () => {
  it.each([
    // name, path (relative to dir), accept-new, setup, expected code or undefined (ok)
    { name: 'an existing file', path: 'kh', acceptNew: false, setup: ['kh'], expected: undefined },
    { name: 'an existing file, accept-new', path: 'kh', acceptNew: true, setup: ['kh'], expected: undefined },
    { name: 'a new file in an existing folder, accept-new (it may be created)', path: 'kh', acceptNew: true, setup: [], expected: undefined },
    { name: 'a new file in an existing folder, no accept-new', path: 'kh', acceptNew: false, setup: [], expected: /HPCRUN_KNOWN_HOSTS_NOT_FOUND: --known-hosts .*kh was not found/ },
    { name: 'a missing folder, accept-new', path: 'nonexistent/kh', acceptNew: true, setup: [], expected: /HPCRUN_KNOWN_HOSTS_NOT_FOUND: --known-hosts .*nonexistent\/kh: the folder .*nonexistent was not found/ },
    { name: 'a missing folder, no accept-new', path: 'nonexistent/deeper/kh', acceptNew: false, setup: [], expected: /the folder .*nonexistent\/deeper was not found/ },
    { name: 'a folder, not a file', path: 'khdir', acceptNew: true, setup: ['khdir/'], expected: /HPCRUN_KNOWN_HOSTS_NOT_A_FILE/ },
  ])('$name', async ({ path, acceptNew, setup, expected }) => {
    for (const item of setup) {
      if (item.endsWith('/')) mkdirSync(join(dir, item));
      else writeFileSync(join(dir, item), '');
    }
    const knownHosts = join(dir, path);
    const error = await settingsError({ knownHosts, acceptNewHostKeys: acceptNew, env: { HOME: join(dir, 'home') } });
    if (expected === undefined) {
      expect(error).toBeUndefined();
    } else {
      expect(error).toBeDefined();
      expect(`${error!.code}: ${error!.message}`).toMatch(expected);
      expect(error!.exitCode).toBe(error!.code === 'HPCRUN_KNOWN_HOSTS_NOT_FOUND' ? 66 : 65);
    }
    // Nothing is created on the way: no folder, no file.
    expect(existsSync(join(dir, 'nonexistent'))).toBe(false);
    expect(existsSync(join(dir, 'home'))).toBe(false);
  });

  it('HPCRUN_SSH_KNOWN_HOSTS is checked the same way, and named as such', async () => {
    const error = await settingsError({ acceptNewHostKeys: true, env: { HOME: dir, HPCRUN_SSH_KNOWN_HOSTS: join(dir, 'gone', 'kh') } });
    expect(error?.message).toMatch(/^HPCRUN_SSH_KNOWN_HOSTS .*gone\/kh: the folder .*gone was not found$/);
  });

  it('the default ~/.ssh/known_hosts may be missing (OpenSSH creates ~/.ssh on first use)', async () => {
    const settings = await resolveSshSettings({ acceptNewHostKeys: true, env: { HOME: join(dir, 'home') } });
    expect(settings).toMatchObject({ knownHostsFile: join(dir, 'home', '.ssh', 'known_hosts'), knownHostsNamed: false });
  });

  it('hpcrun launch --known-hosts /nonexistent/kh --accept-new-host-keys says not found (66) and creates nothing', async () => {
    writeFileSync(join(dir, 'hosts'), 'never-contacted.invalid slots=1\n');
    const missing = join(dir, 'nonexistent', 'kh');
    const run = await runCli(['launch', '--hosts', join(dir, 'hosts'), '--np', '1', '--known-hosts', missing, '--accept-new-host-keys', '--', 'true'], { env: { HOME: join(dir, 'home'), PATH: process.env.PATH } });
    expect(run.code).toBe(66);
    expect(run.err).toMatch(/^hpcrun: error HPCRUN_KNOWN_HOSTS_NOT_FOUND: --known-hosts .*nonexistent\/kh: the folder .*nonexistent was not found\n {2}fix: /);
    expect(existsSync(join(dir, 'nonexistent'))).toBe(false);
  });
});
