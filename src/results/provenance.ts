// Which hpcrun wrote a result set: its version and, in a git checkout, the
// commit. Reads .git directly (no child process); null outside a checkout.

import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../version.js';

async function readText(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').then((t) => t.trim(), () => undefined);
}

async function gitDir(root: string): Promise<string | undefined> {
  const dotGit = join(root, '.git');
  const info = await stat(dotGit).catch(() => undefined);
  if (!info) return undefined;
  if (info.isDirectory()) return dotGit;
  const pointer = /^gitdir:\s*(.+)$/m.exec((await readText(dotGit)) ?? '');
  return pointer ? resolve(root, pointer[1] as string) : undefined;
}

/** The commit checked out in `root`, or null. */
export async function gitRevision(root: string): Promise<string | null> {
  const dir = await gitDir(root);
  if (!dir) return null;
  const head = await readText(join(dir, 'HEAD'));
  if (!head) return null;
  if (/^[0-9a-f]{40}$/.test(head)) return head;
  const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
  if (!ref) return null;
  const common = (await readText(join(dir, 'commondir'))) ?? '.';
  for (const base of [dir, resolve(dir, common)]) {
    const direct = await readText(join(base, ref));
    if (direct && /^[0-9a-f]{40}$/.test(direct)) return direct;
    const packed = await readText(join(base, 'packed-refs'));
    const line = packed?.split('\n').find((l) => l.endsWith(` ${ref}`));
    if (line) return line.slice(0, 40);
  }
  return null;
}

/** The hpcrun package root: two levels above this file in both src/ and dist/. */
export function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

export async function toolProvenance(root = packageRoot()): Promise<{ version: string; gitRevision: string | null }> {
  return { version: VERSION, gitRevision: await gitRevision(root) };
}
