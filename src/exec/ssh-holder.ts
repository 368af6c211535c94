#!/usr/bin/env node
// The SSH holder behind `hpcrun launch --persist` (src/providers/ssh/persist.ts
// has the protocol and the rules). Started detached by a launch, with a
// HolderStart on stdin; answers one line on stdout ({"ready":true}, or
// {"error":...} if the SSH settings cannot be used), then serves its socket
// until it has been idle for persistMs, or is told to stop.

import { lstat, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { ClientChannel } from 'ssh2';
import { type Connection, connect, resolveSshSettings, type SshSettings } from './ssh.js';
import { setLongTimeout } from './timer.js';
import { readRequest, runRequest } from '../providers/ssh/rsh-server.js';
import { type HolderStart, type HolderStatus, toWire } from '../providers/ssh/persist.js';

async function readStart(): Promise<HolderStart> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  process.stdin.destroy();
  return JSON.parse(text) as HolderStart;
}

/** True when a live holder already answers at this path (two launches started one each). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ path });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function main(): Promise<void> {
  process.title = 'hpcrun-ssh-holder';
  const start = await readStart();
  const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
  let settings: SshSettings;
  try {
    settings = await resolveSshSettings({ ...start.ssh, env: process.env });
  } catch (error) {
    say({ error: toWire(error) });
    process.exit(1);
  }
  const connections = new Map<string, Connection>();
  const pending = new Map<string, Promise<Connection>>();
  /** Each login's watchers: the open requests of launches that use it. */
  const watchers = new Map<string, Set<Socket>>();
  const channels = new Set<ClientChannel>();
  let clients = 0;
  let idleSince: number | null = Date.now();
  let idleTimer: { clear(): void } | undefined;

  let socketInode: number | undefined;
  const stop = async () => {
    for (const channel of channels) channel.close();
    for (const connection of connections.values()) connection.client.end();
    server.close();
    // Only this holder's own socket: another holder may have replaced a path it thought stale.
    const now = await lstat(start.socketPath).catch(() => undefined);
    if (now && now.ino === socketInode) await rm(start.socketPath, { force: true });
    process.exit(0);
  };
  const idle = () => {
    idleSince = Date.now();
    idleTimer = setLongTimeout(() => void stop(), start.persistMs);
  };

  const login = (host: string): Promise<Connection> => {
    const open = connections.get(host);
    if (open) return Promise.resolve(open);
    let opening = pending.get(host);
    if (!opening) {
      opening = connect(host, settings).then((connection) => {
        connections.set(host, connection);
        connection.client.on('close', () => {
          if (connections.get(host) === connection) connections.delete(host);
          // Each launch that uses this login learns it is gone, as from its own connection's close.
          for (const watcher of watchers.get(host) ?? []) watcher.destroy();
          watchers.delete(host);
        });
        return connection;
      });
      opening.then(
        () => pending.delete(host),
        () => pending.delete(host),
      );
      pending.set(host, opening);
    }
    return opening;
  };

  const status = (): HolderStatus => ({
    pid: process.pid,
    socketPath: start.socketPath,
    hosts: [...connections.keys()],
    persistMs: start.persistMs,
    idleMs: idleSince === null ? null : Date.now() - idleSince,
    clients,
  });

  /** A launch's request (open, exec) keeps the holder busy until it closes; status and stop do not. */
  const busy = (socket: Socket) => {
    clients += 1;
    idleTimer?.clear();
    idleTimer = undefined;
    idleSince = null;
    socket.once('close', () => {
      clients -= 1;
      if (clients === 0) idle();
    });
  };

  const server = createServer({ allowHalfOpen: true }, (socket) => {
    readRequest(socket, (request, rest) => {
      const host = typeof request.host === 'string' ? request.host : undefined;
      if (request.op === 'open' || request.op === 'exec') busy(socket);
      // The latest launch's --persist sets how long the logins outlive it.
      if (request.op === 'open' && typeof request.persistMs === 'number' && request.persistMs >= 1000) start.persistMs = request.persistMs;
      switch (request.op) {
        case 'open':
          if (!host) return void socket.end(`${JSON.stringify({ ok: false, error: { kind: 'internal', code: 'HPCRUN_SSH_HOLDER', message: 'an open request names no host' } })}\n`);
          login(host).then(
            (connection) => {
              if (socket.destroyed) return;
              // A key accepted with --accept-new-host-keys is given to every launch that opens the login:
              // the launch records it, and a launch that failed first has not. (Once recorded, known_hosts
              // has changed, so later launches use another holder.)
              const line = connection.newKnownHostsLine;
              socket.write(`${JSON.stringify({ ok: true, fingerprint: connection.hostKeyFingerprint, ...(line ? { newKnownHostsLine: line } : {}) })}\n`);
              const set = watchers.get(host) ?? new Set<Socket>();
              set.add(socket);
              watchers.set(host, set);
              socket.once('close', () => set.delete(socket));
              // The launch lets go of the login (end): this request ends, the login stays.
              socket.once('end', () => socket.end());
              socket.resume();
            },
            (error: unknown) => socket.end(`${JSON.stringify({ ok: false, error: toWire(error) })}\n`),
          );
          return;
        case 'exec':
          // Only logins this holder made are served; anything else gets status 255, as ssh gives.
          runRequest(socket, request, rest, connections, channels);
          return;
        case 'status':
          socket.end(`${JSON.stringify(status())}\n`);
          return;
        case 'stop':
          socket.end(`${JSON.stringify({ stopped: true })}\n`, () => void stop());
          return;
        default:
          socket.end(`${JSON.stringify({ ok: false, error: { kind: 'internal', code: 'HPCRUN_SSH_HOLDER', message: `unknown request ${JSON.stringify(request.op)}` } })}\n`);
      }
    });
  });

  try {
    await listen(server, start.socketPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
      say({ error: toWire(error) });
      process.exit(1);
    }
    // Another holder won the race: use it. A stale socket file (its holder died) is replaced.
    if (await answers(start.socketPath)) {
      say({ ready: true });
      process.exit(0);
    }
    await rm(start.socketPath, { force: true });
    try {
      await listen(server, start.socketPath);
    } catch (again) {
      // Two holders found the same stale file: the other one listens now.
      if ((again as NodeJS.ErrnoException).code === 'EADDRINUSE' && (await answers(start.socketPath))) {
        say({ ready: true });
        process.exit(0);
      }
      say({ error: toWire(again) });
      process.exit(1);
    }
  }
  socketInode = (await lstat(start.socketPath)).ino;
  idle();
  say({ ready: true });
  process.stdout.end();
  process.on('SIGTERM', () => void stop());
  process.on('SIGHUP', () => undefined);
}

void main();
