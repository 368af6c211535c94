// Builds the MPI kernels with the MPI's own wrapper compiler on first use and
// caches the binary by a hash of the sources, the wrapper's version and
// compile line, and the flags. Safe to run concurrently: each build compiles
// to a private temp file and renames it into place.

import { randomBytes } from 'node:crypto';
import { access, constants, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { HpcrunError } from '../errors.js';
import { HALO_BINARY_PREFIX, KERNEL_CFLAGS, KERNEL_LIBS, kernelBinaryName, kernelCacheDir, kernelCacheKey } from './cache.js';

/** mpi-templates/kernels, found from both src/kernels and dist/kernels. */
export const KERNEL_SOURCE_DIR = fileURLToPath(new URL('../../mpi-templates/kernels/', import.meta.url));
/** mpi-templates/halo: the halo-exchange mini-app, built and cached the same way. */
export const HALO_SOURCE_DIR = fileURLToPath(new URL('../../mpi-templates/halo/', import.meta.url));

export interface EnsureKernelOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** The MPI wrapper compiler; default `mpicc` on PATH. */
  mpicc?: string;
  /** Overrides kernelCacheDir(env). */
  cacheDir?: string;
  /** Directory holding the kernel's .c and .h files; default KERNEL_SOURCE_DIR. */
  sourceDir?: string;
  /** Name of the cached binary before its key; default KERNEL_BINARY_PREFIX (`hpcrun-kernels-`). */
  binaryPrefix?: string;
}

export interface KernelBuild {
  /** Absolute path of the executable. */
  path: string;
  /** sha256 cache key (hex). */
  key: string;
  /** True if this call compiled it, false if it came from the cache. */
  built: boolean;
  /** First line of the wrapper's version output, e.g. `mpicc: Open MPI 4.1.4 (Language: C)`. */
  mpiVersion: string;
  /** The compile argv (empty on a cache hit). */
  compileCommand: string[];
  durationMs: number;
}

export async function ensureKernel(options: EnsureKernelOptions): Promise<KernelBuild> {
  const started = Date.now();
  const mpicc = options.mpicc ?? 'mpicc';
  const sourceDir = options.sourceDir ?? KERNEL_SOURCE_DIR;
  const cacheDir = options.cacheDir ?? kernelCacheDir(options.env, homedir());
  const run = (args: string[]) =>
    execa(mpicc, args, { env: options.env, extendEnv: false, reject: false, timeout: 120_000, all: true });

  const names = (await readdir(sourceDir).catch((e: unknown) => {
    throw internal(`kernel sources not found in ${sourceDir}`, e);
  }))
    .filter((n) => n.endsWith('.c') || n.endsWith('.h'))
    .sort();
  if (!names.some((n) => n.endsWith('.c'))) throw internal(`no .c kernel sources in ${sourceDir}`);
  const sources = await Promise.all(names.map(async (name) => ({ name, bytes: await readFile(join(sourceDir, name)) })));

  let version = await run(['--showme:version']); // Open MPI
  if (version.exitCode !== 0 && version.exitCode !== undefined) version = await run(['-v']); // MPICH, Intel MPI
  if (version.exitCode === undefined) {
    throw new HpcrunError('environment', 'HPCRUN_NO_MPICC', `cannot run ${mpicc}: ${version.code ?? version.shortMessage}`, {
      hint: 'install an MPI with its compiler wrapper (Debian/Ubuntu: apt-get install libopenmpi-dev), or pass the path of mpicc',
    });
  }
  const show = await run(['-show']);
  if (version.exitCode !== 0 || show.exitCode !== 0) {
    throw new HpcrunError('environment', 'HPCRUN_BAD_MPICC', `${mpicc} does not describe itself (exit ${version.exitCode}/${show.exitCode}): ${(version.all || show.all).trim()}`, {
      hint: 'check that mpicc belongs to a working MPI installation (Debian/Ubuntu: libopenmpi-dev)',
    });
  }
  const key = kernelCacheKey({ sources, mpiVersion: version.all, mpiShow: show.all, flags: [...KERNEL_CFLAGS, ...KERNEL_LIBS] });
  const binaryName = kernelBinaryName(key, options.binaryPrefix);
  const path = join(cacheDir, binaryName);
  const mpiVersion = version.all.split('\n')[0]?.trim() ?? '';
  const result = (built: boolean, compileCommand: string[]): KernelBuild => ({
    path, key, built, mpiVersion, compileCommand, durationMs: Date.now() - started,
  });

  if (await isExecutable(path)) return result(false, []);

  await mkdir(cacheDir, { recursive: true }).catch((e: unknown) => {
    throw new HpcrunError('environment', 'HPCRUN_KERNEL_CACHE', `cannot create the kernel cache ${cacheDir}`, {
      cause: e, hint: 'set HPCRUN_CACHE_DIR to a writable directory',
    });
  });
  const temp = join(cacheDir, `.${binaryName}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const cfiles = names.filter((n) => n.endsWith('.c')).map((n) => join(sourceDir, n));
  const args = [...KERNEL_CFLAGS, '-o', temp, ...cfiles, ...KERNEL_LIBS];
  try {
    const cc = await run(args);
    if (cc.exitCode !== 0) {
      throw new HpcrunError('environment', 'HPCRUN_KERNEL_COMPILE',
        `compiling the MPI kernels failed (${cc.exitCode === undefined ? cc.shortMessage : `exit ${cc.exitCode}`}): ${mpicc} ${args.join(' ')}\n${cc.all.trim()}`,
        { hint: 'check that mpicc and its C compiler work (Debian/Ubuntu: apt-get install libopenmpi-dev gcc)' });
    }
    const info = { key, mpicc, mpiVersion: version.all.trim(), mpiShow: show.all.trim(), command: [mpicc, ...args], sources: names };
    const infoTemp = `${temp}.json`;
    await writeFile(infoTemp, `${JSON.stringify(info, null, 2)}\n`);
    await rename(infoTemp, `${path}.json`);
    await rename(temp, path);
  } finally {
    await rm(temp, { force: true });
    await rm(`${temp}.json`, { force: true });
  }
  return result(true, [mpicc, ...args]);
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The halo mini-app (mpi-templates/halo), built with mpicc on first use and cached like the kernels. */
export function ensureHaloApp(options: Omit<EnsureKernelOptions, 'sourceDir' | 'binaryPrefix'>): Promise<KernelBuild> {
  return ensureKernel({ ...options, sourceDir: HALO_SOURCE_DIR, binaryPrefix: HALO_BINARY_PREFIX });
}

function internal(message: string, cause?: unknown): HpcrunError {
  return new HpcrunError('internal', 'HPCRUN_KERNEL_SOURCES', message, { cause });
}
