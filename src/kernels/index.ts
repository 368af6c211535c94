// MPI kernels: build and cache (build.ts, cache.ts) and the argv of a run (args.ts).
export { ensureHaloApp, ensureKernel, HALO_SOURCE_DIR, KERNEL_SOURCE_DIR, type EnsureKernelOptions, type KernelBuild } from './build.js';
export { kernelArgs, type KernelRunOptions } from './args.js';
export { kernelCacheDir, kernelCacheKey, KERNEL_CFLAGS, type KeyMaterial } from './cache.js';
export { KERNEL_KINDS, type KernelKind } from '../core/bench/kernel-output.js';
