// The other end of src/exec/rsh-agent.ts: a UNIX socket in a private folder
// that runs Open MPI's daemon-start commands on the SSH connections preflight
// opened and verified, so mpirun pays no second round of handshakes. Only the
// preflighted hosts are served; anything else gets status 255, as ssh gives.

import { rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientChannel } from 'ssh2';
import type { Connection } from '../../exec/ssh.js';
import { makeJobDir } from '../../io/job-dir.js';

/** The agent Open MPI runs instead of ssh (plm_rsh_agent). */
export const RSH_AGENT = fileURLToPath(new URL('../../exec/rsh-agent.js', import.meta.url));

export interface RshServer {
  /** HPCRUN_RSH_SOCKET for the launcher's environment. */
  socketPath: string;
  close(): Promise<void>;
}

function frame(type: number, payload: Buffer | string): Buffer {
  const body = Buffer.from(payload);
  const head = Buffer.alloc(5);
  head[0] = type;
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

function serve(socket: Socket, connections: ReadonlyMap<string, Connection>, channels: Set<ClientChannel>): void {
  let header = '';
  const onData = (chunk: Buffer) => {
    header += chunk.toString('latin1');
    const newline = header.indexOf('\n');
    if (newline === -1) return;
    socket.off('data', onData);
    const rest = Buffer.from(header.slice(newline + 1), 'latin1');
    let request: { host?: unknown; command?: unknown };
    try {
      request = JSON.parse(header.slice(0, newline)) as typeof request;
    } catch {
      request = {};
    }
    const connection = typeof request.host === 'string' ? connections.get(request.host) : undefined;
    if (!connection || typeof request.command !== 'string') {
      socket.end(Buffer.concat([frame(2, `hpcrun: ${String(request.host)} is not a node this launch checked\n`), frame(3, '255')]));
      return;
    }
    const refuse = (why: string) => socket.end(Buffer.concat([frame(2, `hpcrun: cannot start the daemon on ${String(request.host)}: ${why}\n`), frame(3, '255')]));
    const start = (error: Error | undefined, channel: ClientChannel) => {
      if (error) {
        refuse(error.message);
        return;
      }
      channels.add(channel);
      let status = 255;
      channel.on('data', (data: Buffer) => socket.write(frame(1, data)));
      channel.stderr.on('data', (data: Buffer) => socket.write(frame(2, data)));
      channel.on('exit', (code: number | null) => (status = code ?? 255));
      channel.on('close', () => {
        channels.delete(channel);
        if (!socket.destroyed) socket.end(frame(3, String(status)));
      });
      if (rest.length > 0) channel.write(rest);
      socket.on('data', (data: Buffer) => channel.write(data));
      socket.on('end', () => channel.end());
      // mpirun killed the agent: the daemon's session goes too.
      socket.on('close', () => channel.close());
    };
    try {
      connection.client.exec(request.command, start);
    } catch (error) {
      // The node's connection is gone (it died): ssh2 throws "Not connected".
      refuse(`its connection is gone (${error instanceof Error ? error.message : String(error)})`);
    }
  };
  socket.on('data', onData);
  socket.on('error', () => socket.destroy());
}

export async function startRshServer(connections: ReadonlyMap<string, Connection>): Promise<RshServer> {
  const dir = await makeJobDir('hpcrun-rsh');
  const socketPath = join(dir, 'socket');
  const channels = new Set<ClientChannel>();
  // Half-open: the agent ends its side when the daemon's stdin ends, and still reads the output.
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => serve(socket, connections, channels));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  return {
    socketPath,
    async close() {
      for (const channel of channels) channel.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
