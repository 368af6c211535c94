// Slurm's srun: SLURM_HOSTFILE lists rank r's host on line r, and
// --distribution=arbitrary makes srun follow it, so block and exact placement
// read alike. Inside an allocation srun starts the ranks itself; --mpi names
// the PMI plugin the MPI needs (pmix for Open MPI).

import { renderSlurmHostfile, threadEnv } from './files.js';
import { FILES_DIR, type LaunchCommand, type Launcher } from './types.js';

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

/**
 * srun's own block distribution over nodes Slurm has yet to choose (a batch
 * job's, whose names are known only once it starts): K tasks on each of N
 * nodes, ranks in node order. No host file: there are no names to write.
 */
export function srunBlock(shape: { nodes: number; tasksPerNode: number; threadsPerRank?: number }, context: { pmi?: string }): LaunchCommand {
  const t = shape.threadsPerRank ?? 1;
  const argv = ['srun', ...(context.pmi ? [`--mpi=${context.pmi}`] : []), '--distribution=block', `--ntasks=${shape.nodes * shape.tasksPerNode}`, `--nodes=${shape.nodes}`, `--ntasks-per-node=${shape.tasksPerNode}`, `--cpus-per-task=${t}`];
  return { argv, env: threadEnv(t), files: {} };
}

/** The PMI plugin srun needs for an MPI: pmix for Open MPI (Debian's Open MPI has no working pmi2); the site default otherwise. */
export function pmiFor(flavour: string | undefined): string | undefined {
  return flavour === 'openmpi' ? 'pmix' : undefined;
}
