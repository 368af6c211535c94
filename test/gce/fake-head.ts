// A stand-in for the head node's sshd, on 127.0.0.1: an ssh2 server with its
// own host key that accepts one public key and runs each command with
// `sh -c` under a throwaway HOME, as sshd runs a command in the login shell.
// With it, `cluster up --head` is tested end to end: the host key published
// in guest attributes verifies the connection, and the cluster key and
// known_hosts land in the head's ~/.hpcrun/clusters/NAME/.

import { spawn } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';

const { Server, utils } = ssh2;

export interface FakeHead {
  port: number;
  home: string;
  /** The host key sshd presents: type and base64 blob, as guest attributes publish it. */
  hostKey: { type: string; key: string };
  commands: string[];
  close(): Promise<void>;
}

export async function startFakeHead(allowedPublicKey: string): Promise<FakeHead> {
  const home = await mkdtemp(join(tmpdir(), 'hpcrun-fake-head-'));
  const pair = utils.generateKeyPairSync('ed25519');
  const [type, key] = pair.public.trim().split(/\s+/) as [string, string];
  const allowed = utils.parseKey(allowedPublicKey);
  if (allowed instanceof Error) throw allowed;
  const commands: string[] = [];
  const server = new Server({ hostKeys: [pair.private] }, (client) => {
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey') return ctx.reject(['publickey']);
      const sameKey = ctx.key.algo === allowed.type && ctx.key.data.length === allowed.getPublicSSH().length && timingSafeEqual(ctx.key.data, allowed.getPublicSSH());
      if (!sameKey) return ctx.reject();
      if (ctx.signature && ctx.blob && allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject();
      ctx.accept();
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('exec', (acceptExec, _reject, info) => {
          const channel = acceptExec();
          commands.push(info.command);
          const child = spawn('sh', ['-c', info.command], { env: { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin' } });
          channel.pipe(child.stdin);
          // The channel ends after the exit status, not when the output does.
          child.stdout.pipe(channel, { end: false });
          child.stderr.pipe(channel.stderr, { end: false });
          child.on('close', (code) => {
            channel.exit(code ?? 1);
            channel.end();
          });
        });
      });
    });
    client.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    home,
    hostKey: { type, key },
    commands,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(home, { recursive: true, force: true });
    },
  };
}
