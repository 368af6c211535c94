// The local Slurm cluster's names, ports, paths and slurm.conf. Pure: given a
// node count and a state folder it says what should exist; slurm.ts makes it so.
//
//   controller  slurmctld under the UTS hostname snctl, 127.0.0.1:basePort
//   nodes       slurmd -N snK under the UTS hostname snK, 127.0.0.1:basePort+K
//   munge       munged with its own key and socket in DIR/munge
//   state       /run/hpcrun-slurm (override with HPCRUN_SLURM_DIR); nothing in /etc
//
// Everything runs over loopback in the root network namespace, so it neither
// needs nor touches the namespace testbed (hpcrun-*, 10.213.0.0/24).

import { join } from 'node:path';
import { HpcrunError } from '../errors.js';

export const DEFAULT_SLURM_DIR = '/run/hpcrun-slurm';
export const DEFAULT_SLURM_BASE_PORT = 17000;
export const MAX_SLURM_NODES = 32;
export const CONTROLLER_HOST = 'snctl';
/** Set in every daemon's environment (and so in every slurmstepd's) to find them again, even after a crash. */
export const DAEMON_MARKER = 'HPCRUN_SLURM_DAEMON';

export interface SlurmLayout {
  dir: string;
  nodes: string[];
  cpusPerNode: number;
  basePort: number;
  conf: string;
  mungeDir: string;
  mungeKey: string;
  mungeSocket: string;
  mungePid: string;
  mungeLog: string;
  ctlDir: string;
  ctlPid: string;
  ctlLog: string;
  /** Per-node folder; slurm.conf names it with %n. */
  nodeDir: (node: string) => string;
}

export function slurmStateDir(env: Readonly<Record<string, string | undefined>>): string {
  return env.HPCRUN_SLURM_DIR || DEFAULT_SLURM_DIR;
}

/** slurmctld's port (node K listens on it + K): HPCRUN_SLURM_BASE_PORT, so that two clusters can run side by side. */
export function slurmBasePort(env: Readonly<Record<string, string | undefined>>): number {
  const text = env.HPCRUN_SLURM_BASE_PORT;
  return text ? Number(text) : DEFAULT_SLURM_BASE_PORT;
}

export function slurmNodeName(index: number): string {
  return `sn${index}`;
}

export function slurmLayout(options: { nodes: number; dir: string; cpusPerNode?: number; basePort?: number }): SlurmLayout {
  const { nodes, dir } = options;
  const cpusPerNode = options.cpusPerNode ?? 2;
  const basePort = options.basePort ?? DEFAULT_SLURM_BASE_PORT;
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_SLURM_NODES) {
    throw new HpcrunError('usage', 'HPCRUN_SLURM_NODES', `a local Slurm cluster has 1 to ${MAX_SLURM_NODES} nodes, not ${nodes}`);
  }
  if (!Number.isInteger(cpusPerNode) || cpusPerNode < 1) throw new HpcrunError('usage', 'HPCRUN_SLURM_CPUS', `cpus per node must be a positive integer, not ${cpusPerNode}`);
  if (!Number.isInteger(basePort) || basePort < 1024 || basePort + nodes > 65535) throw new HpcrunError('usage', 'HPCRUN_SLURM_PORT', `base port ${basePort} is out of range`);
  // slurm.conf has no quoting: a path with blanks, '#' or '=' would be cut or misread.
  if (!dir.startsWith('/') || /[\s#=%\\"']/.test(dir)) {
    throw new HpcrunError('usage', 'HPCRUN_SLURM_DIR', `the Slurm state folder must be an absolute path without blanks, #, =, %, quotes or backslashes: ${JSON.stringify(dir)}`, {
      hint: 'set HPCRUN_SLURM_DIR to a plain path such as /run/hpcrun-slurm',
    });
  }
  const mungeDir = join(dir, 'munge');
  const ctlDir = join(dir, 'ctl');
  return {
    dir,
    nodes: Array.from({ length: nodes }, (_, i) => slurmNodeName(i + 1)),
    cpusPerNode,
    basePort,
    conf: join(dir, 'slurm.conf'),
    mungeDir,
    mungeKey: join(mungeDir, 'munge.key'),
    mungeSocket: join(mungeDir, 'munge.socket'),
    mungePid: join(mungeDir, 'munged.pid'),
    mungeLog: join(mungeDir, 'munged.log'),
    ctlDir,
    ctlPid: join(ctlDir, 'slurmctld.pid'),
    ctlLog: join(ctlDir, 'slurmctld.log'),
    nodeDir: (node) => join(dir, 'nodes', node),
  };
}

