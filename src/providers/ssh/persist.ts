// Kept SSH connections (`launch --persist DURATION`), as OpenSSH's
// ControlPersist keeps them: the first launch starts a holder process that
// logs in to the nodes (host keys verified as always) and keeps the logins
// open; later launches with the same SSH settings run their probes and
// mpirun's daemons on those logins, with no handshake. The holder ends
// DURATION after its last client leaves, or with `hpcrun launch --persist stop`.
//
// Who may use a holder: its socket sits in a folder only this user can enter
// (checked: owner, mode 0700, not a symlink), as OpenSSH's control sockets do.
// Which holder: one per set of SSH settings. Its socket is named by a hash of
// the user, port, key files (their contents), the agent socket, the
// known_hosts files (their contents) and --accept-new-host-keys, so a changed
// known_hosts (a key removed, revoked or added) or another key never reuses a
// login made under the old ones; the old holder idles out.
//
// Protocol, one UNIX connection per request, first line JSON:
//   {"op":"open","host":H}   log in to H if not yet; reply one JSON line
//                            {"ok":true,"fingerprint":F,"newKnownHostsLine":L?}
//                            or {"ok":false,"error":{kind,code,message,hint}};
//                            the connection stays open and the holder ends it
//                            if H's login is lost (the launch's node watch).
//   {"op":"exec","host":H,"command":C}   as the rsh agent's request: frames
//                            back (exec/frames.ts); closing the UNIX
//                            connection closes the remote session.
//   {"op":"status"}          one JSON line: pid, hosts, persist and idle time.
//   {"op":"stop"}            closes every login and exits.
// This module loads only node: built-ins on the launch side; ssh2 is loaded by
// the holder process alone.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { lstat, mkdir, readFile } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Deps } from '../../deps.js';
import { type ErrorKind, HpcrunError } from '../../errors.js';
import { frameReader } from '../../exec/frames.js';
import type { Connection, SshClient } from '../../exec/ssh.js';
import { sshSources } from '../../exec/ssh-settings.js';
import { VERSION } from '../../version.js';
import type { SshOptions } from './index.js';
import type { KnownHostsRecord } from './preflight.js';

/** The holder process's entry (dist/exec/ssh-holder.js). */
export const HOLDER_ENTRY = fileURLToPath(new URL('../../exec/ssh-holder.js', import.meta.url));

/** What the holder process is told on its stdin when it starts. */
export interface HolderStart {
  socketPath: string;
  persistMs: number;
  ssh: SshOptions;
}

export interface HolderStatus {
  pid: number;
  socketPath: string;
  hosts: string[];
  persistMs: number;
  /** Milliseconds since the last client left, or null while a client is connected. */
  idleMs: number | null;
  clients: number;
}

/** A serialised HpcrunError, as the holder sends one. */
export interface WireError {
  kind: ErrorKind;
  code: string;
  message: string;
  hint?: string | undefined;
}

export const toWire = (error: unknown): WireError =>
  error instanceof HpcrunError
    ? { kind: error.kind, code: error.code, message: error.message, hint: error.hint }
    : { kind: 'preflight', code: 'HPCRUN_SSH_HOLDER', message: error instanceof Error ? error.message : String(error) };

const fromWire = (error: WireError): HpcrunError => new HpcrunError(error.kind, error.code, error.message, { hint: error.hint });

/** Where the holders' sockets live: $XDG_RUNTIME_DIR/hpcrun, else <tmp>/hpcrun-ssh-<uid>; made 0700 and checked. */
export async function persistDir(env: Deps['env']): Promise<string> {
  const uid = process.getuid?.() ?? 0;
  const dir = env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'hpcrun') : join(tmpdir(), `hpcrun-ssh-${uid}`);
  await mkdir(dir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw unsafe(dir, `it cannot be made (${error.code ?? error.message})`);
  });
  const info = await lstat(dir);
  if (!info.isDirectory()) throw unsafe(dir, 'it is not a folder (a symlink or a file is there)');
  if (info.uid !== uid) throw unsafe(dir, `it belongs to uid ${info.uid}, not to you (uid ${uid})`);
  if ((info.mode & 0o077) !== 0) throw unsafe(dir, `its mode is ${(info.mode & 0o777).toString(8)}, so others may enter it`);
  return dir;
}

function unsafe(dir: string, why: string): HpcrunError {
  return new HpcrunError('environment', 'HPCRUN_PERSIST_DIR_UNSAFE', `cannot keep SSH connections in ${dir}: ${why}`, {
    hint: `remove ${dir} (hpcrun makes it again, private), or set XDG_RUNTIME_DIR to a private folder; or launch without --persist`,
  });
}

async function digestOf(path: string): Promise<string> {
  try {
    return createHash('sha256').update(await readFile(path)).digest('hex');
  } catch (error) {
    return `unreadable:${(error as NodeJS.ErrnoException).code ?? 'error'}`;
  }
}

