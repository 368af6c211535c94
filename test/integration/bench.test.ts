// hpcrun bench on the real virtual cluster: real kernels built with mpicc,
// real mpirun across network namespaces, real result files.

import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResultSet } from '../../src/results/index.js';
import { INVENTORY, finished, hpcrun, hpcrunOn, sshdPidOf, stderrUntil } from './cluster.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'hpcrun-bench-it-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const bench = (...args: string[]) => finished(hpcrunOn('hpcrun-n1', ['bench', '--hosts', INVENTORY, ...args]));

describe('bench across the virtual cluster', () => {
  it('measures latency and bandwidth between the first two hosts and writes CSV and JSON', async () => {
    const out = join(scratch, 'short');
    const result = await bench('--kind', 'latency,bw', '--sizes', '8,64KiB', '--out', out);
    expect(result.exitCode, result.stderr).toBe(0);
    // Not a TTY here: one progress line per finished row still reaches stderr.
    expect(result.stderr.match(/^bench: \[1\/1 pair\] (latency|bw) hpcrun-n1↔hpcrun-n2 (8|65536) B: [\d.]+ (us|MB\/s) \[[\d.]+, [\d.]+\], n=\d+ \(\S+\)$/gm)).toHaveLength(4);
    const csv = (await readFile(`${out}.csv`, 'utf8')).trim().split('\n');
    expect(csv[0]).toMatch(/^kind,host_a,host_b,bytes,samples,median,p05,p95,ci95_low,ci95_high,unit/);
    expect(csv).toHaveLength(5);
    const set = await readResultSet(`${out}.json`, scratch);
    expect(set.metadata.complete).toBe(true);
    expect(set.metadata.mpi).toEqual({ flavour: 'openmpi', version: expect.stringMatching(/^4\.1/) });
    expect(set.metadata.transport.OMPI_MCA_btl).toBe('tcp,self');
    expect(set.metadata.timerResolutionUs).toBeGreaterThan(0);
    for (const row of set.rows) {
      expect([row.host_a, row.host_b]).toEqual(['hpcrun-n1', 'hpcrun-n2']);
      expect(row.unit).toBe(row.kind === 'latency' ? 'us' : 'MB/s');
      expect(row.samples).toBeGreaterThan(5);
      // Every figure is of all the samples; Tukey outliers are only counted.
      expect(row.raw_samples?.length).toBe(row.samples);
      expect(row.outliers_tukey).toBeLessThanOrEqual(row.samples as number);
      expect(row.ci95_low).toBeLessThanOrEqual(row.median as number);
      expect(row.ci95_high).toBeGreaterThanOrEqual(row.median as number);
      expect(['ci-target', 'sample-cap']).toContain(row.stop_reason);
    }
    const latency = set.rows.find((row) => row.kind === 'latency' && row.bytes === 8);
    // Across two namespaces on this host an 8-byte MPI latency is microseconds, not milliseconds.
    expect(latency?.median).toBeGreaterThan(0.5);
    expect(latency?.median).toBeLessThan(200);
  });

  it('measures every pair in a round-robin: 3 pairs in 3 rounds on 3 nodes', async () => {
    const result = await bench('--kind', 'latency', '--sizes', '8', '--pairs', 'all', '--out', join(scratch, 'all3'), '--json');
    expect(result.exitCode, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { rounds: number; pairs: string[][]; rows: unknown[] };
    expect(summary.rounds).toBe(3);
    expect(summary.pairs.map((pair) => pair.join('-')).sort()).toEqual(['hpcrun-n1-hpcrun-n2', 'hpcrun-n1-hpcrun-n3', 'hpcrun-n2-hpcrun-n3']);
    expect(summary.rows).toHaveLength(3);
  });

  it('measures 6 pairs in 3 rounds on 4 nodes and prints the latency matrix', async () => {
    expect((await hpcrun(['testbed', 'up', '--nodes', '4'])).exitCode).toBe(0);
    try {
      const result = await bench('--kind', 'latency', '--sizes', '8', '--pairs', 'all', '--out', join(scratch, 'all4'));
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/6 pairs in 3 rounds/);
      const matrix = result.stdout.slice(result.stdout.indexOf('latency µs'));
      expect(matrix.split('\n').filter((line) => /^hpcrun-n\d/.test(line))).toHaveLength(4);
      const set = await readResultSet(join(scratch, 'all4.json'), scratch);
      expect(new Set(set.rows.map((row) => `${row.host_a}-${row.host_b}`)).size).toBe(6);
    } finally {
      expect((await hpcrun(['testbed', 'up', '--nodes', '3'])).exitCode).toBe(0);
    }
  });

  it('keeps every completed row, marked incomplete, when interrupted', async () => {
    const out = join(scratch, 'interrupted');
    const child = hpcrunOn('hpcrun-n1', ['bench', '--hosts', INVENTORY, '--kind', 'latency,bw,bibw', '--sizes', '1:1MiB', '--pairs', 'all', '--out', out]);
    const deadline = Date.now() + 60_000;
    let rows = 0;
    while (Date.now() < deadline && rows === 0) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      try {
        rows = (JSON.parse(await readFile(`${out}.json`, 'utf8')) as { rows: unknown[] }).rows.length;
      } catch {
        rows = 0; // not written yet
      }
    }
    expect(rows).toBeGreaterThan(0);
    child.kill('SIGINT');
    const result = await finished(child);
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toMatch(/HPCRUN_INTERRUPTED: interrupted by SIGINT: \d+ completed rows? kept/);
    const set = await readResultSet(`${out}.json`, scratch);
    // The completed rows are printed as the table.
    expect(result.stdout.split('\n').filter((line) => /^(latency|bw|bibw) +hpcrun-n/.test(line))).toHaveLength(set.rows.length);
    expect(set.metadata.complete).toBe(false);
    expect(set.metadata.incompleteReason).toBe('SIGINT');
    expect(set.rows.length).toBeGreaterThanOrEqual(rows);
    expect(set.rows.length).toBeLessThan(3 * 3 * 21);
    const csvLines = (await readFile(`${out}.csv`, 'utf8')).trim().split('\n');
    expect(csvLines).toHaveLength(set.rows.length + 1);
    expect((await readdir(scratch)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it.each([
    [['--kind', 'alltoall'], 64, /unknown benchmark kind "alltoall"/],
    [['--sizes', '8,lots'], 64, /--sizes "8,lots": "lots" is not a whole number of bytes/],
    [['--pairs', 'some'], 64, /--pairs "some" is not first or all/],
  ])('refuses %j with status %i before measuring', async (args, status, message) => {
    const out = join(scratch, 'bad');
    const result = await bench(...args, '--out', out);
    expect(result.exitCode).toBe(status);
    expect(result.stderr).toMatch(message);
    expect(existsSync(`${out}.json`)).toBe(false);
  });

  it('runs through --head from outside the nodes, as a laptop would', async () => {
    const out = join(scratch, 'via-head');
    const result = await finished(hpcrunOn('login', ['bench', '--head', 'hpcrun-n1', '--hosts', INVENTORY, '--kind', 'latency', '--sizes', '8', '--max-samples', '200', '--out', out, '--json']));
    expect(result.exitCode, result.stderr).toBe(0);
    const set = await readResultSet(`${out}.json`, scratch);
    expect(set.rows).toHaveLength(1);
    expect(set.rows[0]).toMatchObject({ kind: 'latency', host_a: 'hpcrun-n1', host_b: 'hpcrun-n2', stop_reason: expect.not.stringMatching(/failed/) });
    expect((set.metadata.notes ?? []).join(' ')).toContain('ssh provider on hpcrun-n1');
  });

  it('measures the reachable pairs with --skip-unreachable and names the host it left out', async () => {
    process.kill(await sshdPidOf('hpcrun-n3'), 'SIGKILL');
    try {
      const refused = await bench('--kind', 'latency', '--sizes', '8', '--pairs', 'all', '--max-samples', '100', '--out', join(scratch, 'refused'));
      expect(refused.exitCode).toBe(68);
      expect(refused.stderr).toMatch(/HPCRUN_HOST_UNREACHABLE: hpcrun-n3/);
      const out = join(scratch, 'skipping');
      const result = await bench('--kind', 'latency', '--sizes', '8', '--pairs', 'all', '--max-samples', '100', '--skip-unreachable', '--out', out, '--json');
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/bench: skipping hpcrun-n3, which cannot be reached: hpcrun-n3: cannot connect/);
      const summary = JSON.parse(result.stdout) as { pairs: string[][] };
      expect(summary.pairs).toEqual([['hpcrun-n1', 'hpcrun-n2']]);
      const set = await readResultSet(`${out}.json`, scratch);
      expect(set.metadata.hosts).toEqual(['hpcrun-n1', 'hpcrun-n2']);
      expect((set.metadata.notes ?? []).join(' ')).toMatch(/skipped hpcrun-n3/);
    } finally {
      expect((await hpcrun(['testbed', 'up', '--nodes', '3'])).exitCode).toBe(0);
    }
  });

  it('keeps the other pairs, and marks the failed ones with the reason, when a node dies mid-run', async () => {
    const out = join(scratch, 'node-dies');
    const child = hpcrunOn('hpcrun-n1', ['bench', '--hosts', INVENTORY, '--kind', 'latency', '--sizes', '8', '--pairs', 'all', '--max-samples', '2000', '--out', out]);
    await stderrUntil(child, /^bench: \[1\/3 pairs\]/m);
    // hpcrun-n3 dies: every process in its namespace.
    for (const pid of (await execa('ip', ['netns', 'pids', 'hpcrun-n3'])).stdout.split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
    try {
      const result = await finished(child);
      expect(result.exitCode, result.stderr).toBe(71);
      expect(result.stderr).toMatch(/HPCRUN_BENCH_FAILED: .*hpcrun-n3/);
      const set = await readResultSet(`${out}.json`, scratch);
      expect(set.metadata.complete).toBe(false);
      const byPair = (a: string, b: string) => set.rows.find((row) => row.host_a === a && row.host_b === b);
      expect(byPair('hpcrun-n1', 'hpcrun-n2')?.median).toBeGreaterThan(0);
      const failed = set.rows.filter((row) => row.stop_reason === 'failed');
      expect(failed.length).toBeGreaterThan(0);
      for (const row of failed) {
        expect([row.host_a, row.host_b]).toContain('hpcrun-n3');
        expect(String(row.extra?.error)).not.toBe('');
      }
    } finally {
      expect((await hpcrun(['testbed', 'up', '--nodes', '3'])).exitCode).toBe(0);
    }
  });

  it('refuses an inventory with one host', async () => {
    const one = join(scratch, 'one-host');
    await writeFile(one, 'hpcrun-n1 slots=2\n');
    const result = await finished(hpcrunOn('hpcrun-n1', ['bench', '--hosts', one, '--out', join(scratch, 'one')]));
    expect(result.exitCode).toBe(67);
    expect(result.stderr).toMatch(/HPCRUN_BENCH_ONE_HOST: bench measures between nodes, but the inventory lists only hpcrun-n1/);
    expect(existsSync(join(scratch, 'one.json'))).toBe(false);
  });

  it('refuses an unwritable output path with status 73 and writes nothing', async () => {
    const blocker = join(scratch, 'a-file');
    await writeFile(blocker, 'not a folder');
    const result = await bench('--kind', 'latency', '--sizes', '8', '--out', join(blocker, 'results'));
    expect(result.exitCode).toBe(73);
    expect(result.stderr).toMatch(/HPCRUN_OUTPUT_UNWRITABLE/);
    expect(await readFile(blocker, 'utf8')).toBe('not a folder');
  });
});
