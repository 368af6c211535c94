import { mkdtempSync, existsSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { haloArgs, offHostMessages, parseHaloOutput } from '../../src/core/bench/halo-output.js';
import { haloSpec } from '../../src/bench/halo.js';
import { isHpcrunError } from '../../src/errors.js';
import { caught, runCli } from '../helpers/cli.js';

// Captured from a real `mpirun` of mpi-templates/halo/halo.c on this machine (Open MPI 4.1.4).
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/halo/${name}`, import.meta.url), 'utf8');

describe('parseHaloOutput on captured runs', () => {
  it('reads a periodic 2x2 run: two messages to each neighbour of a periodic extent of 2', () => {
    const out = parseHaloOutput(`mpirun banner\n${fixture('halo-2x2-periodic.txt')}`);
    expect(out).toMatchObject({ ranks: 4, grid: [2, 2], periodic: true, haloBytes: 1024, steps: 16, block: 2, warmup: 2, computeUs: 0, complete: true });
    expect(out.samples).toHaveLength(8);
    expect(out.samples[0]).toBe(22.417);
    expect(out.rankInfo[0]).toEqual({ rank: 0, host: 'vm', coords: [0, 0], neighbours: [2, 2, 1, 1] });
    expect(out.rankInfo[3]?.coords).toEqual([1, 1]);
  });

  it('reads a 3-rank chain with compute: the ends have one neighbour, the middle two', () => {
    const out = parseHaloOutput(fixture('halo-3-chain.txt'));
    expect(out.rankInfo.map((r) => r.neighbours)).toEqual([[1], [0, 2], [1]]);
    expect(out.computeUs).toBe(100);
    expect(out.elapsedSeconds).toBeCloseTo(0.003314, 6);
    // 12 steps in samples of 2.
    expect([out.steps, out.block, out.samples.length]).toEqual([12, 2, 6]);
    // 100 µs of compute is inside every step.
    expect(Math.min(...out.samples)).toBeGreaterThan(100);
    // Each sample is the slowest rank's block mean, so they average at least rank 0's mean step (its wall time / steps).
    const mean = out.samples.reduce((a, b) => a + b, 0) / out.samples.length;
    expect(mean).toBeGreaterThanOrEqual((out.elapsedSeconds! * 1e6) / out.steps);
  });

  it('counts the messages that cross hosts, from the hosts the ranks reported', () => {
    const out = parseHaloOutput(fixture('halo-3-chain.txt'));
    expect(offHostMessages(out)).toEqual({ total: 0, maxPerHost: 0 });
    const split = { rankInfo: out.rankInfo.map((r) => ({ ...r, host: r.rank < 2 ? 'a' : 'b' })) };
    expect(offHostMessages(split)).toEqual({ total: 2, maxPerHost: 1 });
  });

  it('samples whole blocks only: 13 steps in blocks of 2 give 6 samples', () => {
    const out = parseHaloOutput(fixture('halo-3-chain.txt').replace('meta steps 12', 'meta steps 13').replace('stop n=12', 'stop n=13'));
    expect([out.steps, out.samples.length]).toEqual([13, 6]);
  });

  it('marks a run cut short as incomplete', () => {
    const text = fixture('halo-3-chain.txt').replace(/\nend\n?$/, '\n');
    expect(parseHaloOutput(text).complete).toBe(false);
  });

  it.each([
    ['no header', 'hello\n', /no "hpcrun-halo" header/],
    ['another version', 'hpcrun-halo 1\n', /format version 1, this reader needs 2/],
    ['a sample count that lies', (t: string) => t.replace('samples us 6', 'samples us 7'), /says 7 samples but has 6/],
    ['a stop that disagrees', (t: string) => t.replace('stop n=12', 'stop n=14'), /stop says n=14 steps in blocks of 2, so 7 samples, but 6 were read/],
    ['no block size', (t: string) => t.replace('meta block 2\n', ''), /meta block undefined is not a whole number/],
    ['a missing rank line', (t: string) => t.replace(/rank 2 [^\n]*\n/, ''), /2 rank lines for 3 ranks/],
    ['an unknown line', (t: string) => t.replace('end', 'bogus'), /unknown line type "bogus"/],
    ['a negative sample', (t: string) => t.replace('284.002', '-1'), /sample "-1"/],
  ] as const)('refuses %s with HPCRUN_HALO_OUTPUT (exit 65)', (_name, edit, message) => {
    const text = typeof edit === 'string' ? edit : edit(fixture('halo-3-chain.txt'));
    const error = caught(() => parseHaloOutput(text));
    expect(isHpcrunError(error) && error.code).toBe('HPCRUN_HALO_OUTPUT');
    expect(error.exitCode).toBe(65);
    expect(error.message).toMatch(message);
  });
});

describe('the halo app argv', () => {
  it('passes the grid, periodicity, size, steps, block, warm-up and compute as separate words', () => {
    expect(haloArgs({ grid: [4, 2, 1], periodic: true, haloBytes: 65536, steps: 100, block: 10, warmup: 10, computeUs: 250 })).toEqual([
      '--grid', '4x2x1', '--halo-bytes', '65536', '--steps', '100', '--block', '10', '--warmup', '10', '--compute-us', '250', '--periodic',
    ]);
    expect(haloArgs({ grid: [4], periodic: false, haloBytes: 1, steps: 6, block: 1, warmup: 0, computeUs: 0 })).toEqual(['--grid', '4', '--halo-bytes', '1', '--steps', '6', '--block', '1', '--warmup', '0']);
  });

  it.each([
    [{ haloBytes: 0 }, 'HPCRUN_HALO_BYTES'],
    [{ haloBytes: 2 ** 30 + 1 }, 'HPCRUN_HALO_BYTES'],
    [{ steps: 5, block: 1 }, 'HPCRUN_HALO_STEPS'],
    [{ steps: 59 }, 'HPCRUN_HALO_STEPS'],
    [{ block: 0 }, 'HPCRUN_HALO_ARGS'],
    [{ computeUs: -1 }, 'HPCRUN_HALO_COMPUTE'],
    [{ grid: [0, 2] }, 'HPCRUN_HALO_ARGS'],
  ] as const)('refuses %j (%s, exit 64)', (patch, code) => {
    const error = caught(() => haloArgs({ grid: [2, 2], periodic: false, haloBytes: 8, steps: 60, block: 10, warmup: 1, computeUs: 0, ...patch }));
    expect([error.code, error.exitCode]).toEqual([code, 64]);
  });

  it('reads sizes with units and defaults to 200 steps without compute', () => {
    expect(haloSpec({ plan: 'p', haloBytes: '64KiB' })).toEqual({ planDir: 'p', haloBytes: 65536, steps: 200, computeUs: 0 });
    expect(haloSpec({ plan: 'p', haloBytes: '1MiB', steps: '60', computeUs: '2.5' })).toEqual({ planDir: 'p', haloBytes: 1048576, steps: 60, computeUs: 2.5 });
    // Six samples of ten steps is the fewest a median CI takes.
    const error = caught(() => haloSpec({ plan: 'p', haloBytes: '1MiB', steps: '59' }));
    expect([error.code, error.message, error.hint]).toEqual(['HPCRUN_HALO_STEPS', '--steps 59 must be a whole number from 60 to 10000000', 'a sample is the mean of 10 consecutive steps and a median CI needs 6 samples; e.g. --steps 200']);
  });
});

describe('bench --kind halo refuses bad input before contacting any host, and writes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hpcrun-halo-unit-'));
  const hosts = join(dir, 'hosts');
  writeFileSync(hosts, 'nodeA slots=2\nnodeB slots=2\n');
  const plan = async (name: string, ...args: string[]) => {
    const r = await runCli(['plan', ...args, '--cores-per-node', '2', '--hosts', hosts, '--out', join(dir, name)]);
    expect(r.code, r.err).toBe(0);
    return join(dir, name);
  };

  it.each([
    [['--halo-bytes', '0'], 64, /HPCRUN_HALO_BYTES: --halo-bytes "0" is not a size of at least 1 byte/],
    [['--halo-bytes', 'lots'], 64, /HPCRUN_HALO_BYTES/],
    [[], 64, /HPCRUN_HALO_BYTES: --kind halo needs --halo-bytes/],
    [['--halo-bytes', '1KiB', '--steps', '0'], 64, /--steps/],
    [['--halo-bytes', '1KiB', '--compute-us', 'x'], 64, /HPCRUN_HALO_COMPUTE/],
  ] as const)('%j → exit %i', async (args, code, message) => {
    const grid = await plan('grid', '--grid', '4x1');
    const out = join(dir, 'never');
    const r = await runCli(['bench', '--kind', 'halo', '--plan', grid, ...args, '--out', out]);
    expect(r.code).toBe(code);
    expect(r.err).toMatch(message);
    expect(existsSync(`${out}.json`)).toBe(false);
  });

  it('refuses a plan without a grid (exit 65, HPCRUN_HALO_NO_GRID)', async () => {
    const ranks = await plan('ranks', '--ranks', '4');
    const out = join(dir, 'no-grid');
    const r = await runCli(['bench', '--kind', 'halo', '--plan', ranks, '--halo-bytes', '64KiB', '--out', out]);
    expect(r.code).toBe(65);
    expect(r.err).toMatch(/HPCRUN_HALO_NO_GRID: the plan in .* has no process grid/);
    expect(r.err).toMatch(/fix: plan again with --grid/);
    expect(existsSync(`${out}.json`)).toBe(false);
  });

  it('refuses --kind halo without --plan, halo mixed with other kinds, and halo flags without --kind halo', async () => {
    expect((await runCli(['bench', '--kind', 'halo', '--halo-bytes', '1KiB'])).err).toMatch(/HPCRUN_HALO_NO_PLAN/);
    const mixed = await runCli(['bench', '--kind', 'latency,halo', '--plan', 'x', '--halo-bytes', '1KiB']);
    expect([mixed.code, mixed.err]).toEqual([64, expect.stringMatching(/halo runs on its own/)]);
    const stray = await runCli(['bench', '--hosts', hosts, '--halo-bytes', '1KiB']);
    expect([stray.code, stray.err]).toEqual([64, expect.stringMatching(/HPCRUN_BENCH_HALO_FLAG: --halo-bytes goes with --kind halo/)]);
  });
});

describe('exact placement without binding (bench --kind halo --no-bind)', () => {
  it('Open MPI gets a sequential hostfile, --map-by seq and --bind-to none instead of the rankfile', async () => {
    const { openmpi } = await import('../../src/core/launchers/openmpi.js');
    const placed = { nodes: [{ host: 'n1', ranks: 2 }, { host: 'n2', ranks: 2 }], rankToNode: [0, 1, 0, 1], rankSlot: [0, 0, 1, 1], ranksPerNode: 2, threadsPerRank: 1 };
    const bound = openmpi.render(placed, { placement: 'exact' });
    expect(bound.argv).toContain('--rankfile');
    const free = openmpi.render(placed, { placement: 'exact', unbound: true });
    expect(free.argv).toEqual(['mpirun', '-np', '4', '--hostfile', '{PLAN_DIR}/seqfile', '--map-by', 'seq', '--bind-to', 'none']);
    expect(free.files).toEqual({ hostfile: 'n1 slots=2\nn2 slots=2\n', seqfile: 'n1\nn2\nn1\nn2\n' });
  });
});
