// The launchers, one module each. Adding an MPI is one new file and one line here.

import { intelmpi } from './intelmpi.js';
import { mpich } from './mpich.js';
import { openmpi } from './openmpi.js';
import { srun } from './srun.js';
import { FILES_DIR, type Launcher, type LauncherName, type MpiInfo, type MpiLauncher } from './types.js';

export type { LaunchCommand, LaunchContext, Launcher, LauncherName, MpiFlavour, MpiInfo, MpiLauncher, Placed } from './types.js';
export { FILES_DIR, LAUNCHER_NAMES, MPI_FLAVOURS } from './types.js';
export { renderHostfile, renderMachinefile, renderRankfile, renderRankfileBytes, renderSlurmHostfile, renderSlurmHostfileBytes } from './files.js';
export { sshMcaArgs } from './openmpi.js';
export { pmiFor, SLURM_HOSTFILE, srunBlock } from './srun.js';

/** MPI launchers in the order their version text is tried (Intel before MPICH: both are Hydra). */
const MPI_LAUNCHERS: readonly MpiLauncher[] = [openmpi, intelmpi, mpich];
const LAUNCHERS: Readonly<Record<LauncherName, Launcher>> = { openmpi, mpich, intelmpi, slurm: srun };

export function launcherFor(name: LauncherName): Launcher {
  return LAUNCHERS[name];
}

/** Reads `mpirun --version` (or `mpiexec --version`) output of any supported MPI. */
export function parseMpiVersion(text: string): MpiInfo | undefined {
  for (const launcher of MPI_LAUNCHERS) {
    const info = launcher.parseVersion(text);
    if (info) return info;
  }
  return undefined;
}

/** Replaces FILES_DIR in argv and env with the real folder. */
export function inDir(command: { argv: readonly string[]; env: Readonly<Record<string, string>> }, dir: string): { argv: string[]; env: Record<string, string> } {
  const at = (word: string) => word.split(FILES_DIR).join(dir);
  return { argv: command.argv.map(at), env: Object.fromEntries(Object.entries(command.env).map(([key, value]) => [key, at(value)])) };
}
