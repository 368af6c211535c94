// MPICH's Hydra mpiexec: a machinefile of `host:count` runs in rank order,
// which places every rank exactly, so block and exact placement read alike.

import { renderMachinefile, threadEnv } from './files.js';
import { FILES_DIR, type MpiLauncher } from './types.js';

export const mpich: MpiLauncher = {
  name: 'mpich',
  command: 'mpiexec',
  hostFileKind: 'machinefile',
  parseVersion(text) {
    if (/Intel\(R\) MPI/.test(text)) return undefined;
    const match = /HYDRA build details:[\s\S]*?Version:\s+(\S+)/.exec(text);
    return match?.[1] ? { flavour: 'mpich', version: match[1] } : undefined;
  },
  render(placed, context) {
    const t = placed.threadsPerRank;
    const argv = ['mpiexec', '-n', String(placed.rankToNode.length), '-f', `${FILES_DIR}/machinefile`];
    if (t > 1) argv.push('-bind-to', `core:${t}`, '-genv', 'OMP_NUM_THREADS', String(t));
    if (context.workDir) argv.push('-wdir', context.workDir);
    return { argv, env: threadEnv(t), files: { machinefile: renderMachinefile(placed) } };
  },
};
