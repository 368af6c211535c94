// Open MPI's mpirun: a hostfile of `host slots=N`, plus a rankfile when every
// rank's node (and core) is fixed. Its own ssh gets hpcrun's key and
// known_hosts through plm_rsh_args.

import { HpcrunError } from '../../errors.js';
import { renderHostfile, renderRankfile, renderSlurmHostfile, threadEnv } from './files.js';
import { FILES_DIR, type LaunchCommand, type LaunchContext, type MpiLauncher, type Placed } from './types.js';

/** Open MPI's `--mca plm_rsh_args`, which it splits on spaces: a word with a space is refused. */
export function sshMcaArgs(sshArgs: readonly string[]): string[] {
  if (sshArgs.length === 0) return [];
  const spaced = sshArgs.find((arg) => /\s/.test(arg));
  if (spaced) {
    throw new HpcrunError('usage', 'HPCRUN_SSH_ARG_SPACE', `Open MPI splits its ssh arguments on spaces, so ${JSON.stringify(spaced)} cannot be passed`, {
      hint: 'move the identity or known_hosts file to a path without spaces',
    });
  }
  return ['--mca', 'plm_rsh_args', sshArgs.join(' ')];
}

/**
 * Open MPI splits plm_rsh_agent on spaces, and its alternatives on ':'. Each
 * daemon is given the value too and looks for the agent on its own node,
 * where hpcrun's agent (on this machine only) is not: it then settles for
 * ssh, which it never uses (no tree spawn). Without that fallback every
 * daemon on a node that shares no filesystem with this one aborts.
 */
function agentWords(words: readonly string[]): string {
  const spaced = words.find((word) => /[\s:]/.test(word));
  if (spaced) throw new HpcrunError('usage', 'HPCRUN_SSH_ARG_SPACE', `Open MPI splits its remote-shell agent on spaces and colons, so ${JSON.stringify(spaced)} cannot be passed`, { hint: 'install hpcrun (and Node.js) under a path without spaces or colons' });
  return `${words.join(' ')} : ssh`;
}

export const openmpi: MpiLauncher = {
  name: 'openmpi',
  command: 'mpirun',
  hostFileKind: 'hostfile',
  parseVersion(text) {
    const match = /\(Open MPI\)\s+(\d+(?:\.\d+)*\S*)/.exec(text) ?? /Open MPI\D*(\d+\.\d+(?:\.\d+)?)/.exec(text);
    return match?.[1] ? { flavour: 'openmpi', version: match[1] } : undefined;
  },
  render(placed: Placed, context: LaunchContext): LaunchCommand {
    const t = placed.threadsPerRank;
    const files: Record<string, string> = { hostfile: renderHostfile(placed) };
    const argv = ['mpirun', '-np', String(placed.rankToNode.length), '--hostfile', `${FILES_DIR}/hostfile`];
    if (context.placement === 'exact' && context.unbound) {
      // Line r of a sequential hostfile is rank r's host; nothing is pinned.
      files.seqfile = renderSlurmHostfile(placed);
      argv.splice(argv.indexOf('--hostfile'), 2, '--hostfile', `${FILES_DIR}/seqfile`);
      argv.push('--map-by', 'seq', '--bind-to', 'none');
    } else if (context.placement === 'exact') {
      files.rankfile = renderRankfile(placed);
      argv.push('--rankfile', `${FILES_DIR}/rankfile`);
    } else {
      argv.push('--map-by', 'slot');
    }
    if (t > 1) argv.push('-x', 'OMP_NUM_THREADS');
    if (context.workDir) argv.push('--wdir', context.workDir);
    if (context.rshAgent) argv.push('--mca', 'plm_rsh_agent', agentWords(context.rshAgent), '--mca', 'plm_rsh_no_tree_spawn', '1', '--mca', 'routed', 'direct', '--mca', 'orte_leave_session_attached', '1');
    else argv.push(...sshMcaArgs(context.sshArgs ?? []));
    return { argv, env: threadEnv(t), files };
  },
};
