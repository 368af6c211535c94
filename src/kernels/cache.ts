// Where built kernels live and what they are keyed by. Pure.

import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** Flags every kernel build uses; part of the cache key. */
export const KERNEL_CFLAGS: readonly string[] = ['-O2', '-Wall', '-Wextra'];
export const KERNEL_LIBS: readonly string[] = ['-lm'];
export const KERNEL_BINARY_PREFIX = 'hpcrun-kernels-';
export const HALO_BINARY_PREFIX = 'hpcrun-halo-';

/**
 * The kernel cache directory: `$HPCRUN_CACHE_DIR/kernels` if set (hpcrun's
 * cache root), else `$XDG_CACHE_HOME/hpcrun/kernels`, else
 * `~/.cache/hpcrun/kernels`.
 */
export function kernelCacheDir(env: Readonly<Record<string, string | undefined>>, homeDir: string): string {
  if (env.HPCRUN_CACHE_DIR) return join(env.HPCRUN_CACHE_DIR, 'kernels');
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'hpcrun', 'kernels');
  return join(homeDir, '.cache', 'hpcrun', 'kernels');
}

export interface KeyMaterial {
  /** Source files by name, with their bytes. */
  sources: ReadonlyArray<{ name: string; bytes: Uint8Array }>;
  /** Output of the wrapper's version query (`mpicc --showme:version`, or `-v`). */
  mpiVersion: string;
  /** Output of `mpicc -show`: the underlying compiler and its flags. */
  mpiShow: string;
  flags: readonly string[];
}

/** sha256 over everything that changes the binary, as hex. */
export function kernelCacheKey(m: KeyMaterial): string {
  const h = createHash('sha256');
  const field = (label: string, data: string | Uint8Array): void => {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    h.update(`${label} ${bytes.length}\n`);
    h.update(bytes);
    h.update('\n');
  };
  for (const s of [...m.sources].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    field(`source:${s.name}`, s.bytes);
  }
  field('mpi-version', m.mpiVersion);
  field('mpi-show', m.mpiShow);
  field('flags', m.flags.join(' '));
  return h.digest('hex');
}

export function kernelBinaryName(key: string, prefix = KERNEL_BINARY_PREFIX): string {
  return `${prefix}${key.slice(0, 16)}`;
}
