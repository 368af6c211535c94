// The other end of src/exec/rsh-agent.ts: a UNIX socket in a private folder
// that runs Open MPI's daemon-start commands on the SSH connections preflight
// opened and verified, so mpirun pays no second round of handshakes. Only the
// preflighted hosts are served; anything else gets status 255, as ssh gives.

import { rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientChannel } from 'ssh2';
import { frame } from '../../exec/frames.js';
import { shellJoin } from '../../exec/quote.js';
import type { Connection } from '../../exec/ssh.js';
import type { Connections } from './connections.js';
import { makeJobDir } from '../../io/job-dir.js';

/** The agent Open MPI runs instead of ssh (plm_rsh_agent). */
export const RSH_AGENT = fileURLToPath(new URL('../../exec/rsh-agent.js', import.meta.url));

export interface RshServer {
  /** HPCRUN_RSH_SOCKET for the launcher's environment. */
  socketPath: string;
  close(): Promise<void>;
}

/**
 * Holds daemon starts until preflight has passed. Each start opens its
 * session as soon as the host's connection is up, with a shell that waits
 * for one line on stdin: "go" once every node has passed, so the daemon
 * starts without a further round trip; end of input if one failed, so
 * nothing starts.
 */
export interface Hold {
  /** Resolves when preflight has passed, rejects when it has failed. */
  gate: Promise<void>;
  connections: Connections;
  /**
   * A host preflight checked without SSH (this machine) gets a connection only
   * if mpirun asks for a daemon there after all; verified like any other.
   */
  connectLate(host: string): Promise<Connection | undefined>;
}

/**
 * Runs preflight's probe first if given one ($2), its output then a marker
 * line with its status; waits for its go line; then runs the daemon's
 * command ($1) as sshd would have: with the login shell.
 */
const GATE_SCRIPT = [
  '[ -z "$2" ] || { sh -c "$2" </dev/null 2>/dev/null; printf \'\\nhpcrun-probe-end %s\\n\' "$?"; }',
  'IFS= read -r go && [ "$go" = go ] && exec "${SHELL:-/bin/sh}" -c "$1"',
].join('\n');

const PROBE_END = Buffer.from('\nhpcrun-probe-end ');

export const gatedCommand = (command: string, probe = ''): string => shellJoin(['sh', '-c', GATE_SCRIPT, 'hpcrun-gate', command, probe]);

/** Splits the probe's output (and status) off the front of a gated session's stdout; the rest is the daemon's. */
export function probeSplitter(onProbe: (output: string | Error) => void): (data: Buffer) => Buffer {
  let pending: Buffer | undefined = Buffer.alloc(0);
  return (data) => {
    if (pending === undefined) return data;
    pending = Buffer.concat([pending, data]);
    const marker = pending.indexOf(PROBE_END);
    const end = marker === -1 ? -1 : pending.indexOf(0x0a, marker + PROBE_END.length);
    if (end === -1) return Buffer.alloc(0);
    const status = pending.subarray(marker + PROBE_END.length, end).toString().trim();
    onProbe(status === '0' ? pending.subarray(0, marker).toString() : new Error(`the probe exited with ${status}`));
    const rest = pending.subarray(end + 1);
    pending = undefined;
    return rest;
  };
}

export interface Request {
  host?: unknown;
  command?: unknown;
  [other: string]: unknown;
}

/**
 * Reads a request's first line (JSON, UTF-8) and hands it over with the bytes
 * that followed it; the socket is then paused, so that what the client sends
 * next (a command's stdin) waits until its session is open.
 */
export function readRequest(socket: Socket, handle: (request: Request, rest: Buffer) => void): void {
  let header = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    header = Buffer.concat([header, chunk]);
    const newline = header.indexOf(0x0a);
    if (newline === -1) return;
    socket.off('data', onData);
    socket.pause();
    let request: Request;
    try {
      // UTF-8, as both agents write it: a path with non-ASCII letters arrives intact.
      const parsed: unknown = JSON.parse(header.subarray(0, newline).toString('utf8'));
      request = typeof parsed === 'object' && parsed !== null ? (parsed as Request) : {};
    } catch {
      request = {};
    }
    handle(request, header.subarray(newline + 1));
  };
  socket.on('data', onData);
  socket.on('error', () => socket.destroy());
}

