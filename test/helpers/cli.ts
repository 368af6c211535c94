// Runs the CLI in-process with captured streams, and catches typed errors.

import { main } from '../../src/cli.js';
import type { Deps } from '../../src/deps.js';
import { HpcrunError } from '../../src/errors.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function runCli(argv: readonly string[], options: { cwd?: string; env?: Deps['env']; now?: Date } = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const deps: Deps = {
    argv: ['node', 'hpcrun', ...argv],
    env: options.env ?? {},
    stdout: { write: (chunk) => ((out += String(chunk)), true) },
    stderr: { write: (chunk) => ((err += String(chunk)), true) },
    cwd: options.cwd ?? process.cwd(),
    now: () => options.now ?? new Date(0),
    onSignal: () => () => undefined,
  };
  const code = await main(deps);
  return { code, out, err };
}

/** The HpcrunError that fn throws; fails the test if it throws nothing or something else. */
export function caught(fn: () => unknown): HpcrunError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HpcrunError) return error;
    throw error;
  }
  throw new Error('expected an HpcrunError');
}

/** The HpcrunError that a promise rejects with; fails the test if it resolves or rejects with something else. */
export async function rejected(promise: Promise<unknown>): Promise<HpcrunError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HpcrunError) return error;
    throw error;
  }
  throw new Error('expected an HpcrunError');
}
