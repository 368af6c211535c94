// Runs a local process from an argument array. A failed process is data:
// the result records its exit code, signal, whether it timed out and how
// long it took, and nothing throws on a non-zero exit.

import { HpcrunError } from '../errors.js';
import { spawnProcess } from './spawn.js';
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
  if (argv[0] === undefined) throw new HpcrunError('internal', 'HPCRUN_EMPTY_ARGV', 'runCommand was given an empty argv');
  const started = performance.now();
  const child = spawnProcess(argv, {
    env: options.env,
    extendEnv: options.extendEnv ?? true,
    input: options.input,
    cwd: options.cwd,
    detached: options.detached,
    collect: true,
    forceKillAfterMs: 5_000,
  });
  let timedOut = false;
  let canceled = false;
  // optionalTimeout re-arms below 2^31 ms, so long timeouts work.
  const timer = optionalTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM');
  }, options.timeoutMs);
  const onAbort = () => {
    canceled = true;
    child.kill('SIGTERM');
  };
  if (options.cancel?.aborted) onAbort();
  else options.cancel?.addEventListener('abort', onAbort, { once: true });
  const result = await child.ended.finally(() => {
    timer.clear();
    options.cancel?.removeEventListener('abort', onAbort);
  });
  const spawnFailed = result.spawnError !== undefined;
  return {
    argv,
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut,
    canceled,
    durationMs: performance.now() - started,
    stdout: result.stdout,
    stderr: result.stderr + (result.spawnError?.message ?? ''),
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
