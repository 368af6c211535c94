// bench --kind halo and calibrate on the real virtual cluster: the halo app
// built with mpicc, run by mpirun with a plan's rankfile across namespaces,
// and a program of known per-step time calibrated under a plan's placement.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResultSet } from '../../src/results/index.js';
import { INVENTORY, finished, hpcrun, hpcrunOn } from './cluster.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'hpcrun-halo-it-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function plan(name: string, ...args: string[]): Promise<{ dir: string; hosts: string[]; edges: number | null }> {
  const dir = join(scratch, name);
  const result = await hpcrun(['plan', ...args, '--cores-per-node', '2', '--hosts', INVENTORY, '--out', dir]);
  expect(result.exitCode, result.stderr).toBe(0);
  const json = JSON.parse(await readFile(join(dir, 'plan.json'), 'utf8')) as { nodes: { host: string }[]; rankToNode: number[]; metrics: { interNodeEdges: number | null } };
  return { dir, hosts: json.rankToNode.map((node) => json.nodes[node]?.host as string), edges: json.metrics.interNodeEdges };
}

describe('bench --kind halo runs the plan\'s own placement', () => {
  it.each([
    // grid, policy, the plan's inter-node edges (each carries two messages a step)
    ['3x2', 'compact', 4, []],
    ['4x1', 'cyclic', 3, []],
    ['4x1', 'cyclic', 3, ['--no-bind']],
  ] as const)('a %s %s plan (%i inter-node edges), flags %j: every rank on its planned host, one row of steps', async (grid, policy, planEdges, flags) => {
    const { dir, hosts, edges } = await plan(`${policy}-${grid}${flags.join('')}`, '--grid', grid, '--policy', policy);
    expect(edges).toBe(planEdges);
    const out = join(scratch, `halo-${policy}${flags.join('')}`);
    const result = await finished(hpcrunOn('hpcrun-n1', ['bench', '--kind', 'halo', '--plan', dir, '--halo-bytes', '4KiB', '--steps', '60', '--out', out, ...flags]));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^halo ${grid}, ${policy} plan, 4096 B per neighbour: [\\d.]+ us per step \\[[\\d.]+, [\\d.]+\\] \\(95% CI\\)`, 'm'));
    const set = await readResultSet(`${out}.json`, scratch);
    expect(set.metadata.complete).toBe(true);
    expect(set.metadata.plan).toEqual({ dir, policy, grid: grid.split('x').map(Number), periodic: false, rankToHost: hosts });
    expect(set.metadata.hosts).toEqual([...new Set(hosts)]);
    expect(set.rows).toHaveLength(1);
    const row = set.rows[0]!;
    // 60 steps back to back, a sample per 10.
    expect(row).toMatchObject({ kind: 'halo', unit: 'us', bytes: 4096, samples: 6, stop_reason: 'sample-cap' });
    expect(row.raw_samples).toHaveLength(6);
    expect(row.extra).toMatchObject({ steps: 60, steps_per_sample: 10 });
    expect(set.metadata.policy).toMatchObject({ iterationsPerSample: 10, maxSamples: 6 });
    expect(row.ci95_low).toBeLessThanOrEqual(row.median!);
    expect(row.ci95_high).toBeGreaterThanOrEqual(row.median!);
    // The hosts the ranks reported (MPI_Get_processor_name) are the plan's, rank by rank.
    expect(row.extra).toMatchObject({ placement_as_planned: 'yes', policy, grid, off_host_messages_per_step: 2 * planEdges, bound: flags.length ? 'no' : 'yes' });
    expect(set.metadata.placement).toMatch(flags.length ? /--map-by seq, not bound/ : /rankfile, each rank bound/);
    // A 4 KiB exchange across namespaces takes microseconds to milliseconds, not seconds.
    expect(row.median).toBeGreaterThan(1);
    expect(row.median).toBeLessThan(500_000);
  });
});

describe('calibrate', () => {
  // Each rank sleeps 0.3 s of start-up plus 20 ms per step: a program whose per-step time is known.
  const sleeper = ['sh', '-c', 'sleep $(awk "BEGIN { print 0.3 + $1 * 0.02 }")', 'sleeper', '{steps}'];

  it('derives per-step and start-up time from two runs of a program of known step time', async () => {
    const { dir } = await plan('calibrate', '--grid', '4x1');
    const result = await finished(hpcrunOn('hpcrun-n1', ['calibrate', '--plan', dir, '--steps', '10,110', '--json', '--', ...sleeper]));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^calibrate: run 2\/2: 110 steps in [\d.]+ s$/m);
    const fit = JSON.parse(result.stdout) as { perStepSeconds: number; startupSeconds: number; runs: { steps: number; seconds: number; argv: string[] }[] };
    expect(fit.runs.map((r) => r.argv.at(-1))).toEqual(['10', '110']);
    expect(fit.perStepSeconds).toBeGreaterThan(0.02 * 0.85);
    expect(fit.perStepSeconds).toBeLessThan(0.02 * 1.15);
    // Start-up is the program's 0.3 s plus mpirun's own (daemons over SSH): more than 0.3 s, well under 5 s.
    expect(fit.startupSeconds).toBeGreaterThan(0.3);
    expect(fit.startupSeconds).toBeLessThan(5);
  });

  it('stops at a run that exits non-zero (71), with its status and the end of its stderr', async () => {
    const { dir } = await plan('calibrate-fails', '--grid', '2x1');
    const result = await finished(hpcrunOn('hpcrun-n1', ['calibrate', '--plan', dir, '--', 'sh', '-c', 'echo "cannot open input.nml" >&2; exit 3', 'app', '{steps}']));
    expect(result.exitCode).toBe(71);
    expect(result.stderr).toMatch(/HPCRUN_CALIBRATE_FAILED: `sh -c .* app 10` exited with status 3 under the plan's placement \(run 1 of 2, 10 steps\); its stderr ended:\n\s+cannot open input.nml/);
    expect(result.stdout).toBe('');
  });

  it('refuses a plan without a grid for --kind halo on the cluster too, writing nothing', async () => {
    const { dir } = await plan('ranks-only', '--ranks', '4');
    const out = join(scratch, 'never');
    const result = await finished(hpcrunOn('hpcrun-n1', ['bench', '--kind', 'halo', '--plan', dir, '--halo-bytes', '1KiB', '--out', out]));
    expect(result.exitCode).toBe(65);
    expect(result.stderr).toMatch(/HPCRUN_HALO_NO_GRID/);
    expect(existsSync(`${out}.json`)).toBe(false);
  });
});
