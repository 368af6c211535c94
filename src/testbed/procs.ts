// Small readers of /proc for finding and stopping processes by pid,
// namespace and environment (Linux only), used by the testbeds.

import { readFile, readdir, readlink } from 'node:fs/promises';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Alive and not a zombie (pid 1 here may never reap orphans). */
export async function isRunning(pid: number): Promise<boolean> {
  const stat = await readText(`/proc/${pid}/stat`);
  return stat !== undefined && !/^\d+ \(.*\) [ZX]/s.test(stat);
}

/** The pid, its parent, and so on up to init: processes a sweep must never kill. */
export async function ancestors(pid: number): Promise<number[]> {
  const chain = [pid];
  for (let current = pid; current > 1; ) {
    const stat = await readText(`/proc/${current}/stat`);
    const parent = Number(stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!Number.isInteger(parent) || parent <= 0) break;
    chain.push(parent);
    current = parent;
  }
  return chain;
}

/** Every pid in /proc now (threads excluded). */
export async function listPids(): Promise<number[]> {
  return (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
}

/** The UTS namespace of a process, as `uts:[inode]`, or undefined when it is gone. */
export async function utsOf(pid: number): Promise<string | undefined> {
  try {
    return await readlink(`/proc/${pid}/ns/uts`);
  } catch {
    return undefined;
  }
}

export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

export async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}
