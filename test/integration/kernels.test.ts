// The MPI kernels for real: built with this machine's mpicc into a temporary
// cache, launched with `mpirun -np 2` on localhost, read back by the parser.
// The cache tests build from a copy of the sources so that the repository's
// files are never touched.
import { appendFile, copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKernelOutput } from '../../src/core/bench/kernel-output.js';
import { ensureKernel, KERNEL_SOURCE_DIR, kernelArgs } from '../../src/kernels/index.js';

const env: Record<string, string | undefined> = {
  ...process.env,
  OMPI_MCA_mpi_yield_when_idle: '1', // two cores: do not spin against the peer
  OMPI_MCA_hwloc_base_binding_policy: 'none',
  ...(process.getuid?.() === 0 ? { OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' } : {}),
};

let work: string;
let kernel: string;

const mpirun = (args: string[]) =>
  execa('mpirun', ['-np', '2', kernel, ...args], { env, extendEnv: false, reject: false, timeout: 60_000 });

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hpcrun-kernels-it-'));
  kernel = (await ensureKernel({ env, cacheDir: join(work, 'cache-main') })).path;
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('kernels under mpirun -np 2 on localhost', () => {
  it('runs every kind and the parser reads it', async () => {
    const args = kernelArgs({ kinds: ['latency', 'bw', 'bibw', 'mbw'], sizes: [8, 65536], maxSamples: 50, batch: 7, targetCi: 0.05 });
    const r = await mpirun(args);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = parseKernelOutput(r.stdout);
    expect(out.complete).toBe(true);
    expect(out.ranks).toBe(2);
    expect(out.hosts).toEqual([hostname(), hostname()]);
    expect(out.mpiLibrary).toMatch(/MPI/);
    expect(out.timerResolutionUs).toBeGreaterThan(0);
    expect(out.timerResolutionUs).toBeLessThan(10);
    expect(out.runs.map((run) => `${run.kind}:${run.bytes}`)).toEqual([
      'latency:8', 'latency:65536', 'bw:8', 'bw:65536', 'bibw:8', 'bibw:65536', 'mbw:8', 'mbw:65536',
    ]);
    for (const run of out.runs) {
      expect(run.stop?.n).toBe(run.samples.length);
      expect(run.samples.length).toBeGreaterThan(5);
      expect(run.samples.length).toBeLessThanOrEqual(50);
      expect(['ci', 'cap']).toContain(run.stop?.reason);
      expect(run.samples.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    }
    for (const run of out.runs) {
      // the kernel's running median and CI against the samples it printed
      const s = [...run.samples].sort((a, b) => a - b);
      const n = s.length;
      const z = 1.96 * Math.sqrt(n);
      const mid = n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
      const near = (a: number | undefined, b: number) => expect(Math.abs(a! - b)).toBeLessThanOrEqual(b * 1e-5 + 1e-3);
      near(run.stop?.median, mid); // 6 significant digits in the stop line, samples rounded to 1e-3
      near(run.stop?.ciLow, s[Math.max(1, Math.ceil((n - z) / 2)) - 1]!);
      near(run.stop?.ciHigh, s[Math.min(n, Math.ceil(1 + (n + z) / 2)) - 1]!);
    }
    const latency8 = out.runs[0]!;
    expect(latency8.stop!.median!).toBeLessThan(100); // µs; shared memory on one host
  });

  it('runs the OSU default count when no target is set', async () => {
    const r = await mpirun(kernelArgs({ kinds: ['latency'], sizes: [8] }));
    const [run] = parseKernelOutput(r.stdout).runs;
    expect(run).toMatchObject({ warmup: 100, maxSamples: 10_000, stop: { reason: 'cap', n: 10_000 } });
  });

  it.each([
    [['--kind', 'allreduce', '--sizes', '8'], /--kind allreduce/],
    [['--kind', 'latency', '--sizes', '8,,16'], /--sizes 8,,16/],
    [['--kind', 'bw', '--sizes', '0'], /at least 1 byte/],
    [['--kind', 'latency', '--sizes', '8', '--target-ci', '5'], /--target-ci 5/],
    [['--kind', 'latency'], /--sizes is required/],
  ])('rejects bad arguments with status 2: %j', async (args, message) => {
    const r = await mpirun(args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/hpcrun-kernels: error: /);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).not.toMatch(/^samples /m);
  });
});

describe('kernel build cache', () => {
  let sources: string;
  let cacheDir: string;

  beforeAll(async () => {
    sources = join(work, 'src');
    cacheDir = join(work, 'cache');
    await rm(sources, { recursive: true, force: true });
    await execa('mkdir', ['-p', sources]);
    for (const name of await readdir(KERNEL_SOURCE_DIR)) {
      if (/\.[ch]$/.test(name)) await copyFile(join(KERNEL_SOURCE_DIR, name), join(sources, name));
    }
  });

  it('builds once, then reuses the binary until a source changes', async () => {
    const first = await ensureKernel({ env, cacheDir, sourceDir: sources });
    expect(first.built).toBe(true);
    expect(first.compileCommand[0]).toBe('mpicc');
    expect(first.mpiVersion).toMatch(/MPI/);

    const again = await ensureKernel({ env, cacheDir, sourceDir: sources });
    expect(again).toMatchObject({ built: false, path: first.path, key: first.key });

    await appendFile(join(sources, 'hk_kernels.c'), '/* a change */\n');
    const changed = await ensureKernel({ env, cacheDir, sourceDir: sources });
    expect(changed.built).toBe(true);
    expect(changed.key).not.toBe(first.key);
    expect(changed.path).not.toBe(first.path);

    const unchanged = await ensureKernel({ env, cacheDir, sourceDir: sources });
    expect(unchanged).toMatchObject({ built: false, key: changed.key });

    const files = await readdir(cacheDir);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(files).toContain(`${first.path.split('/').pop()}.json`);
  });

  it('rebuilds when a header changes too', async () => {
    const before = await ensureKernel({ env, cacheDir, sourceDir: sources });
    await appendFile(join(sources, 'hk.h'), '/* header change */\n');
    const after = await ensureKernel({ env, cacheDir, sourceDir: sources });
    expect(after.built).toBe(true);
    expect(after.key).not.toBe(before.key);
  });

  it('survives concurrent first builds into one cache', async () => {
    const dir = join(work, 'cache-concurrent');
    const builds = await Promise.all([1, 2, 3].map(() => ensureKernel({ env, cacheDir: dir, sourceDir: sources })));
    expect(new Set(builds.map((b) => b.path)).size).toBe(1);
    const files = await readdir(dir);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const r = await execa('mpirun', ['-np', '2', builds[0]!.path, '--kind', 'latency', '--sizes', '8', '--max-samples', '10'], {
      env, extendEnv: false, reject: false,
    });
    expect(parseKernelOutput(r.stdout).runs[0]?.samples).toHaveLength(10);
  });

  it('reports a missing mpicc as an environment error', async () => {
    await expect(ensureKernel({ env, cacheDir, sourceDir: sources, mpicc: join(work, 'no-such-mpicc') })).rejects.toMatchObject({
      kind: 'environment', code: 'HPCRUN_NO_MPICC', exitCode: 69, hint: expect.stringMatching(/libopenmpi-dev/),
    });
  });

  it('reports a source that does not compile as an environment error naming the command', async () => {
    const broken = join(work, 'broken');
    await execa('mkdir', ['-p', broken]);
    await writeFile(join(broken, 'k.c'), 'int main(void) { return missing; }\n');
    await expect(ensureKernel({ env, cacheDir, sourceDir: broken })).rejects.toMatchObject({
      kind: 'environment', code: 'HPCRUN_KERNEL_COMPILE', message: expect.stringMatching(/missing/),
    });
    expect((await readdir(cacheDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
