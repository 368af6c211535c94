// Copies a job's files to every node that shares no filesystem with this
// machine (as `srun --bcast` does): one per-job folder at the same path on
// each node, filled over the preflight's own SSH connections with SFTP, in
// parallel, and checked by sha256. A watchdog session on each node removes the
// folder when hpcrun lets go of it, and also when the connection drops (Ctrl-C,
// a crash, a lost network), so no node keeps the files.

import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ClientChannel, SFTPWrapper } from 'ssh2';
import { HpcrunError } from '../../errors.js';
import { shellJoin } from '../../exec/quote.js';
import { type Connection, type SshClient, exec } from '../../exec/ssh.js';
import type { StageFile, Staged } from '../types.js';

const STAGE_TIMEOUT_MS = 120_000;

/** Removes the folder when its stdin ends: on release, or when the connection goes. */
const WATCHDOG = 'cat >/dev/null; rm -rf -- "$1"';

async function sha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

function sftpOf(client: SshClient): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp))));
}

function put(sftp: SFTPWrapper, local: string, remote: string, mode: number): Promise<void> {
  return new Promise((resolve, reject) => sftp.fastPut(local, remote, { mode }, (error) => (error ? reject(error) : resolve())));
}

interface NodeStage {
  host: string;
  /** Ends the watchdog's stdin; resolves once the folder is gone (or the session closed). */
  release: () => Promise<void>;
}

function failure(host: string, what: string, detail: string): HpcrunError {
  return new HpcrunError('preflight', 'HPCRUN_STAGE_FAILED', `${host}: ${what}: ${detail}`, { hint: `check the free space in /tmp on ${host}` });
}

async function stageOn(host: string, connection: Connection, dir: string, files: readonly StageFile[], hashes: readonly string[]): Promise<NodeStage> {
  const made = await exec(connection.client, shellJoin(['mkdir', '-m', '700', '--', dir]), { timeoutMs: 30_000 });
  if (made.exitCode !== 0) throw failure(host, `cannot create ${dir}`, made.stderr.trim() || `status ${made.exitCode ?? made.signal}`);
  let channel: ClientChannel | undefined;
  const watching = exec(connection.client, shellJoin(['sh', '-c', WATCHDOG, 'sh', dir]), { keepStdinOpen: true, onChannel: (opened) => (channel = opened) }).catch(() => undefined);
  const release = async () => {
    channel?.end();
    await watching;
  };
  try {
    const sftp = await sftpOf(connection.client);
    try {
      await Promise.all(files.map((file) => put(sftp, file.local, `${dir}/${file.name}`, file.mode)));
    } finally {
      sftp.end();
    }
    const sums = await exec(connection.client, shellJoin(['sh', '-c', 'cd -- "$1" && shift && sha256sum -- "$@"', 'sh', dir, ...files.map((file) => file.name)]), { timeoutMs: STAGE_TIMEOUT_MS });
    const found = new Map(sums.stdout.trim().split('\n').map((line) => [line.slice(66), line.slice(0, 64)] as const));
    const bad = files.filter((file, index) => found.get(file.name) !== hashes[index]);
    if (sums.exitCode !== 0 || bad.length > 0) throw failure(host, 'the copies do not match (sha256)', bad.map((file) => file.name).join(', ') || sums.stderr.trim());
    return { host, release };
  } catch (error) {
    await release();
    if (error instanceof HpcrunError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (/subsystem/i.test(message)) {
      throw new HpcrunError('preflight', 'HPCRUN_STAGE_FAILED', `${host}: its sshd offers no SFTP (${message}), which --bcast and bench copy files with`, {
        hint: `enable it on ${host} (sshd_config: Subsystem sftp internal-sftp), or put the files on a filesystem every node shares`,
      });
    }
    throw failure(host, `cannot copy the job's files to ${dir}`, message);
  }
}

/** Stages `files` into one new folder, the same path on every host; all or nothing. */
export async function stageFiles(hosts: readonly string[], connections: ReadonlyMap<string, Connection>, files: readonly StageFile[]): Promise<Staged> {
  const names = new Set<string>();
  for (const file of files) {
    if (names.has(file.name)) throw new HpcrunError('usage', 'HPCRUN_STAGE_DUPLICATE', `two staged files are both named ${file.name}`, { hint: 'rename one of them: every staged file lands in the same folder' });
    names.add(file.name);
  }
  const hashes = await Promise.all(files.map((file) => sha256(file.local)));
  const dir = `/tmp/hpcrun-bcast-${randomBytes(6).toString('hex')}`;
  const outcomes = await Promise.allSettled(hosts.map((host) => stageOn(host, connections.get(host) as Connection, dir, files, hashes)));
  const done = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const releaseAll = async () => {
    await Promise.all(done.map((node) => node.release()));
  };
  const failed = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
  if (failed.length > 0) {
    await releaseAll();
    throw failed[0];
  }
  return { dir, release: releaseAll };
}
