// Atomic file replacement: write a temp file in the target's directory,
// flush it to disk, then rename over the target. Readers see the old file or
// the new one, never a half-written one; a failed write removes its temp file.

import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Temp files are dot-files named after the target, so a stray one is easy to spot. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

export async function writeFileAtomic(target: string, contents: string | Uint8Array, mode = 0o644): Promise<void> {
  const temp = tempPathFor(target);
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(contents);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Writes several files as one step, as far as a filesystem allows: every temp
 * file is written and flushed first, and only then renamed over its target,
 * so a failed write (a full disk, a missing permission) replaces none of them.
 */
export async function writeFilesAtomic(files: readonly { path: string; contents: string | Uint8Array }[], mode = 0o644): Promise<void> {
  const temps: string[] = [];
  try {
    for (const file of files) {
      const temp = tempPathFor(file.path);
      const handle = await open(temp, 'wx', mode);
      temps.push(temp);
      try {
        await handle.writeFile(file.contents);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    for (const [i, file] of files.entries()) await rename(temps[i] as string, file.path);
  } catch (error) {
    await Promise.all(temps.map((temp) => rm(temp, { force: true })));
    throw error;
  }
}
