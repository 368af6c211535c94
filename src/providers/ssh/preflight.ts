// Preflight: before anything runs, connect to every host in parallel over
// SSH, verify its host key, and ask it for its cores, memory and MPI.
// Any failure stops the launch, with every failing host named.

import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HpcrunError, isHpcrunError } from '../../errors.js';
import { type ProgramCheck, parseProbe, probeArgv } from '../../core/probe.js';
import { shellJoin } from '../../exec/quote.js';
import { type NodeReport, PROBE_TIMEOUT_MS, checkSameMpi } from '../checks.js';
import type { Connections } from './connections.js';
import { type Connection, type SshSettings, exec } from '../../exec/ssh.js';

export interface PreflightResult {
  reports: NodeReport[];
  connections: Connections;
  /** Hosts left out because they could not be reached (only with `skipUnreachable`). */
  skipped: { host: string; reason: string }[];
}

/** Failures that mean "not there": a refused or timed-out connection, a silent probe. Host-key and login failures never are. */
const UNREACHABLE = new Set(['HPCRUN_HOST_UNREACHABLE', 'HPCRUN_PROBE_TIMEOUT']);

export const probeCommand = (program?: ProgramCheck): string => shellJoin(probeArgv(program));

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

async function probeHost(host: string, connections: Connections, open: (host: string) => Promise<Connection>, program: ProgramCheck | undefined): Promise<NodeReport> {
  const connection = connections.get(host) ?? (await open(host));
  connections.set(host, connection);
  // In an early launch the daemon's held session may have run the probe already; if that failed, probe again here.
  const byDaemon = connections.probeByDaemon(host);
  if (byDaemon) {
    const output = await withTimeout(byDaemon, PROBE_TIMEOUT_MS).catch(() => undefined);
    if (output !== undefined) return { host, probe: parseProbe(output, host) };
  }
  const result = await exec(connection.client, probeCommand(program), { timeoutMs: PROBE_TIMEOUT_MS });
  if (result.signal === 'TIMEOUT') {
    throw new HpcrunError('preflight', 'HPCRUN_PROBE_TIMEOUT', `${host}: the preflight probe did not answer within ${PROBE_TIMEOUT_MS / 1000} s`, {
      hint: `log in to ${host} and check that \`mpirun --version\` and \`lscpu\` return promptly`,
    });
  }
  if (result.exitCode !== 0) {
    throw new HpcrunError('preflight', 'HPCRUN_PROBE_FAILED', `${host}: the preflight probe ${result.signal ? `was killed by ${result.signal}` : `exited with ${result.exitCode}`}: ${result.stderr.trim()}`);
  }
  return { host, probe: parseProbe(result.stdout, host) };
}

/**
 * Checks every host. `connections` may already hold some (the head node);
 * new ones are added and stay open for the caller, who must close them.
 */
/**
 * `open` logs in to a host: connect() (through a head node, on an early TCP
 * connection), or a kept login (persist.ts). `record` is where new host keys go.
 */
export async function preflight(hosts: readonly string[], record: KnownHostsRecord, connections: Connections, open: (host: string) => Promise<Connection>, program?: ProgramCheck, skipUnreachable = false): Promise<PreflightResult> {
  connections.probeCommand = probeCommand(program);
  const settled = await Promise.allSettled(hosts.map((host) => probeHost(host, connections, open, program)));
  const skipped: PreflightResult['skipped'] = [];
  const outcomes = settled.filter((outcome, index) => {
    const reason = outcome.status === 'rejected' ? (outcome.reason as unknown) : undefined;
    if (!skipUnreachable || !isHpcrunError(reason) || !UNREACHABLE.has(reason.code)) return true;
    skipped.push({ host: hosts[index] as string, reason: reason.message });
    return false;
  });
  const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
  if (failures.length > 0) {
    const errors = failures.map((failure) => (isHpcrunError(failure) ? failure : new HpcrunError('preflight', 'HPCRUN_PREFLIGHT_FAILED', String(failure))));
    const first = errors[0] as HpcrunError;
    if (errors.length === 1) throw first;
    throw new HpcrunError('preflight', first.code, `${errors.length} of ${hosts.length} hosts failed preflight:\n${errors.map((error) => `  - ${error.message}`).join('\n')}`, { hint: first.hint });
  }
  const reports = outcomes.map((outcome) => (outcome as PromiseFulfilledResult<NodeReport>).value);
  checkDistinctNodes(hosts, connections);
  await recordNewHostKeys([...connections.values()], record);
  checkSameMpi(reports);
  return { reports, connections, skipped };
}

/** Where preflight records host keys accepted with --accept-new-host-keys. */
export type KnownHostsRecord = Pick<SshSettings, 'knownHostsFile' | 'knownHostsNamed'>;

async function recordNewHostKeys(connections: readonly Connection[], settings: KnownHostsRecord): Promise<void> {
  const lines = connections.flatMap((connection) => (connection.newKnownHostsLine ? [connection.newKnownHostsLine] : []));
  if (lines.length === 0) return;
  try {
    // The default ~/.ssh is made if missing, as OpenSSH does; a named file's folder was checked to exist.
    if (!settings.knownHostsNamed) await mkdir(dirname(settings.knownHostsFile), { recursive: true, mode: 0o700 });
    await appendFile(settings.knownHostsFile, lines.map((line) => `${line}\n`).join(''), { mode: 0o600 });
  } catch (error) {
    throw new HpcrunError('output', 'HPCRUN_KNOWN_HOSTS_UNWRITABLE', `cannot record the new host keys in ${settings.knownHostsFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      hint: 'make the file writable, or name a writable one with --known-hosts',
    });
  }
  for (const connection of connections) connection.newKnownHostsLine = undefined;
}

/** Two inventory names that reach one machine (the same host key) would get twice the ranks it can hold. */
export function checkDistinctNodes(hosts: readonly string[], connections: ReadonlyMap<string, Connection>): void {
  const byKey = new Map<string, string[]>();
  for (const host of hosts) {
    const key = connections.get(host)?.hostKeyFingerprint;
    if (key) byKey.set(key, [...(byKey.get(key) ?? []), host]);
  }
  const twice = [...byKey.entries()].filter(([, names]) => names.length > 1);
  if (twice.length > 0) {
    throw new HpcrunError('input', 'HPCRUN_DUPLICATE_NODE', twice.map(([key, names]) => `${names.join(' and ')} are one node (the same host key ${key})`).join('; '), {
      hint: 'list each node once in the inventory, under one name',
    });
  }
}

export function closeAll(connections: Map<string, Connection>): void {
  for (const connection of connections.values()) connection.client.end();
  connections.clear();
}
