// launch --persist without a network: where holders' sockets may live, which
// settings share a holder, and the flags --persist cannot go with. The holder
// itself is proven on real sshd in test/integration/persist.test.ts.

import { chmod, chown, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { persistOf } from '../../src/commands/launch.js';
import type { Deps } from '../../src/deps.js';
import { HpcrunError } from '../../src/errors.js';
import { holderKey, persistDir } from '../../src/providers/ssh/persist.js';
import { caught, runCli } from '../helpers/cli.js';

const deps = (env: Deps['env'] = {}) => ({ env }) as Deps;

async function rejection(promise: Promise<unknown>): Promise<HpcrunError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HpcrunError) return error;
    throw error;
  }
  throw new Error('expected an HpcrunError');
}

describe('persistDir: a folder only this user can enter', () => {
  it('makes $XDG_RUNTIME_DIR/hpcrun with mode 0700', async () => {
    const runtime = await mkdtemp(join(tmpdir(), 'hpcrun-xdg-'));
    const dir = await persistDir({ XDG_RUNTIME_DIR: runtime });
    expect(dir).toBe(join(runtime, 'hpcrun'));
    const { stat } = await import('node:fs/promises');
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    // A second call accepts the folder it made.
    expect(await persistDir({ XDG_RUNTIME_DIR: runtime })).toBe(dir);
  });

  it.each([
    ['open to others (0755)', async (dir: string) => {
      await mkdir(dir);
      await chmod(dir, 0o755);
    }, /its mode is 755, so others may enter it/],
    ['a symlink to a private folder', async (dir: string) => {
      const target = await mkdtemp(join(tmpdir(), 'hpcrun-target-'));
      await symlink(target, dir);
    }, /it is not a folder/],
    ['a file', async (dir: string) => writeFile(dir, ''), /it is not a folder/],
    ['another user\'s', async (dir: string) => {
      await mkdir(dir, { mode: 0o700 });
      await chown(dir, 65534, 65534);
    }, /it belongs to uid 65534, not to you/],
  ])('refuses a folder that is %s (HPCRUN_PERSIST_DIR_UNSAFE, exit 69)', async (_what, make, message) => {
    if (_what === 'another user\'s' && process.getuid?.() !== 0) return; // chown needs root
    const runtime = await mkdtemp(join(tmpdir(), 'hpcrun-xdg-'));
    await make(join(runtime, 'hpcrun'));
    const error = await rejection(persistDir({ XDG_RUNTIME_DIR: runtime }));
    expect([error.code, error.exitCode]).toEqual(['HPCRUN_PERSIST_DIR_UNSAFE', 69]);
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(/remove .*hpcrun/);
  });
});

describe('holderKey: one holder per set of SSH settings', () => {
  it('changes with known_hosts\' contents, the key file\'s contents, the user, the port and --accept-new-host-keys, and with nothing else', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hpcrun-key-'));
    const knownHosts = join(dir, 'known_hosts');
    const identity = join(dir, 'id');
    await writeFile(knownHosts, 'node1 ssh-ed25519 AAAA\n');
    await writeFile(identity, 'key one');
    const env = { HOME: dir, USER: 'alice' };
    const base = { knownHosts, identity };
    const key = await holderKey(base, env);
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(await holderKey(base, env)).toBe(key);
    // --persist itself is not part of the settings: launches with other durations share the holder.
    expect(await holderKey({ ...base, persistMs: 5000 }, env)).toBe(key);
    const others = [
      await holderKey({ ...base, user: 'bob' }, env),
      await holderKey({ ...base, port: 2222 }, env),
      await holderKey({ ...base, acceptNewHostKeys: true }, env),
    ];
    await writeFile(knownHosts, 'node1 ssh-ed25519 AAAA\nnode2 ssh-ed25519 BBBB\n');
    others.push(await holderKey(base, env));
    await writeFile(identity, 'key two');
    others.push(await holderKey(base, env));
    expect(new Set([key, ...others]).size).toBe(6);
  });
});

describe('--persist', () => {
  it('reads the flag, else HPCRUN_SSH_PERSIST', () => {
    expect(persistOf({ persist: '10m' }, deps())).toBe(600_000);
    expect(persistOf({}, deps({ HPCRUN_SSH_PERSIST: '90s' }))).toBe(90_000);
    expect(persistOf({ persist: '2s' }, deps({ HPCRUN_SSH_PERSIST: '90s' }))).toBe(2000);
    expect(persistOf({}, deps())).toBeUndefined();
    // The variable is a default: launches it cannot serve simply run without it.
    expect(persistOf({ head: 'login01' }, deps({ HPCRUN_SSH_PERSIST: '90s' }))).toBeUndefined();
  });

  it.each([
    [{ persist: '500ms' }, /--persist 500ms is shorter than a second/],
    [{ persist: 'soon' }, /HPCRUN_BAD_DURATION|not a positive duration/],
    [{ persist: '10m', head: 'login01' }, /does not go with --head/],
    [{ persist: '10m', bcast: true, stage: ['in.nml'] }, /does not go with --bcast, --stage/],
    [{ persist: '10m', slurm: true }, /does not go with --slurm/],
  ])('refuses %j with exit 64', (options, message) => {
    const error = caught(() => persistOf(options, deps()));
    expect(error.exitCode).toBe(64);
    expect(error.message).toMatch(message);
  });

  it('is refused by the CLI before any host is contacted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hpcrun-persist-cli-'));
    await writeFile(join(dir, 'hosts'), 'nodeA slots=2\n');
    const result = await runCli(['launch', '--hosts', join(dir, 'hosts'), '--persist', '10m', '--head', 'nodeA', '--', 'true'], { cwd: dir });
    expect(result.code).toBe(64);
    expect(result.err).toMatch(/HPCRUN_PERSIST: --persist keeps this machine's SSH logins for mpirun run here; it does not go with --head/);
  });
});
