// Runs a local process from an argument array. A failed process is data:
// the result records its exit code, signal, whether it timed out and how
// long it took, and nothing throws on a non-zero exit.

import { execa } from 'execa';
import { HpcrunError } from '../errors.js';
import { optionalTimeout } from './timer.js';

export interface RunOptions {
  env?: Readonly<Record<string, string | undefined>>;
  /** Replace the environment instead of extending process.env. */
  extendEnv?: boolean;
  input?: string;
  timeoutMs?: number;
  cwd?: string;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s) when aborted. */
  cancel?: AbortSignal;
  /** Runs it in a process group of its own, so that a terminal's Ctrl-C reaches only hpcrun, which decides what to do. */
  detached?: boolean;
}

export interface RunResult {
  argv: readonly string[];
  exitCode: number | undefined;
  signal: string | undefined;
  timedOut: boolean;
  /** True when `cancel` stopped it. */
  canceled: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
  /** True when the process could not be started at all (ENOENT, EACCES). */
  spawnFailed: boolean;
  ok: boolean;
}

export async function runCommand(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  if (file === undefined) throw new HpcrunError('internal', 'HPCRUN_EMPTY_ARGV', 'runCommand was given an empty argv');
  const started = performance.now();
  const subprocess = execa(file, args, {
    reject: false,
    env: options.env as Record<string, string> | undefined,
    extendEnv: options.extendEnv ?? true,
    input: options.input,
    // Without input, stdin is closed: nothing hpcrun runs should wait on it.
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    // No execa `timeout`: it is one setTimeout, which cannot wait 2^31 ms or more.
    cwd: options.cwd,
    cancelSignal: options.cancel,
    forceKillAfterDelay: 5_000,
    detached: options.detached,
    stripFinalNewline: false,
  });
  let timedOut = false;
  const timer = optionalTimeout(() => {
    timedOut = true;
    subprocess.kill('SIGTERM');
  }, options.timeoutMs);
  const result = await subprocess.finally(() => timer.clear());
  const spawnFailed = result.failed && result.exitCode === undefined && result.signal === undefined && !timedOut && !result.isCanceled;
  return {
    argv,
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut,
    canceled: result.isCanceled,
    durationMs: performance.now() - started,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? '') + (spawnFailed ? String(result.message) : ''),
    spawnFailed,
    ok: result.exitCode === 0,
  };
}

/** The commands of `names` that `sh` cannot find on the PATH of `env`. */
export async function missingCommands(names: readonly string[], env?: RunOptions['env']): Promise<string[]> {
  const missing: string[] = [];
  for (const name of names) {
    if (!(await runCommand(['sh', '-c', 'command -v "$1"', 'sh', name], { env })).ok) missing.push(name);
  }
  return missing;
}

/** One line describing how a process ended, for messages. */
export function describeEnd(result: Pick<RunResult, 'exitCode' | 'signal' | 'timedOut' | 'spawnFailed'>): string {
  if (result.spawnFailed) return 'could not be started';
  if (result.timedOut) return 'timed out';
  if (result.signal) return `was killed by ${result.signal}`;
  return `exited with status ${result.exitCode ?? 'unknown'}`;
}

/** Runs a command that must succeed; on failure throws an error of the given kind with its stderr. */
export async function runChecked(
  argv: readonly string[],
  what: string,
  options: RunOptions & { kind?: 'environment' | 'internal'; hint?: string } = {},
): Promise<RunResult> {
  const result = await runCommand(argv, options);
  if (!result.ok) {
    const detail = result.stderr.trim().split('\n').slice(-3).join(' | ');
    throw new HpcrunError(options.kind ?? 'environment', 'HPCRUN_COMMAND_FAILED', `${what} failed: \`${argv.join(' ')}\` ${describeEnd(result)}${detail ? `: ${detail}` : ''}`, {
      hint: options.hint,
    });
  }
  return result;
}
