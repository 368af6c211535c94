// The head (login) node: the one VM with an external address. `launch
// --cluster` runs mpirun there (the existing --head path), and mpirun's ssh
// from the head reaches the compute nodes with a key pair of the cluster's
// own: its public half is in the compute nodes' ssh-keys metadata, its
// private half is copied to the head over the verified SSH connection (on
// stdin, never on a command line), with a known_hosts of the nodes. Nothing
// in the head's ~/.ssh is touched: both files live in ~/.hpcrun/clusters/NAME/
// there, and mpirun is pointed at them.

import ssh2 from 'ssh2';
import { HpcrunError } from '../../errors.js';
import { sshKeysLine } from '../../core/gce/index.js';
import { shellJoin } from '../../exec/quote.js';
import { type Connection, connect, exec, resolveSshSettings } from '../../exec/ssh.js';
import { type GceTiming, sleep } from './timing.js';

export interface ClusterKey {
  /** The ssh-keys metadata line for the compute nodes. */
  metadataLine: string;
  privateKey: string;
}

/** A fresh ed25519 key pair for mpirun's ssh from the head to the nodes. */
export function generateClusterKey(cluster: string, user: string): ClusterKey {
  const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment: `hpcrun-${cluster}-head` });
  const [type, key] = pair.public.trim().split(/\s+/);
  return { metadataLine: sshKeysLine(user, { type: type as string, key: key as string }, `hpcrun-${cluster}-head`), privateKey: pair.private };
}

export interface HeadBootstrap {
  cluster: string;
  address: string;
  user: string;
  port: number;
  identity: string | undefined;
  /** This machine's known_hosts for the cluster, which already holds the head's keys. */
  knownHostsFile: string;
  key: ClusterKey;
  /** known_hosts of the compute nodes, for mpirun's ssh on the head. */
  nodesKnownHosts: string;
  env: Readonly<Record<string, string | undefined>>;
  timing: GceTiming;
}

async function connectWithRetry(input: HeadBootstrap): Promise<Connection> {
  const settings = await resolveSshSettings({ user: input.user, port: input.port, identity: input.identity, knownHosts: input.knownHostsFile, env: input.env });
  const deadline = Date.now() + input.timing.hostKeyTimeoutMs;
  for (;;) {
    try {
      return await connect(input.address, settings);
    } catch (error) {
      // sshd may still be starting; a key mismatch or refused login is final.
      if (!(error instanceof HpcrunError && error.code === 'HPCRUN_HOST_UNREACHABLE') || Date.now() >= deadline) throw error;
      await sleep(input.timing.hostKeyPollMs);
    }
  }
}

const WRITE = 'umask 077 && d="$HOME/.hpcrun/clusters/$1" && mkdir -p "$d" && cat > "$d/$2" && printf %s "$d"';

/** Copies the cluster key and the nodes' known_hosts to the head; returns their absolute paths there. */
export async function bootstrapHead(input: HeadBootstrap): Promise<{ keyPath: string; knownHostsPath: string }> {
  const connection = await connectWithRetry(input);
  try {
    const write = async (name: string, content: string): Promise<string> => {
      const result = await exec(connection.client, shellJoin(['sh', '-c', WRITE, 'sh', input.cluster, name]), { stdin: content, timeoutMs: 30_000 });
      const dir = result.stdout.trim();
      if (result.exitCode !== 0 || !dir.startsWith('/')) {
        throw new HpcrunError('preflight', 'HPCRUN_HEAD_SETUP', `cannot write ${name} on the head node ${input.address}: ${result.stderr.trim() || `status ${result.exitCode ?? result.signal}`}`, {
          hint: 'check that the head node has a writable home folder',
        });
      }
      return `${dir}/${name}`;
    };
    const keyPath = await write('id_ed25519', input.key.privateKey);
    const knownHostsPath = await write('known_hosts', input.nodesKnownHosts);
    return { keyPath, knownHostsPath };
  } finally {
    connection.client.end();
  }
}

/** mpirun's ssh arguments on the head: the cluster key and known_hosts there, strict checking. */
export function headSshArgs(head: { keyPath: string; knownHostsPath: string }, user: string | undefined, port: number | undefined): string[] {
  const args = ['-i', head.keyPath, '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${head.knownHostsPath}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes'];
  if (user) args.push('-l', user);
  if (port && port !== 22) args.push('-p', String(port));
  return args;
}