/**
 * The holder's name for these SSH settings: a hash of everything that decides
 * whom a login trusts and who it logs in as (the files resolveSshSettings
 * would read, by their contents), without parsing them: no ssh2 on the launch path.
 */
export async function holderKey(ssh: SshOptions, env: Deps['env']): Promise<string> {
  const sources = sshSources({ ...ssh, env });
  const material = {
    version: VERSION,
    user: sources.user,
    port: sources.port,
    keys: await Promise.all(sources.keyFiles.map(async (path) => [path, await digestOf(path)])),
    agent: sources.agent ?? null,
    knownHosts: await Promise.all(sources.knownHostsFiles.map(async (path) => [path, await digestOf(path)])),
    acceptNewHostKeys: ssh.acceptNewHostKeys ?? false,
  };
  return createHash('sha256').update(JSON.stringify(material)).digest('hex').slice(0, 32);
}

/**
 * The SSH options with --identity and --known-hosts (or their HPCRUN_SSH_*
 * variables) made absolute from the launch's folder: the holder runs in /,
 * and a relative path there would name another file, or none (and then
 * --accept-new-host-keys would accept every key).
 */
export function absoluteSsh(ssh: SshOptions, env: Deps['env'], cwd: string): SshOptions {
  const { identity, named } = sshSources({ ...ssh, env });
  return { ...ssh, identity: identity === undefined ? undefined : resolve(cwd, identity), knownHosts: named === undefined ? undefined : resolve(cwd, named) };
}

/** Where new host keys are recorded, as resolveSshSettings decides it (the holder checks that the file can be used). */
export function knownHostsRecord(ssh: SshOptions, env: Deps['env']): KnownHostsRecord {
  const { knownHostsFile, named } = sshSources({ ...ssh, env });
  return { knownHostsFile, knownHostsNamed: Boolean(named) };
}

/** Sends one request line and resolves with the socket once connected (rejects if nothing listens). */
function request(socketPath: string, body: object): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path: socketPath, allowHalfOpen: true });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.write(`${JSON.stringify(body)}\n`);
      resolve(socket);
    });
  });
}

