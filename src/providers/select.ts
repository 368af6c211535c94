// Which provider a command's nodes come from, by its flags:
//   --hosts FILE          the SSH inventory
//   --slurm, SLURM_JOB_ID the Slurm allocation hpcrun runs in
//   --cluster NAME        a cluster made by `hpcrun cluster up`, over SSH
//   --plan DIR (alone)    the plan's own hosts, over SSH
// An explicit --hosts wins over an allocation found in the environment.

import type { Deps } from '../deps.js';
import { usageError } from '../errors.js';
import { requirePort } from '../core/units.js';
import type { InventoryHost } from '../core/inventory.js';
import { slurmProvider } from './slurm/index.js';
import { type SshOptions, sshProvider } from './ssh/index.js';
import type { LauncherChoice, Provider } from './types.js';

export interface NodeSourceFlags {
  hosts?: string | undefined;
  slurm?: boolean | undefined;
  head?: string | undefined;
  cluster?: string | undefined;
}

export async function selectProvider(flags: NodeSourceFlags, choice: LauncherChoice | undefined, ssh: SshOptions, deps: Deps, planHosts?: readonly InventoryHost[]): Promise<Provider> {
  if (flags.hosts && flags.slurm) throw usageError('HPCRUN_TWO_NODE_SOURCES', '--hosts and --slurm both name the nodes', 'give one: --hosts FILE for SSH, or --slurm inside an allocation');
  if (flags.cluster) {
    if (flags.hosts || flags.slurm || flags.head) throw usageError('HPCRUN_TWO_NODE_SOURCES', '--cluster names the nodes (and the head node, if the cluster has one), so --hosts, --slurm and --head cannot be given with it', 'drop --hosts/--slurm/--head');
    // The cluster store reads its records with zod: loaded only for --cluster.
    const { clusterProvider } = await import('./gce/index.js');
    return clusterProvider(flags.cluster, ssh, deps);
  }
  if (flags.hosts) return sshProvider({ inventory: flags.hosts, head: flags.head, ssh }, deps);
  const inAllocation = flags.slurm === true || (deps.env.SLURM_JOB_ID !== undefined && deps.env.SLURM_JOB_ID !== '' && !flags.head);
  if (inAllocation) {
    if (flags.head) throw usageError('HPCRUN_SLURM_HEAD', '--head cannot be used with --slurm: inside an allocation the launcher runs here', 'drop --head');
    return slurmProvider({ choice }, deps);
  }
  if (planHosts) return sshProvider({ inventory: planHosts, head: flags.head, ssh }, deps);
  throw usageError('HPCRUN_NO_HOSTS', 'no nodes given', 'pass --hosts FILE (Open MPI hostfile syntax), run inside a Slurm allocation (salloc, sbatch), or pass --plan DIR');
}

/** The SSH flags every command that reaches nodes takes, as commander gives them. */
export interface SshFlags {
  identity?: string | undefined;
  user?: string | undefined;
  port?: string | undefined;
  knownHosts?: string | undefined;
  acceptNewHostKeys?: boolean | undefined;
}

/** The SSH flags, checked. */
export function sshOptionsOf(options: SshFlags): SshOptions {
  const port = options.port === undefined ? undefined : requirePort(options.port);
  return { identity: options.identity, user: options.user, port, knownHosts: options.knownHosts, acceptNewHostKeys: options.acceptNewHostKeys };
}
