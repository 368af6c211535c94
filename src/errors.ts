// Typed errors with stable codes. Commands and library code throw these; only
// the bin entry (src/bin.ts) turns them into a message and an exit status.
// The kinds and their exit statuses are a contract: README.md lists them.

export type ErrorKind =
  | 'usage' // bad flags or arguments
  | 'input' // a file or value that is malformed or invalid
  | 'not-found' // an input file that does not exist or cannot be read
  | 'infeasible' // the request cannot be placed on the nodes given
  | 'preflight' // a node failed its checks before anything ran (unreachable, host key, MPI mismatch)
  | 'environment' // this machine lacks something the command needs (root, ip netns, mpirun)
  | 'internal' // a bug in hpcrun
  | 'benchmark' // some benchmark runs failed; the rest were kept
  | 'output' // an output path cannot be written
  | 'remote' // the connection to a node was lost while the job ran
  | 'timeout' // the job ran past --timeout
  | 'cloud' // a cloud API refused or failed a request (quota, capacity, permission, an operation's error)
  | 'interrupted'; // SIGINT/SIGTERM stopped the command

export const EXIT_CODES: Readonly<Record<ErrorKind, number>> = {
  usage: 64,
  input: 65,
  'not-found': 66,
  infeasible: 67,
  preflight: 68,
  environment: 69,
  internal: 70,
  benchmark: 71,
  output: 73,
  cloud: 75,
  remote: 76,
  timeout: 124,
  interrupted: 130,
};

/**
 * The fix line of an error that names no fix of its own: every error prints
 * `hpcrun: error CODE: message` and a `fix:` line (README, Exit codes).
 */
export const DEFAULT_HINTS: Readonly<Record<ErrorKind, string>> = {
  usage: 'run `hpcrun COMMAND --help` for the options and examples',
  input: 'correct the file or value named above, then run the command again',
  'not-found': 'check that the path above exists and that you can read it',
  infeasible: 'ask for less per node, or give more or larger nodes',
  preflight: 'fix the host named above, or remove it from the inventory',
  environment: 'install or enable what is missing on this machine (README.md lists what each command needs)',
  internal: 'this is a bug in hpcrun; please report it with the command you ran',
  benchmark: 'check the failing hosts; the other rows were kept',
  output: 'choose an output path in a directory you can write',
  cloud: 'read the cloud API\'s error above (quota, capacity, permissions); `hpcrun cluster down NAME` removes whatever was created',
  remote: 'check the connection to the head node, and look there for leftover processes',
  timeout: 'raise --timeout, or check the job for a hang',
  interrupted: 'run the command again to finish',
};

export interface HpcrunErrorOptions {
  /** What the user can do about it, printed on its own line. */
  hint?: string;
  cause?: unknown;
  /** Overrides the kind's exit status (for example 143 after SIGTERM). */
  exitCode?: number;
}

export class HpcrunError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly exitCode: number;
  /** What the user can do: the hint given, else the kind's default (never empty). */
  readonly hint: string;

  constructor(kind: ErrorKind, code: string, message: string, options: HpcrunErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HpcrunError';
    this.kind = kind;
    this.code = code;
    this.exitCode = options.exitCode ?? EXIT_CODES[kind];
    this.hint = options.hint ?? DEFAULT_HINTS[kind];
  }
}

export const usageError = (code: string, message: string, hint?: string): HpcrunError =>
  new HpcrunError('usage', code, message, { hint });

export const inputError = (code: string, message: string, hint?: string): HpcrunError =>
  new HpcrunError('input', code, message, { hint });

export function isHpcrunError(value: unknown): value is HpcrunError {
  return value instanceof HpcrunError;
}

/** Formats an error the way the CLI prints it: `hpcrun: error CODE: message`, then `  fix: ...`. */
export function formatError(error: HpcrunError): string {
  return `hpcrun: error ${error.code}: ${error.message}\n  fix: ${error.hint}`;
}
