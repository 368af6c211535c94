// Intel MPI's mpirun (Hydra underneath): a machinefile in rank order, and
// I_MPI_PIN_DOMAIN=omp so that a threaded rank owns its cores.

import { renderMachinefile, threadEnv } from './files.js';
import { FILES_DIR, type MpiLauncher } from './types.js';

export const intelmpi: MpiLauncher = {
  name: 'intelmpi',
  command: 'mpirun',
  hostFileKind: 'machinefile',
  parseVersion(text) {
    const match = /Intel\(R\) MPI Library[^\n]*Version\s+(\S+)/.exec(text);
    return match?.[1] ? { flavour: 'intelmpi', version: match[1].replace(/,$/, '') } : undefined;
  },
  render(placed, context) {
    const t = placed.threadsPerRank;
    const argv = ['mpirun', '-n', String(placed.rankToNode.length), '-machinefile', `${FILES_DIR}/machinefile`];
    if (t > 1) argv.push('-genv', 'OMP_NUM_THREADS', String(t), '-genv', 'I_MPI_PIN_DOMAIN', 'omp');
    if (context.workDir) argv.push('-wdir', context.workDir);
    return { argv, env: threadEnv(t), files: { machinefile: renderMachinefile(placed) } };
  },
};
