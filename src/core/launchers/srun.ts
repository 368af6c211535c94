// Slurm's srun: SLURM_HOSTFILE lists rank r's host on line r, and
// --distribution=arbitrary makes srun follow it, so block and exact placement
// read alike. Inside an allocation srun starts the ranks itself; --mpi names
// the PMI plugin the MPI needs (pmix for Open MPI).

import { renderSlurmHostfile, threadEnv } from './files.js';
import { FILES_DIR, type Launcher } from './types.js';

export const SLURM_HOSTFILE = 'slurm-hostfile';

export const srun: Launcher = {
  name: 'slurm',
  command: 'srun',
  hostFileKind: 'slurm-hostfile',
  render(placed, context) {
    const t = placed.threadsPerRank;
    const argv = ['srun', ...(context.pmi ? [`--mpi=${context.pmi}`] : []), '--distribution=arbitrary', `--ntasks=${placed.rankToNode.length}`, `--nodes=${placed.nodes.length}`, `--cpus-per-task=${t}`, ...(context.workDir ? [`--chdir=${context.workDir}`] : [])];
    const env = { ...threadEnv(t), SLURM_HOSTFILE: `${FILES_DIR}/${SLURM_HOSTFILE}` };
    return { argv, env, files: { [SLURM_HOSTFILE]: renderSlurmHostfile(placed) } };
  },
};

/** The PMI plugin srun needs for an MPI: pmix for Open MPI (Debian's Open MPI has no working pmi2); the site default otherwise. */
export function pmiFor(flavour: string | undefined): string | undefined {
  return flavour === 'openmpi' ? 'pmix' : undefined;
}
