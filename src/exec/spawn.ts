// One child process from an argument array, on node:child_process alone.
// The launch path starts mpirun through this: it loads in about a
// millisecond, where execa and its dependencies took about 170 ms of every
// `hpcrun launch` on a 2-core machine. Its end is data, never an exception.

import { spawn } from 'node:child_process';

export interface SpawnOptions {
  env?: Readonly<Record<string, string | undefined>>;
  /** Adds `env` to process.env (the default) instead of replacing it. */
  extendEnv?: boolean;
  cwd?: string;
  /** Written to stdin, which is then closed; without it stdin is /dev/null. */
  input?: string;
  /** A process group of its own, so that a terminal's Ctrl-C reaches only hpcrun. */
  detached?: boolean;
  /** Collect stdout and stderr as text for the result (otherwise only `onStdout`/`onStderr` see them). */
  collect?: boolean;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** After kill('SIGTERM'), SIGKILL follows if the process is still there this many ms later. */
  forceKillAfterMs: number;
}

export interface SpawnEnd {
  exitCode: number | undefined;
  signal: NodeJS.Signals | undefined;
  /** Why the process could not be started (ENOENT, EACCES), if it could not. */
  spawnError: NodeJS.ErrnoException | undefined;
  stdout: string;
  stderr: string;
}

export interface Spawned {
  pid: number | undefined;
  /** Sends the signal; after SIGTERM, SIGKILL follows in `forceKillAfterMs` unless the process has ended. */
  kill(signal: NodeJS.Signals): void;
  ended: Promise<SpawnEnd>;
}

export function spawnProcess(argv: readonly string[], options: SpawnOptions): Spawned {
  const [file, ...args] = argv;
  const env = options.extendEnv === false ? { ...options.env } : { ...process.env, ...options.env };
  const child = spawn(file as string, args, {
    env: env as NodeJS.ProcessEnv,
    cwd: options.cwd,
    detached: options.detached ?? false,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    if (options.collect) out.push(chunk);
    options.onStdout?.(chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    if (options.collect) err.push(chunk);
    options.onStderr?.(chunk);
  });
  if (options.input !== undefined && child.stdin) {
    // A process that exits without reading its input must not crash hpcrun (EPIPE).
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
  }
  let done = false;
  let forceKill: NodeJS.Timeout | undefined;
  const ended = new Promise<SpawnEnd>((resolve) => {
    let spawnError: NodeJS.ErrnoException | undefined;
    child.once('error', (error: NodeJS.ErrnoException) => {
      // 'error' without a pid: it never started, and 'close' follows.
      if (child.pid === undefined) spawnError = error;
    });
    child.once('close', (code, signal) => {
      done = true;
      if (forceKill) clearTimeout(forceKill);
      resolve({
        exitCode: code ?? undefined,
        signal: signal ?? undefined,
        spawnError,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      });
    });
  });
  return {
    pid: child.pid,
    kill(signal) {
      if (done) return;
      child.kill(signal);
      if (signal === 'SIGTERM' && !forceKill) {
        forceKill = setTimeout(() => {
          if (!done) child.kill('SIGKILL');
        }, options.forceKillAfterMs);
        forceKill.unref();
      }
    },
    ended,
  };
}
