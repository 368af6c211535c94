// launch --persist without a network: where holders' sockets may live, which
// settings share a holder, and the flags --persist cannot go with. The holder
// itself is proven on real sshd in test/integration/persist.test.ts.

import { chmod, chown, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { persistOf } from '../../src/commands/launch.js';
import type { Deps } from '../../src/deps.js';
import { absoluteSsh, holderFor, holderKey, persistDir } from '../../src/providers/ssh/persist.js';
import { exec } from '../../src/exec/ssh.js';
import { frame } from '../../src/exec/frames.js';
import { createServer, type Socket } from 'node:net';
import { caught, rejected, runCli } from '../helpers/cli.js';

const deps = (env: Deps['env'] = {}) => ({ env }) as Deps;


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
  ])('refuses a folder that is %s (HPCRUN_PERSIST_DIR_UNSAFE, exit 69)', async (_what, make, message) => {
    const runtime = await mkdtemp(join(tmpdir(), 'hpcrun-xdg-'));
    await make(join(runtime, 'hpcrun'));
    const error = await rejected(persistDir({ XDG_RUNTIME_DIR: runtime }));
    expect([error.code, error.exitCode]).toEqual(['HPCRUN_PERSIST_DIR_UNSAFE', 69]);
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(/remove .*hpcrun/);
  });
});

it.skipIf(process.getuid?.() !== 0)('persistDir refuses another user\'s folder (chown needs root)', async () => {
  const runtime = await mkdtemp(join(tmpdir(), 'hpcrun-xdg-'));
  await mkdir(join(runtime, 'hpcrun'), { mode: 0o700 });
  await chown(join(runtime, 'hpcrun'), 65534, 65534);
  const error = await rejected(persistDir({ XDG_RUNTIME_DIR: runtime }));
  expect([error.code, error.exitCode]).toEqual(['HPCRUN_PERSIST_DIR_UNSAFE', 69]);
  expect(error.message).toMatch(/it belongs to uid 65534, not to you/);
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

describe('absoluteSsh: the holder runs in /, so relative paths are made absolute from the launch\'s folder', () => {
  it('resolves --identity and --known-hosts, or their variables, and leaves the rest', () => {
    expect(absoluteSsh({ identity: 'keys/id', knownHosts: 'kh', user: 'u' }, {}, '/home/u/job')).toEqual({ identity: '/home/u/job/keys/id', knownHosts: '/home/u/job/kh', user: 'u' });
    expect(absoluteSsh({}, { HPCRUN_SSH_IDENTITY: 'id', HPCRUN_SSH_KNOWN_HOSTS: '/etc/kh' }, '/w')).toEqual({ identity: '/w/id', knownHosts: '/etc/kh' });
    expect(absoluteSsh({ port: 2222 }, {}, '/w')).toEqual({ port: 2222, identity: undefined, knownHosts: undefined });
  });
});

// The launch side of the holder protocol (persist.ts) against a small stand-in
// that speaks it on the holder's socket; the real holder, on real sshd, is in
// test/integration/persist.test.ts. What is checked here is that a kept login
// behaves as an ssh2 connection does for exec() and for the node watch.
describe('a kept login, as the launch sees it', () => {
  async function standIn() {
    const runtime = await mkdtemp(join(tmpdir(), 'hpcrun-xdg-'));
    const env = { XDG_RUNTIME_DIR: runtime, HOME: runtime, USER: 'u' };
    const socketPath = join(await persistDir(env), `${await holderKey({}, env)}.sock`);
    const opens: Socket[] = [];
    const all = new Set<Socket>();
    const server = createServer({ allowHalfOpen: true }, (socket) => {
      all.add(socket);
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        if (text.includes('\n')) return;
        text += chunk.toString();
        const newline = text.indexOf('\n');
        if (newline === -1) return;
        const request = JSON.parse(text.slice(0, newline)) as { op: string; command?: string };
        if (request.op === 'status') socket.end(`${JSON.stringify({ pid: 1, hosts: [], persistMs: 1000, idleMs: 0, clients: 0 })}\n`);
        else if (request.op === 'open') {
          socket.write(`${JSON.stringify({ ok: true, fingerprint: 'SHA256:x' })}\n`);
          opens.push(socket);
        } else if (request.command === 'fail') socket.end(Buffer.concat([frame(1, 'out'), frame(2, 'err'), frame(3, '3')]));
        // 'hang': no answer at all
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    const holder = await holderFor({}, 60_000, deps(env));
    const close = () => {
      for (const socket of all) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    };
    return { holder, opens, close };
  }

  it('passes on the command\'s output and status, and a timeout as TIMEOUT (not an exit status)', async () => {
    const { holder, close } = await standIn();
    const login = await holder.open('node1');
    expect(login.hostKeyFingerprint).toBe('SHA256:x');
    expect(await exec(login.client, 'fail')).toEqual({ exitCode: 3, signal: undefined, stdout: 'out', stderr: 'err' });
    const hung = await exec(login.client, 'hang', { timeoutMs: 200 });
    expect([hung.exitCode, hung.signal]).toEqual([undefined, 'TIMEOUT']);
    login.client.end();
    await close();
  });

  it('tells the node watch when the holder loses the login, and not when the launch lets it go', async () => {
    const { holder, opens, close } = await standIn();
    const lost = await holder.open('node1');
    const kept = await holder.open('node2');
    const closed: string[] = [];
    lost.client.on('close', () => closed.push('node1'));
    kept.client.on('close', () => closed.push('node2'));
    // The holder ends node1's open request (its login is gone); the launch lets go of node2's.
    opens[0]!.end();
    kept.client.end();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(closed).toEqual(['node1']);
    await close();
  });
});