/**
 * Open MPI under this cluster, where every node is the same host: TCP over
 * loopback, no binding (ranks of different "nodes" would pin the same core),
 * no busy polling, root allowed (DESIGN §7). Jobs get it in their environment.
 */
export const OMPI_ON_LOCAL_SLURM: Readonly<Record<string, string>> = {
  OMPI_ALLOW_RUN_AS_ROOT: '1',
  OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1',
  OMPI_MCA_btl: 'tcp,self',
  OMPI_MCA_btl_tcp_if_include: 'lo',
  OMPI_MCA_oob_tcp_if_include: 'lo',
  OMPI_MCA_hwloc_base_binding_policy: 'none',
  OMPI_MCA_mpi_yield_when_idle: '1',
};

/** The environment a Slurm client (sinfo, srun, salloc, sbatch) needs to use this cluster. */
export function slurmClientEnv(layout: SlurmLayout): Record<string, string> {
  return { SLURM_CONF: layout.conf };
}

export function renderSlurmConf(layout: SlurmLayout): string {
  const n = layout.nodes.length;
  const range = n === 1 ? '1' : `[1-${n}]`;
  const ports = n === 1 ? String(layout.basePort + 1) : `[${layout.basePort + 1}-${layout.basePort + n}]`;
  const nodeFile = (name: string) => join(layout.dir, 'nodes', '%n', name);
  return [
    '# Written by hpcrun (src/testbed/slurm.ts) for a local test cluster; removed by slurmDown.',
    'ClusterName=hpcrun',
    `SlurmctldHost=${CONTROLLER_HOST}(127.0.0.1)`,
    `SlurmctldPort=${layout.basePort}`,
    `SlurmdPort=${layout.basePort + 1}`,
    'AuthType=auth/munge',
    'CredType=cred/munge',
    `AuthInfo=socket=${layout.mungeSocket}`,
    'SlurmUser=root',
    'SlurmdUser=root',
    `StateSaveLocation=${join(layout.ctlDir, 'state')}`,
    `SlurmctldPidFile=${layout.ctlPid}`,
    `SlurmctldLogFile=${layout.ctlLog}`,
    `SlurmdSpoolDir=${nodeFile('spool')}`,
    `SlurmdPidFile=${nodeFile('slurmd.pid')}`,
    `SlurmdLogFile=${nodeFile('slurmd.log')}`,
    // Nodes on one host would otherwise share /tmp (and collide on the PMIx folder).
    `TmpFS=${nodeFile('tmp')}`,
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core',
    // Lets every node declare CPUs the machine does not have.
    'SlurmdParameters=config_overrides',
    // Without it every sbatch job waits 3 s before it is scheduled.
    'SchedulerParameters=batch_sched_delay=0',
    'ReturnToService=2',
    'MpiDefault=none',
    'JobCompType=jobcomp/none',
    'AccountingStorageType=accounting_storage/none',
    'KillWait=2',
    `NodeName=sn${range} NodeHostname=sn${range} NodeAddr=127.0.0.1 Port=${ports} CPUs=${layout.cpusPerNode} Sockets=1 CoresPerSocket=${layout.cpusPerNode} ThreadsPerCore=1 State=UNKNOWN`,
    // Whole nodes, as many HPC sites allocate: `salloc -N 3` gets every CPU of each node as tasks.
    'PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=EXCLUSIVE',
    // A one-minute partition, so that a job asking for more time shows how Slurm holds it (Reason=PartitionTimeLimit).
    'PartitionName=short Nodes=ALL MaxTime=1 State=UP OverSubscribe=EXCLUSIVE',
    '',
  ].join('\n');
}
