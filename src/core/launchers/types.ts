// The launcher seam: one module per MPI launcher (Open MPI mpirun, MPICH
// Hydra mpiexec, Intel MPI mpirun, Slurm srun). Each owns how its version is
// recognised, the argv it is run with and the host file it reads. Pure: a
// launcher builds argv and file contents; runners execute them.

/** An MPI implementation, as detected on the nodes. */
export type MpiFlavour = 'openmpi' | 'mpich' | 'intelmpi';
/** The launchers: each MPI's own, and Slurm's srun (named `slurm`, as `plan --mpi slurm` does). */
export const LAUNCHER_NAMES = ['openmpi', 'mpich', 'intelmpi', 'slurm'] as const;
export type LauncherName = (typeof LAUNCHER_NAMES)[number];

export const MPI_FLAVOURS: readonly MpiFlavour[] = ['openmpi', 'mpich', 'intelmpi'];

export interface MpiInfo {
  flavour: MpiFlavour;
  version: string;
}

/**
 * Where every rank runs: the nodes with their rank counts, and rank r's node
 * index and slot on it. A Plan is one; so is launch's block placement.
 */
export interface Placed {
  nodes: readonly { host: string; ranks: number }[];
  rankToNode: ArrayLike<number>;
  rankSlot: ArrayLike<number>;
  ranksPerNode: number;
  threadsPerRank: number;
}

/** Stands for the folder that holds the job's files (a plan folder, or a temp folder here or on a head node). */
export const FILES_DIR = '{PLAN_DIR}';

export interface LaunchContext {
  /**
   * exact: every rank on the node the placement gives it (rankfile,
   * machinefile, SLURM_HOSTFILE). block: each node's ranks in rank order,
   * without binding (hostfile slots and --map-by slot).
   */
  placement: 'exact' | 'block';
  /** Arguments for the ssh the launcher starts its daemons with (Open MPI only: plm_rsh_args). */
  sshArgs?: readonly string[];
  /**
   * Open MPI only: the command that starts its daemons instead of ssh
   * (plm_rsh_agent), as words; hpcrun's agent reuses the preflight's
   * verified connections. mpirun then starts every daemon itself (no tree
   * spawn, direct routing), and each daemon stays attached to its session,
   * so that the daemons go when hpcrun goes.
   */
  rshAgent?: readonly string[];
  /** srun only: the PMI plugin (`--mpi=pmix` for Open MPI). */
  pmi?: string;
  /** The folder ranks start in (a staged job folder); default: the launcher's own. */
  workDir?: string;
  /**
   * Exact placement without pinning ranks to cores (Open MPI: a sequential
   * hostfile, `--map-by seq --bind-to none`, instead of the rankfile, which
   * always binds). For nodes that share cores, such as the namespaces of the
   * testbed on one machine. Hydra and srun do not bind by default.
   */
  unbound?: boolean;
}

/** What a launcher needs to run a job: argv and env naming files in FILES_DIR, and those files' contents. */
export interface LaunchCommand {
  argv: string[];
  env: Record<string, string>;
  files: Record<string, string>;
}

export interface Launcher {
  readonly name: LauncherName;
  /** The command that starts the job. */
  readonly command: string;
  /** The host file it reads: `hostfile` (with `rankfile` when exact), `machinefile`, or `slurm-hostfile`. */
  readonly hostFileKind: 'hostfile' | 'machinefile' | 'slurm-hostfile';
  /** argv up to the program, env and files, for a placement. */
  render(placed: Placed, context: LaunchContext): LaunchCommand;
}

/** An MPI's own launcher, which also recognises its MPI from `<command> --version`. */
export interface MpiLauncher extends Launcher {
  readonly name: MpiFlavour;
  parseVersion(text: string): MpiInfo | undefined;
}
