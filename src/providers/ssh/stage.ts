// Copies a job's files to every node that shares no filesystem with this
// machine (as `srun --bcast` does): one per-job folder at the same path on
// each node, filled over the preflight's own SSH connections with SFTP, in
// parallel, and checked by sha256. A watchdog session on each node removes the
// folder when hpcrun lets go of it, and also when the connection drops (Ctrl-C,
// a crash, a lost network), so no node keeps the files. Nodes that do share a
// filesystem find the folder already made by another: only its maker uploads.

import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ClientChannel, SFTPWrapper } from 'ssh2';
import { HpcrunError } from '../../errors.js';
import { shellJoin } from '../../exec/quote.js';
import { type Connection, type SshClient, exec } from '../../exec/ssh.js';
import type { StageFile, Staged } from '../types.js';

const STAGE_TIMEOUT_MS = 120_000;

/**
 * Makes the folder and watches it in one session: it prints `made` (or
 * `shared` when another node on the same filesystem made it, and then ends),
 * and a maker's session removes the folder once its stdin ends, on release or
 * when the connection goes. Making and watching in one session leaves no
 * moment in which a killed hpcrun could leave a made folder unwatched.
 */
const MAKE_AND_WATCH = 'if mkdir -m 700 -- "$1" 2>/dev/null; then echo made; elif [ -d "$1" ]; then echo shared; exit 0; else mkdir -- "$1"; exit 1; fi; cat >/dev/null; rm -rf -- "$1"';

async function sha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

function sftpOf(client: SshClient): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp))));
}

function put(sftp: SFTPWrapper, local: string, remote: string, mode: number): Promise<void> {
  return new Promise((resolve, reject) => sftp.fastPut(local, remote, { mode }, (error) => (error ? reject(error) : resolve())));
}

function failure(host: string, what: string, detail: string): HpcrunError {
  return new HpcrunError('preflight', 'HPCRUN_STAGE_FAILED', `${host}: ${what}: ${detail}`, { hint: `check the free space in /tmp on ${host}` });
}

function copyFailure(host: string, dir: string, error: unknown): HpcrunError {
  if (error instanceof HpcrunError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/subsystem/i.test(message)) {
    return new HpcrunError('preflight', 'HPCRUN_STAGE_FAILED', `${host}: its sshd offers no SFTP (${message}), which --bcast and bench copy files with`, {
      hint: `enable it on ${host} (sshd_config: Subsystem sftp internal-sftp), or put the files on a filesystem every node shares`,
    });
  }
  return failure(host, `cannot copy the job's files to ${dir}`, message);
}

interface Made {
  answer: 'made' | 'shared';
  /** Ends the watch (the maker's session removes the folder); a no-op for 'shared'. */
  release: () => Promise<void>;
}

/** Makes the folder and, where this node made it, keeps the session that removes it. */
function makeAndWatch(host: string, client: SshClient, dir: string): Promise<Made> {
  return new Promise((resolve, reject) => {
    let channel: ClientChannel | undefined;
    let seen = '';
    let settled = false;
    const settle = (outcome: Made | HpcrunError) => {
      if (settled) return;
      settled = true;
      if (outcome instanceof HpcrunError) reject(outcome);
      else resolve(outcome);
    };
    const session = exec(client, shellJoin(['sh', '-c', MAKE_AND_WATCH, 'sh', dir]), {
      keepStdinOpen: true,
      onChannel: (opened) => (channel = opened),
      onStdout: (chunk) => {
        seen += chunk.toString();
        const answer = seen.split('\n')[0]?.trim();
        if (!seen.includes('\n') || settled) return;
        if (answer === 'made') settle({ answer, release: async () => { channel?.end(); await session.catch(() => undefined); } });
        else if (answer === 'shared') settle({ answer, release: async () => undefined });
      },
    });
    session.then(
      (end) => settle(failure(host, `cannot create ${dir}`, end.stderr.trim() || seen.trim() || `status ${end.exitCode ?? end.signal}`)),
      (error: unknown) => settle(error instanceof HpcrunError ? error : failure(host, `cannot create ${dir}`, String(error))),
    );
    // Until the folder is made, the session answers within the usual bound.
    setTimeout(() => {
      if (!settled) {
        channel?.close();
        settle(failure(host, `cannot create ${dir}`, 'no answer in 30 s'));
      }
    }, 30_000).unref();
  });
}

async function upload(client: SshClient, dir: string, files: readonly StageFile[]): Promise<void> {
  const sftp = await sftpOf(client);
  try {
    await Promise.all(files.map((file) => put(sftp, file.local, `${dir}/${file.name}`, file.mode)));
  } finally {
    sftp.end();
  }
}

async function verify(host: string, client: SshClient, dir: string, files: readonly StageFile[], hashes: readonly string[]): Promise<void> {
  const sums = await exec(client, shellJoin(['sh', '-c', 'cd -- "$1" && shift && sha256sum -- "$@"', 'sh', dir, ...files.map((file) => file.name)]), { timeoutMs: STAGE_TIMEOUT_MS });
  const found = new Map(sums.stdout.trim().split('\n').map((line) => [line.slice(66), line.slice(0, 64)] as const));
  const bad = files.filter((file, index) => found.get(file.name) !== hashes[index]);
  if (sums.exitCode !== 0 || bad.length > 0) throw failure(host, 'the copies do not match (sha256)', bad.map((file) => file.name).join(', ') || sums.stderr.trim());
}

/** Settles every promise, then throws the first failure (after the others have finished). */
async function all<T>(work: readonly Promise<T>[]): Promise<T[]> {
  const outcomes = await Promise.allSettled(work);
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
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
  const client = (host: string) => (connections.get(host) as Connection).client;
  // Nodes that share a filesystem see one folder: the node that made it
  // uploads and watches it; every node checks the copies it will run.
  const releases: (() => Promise<void>)[] = [];
  const release = async () => {
    await Promise.all(releases.splice(0).map((end) => end()));
  };
  try {
    const made = await Promise.allSettled(hosts.map((host) => makeAndWatch(host, client(host), dir)));
    for (const outcome of made) if (outcome.status === 'fulfilled') releases.push(outcome.value.release);
    const makers = hosts.filter((_host, index) => made[index]?.status === 'fulfilled' && (made[index] as PromiseFulfilledResult<Made>).value.answer === 'made');
    await all(made.map((outcome) => (outcome.status === 'rejected' ? Promise.reject(outcome.reason as unknown) : Promise.resolve())));
    await all(makers.map((host) => upload(client(host), dir, files).catch((error: unknown) => Promise.reject(copyFailure(host, dir, error)))));
    await all(hosts.map((host) => verify(host, client(host), dir, files, hashes)));
  } catch (error) {
    await release();
    throw error;
  }
  return { dir, release };
}
