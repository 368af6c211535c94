// Temporary job folders here: `<tmp>/<prefix>-<pid>-XXXXXX`. A folder whose
// hpcrun was killed (kill -9 leaves no chance to clean up) is swept the next
// time one is made: same prefix, same owner, and its pid no longer running.

import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function sweep(dir: string, prefix: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const uid = process.getuid?.();
  await Promise.all(
    names.map(async (name) => {
      const match = new RegExp(`^${prefix}-(\\d+)-[A-Za-z0-9]{6}$`).exec(name);
      if (!match || running(Number(match[1]))) return;
      const path = join(dir, name);
      const info = await stat(path).catch(() => undefined);
      if (info?.isDirectory() && (uid === undefined || info.uid === uid)) await rm(path, { recursive: true, force: true }).catch(() => undefined);
    }),
  );
}

/** A new private (0700) folder for this process's job files; stale ones of dead processes go first. */
export async function makeJobDir(prefix: string): Promise<string> {
  const dir = tmpdir();
  await sweep(dir, prefix);
  return mkdtemp(join(dir, `${prefix}-${process.pid}-`));
}
