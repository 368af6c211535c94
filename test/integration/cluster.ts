// Helpers for tests on the real virtual cluster that global-setup.ts brings up.

import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'dist', 'bin.js');
export const STATE_DIR = process.env.HPCRUN_TESTBED_DIR || '/run/hpcrun-testbed';
export const INVENTORY = join(STATE_DIR, 'hostfile');
export const NODES = ['hpcrun-n1', 'hpcrun-n2', 'hpcrun-n3'];

export interface CliResult {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Runs `hpcrun ARGS` here (outside the cluster). */
export async function hpcrun(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  const started = performance.now();
  const result = await execa(process.execPath, [BIN, ...args], { reject: false, env, stdin: 'ignore' });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr), durationMs: performance.now() - started };
}

/** Runs `hpcrun ARGS` on a node (default the head node) or at the login position, as a user would; `env` is added to the command's environment. */
export function hpcrunOn(target: string, args: readonly string[], env: Record<string, string> = {}) {
  return execa(process.execPath, [BIN, 'testbed', 'exec', '--on', target, '--', process.execPath, BIN, ...args], { reject: false, stdin: 'ignore', env });
}

export async function finished(child: ReturnType<typeof hpcrunOn>, started = performance.now()): Promise<CliResult> {
  const result = await child;
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr), durationMs: performance.now() - started };
}

export async function sshdPidOf(node: string): Promise<number> {
  return Number((await readFile(join(STATE_DIR, 'nodes', node, 'sshd.pid'), 'utf8')).trim());
}

/** `rank R of N on HOST` lines → host → ranks. */
export function ranksByHost(stdout: string): Record<string, number[]> {
  const map: Record<string, number[]> = {};
  for (const match of stdout.matchAll(/^rank (\d+) of \d+ on (\S+)$/gm)) {
    (map[match[2] as string] ??= []).push(Number(match[1]));
  }
  for (const ranks of Object.values(map)) ranks.sort((a, b) => a - b);
  return map;
}

/** Resolves with the child's stderr so far once it matches `until` (or the child has ended). */
export function stderrUntil(child: ReturnType<typeof hpcrunOn>, until: RegExp): Promise<string> {
  let seen = '';
  return new Promise<string>((resolve) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (until.test(seen)) resolve(seen);
    });
    void child.finally(() => resolve(seen));
  });
}
