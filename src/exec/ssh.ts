// SSH with ssh2: host keys verified before any credential is sent, and
// commands sent only as one string built by shellJoin. The settings
// (OpenSSH's defaults for keys and known_hosts) are in ssh-settings.ts.

import type { AnyAuthMethod, Client, ClientChannel, ConnectConfig } from 'ssh2';
import { type Socket, createConnection } from 'node:net';
import { HpcrunError } from '../errors.js';
import { setLongTimeout } from './timer.js';
import { fingerprint, keyTypeOf, knownKeyTypes, lookupName, verifyHostKey } from '../core/known-hosts.js';
import type { SshSettings } from './ssh-settings.js';

export type SshClient = Client;

import { loadSsh2 } from './ssh2-module.js';

export { checkKnownHostsPath, keyProblem, resolveSshSettings, type SshSettings, type SshSettingsInput } from './ssh-settings.js';

export interface Connection {
  client: SshClient;
  /** Set when the host key was new and accepted: the known_hosts line to record. */
  newKnownHostsLine: string | undefined;
  /** The SHA256 fingerprint of the key the host presented (two names, one node: one key). */
  hostKeyFingerprint: string | undefined;
}

function authMethods(settings: SshSettings): AnyAuthMethod[] {
  const methods: AnyAuthMethod[] = [];
  if (settings.agent) methods.push({ type: 'agent', username: settings.user, agent: settings.agent });
  for (const { key } of settings.keys) methods.push({ type: 'publickey', username: settings.user, key });
  return methods;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT']);

/**
 * Connects and authenticates, refusing unknown or changed host keys unless
 * told otherwise. With `via`, the TCP connection is tunnelled through an
 * established connection (as ssh -J does), so nodes behind a head node can be
 * reached and verified with this machine's own keys and known_hosts.
 */
export async function connect(host: string, settings: SshSettings, via?: SshClient, early?: EarlySocket): Promise<Connection> {
  const { Client: SshClientClass } = await loadSsh2();
  // An early connection that already failed is dropped: ssh2's own attempt then reports why, as usual.
  if (early?.failed()) early.discard();
  const sock = via ? await tunnel(via, host, settings.port, settings.connectTimeoutMs) : early?.failed() === false ? early.socket : undefined;
  return connectOn(new SshClientClass(), host, settings, sock);
}

/** A TCP connection opened before ssh2 is loaded and the SSH settings are read, so that sshd starts its side meanwhile. */
export interface EarlySocket {
  socket: Socket;
  /** True once it has failed (refused, unreachable): connect() then opens a fresh one. */
  failed(): boolean;
  /** Closes it if it was never handed to connect(). */
  discard(): void;
}

/**
 * Opens the TCP connection now; connect() then runs SSH over it, with the
 * same checks and the same errors (a refused connection is reported there).
 * Nothing is sent or trusted before connect() verifies the host key.
 */
export function preconnect(host: string, port: number): EarlySocket {
  const socket = createConnection({ host, port });
  // Until ssh2 listens, an error (ECONNREFUSED) must not go unheard; ssh2 then reports it.
  let failed = false;
  socket.once('error', () => (failed = true));
  return { socket, failed: () => failed, discard: () => socket.destroy() };
}

function tunnel(via: SshClient, host: string, port: number, timeoutMs: number): Promise<ClientChannel> {
  const unreachable = (why: string) =>
    new HpcrunError('preflight', 'HPCRUN_HOST_UNREACHABLE', `${host}: the head node cannot reach port ${port}: ${why}`, {
      hint: `check that ${host} is up and reachable from the head node, or remove it from the inventory`,
    });
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setLongTimeout(() => {
      done = true;
      reject(unreachable(`no answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    via.forwardOut('127.0.0.1', 0, host, port, (error, stream) => {
      timer.clear();
      if (done) {
        stream?.close();
        return;
      }
      done = true;
      if (error) reject(unreachable(error.message));
      else resolve(stream);
    });
  });
}

function connectOn(client: SshClient, host: string, settings: SshSettings, sock: ClientChannel | Socket | undefined): Promise<Connection> {
  const names = [lookupName(host, settings.port)];
  const preferred = knownKeyTypes(settings.knownHosts, names);
  let verdict: { kind: 'unknown' | 'mismatch' | 'revoked'; fingerprint: string } | undefined;
  let newKnownHostsLine: string | undefined;
  let hostKeyFingerprint: string | undefined;
  const config: ConnectConfig = {
    host,
    port: settings.port,
    username: settings.user,
    readyTimeout: settings.connectTimeoutMs,
    // A node that vanishes without closing its connection is noticed within about 15 s.
    keepaliveInterval: 5_000,
    keepaliveCountMax: 3,
    authHandler: authMethods(settings),
    ...(sock ? { sock } : {}),
    hostVerifier: (blob: Buffer) => {
      const keyType = keyTypeOf(blob);
      const key = blob.toString('base64');
      hostKeyFingerprint = fingerprint(key);
      const result = verifyHostKey(settings.knownHosts, names, keyType, key);
      if (result === 'match') return true;
      if (result === 'unknown' && settings.acceptNewHostKeys) {
        newKnownHostsLine = `${names[0]} ${keyType} ${key}`;
        return true;
      }
      verdict = { kind: result, fingerprint: fingerprint(key) };
      return false;
    },
  };
  if (preferred.length > 0) {
    const algos = preferred.flatMap((type) => (type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type]));
    config.algorithms = { serverHostKey: { prepend: algos } as never };
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: HpcrunError) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(error);
    };
    client.once('ready', () => {
      settled = true;
      resolve({ client, newKnownHostsLine, hostKeyFingerprint });
    });
    client.on('error', (error: Error & { code?: string; level?: string }) => {
      // After login an error means the connection was lost; the running exec
      // ends with its channel, and the caller reports the missing exit status.
      if (settled) return;
      if (verdict) return fail(hostKeyError(host, verdict, settings.knownHostsFile));
      if (error.level === 'client-authentication') {
        return fail(
          new HpcrunError('preflight', 'HPCRUN_SSH_AUTH', `${host}: authentication as ${settings.user} failed (offered ${describeCredentials(settings)})`, {
            hint: 'give a key the host accepts with --identity, load one into ssh-agent, or set --user',
          }),
        );
      }
      const timedOut = error.level === 'client-timeout' || error.code === 'ETIMEDOUT';
      const what = timedOut ? `no SSH answer within ${settings.connectTimeoutMs / 1000} s` : error.code && NETWORK_CODES.has(error.code) ? `${error.code} (${error.message})` : error.message;
      return fail(
        new HpcrunError('preflight', 'HPCRUN_HOST_UNREACHABLE', `${host}: cannot connect on port ${settings.port}: ${what}`, {
          hint: `check that ${host} is up and its sshd listens on port ${settings.port}, or remove it from the inventory`,
        }),
      );
    });
    client.once('close', () => {
      if (verdict) fail(hostKeyError(host, verdict, settings.knownHostsFile));
    });
    client.connect(config);
  });
}

function describeCredentials(settings: SshSettings): string {
  const parts = settings.keys.map((key) => key.path);
  if (settings.agent) parts.unshift('ssh-agent');
  return parts.length ? parts.join(', ') : 'no keys: none found';
}

function hostKeyError(host: string, verdict: { kind: string; fingerprint: string }, file: string): HpcrunError {
  if (verdict.kind === 'unknown') {
    return new HpcrunError('preflight', 'HPCRUN_HOST_KEY_UNKNOWN', `${host}: host key ${verdict.fingerprint} is not in known_hosts (${file})`, {
      hint: `verify the fingerprint, then add it with \`ssh-keyscan ${host} >> ${file}\`, or pass --accept-new-host-keys`,
    });
  }
  return new HpcrunError('preflight', verdict.kind === 'revoked' ? 'HPCRUN_HOST_KEY_REVOKED' : 'HPCRUN_HOST_KEY_MISMATCH', `${host}: host key ${verdict.fingerprint} does not match known_hosts (${file}); someone may be intercepting the connection, or the host was reinstalled`, {
    hint: `if the host was reinstalled, remove the old key with \`ssh-keygen -R ${host} -f ${file}\` and connect again`,
  });
}

export interface ExecResult {
  exitCode: number | undefined;
  signal: string | undefined;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  stdin?: string;
  /** Gives up on the command after this long (the channel is closed). */
  timeoutMs?: number;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Receives the channel so that the caller can write to the command's stdin. */
  onChannel?: (channel: ClientChannel) => void;
  /** Leave stdin open for the caller (it must end it); otherwise stdin is closed at once. */
  keepStdinOpen?: boolean;
}

/** Runs one command line (built by shellJoin) and collects its output and status. */
export function exec(client: SshClient, command: string, options: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error) {
        reject(new HpcrunError('preflight', 'HPCRUN_SSH_EXEC', `cannot start a command over SSH: ${error.message}`));
        return;
      }
      options.onChannel?.(channel);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let exitCode: number | undefined;
      let signal: string | undefined;
      channel.on('data', (chunk: Buffer) => (options.onStdout ? options.onStdout(chunk) : out.push(chunk)));
      channel.stderr.on('data', (chunk: Buffer) => (options.onStderr ? options.onStderr(chunk) : err.push(chunk)));
      channel.on('exit', (code: number | null, signalName?: string) => {
        exitCode = code ?? undefined;
        signal = signalName ? `SIG${signalName}` : undefined;
      });
      const timer = options.timeoutMs
        ? setLongTimeout(() => {
            signal = 'TIMEOUT';
            channel.close();
          }, options.timeoutMs)
        : undefined;
      channel.on('close', () => {
        timer?.clear();
        resolve({ exitCode, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
      });
      if (options.stdin !== undefined) channel.end(options.stdin);
      else if (!options.keepStdinOpen) channel.end();
    });
  });
}
