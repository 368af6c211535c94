import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { parseRankfile, recount } from '../fixtures/plan/helpers.js';

const hpcrun = (args: string[], cwd = process.cwd()) => runCli(args, { cwd });

const scratch = (): string => mkdtempSync(join(tmpdir(), 'hpcrun-plan-test-'));

describe('hpcrun plan', () => {
  it('--json prints the worked example', async () => {
    const { code, out } = await hpcrun(['plan', '--grid', '64x64x64', '--cores-per-node', '64', '--json']);
    expect(code).toBe(0);
    const plan = JSON.parse(out) as Record<string, unknown>;
    expect(plan).toMatchObject({ nodeCount: 4096, ranksPerNode: 64, threadsPerRank: 1, warnings: [] });
    expect(plan.metrics).toMatchObject({ interNodeEdges: 184_320, maxOffNodeEdgesPerNode: 96, blockInterNodeEdges: 516_096, lowerBoundInterNodeEdges: 184_320 });
  });

  it('--out writes every file, and the rankfile recounts to the printed metrics', async () => {
    const dir = join(scratch(), 'plan');
    const { code, out } = await hpcrun(['plan', '--grid', '7x11x5', '--periodic', '--machine', 'n2-standard-64', '--halo-bytes', '1KiB', '--out', dir]);
    expect(code).toBe(0);
    expect(out).toMatch(/wrote 6 files/);
    expect(readdirSync(dir).sort()).toEqual(['hostfile', 'launch.sh', 'machinefile', 'plan.json', 'rankfile', 'slurm-hostfile']);
    expect(statSync(join(dir, 'launch.sh')).mode & 0o111).not.toBe(0);
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as { metrics: { interNodeEdges: number; networkBytesPerStep: number }; nodeCount: number };
    const { hosts } = parseRankfile(readFileSync(join(dir, 'rankfile'), 'utf8'));
    expect(recount([7, 11, 5], true, (r) => hosts[r] as string).inter).toBe(plan.metrics.interNodeEdges);
    expect(plan.metrics.networkBytesPerStep).toBe(2 * 1024 * plan.metrics.interNodeEdges);
    expect(plan.nodeCount).toBe(13);
  });

  it('reads a job file, with paths relative to it and flags overriding it', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'hosts'), 'h1 slots=8\nh2 slots=8\nh3\n');
    writeFileSync(join(dir, 'job.json'), JSON.stringify({ grid: '4x4', coresPerNode: 16, hosts: 'hosts', out: 'out', mpi: 'slurm' }));
    const { code, err } = await hpcrun(['plan', join(dir, 'job.json'), '--policy', 'block']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(readFileSync(join(dir, 'out', 'hostfile'), 'utf8')).toBe('h1 slots=8\nh2 slots=8\n');
    expect(readFileSync(join(dir, 'out', 'launch.sh'), 'utf8')).toContain('srun --distribution=arbitrary');
  });

  it('plans the example job file and an on-prem shape from --catalog', async () => {
    const fixture = new URL('../fixtures/plan/job.json', import.meta.url).pathname;
    const fromFile = JSON.parse((await hpcrun(['plan', fixture, '--json'])).out) as { machine: string; nodeCount: number; ranksPerNode: number; metrics: { networkBytesPerStep: number } };
    expect(fromFile).toMatchObject({ machine: 'c2d-standard-112', ranksPerNode: 56 });
    expect(fromFile.nodeCount).toBe(Math.ceil(32768 / 56));
    expect(fromFile.metrics.networkBytesPerStep).toBeGreaterThan(0);
    const onprem = await hpcrun(['plan', '--ranks', '1000', '--catalog', 'placement/onprem-example.json', '--machine', 'epyc-128', '--max-ranks-per-node', '128', '--json']);
    expect(JSON.parse(onprem.out)).toMatchObject({ nodeCount: 8, ranksPerNode: 128, gce: null, warnings: [] });
  });

  it('--recommend --json ranks the catalog', async () => {
    const { code, out } = await hpcrun(['plan', '--grid', '32x32x32', '--halo-bytes', '8KiB', '--recommend', '--json']);
    expect(code).toBe(0);
    const { recommendations } = JSON.parse(out) as { recommendations: { machine: string; nodeCount: number; costPerHour: { onDemand: number } }[] };
    expect(recommendations).toHaveLength(7);
    expect(recommendations[0]).toHaveProperty('costPerHour.spot');
    const costs = recommendations.map((r) => r.costPerHour.onDemand);
    expect(costs).toEqual([...costs].sort((a, b) => a - b));
  });

  it('--recommend --spot ranks by the spot price; shapes without one come after', async () => {
    const { code, out } = await hpcrun(['plan', '--grid', '32x32x32', '--recommend', '--spot', '--json']);
    expect(code).toBe(0);
    const { rankedBy, recommendations } = JSON.parse(out) as { rankedBy: string; recommendations: { costPerHour: { onDemand: number; spot: number | null } }[] };
    expect(rankedBy).toBe('spot');
    const spot = recommendations.map((r) => r.costPerHour.spot ?? Infinity);
    expect(spot).toEqual([...spot].sort((a, b) => a - b));
    // The catalog's cheapest on-demand shape is not the cheapest on spot: the order differs.
    const onDemand = recommendations.map((r) => r.costPerHour.onDemand);
    expect(onDemand).not.toEqual([...onDemand].sort((a, b) => a - b));
    const text = await hpcrun(['plan', '--grid', '32x32x32', '--recommend', '--spot']);
    expect(text.out).toContain('ranked by $/h spot (--spot)');
  });

  it.each([
    [['--machine', 'c2-standard-60'], '--machine'],
    [['--cores-per-node', '64'], '--cores-per-node'],
    [['--cores-per-node', '64', '--mem-per-node', '256GiB'], '--cores-per-node and --mem-per-node'],
    [['--nodes', '4'], '--nodes'],
    [['--hosts', 'hosts.txt'], '--hosts'],
    [['--out', 'plan'], '--out'],
    [['--machine', 'c2-standard-60', '--nodes', '4', '--out', 'plan'], '--machine, --nodes and --out'],
  ])('--recommend with %j is refused (64), not silently ignored', async (flags, named) => {
    const dir = scratch();
    const { code, err, out } = await hpcrun(['plan', '--grid', '8x8', '--recommend', ...flags], dir);
    expect(code).toBe(64);
    expect(out).toBe('');
    expect(err).toContain(`HPCRUN_RECOMMEND_CONFLICT: --recommend ranks every catalog shape and writes no plan, so it cannot take ${named}\n  fix: drop ${named}`);
    expect(existsSync(join(dir, 'plan'))).toBe(false);
  });

  it('--recommend warns about job-file fields it does not use', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'job.json'), JSON.stringify({ grid: '8x8', machine: 'c2-standard-60', nodes: 2 }));
    const { code, err } = await hpcrun(['plan', join(dir, 'job.json'), '--recommend']);
    expect(code).toBe(0);
    expect(err).toBe('hpcrun: warning: --recommend does not use the job file\'s "machine", "nodes": it ranks every catalog shape and writes no plan\n');
  });

  it('--recommend exits 67 when no shape fits, after listing every reason', async () => {
    const { code, out, err } = await hpcrun(['plan', '--grid', '8x8', '--mem-per-rank', '5TiB', '--recommend']);
    expect(code).toBe(67);
    expect(out.match(/does not fit: one rank needs 5 TiB/g)).toHaveLength(7);
    expect(err).toMatch(/^hpcrun: error HPCRUN_PLAN_INFEASIBLE: the job fits on none of the 7 shapes in the catalog/);
  });

  it('--help shows examples', async () => {
    const { code, out } = await hpcrun(['plan', '--help']);
    expect(code).toBe(0);
    expect(out).toContain('Examples:');
    expect(out).toContain('--grid <AxB[xC]>');
  });
});