/** Runs one request's command on its host's connection and relays it over the socket in frames (see frame). */
export function runRequest(socket: Socket, request: Request, rest: Buffer, connections: ReadonlyMap<string, Connection>, channels: Set<ClientChannel>, hold?: Hold): void {
  const refuse = (host: unknown, why: string) => {
    // Read (and drop) whatever the client still sends, so that its end arrives and the socket closes.
    socket.resume();
    if (!socket.destroyed) socket.end(Buffer.concat([frame(2, `hpcrun: ${why.replace('HOST', String(host))}\n`), frame(3, '255')]));
  };
  const startDaemon = async () => {
    const host = request.host;
    // The probe, if preflight has not run it on this host yet: this session runs it and saves one.
    const probe = hold && typeof host === 'string' && typeof request.command === 'string' ? hold.connections.takeProbe(host) : undefined;
    const settleProbe = (output: string | Error) => {
      if (probe !== undefined) hold?.connections.settleProbe(host as string, output);
    };
    socket.once('close', () => settleProbe(new Error('the daemon request ended')));
    let connection: Connection | undefined;
    try {
      // Gated: the session opens as soon as this host is connected, or once preflight has passed if it never was.
      connection = typeof host !== 'string' ? undefined : hold ? await Promise.race([hold.connections.opened(host), hold.gate.then(() => connections.get(host))]) : connections.get(host);
    } catch {
      refuse(host, 'preflight failed, so no daemon starts on HOST');
      return;
    }
    if (socket.destroyed) return;
    if (!connection && hold && typeof host === 'string') {
      try {
        connection = await hold.connectLate(host);
      } catch (error) {
        refuse(host, `cannot start the daemon on HOST: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
    }
    if (!connection || typeof request.command !== 'string') {
      refuse(host, 'HOST is not a node this launch checked');
      return;
    }
    const start = (error: Error | undefined, channel: ClientChannel) => {
      if (error) {
        settleProbe(error);
        refuse(host, `cannot start the daemon on HOST: ${error.message}`);
        return;
      }
      channels.add(channel);
      let status = 255;
      const daemonOutput = probe === undefined ? (data: Buffer) => data : probeSplitter(settleProbe);
      channel.on('data', (data: Buffer) => {
        const output = daemonOutput(data);
        if (output.length > 0) socket.write(frame(1, output));
      });
      channel.stderr.on('data', (data: Buffer) => socket.write(frame(2, data)));
      channel.on('exit', (code: number | null) => (status = code ?? 255));
      channel.on('close', () => {
        settleProbe(new Error('the session closed before its probe ended'));
        channels.delete(channel);
        if (!socket.destroyed) socket.end(frame(3, String(status)));
      });
      // mpirun killed the agent: the daemon's session goes too.
      socket.on('close', () => channel.close());
      const relay = () => {
        if (hold) channel.write('go\n');
        if (rest.length > 0) channel.write(rest);
        socket.on('data', (data: Buffer) => channel.write(data));
        socket.on('end', () => channel.end());
        socket.resume();
      };
      if (!hold) {
        relay();
        return;
      }
      hold.gate.then(relay, () => {
        // End of input: the waiting shell exits and starts nothing.
        channel.end();
        socket.end(Buffer.concat([frame(2, `hpcrun: preflight failed, so no daemon starts on ${String(host)}\n`), frame(3, '255')]));
      });
    };
    try {
      connection.client.exec(hold ? gatedCommand(request.command, probe) : request.command, start);
    } catch (error) {
      settleProbe(error instanceof Error ? error : new Error(String(error)));
      // The node's connection is gone (it died): ssh2 throws "Not connected".
      refuse(host, `cannot start the daemon on HOST: its connection is gone (${error instanceof Error ? error.message : String(error)})`);
    }
  };
  void startDaemon();
}

/** With `hold`, daemons wait for preflight (see Hold); without it, preflight has already passed. */
export async function startRshServer(connections: ReadonlyMap<string, Connection>, hold?: Hold): Promise<RshServer> {
  const dir = await makeJobDir('hpcrun-rsh');
  const socketPath = join(dir, 'socket');
  const channels = new Set<ClientChannel>();
  // Half-open: the agent ends its side when the daemon's stdin ends, and still reads the output.
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => readRequest(socket, (request, rest) => runRequest(socket, request, rest, connections, channels, hold)));
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
