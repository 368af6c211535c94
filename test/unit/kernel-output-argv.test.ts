// The pure halves of src/kernels: the argv handed to the kernel, the cache
// location and the cache key. The kernel's own checks are exercised against
// the real binary in test/integration/kernels.test.ts.
import { describe, expect, it } from 'vitest';
import { kernelArgs } from '../../src/kernels/args.js';
import { kernelCacheDir, kernelCacheKey, type KeyMaterial } from '../../src/kernels/cache.js';

describe('kernelArgs', () => {
  it('passes only what was asked for, leaving the OSU defaults to the kernel', () => {
    expect(kernelArgs({ kinds: ['latency'], sizes: [8] })).toEqual(['--kind', 'latency', '--sizes', '8']);
  });

  it('renders every option', () => {
    expect(
      kernelArgs({
        kinds: ['bw', 'mbw'], sizes: [8, 1048576], warmup: 0, maxSamples: 500, batch: 25,
        targetCi: 0.05, maxTimeSeconds: 2.5, window: 32,
      }),
    ).toEqual([
      '--kind', 'bw,mbw', '--sizes', '8,1048576', '--warmup', '0', '--max-samples', '500',
      '--batch', '25', '--window', '32', '--target-ci', '0.05', '--max-time', '2.5',
    ]);
  });

  it.each<[string, Parameters<typeof kernelArgs>[0], RegExp]>([
    ['no kinds', { kinds: [], sizes: [8] }, /at least one kind/],
    ['an unknown kind', { kinds: ['allreduce' as 'bw'], sizes: [8] }, /unknown kind "allreduce"/],
    ['a repeated kind', { kinds: ['bw', 'bw'], sizes: [8] }, /kinds repeat/],
    ['no sizes', { kinds: ['bw'], sizes: [] }, /message sizes/],
    ['a fractional size', { kinds: ['latency'], sizes: [1.5] }, /size 1.5/],
    ['zero bytes for bandwidth', { kinds: ['latency', 'bw'], sizes: [0] }, /from 1 to/],
    ['a size over 1 GiB', { kinds: ['latency'], sizes: [2 ** 31] }, /size 2147483648/],
    ['a zero sample cap', { kinds: ['latency'], sizes: [8], maxSamples: 0 }, /--max-samples 0/],
    ['a negative warm-up', { kinds: ['latency'], sizes: [8], warmup: -1 }, /--warmup -1/],
    ['a CI target given in percent', { kinds: ['latency'], sizes: [8], targetCi: 5 }, /--target-ci 5/],
    ['a NaN time limit', { kinds: ['latency'], sizes: [8], maxTimeSeconds: Number.NaN }, /--max-time NaN/],
  ])('rejects %s as a usage error', (_label, options, message) => {
    expect(() => kernelArgs(options)).toThrow(message);
    try {
      kernelArgs(options);
    } catch (e) {
      expect(e).toMatchObject({ kind: 'usage', code: 'HPCRUN_KERNEL_ARGS', exitCode: 64 });
    }
  });

  it('allows zero bytes for latency alone', () => {
    expect(kernelArgs({ kinds: ['latency'], sizes: [0, 8] })).toContain('0,8');
  });
});

describe('kernelCacheDir', () => {
  it.each<[Record<string, string>, string]>([
    [{ HPCRUN_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' }, '/c/kernels'],
    [{ XDG_CACHE_HOME: '/x' }, '/x/hpcrun/kernels'],
    [{ XDG_CACHE_HOME: '' }, '/home/u/.cache/hpcrun/kernels'],
    [{}, '/home/u/.cache/hpcrun/kernels'],
  ])('%j -> %s', (env, dir) => {
    expect(kernelCacheDir(env, '/home/u')).toBe(dir);
  });
});

describe('kernelCacheKey', () => {
  const base: KeyMaterial = {
    sources: [
      { name: 'a.c', bytes: Buffer.from('int main(void){return 0;}') },
      { name: 'a.h', bytes: Buffer.from('#define X 1') },
    ],
    mpiVersion: 'mpicc: Open MPI 4.1.4 (Language: C)',
    mpiShow: 'gcc -I/usr/include -lmpi',
    flags: ['-O2'],
  };
  const key = kernelCacheKey(base);

  it('is a sha256 that ignores the order the sources were listed in', () => {
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(kernelCacheKey({ ...base, sources: [...base.sources].reverse() })).toBe(key);
  });

  it.each<[string, Partial<KeyMaterial>]>([
    ['a source byte', { sources: [{ name: 'a.c', bytes: Buffer.from('int main(void){return 1;}') }, base.sources[1]!] }],
    ['a source name', { sources: [{ name: 'b.c', bytes: base.sources[0]!.bytes }, base.sources[1]!] }],
    ['the MPI version', { mpiVersion: 'mpicc: Open MPI 5.0.3 (Language: C)' }],
    ['the wrapper compile line', { mpiShow: 'clang -I/usr/include -lmpi' }],
    ['the flags', { flags: ['-O3'] }],
  ])('changes with %s', (_label, change) => {
    expect(kernelCacheKey({ ...base, ...change })).not.toBe(key);
  });

  it('cannot be fooled by moving bytes between fields', () => {
    const a = kernelCacheKey({ ...base, mpiVersion: 'ab', mpiShow: 'c' });
    const b = kernelCacheKey({ ...base, mpiVersion: 'a', mpiShow: 'bc' });
    expect(a).not.toBe(b);
  });
});
