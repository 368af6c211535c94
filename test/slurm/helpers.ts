// What the Slurm tests share: a user's environment on the cluster's login node.

import { OMPI_ON_LOCAL_SLURM } from '../../src/testbed/slurm-conf.js';

/** This cluster's SLURM_CONF and Open MPI settings, and no SLURM_* from outside (an enclosing job, a stray SLURM_HOSTFILE). */
export function userEnv(clusterEnv: Readonly<Record<string, string>>): Record<string, string> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => !entry[0].startsWith('SLURM_') && entry[1] !== undefined));
  return { ...inherited, ...clusterEnv, ...OMPI_ON_LOCAL_SLURM };
}