/** The first line a socket (or the holder's stdout) sends, parsed; rejects if it closes first or says nothing for `timeoutMs`. */
function firstLine(socket: Readable, timeoutMs?: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => done(new Error(`the SSH holder did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
    const done = (error: Error | undefined, value?: unknown) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const newline = text.indexOf('\n');
      if (newline === -1) return;
      try {
        done(undefined, JSON.parse(text.slice(0, newline)));
      } catch (error) {
        done(error as Error);
      }
    };
    const onClose = () => done(new Error('the SSH holder ended without answering'));
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.on('error', () => undefined);
  });
}

/** How long a holder may take to start (read its settings) or to answer a status request. */
const HOLDER_ANSWER_MS = 10_000;

/** Starts a holder process and waits for its ready line (or its error, e.g. an unreadable --identity). */
async function startHolder(start: HolderStart, deps: Deps): Promise<void> {
  const child = spawn(process.execPath, [HOLDER_ENTRY], { detached: true, stdio: ['pipe', 'pipe', 'ignore'], cwd: '/', env: deps.env as NodeJS.ProcessEnv });
  child.stdin.end(`${JSON.stringify(start)}\n`);
  // Its stdout closes only after all it wrote, so a holder that said "ready" and exited (another
  // holder won the race) is read as ready, and one that died first as gone.
  child.once('error', () => undefined);
  const answer = (await firstLine(child.stdout, HOLDER_ANSWER_MS).catch((error: Error) => {
    child.kill();
    throw new HpcrunError('preflight', 'HPCRUN_SSH_HOLDER', `cannot start the SSH holder for --persist: ${error.message}`, { hint: 'launch without --persist, and report this if it persists' });
  })) as { ready?: boolean; error?: WireError };
  // Nothing of the holder may keep this process alive: its pipes go, and it is not waited for.
  child.stdin.destroy();
  child.stdout.destroy();
  child.unref();
  if (answer.error) throw fromWire(answer.error);
}

export interface Holder {
  socketPath: string;
  /** A login to `host` held by the holder: a connection whose client runs commands through it. */
  open(host: string): Promise<Connection>;
}

/** The holder for these settings, started if none runs yet. `ssh` must be absoluteSsh's. */
export async function holderFor(ssh: SshOptions, persistMs: number, deps: Deps): Promise<Holder> {
  const socketPath = join(await persistDir(deps.env), `${await holderKey(ssh, deps.env)}.sock`);
  const start = { socketPath, persistMs, ssh };
  const alive = await holderStatus(socketPath).catch(() => undefined);
  if (!alive) await startHolder(start, deps);
  // A holder that ended between the check and the open (its idle time ran out) is started again, once.
  let restarted: Promise<void> | undefined;
  const open = async (host: string): Promise<Connection> => {
    try {
      return await openHeld(socketPath, host, persistMs);
    } catch (error) {
      if (!(error instanceof HolderGone)) throw error;
      await (restarted ??= startHolder(start, deps));
      return openHeld(socketPath, host, persistMs);
    }
  };
  return { socketPath, open };
}

/** The holder was not there to answer (it ended, or never started). */
class HolderGone extends HpcrunError {}

async function openHeld(socketPath: string, host: string, persistMs: number): Promise<Connection> {
  const gone = (why: string) =>
    new HolderGone('preflight', 'HPCRUN_SSH_HOLDER', `${host}: the SSH holder at ${socketPath} did not answer (${why})`, {
      hint: 'run the launch again (a new holder starts), or launch without --persist',
    });
  const socket = await request(socketPath, { op: 'open', host, persistMs }).catch((error: Error) => {
    throw gone(error.message);
  });
  const answer = (await firstLine(socket).catch((error: Error) => {
    throw gone(error.message);
  })) as { ok?: boolean; fingerprint?: string; newKnownHostsLine?: string; error?: WireError };
  if (!answer.ok) {
    socket.destroy();
    throw answer.error ? fromWire(answer.error) : new HpcrunError('preflight', 'HPCRUN_SSH_HOLDER', `${host}: the SSH holder refused the login`);
  }
  return { client: new HeldClient(socketPath, host, socket) as unknown as SshClient, newKnownHostsLine: answer.newKnownHostsLine, hostKeyFingerprint: answer.fingerprint };
}

/** The status of the holder at socketPath; rejects when none answers there. */
export async function holderStatus(socketPath: string): Promise<HolderStatus> {
  const socket = await request(socketPath, { op: 'status' });
  try {
    return (await firstLine(socket, HOLDER_ANSWER_MS)) as HolderStatus;
  } finally {
    socket.destroy();
  }
}

/** Asks the holder at socketPath to close its logins and exit. */
export async function stopHolder(socketPath: string): Promise<void> {
  const socket = await request(socketPath, { op: 'stop' });
  await firstLine(socket, HOLDER_ANSWER_MS).finally(() => socket.destroy());
}

/**
 * The part of ssh2's Client that launches use (exec, end, 'close'), served by
 * a holder. end() lets go of the login without closing it; 'close' fires when
 * the holder loses it.
 */
class HeldClient extends EventEmitter {
  private released = false;

  constructor(
    private readonly socketPath: string,
    private readonly host: string,
    private readonly watch: Socket,
  ) {
    super();
    // The holder ends this request when it loses the login (or it dies): the launch's node watch hears 'close'.
    watch.on('end', () => watch.destroy());
    watch.on('close', () => {
      if (!this.released) this.emit('close');
    });
    watch.on('error', () => undefined);
  }

  exec(command: string, callback: (error: Error | undefined, channel: HeldChannel) => void): void {
    const socket = createConnection({ path: this.socketPath, allowHalfOpen: true });
    // Queued until the socket connects, ahead of anything the caller writes or ends.
    socket.write(`${JSON.stringify({ op: 'exec', host: this.host, command })}\n`);
    callback(undefined, new HeldChannel(socket));
  }

  /** Lets go of the login; the holder keeps it. */
  end(): void {
    this.released = true;
    this.watch.destroy();
  }

  sftp(callback: (error: Error) => void): void {
    callback(new Error('file copies (--bcast, --stage) do not run over kept connections (--persist)'));
  }

  forwardOut(_a: string, _b: number, _c: string, _d: number, callback: (error: Error) => void): void {
    callback(new Error('tunnels (--head) do not run over kept connections (--persist)'));
  }
}

/** A remote command run by the holder: the part of ssh2's ClientChannel that exec() and the rsh server use. */
class HeldChannel extends EventEmitter {
  readonly stderr = new EventEmitter();

  constructor(private readonly socket: Socket) {
    super();
    socket.on(
      'data',
      frameReader((type, payload) => {
        if (type === 1) this.emit('data', payload);
        else if (type === 2) this.stderr.emit('data', payload);
        else if (type === 3) {
          const status = Number(payload.toString());
          this.emit('exit', Number.isInteger(status) ? status : 255);
        }
      }),
    );
    // The remote command has ended (its status came last): nothing more goes to it either, as when an SSH channel closes.
    socket.on('end', () => socket.end());
    socket.on('error', (error: Error) => this.stderr.emit('data', Buffer.from(`hpcrun: the SSH holder: ${error.message}\n`)));
    // As an SSH channel: 'exit' only when the command's status came (a channel closed by a
    // timeout, or lost with its login, has none), then 'close'.
    socket.on('close', () => this.emit('close'));
  }

  write(data: Buffer | string): boolean {
    return this.socket.write(data);
  }

  end(data?: Buffer | string): void {
    if (data !== undefined) this.socket.end(data);
    else this.socket.end();
  }

  close(): void {
    this.socket.destroy();
  }
}