describe('hpcrun plan with bad input exits with its code and leaves no files', () => {
  const missing = '/nonexistent/hpcrun/job.json';
  it.each([
    ['malformed grid', ['--grid', '64x', '--cores-per-node', '8'], 64, /--grid "64x"/],
    ['zero ranks', ['--ranks', '0', '--cores-per-node', '8'], 64, /--ranks "0" must be a whole number >= 1/],
    ['negative memory', ['--ranks', '4', '--cores-per-node', '8', '--mem-per-rank', '-1GiB'], 64, /--mem-per-rank "-1GiB"/],
    ['unknown machine', ['--ranks', '4', '--machine', 'c2-standard-6'], 64, /unknown machine type "c2-standard-6"/],
    ['memory that cannot fit', ['--grid', '8x8', '--machine', 'c2-standard-60', '--mem-per-rank', '300GiB'], 67, /one rank needs 300 GiB/],
    ['too few nodes', ['--grid', '8x8', '--cores-per-node', '8', '--nodes', '2'], 67, /raise --nodes to at least 8/],
    ['n1 with compact placement', ['--ranks', '128', '--machine', 'n1-standard-64', '--gce-placement', 'compact'], 67, /does not support compact placement/],
    ['a missing job file', [missing], 66, /cannot read job file/],
    ['a missing hosts file', ['--ranks', '4', '--cores-per-node', '8', '--hosts', '/nonexistent/hosts'], 66, /cannot read hosts file/],
  ])('%s', async (_name, args, exitCode, message) => {
    const dir = join(scratch(), 'out');
    const { code, err } = await hpcrun(['plan', ...args, '--out', dir]);
    expect(code).toBe(exitCode);
    expect(err).toMatch(message);
    expect(existsSync(dir)).toBe(false);
  });

  it.each([
    ['invalid JSON', '{"grid": ', 65, /is not valid JSON/],
    ['a bad field', '{"grid": "8x8", "coresPerNode": 8, "threadsPerRank": "two"}', 65, /"threadsPerRank" "two" must be a whole number/],
    ['an unknown field', '{"grid": "8x8", "coresPerNode": 8, "memPerNde": "1GiB"}', 65, /unknown field "memPerNde"/],
  ])('a job file with %s', async (_name, text, exitCode, message) => {
    const dir = scratch();
    writeFileSync(join(dir, 'job.json'), text);
    const { code, err } = await hpcrun(['plan', join(dir, 'job.json'), '--out', join(dir, 'out')]);
    expect(code).toBe(exitCode);
    expect(err).toMatch(message);
    expect(readdirSync(dir)).toEqual(['job.json']);
  });

  it('an infeasible plan leaves an existing --out directory untouched', async () => {
    const dir = scratch();
    const { code } = await hpcrun(['plan', '--grid', '8x8', '--cores-per-node', '8', '--nodes', '1', '--out', dir]);
    expect(code).toBe(67);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an --out that cannot be created exits 73 and leaves nothing', async () => {
    const { code, err } = await hpcrun(['plan', '--ranks', '4', '--cores-per-node', '8', '--out', '/proc/hpcrun-plan-test']);
    expect(code).toBe(73);
    expect(err).toMatch(/cannot write the plan to \/proc\/hpcrun-plan-test/);
    expect(existsSync('/proc/hpcrun-plan-test')).toBe(false);
  });

  it('--out that is a file exits 73', async () => {
    const file = join(scratch(), 'file');
    writeFileSync(file, 'x');
    const { code, err } = await hpcrun(['plan', '--ranks', '4', '--cores-per-node', '8', '--out', file]);
    expect(code).toBe(73);
    expect(err).toMatch(/exists and is not a directory/);
  });
});
