// SSH settings as OpenSSH would resolve them: keys (the agent, then the
// default key files, or --identity alone), known_hosts files, user and port.
// Reads files; contacts no host.

import { readFile, stat } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { HpcrunError } from '../errors.js';
import { type KnownHostEntry, parseKnownHosts } from '../core/known-hosts.js';
import { loadSsh2 } from './ssh2-module.js';


export interface SshSettings {
  user: string;
  port: number;
  /** Private keys to offer, already read and parsed, in order. */
  keys: { path: string; key: Buffer }[];
  agent: string | undefined;
  knownHosts: KnownHostEntry[];
  /** Where --accept-new-host-keys records new keys. */
  knownHostsFile: string;
  /**
   * True when --known-hosts (or HPCRUN_SSH_KNOWN_HOSTS) named the file: its
   * folder must exist. The default ~/.ssh is created when missing, as OpenSSH does.
   */
  knownHostsNamed: boolean;
  acceptNewHostKeys: boolean;
  connectTimeoutMs: number;
}

export interface SshSettingsInput {
  user?: string;
  port?: number;
  identity?: string;
  knownHosts?: string;
  acceptNewHostKeys?: boolean;
  env: Readonly<Record<string, string | undefined>>;
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Why a key file cannot be used for login, and what to do; undefined when it is a usable private key. */
export async function keyProblem(text: string): Promise<{ what: string; fix: string } | undefined> {
  const parsed = (await loadSsh2()).utils.parseKey(text);
  if (parsed instanceof Error) {
    if (/encrypted/i.test(parsed.message)) {
      return { what: 'the key is encrypted (it has a passphrase)', fix: 'load it into ssh-agent (ssh-add FILE) and set SSH_AUTH_SOCK; hpcrun does not ask for passphrases' };
    }
    return {
      what: `it is not a private key hpcrun can read (${parsed.message})`,
      fix: 'give an OpenSSH, PEM or PuTTY private key, such as ~/.ssh/id_ed25519 (`ssh-keygen -t ed25519` makes one)',
    };
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key?.isPrivateKey()) return { what: 'it is a public key', fix: 'give the private key: the same path without .pub' };
  return undefined;
}

/**
 * Resolves SSH settings the way OpenSSH does: the agent when SSH_AUTH_SOCK is
 * set, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa; ~/.ssh/known_hosts and
 * /etc/ssh/ssh_known_hosts. --identity, --user, --port and --known-hosts
 * override them; HPCRUN_SSH_IDENTITY and HPCRUN_SSH_KNOWN_HOSTS (set by
 * `hpcrun testbed exec`) stand in for the flags.
 */
/**
 * The files and names the settings come from, before any is read: the key
 * files to try, the known_hosts files to trust, and where new keys go.
 * Shared with `launch --persist`, which hashes these files without parsing them.
 */
export function sshSources(input: SshSettingsInput) {
  const home = input.env.HOME || homedir();
  const identity = input.identity ?? input.env.HPCRUN_SSH_IDENTITY;
  // A file named by --known-hosts (or HPCRUN_SSH_KNOWN_HOSTS) is the only one
  // trusted; mpirun's ssh is told the same (GlobalKnownHostsFile=/dev/null).
  const named = input.knownHosts ?? input.env.HPCRUN_SSH_KNOWN_HOSTS;
  const knownHostsFile = named ?? join(home, '.ssh', 'known_hosts');
  return {
    identity,
    keyFiles: identity ? [identity] : DEFAULT_KEYS.map((name) => join(home, '.ssh', name)),
    named,
    knownHostsFile,
    knownHostsFiles: named ? [named] : [knownHostsFile, '/etc/ssh/ssh_known_hosts'],
    user: input.user ?? input.env.USER ?? userInfo().username,
    port: input.port ?? 22,
    agent: identity ? undefined : input.env.SSH_AUTH_SOCK || undefined,
  };
}

export async function resolveSshSettings(input: SshSettingsInput): Promise<SshSettings> {
  const { identity, keyFiles, named, knownHostsFile, knownHostsFiles, user, port, agent } = sshSources(input);
  const keys: SshSettings['keys'] = [];
  for (const path of keyFiles) {
    const text = await readOptional(path);
    if (text === undefined) {
      if (identity) throw new HpcrunError('not-found', 'HPCRUN_IDENTITY_MISSING', `cannot read the identity file ${path}`, { hint: 'check the path given to --identity' });
      continue;
    }
    const problem = await keyProblem(text);
    if (problem) {
      if (identity) throw new HpcrunError('input', 'HPCRUN_IDENTITY_UNUSABLE', `cannot use the identity file ${path}: ${problem.what}`, { hint: problem.fix });
      continue;
    }
    keys.push({ path, key: Buffer.from(text) });
  }
  if (named) await checkKnownHostsPath(named, input.acceptNewHostKeys ?? false, input.knownHosts !== undefined ? '--known-hosts' : 'HPCRUN_SSH_KNOWN_HOSTS');
  const knownHosts = (await Promise.all(knownHostsFiles.map(readOptional))).flatMap((text) => (text ? parseKnownHosts(text) : []));
  return {
    user,
    port,
    keys,
    agent,
    knownHosts,
    knownHostsFile,
    knownHostsNamed: Boolean(named),
    acceptNewHostKeys: input.acceptNewHostKeys ?? false,
    connectTimeoutMs: 5000,
  };
}

/**
 * A known_hosts file the user named must be there, or at least its folder
 * when --accept-new-host-keys may create it: a typo is reported as "not
 * found" before any host is contacted, and no folder is ever created for it.
 */
export async function checkKnownHostsPath(path: string, acceptNew: boolean, what: string): Promise<void> {
  const file = await stat(path).catch(() => undefined);
  if (file?.isFile()) return;
  if (file) throw new HpcrunError('input', 'HPCRUN_KNOWN_HOSTS_NOT_A_FILE', `${what} ${path} is not a file`, { hint: 'name a known_hosts file' });
  const folder = dirname(resolve(path));
  const dir = await stat(folder).catch(() => undefined);
  if (!dir?.isDirectory()) {
    throw new HpcrunError('not-found', 'HPCRUN_KNOWN_HOSTS_NOT_FOUND', `${what} ${path}: the folder ${folder} was not found`, {
      hint: `check the path; hpcrun creates no folder for it (create it with \`mkdir -p ${folder}\` if you meant a new one)`,
    });
  }
  if (!acceptNew) {
    throw new HpcrunError('not-found', 'HPCRUN_KNOWN_HOSTS_NOT_FOUND', `${what} ${path} was not found`, {
      hint: 'check the path, or pass --accept-new-host-keys to start a new file with the hosts\' keys',
    });
  }
}
