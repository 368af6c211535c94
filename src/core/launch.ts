// Block placement of ranks onto inventory hosts, and the launcher argv.
// Pure: launchers build argv, runners execute it.

import { HpcrunError } from '../errors.js';
import { renderHostfile } from './inventory.js';
import type { MpiFlavour } from './probe.js';

export interface HostCapacity {
  name: string;
  /** Ranks this host may run: the inventory's slots, else its physical cores. */
  slots: number;
}

export interface Placement {
  hosts: { name: string; ranks: number }[];
  np: number;
}

/**
 * Fills each host's slots in order (block placement, as mpirun --map-by slot).
 * With ppn, every used host gets ppn ranks except possibly the last.
 */
export function blockPlacement(capacity: readonly HostCapacity[], np: number, ppn?: number): Placement {
  const hosts: Placement['hosts'] = [];
  let left = np;
  for (const host of capacity) {
    if (left === 0) break;
    if (ppn !== undefined && ppn > host.slots) {
      throw new HpcrunError('infeasible', 'HPCRUN_PPN_TOO_HIGH', `--ppn ${ppn} does not fit on ${host.name}, which has ${host.slots} slot(s)`, {
        hint: `lower --ppn to ${host.slots} or give ${host.name} more slots in the inventory (slots=${ppn})`,
      });
    }
    const ranks = Math.min(left, ppn ?? host.slots);
    hosts.push({ name: host.name, ranks });
    left -= ranks;
  }
  if (left > 0) {
    const total = capacity.reduce((sum, host) => sum + (ppn ?? host.slots), 0);
    throw new HpcrunError('infeasible', 'HPCRUN_NOT_ENOUGH_SLOTS', `--np ${np} needs ${np} slots but the ${capacity.length} host(s) offer ${total}${ppn ? ` at --ppn ${ppn}` : ''}`, {
      hint: `lower --np to ${total}, add hosts to the inventory${ppn ? ', or raise --ppn' : ', or raise their slots='}`,
    });
  }
  return { hosts, np };
}

export function placementHostfile(placement: Placement): string {
  return renderHostfile(placement.hosts.map((host) => ({ name: host.name, slots: host.ranks })));
}

export interface LauncherInput {
  flavour: MpiFlavour;
  np: number;
  hostfilePath: string;
  /** Arguments for the ssh that mpirun uses to start its daemons (Open MPI plm_rsh_args). */
  sshArgs?: readonly string[];
  program: readonly string[];
}

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

/** The exact mpirun/mpiexec argv for the flavour. */
export function launcherArgv(input: LauncherInput): string[] {
  const { flavour, np, hostfilePath, program } = input;
  if (flavour === 'openmpi') {
    const argv = ['mpirun', '--hostfile', hostfilePath, '-np', String(np), '--map-by', 'slot'];
    argv.push(...sshMcaArgs(input.sshArgs ?? []));
    return [...argv, ...program];
  }
  // MPICH and Intel MPI use the Hydra launcher: a machinefile of host:count.
  return ['mpiexec', '-f', hostfilePath, '-n', String(np), ...program];
}

/** Hydra machinefile (MPICH, Intel MPI): `host:count`, in rank order. */
export function machinefile(placement: Placement): string {
  return placement.hosts.map((host) => `${host.name}:${host.ranks}\n`).join('');
}

/** Stands for the folder that holds a job's files, here or on the head node. */
export const JOB_DIR = '{JOB_DIR}';

/** What the launcher needs: argv and env naming files in JOB_DIR, and those files' contents. */
export interface JobDescription {
  argv: string[];
  env: Record<string, string>;
  files: Record<string, string>;
}

/** Block placement: one hostfile (Open MPI) or machinefile (Hydra) and the flavour's argv. */
export function blockJob(placement: Placement, flavour: MpiFlavour, sshArgs: readonly string[], program: readonly string[]): JobDescription {
  const hostfile = flavour === 'openmpi' ? placementHostfile(placement) : machinefile(placement);
  return { argv: launcherArgv({ flavour, np: placement.np, hostfilePath: `${JOB_DIR}/hostfile`, sshArgs, program }), env: {}, files: { hostfile } };
}

/** A plan's own launcher argv and environment, with Open MPI's ssh arguments added. */
export function planJob(plan: { flavour: MpiFlavour; argv: readonly string[]; env: Readonly<Record<string, string>>; files: Readonly<Record<string, string>> }, sshArgs: readonly string[], program: readonly string[]): JobDescription {
  const inDir = (word: string) => word.split('{PLAN_DIR}').join(JOB_DIR);
  const argv = plan.argv.map(inDir);
  if (plan.flavour === 'openmpi') argv.push(...sshMcaArgs(sshArgs));
  const env = Object.fromEntries(Object.entries(plan.env).map(([key, value]) => [key, inDir(value)]));
  return { argv: [...argv, ...program], env, files: { ...plan.files } };
}

/** Replaces JOB_DIR in argv and env with the real folder. */
export function placeJob(job: JobDescription, dir: string): { argv: string[]; env: Record<string, string> } {
  const at = (word: string) => word.split(JOB_DIR).join(dir);
  return { argv: job.argv.map(at), env: Object.fromEntries(Object.entries(job.env).map(([key, value]) => [key, at(value)])) };
}
