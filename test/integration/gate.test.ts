// The gate on the real virtual cluster: a baseline of uncapped runs, then
// the nodes capped at 1 Gbit/s with tc tbf (a real network regression), then
// the cap removed again.

import { execa } from 'execa';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVENTORY, finished, hpcrun, hpcrunOn } from './cluster.js';

let scratch: string;
let baseline: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'hpcrun-gate-it-'));
  baseline = join(scratch, 'history');
  await mkdir(baseline);
});
afterAll(async () => {
  await hpcrun(['testbed', 'up', '--nodes', '3']);
  await rm(scratch, { recursive: true, force: true });
});

// Small and quick: two kinds, two sizes, at most 100 samples each (a few seconds a run on a quiet machine).
const bench = async (out: string) => {
  const r = await finished(hpcrunOn('hpcrun-n1', ['bench', '--hosts', INVENTORY, '--kind', 'latency,bw', '--sizes', '8,1MiB', '--max-samples', '20', '--out', out]));
  expect(r.exitCode, r.stderr).toBe(0);
  return `${out}.json`;
};

interface Verdicts { status: number; verdicts: { label: string; verdict: string; current: number; baselineMedian: number; reason: string }[] }
// The history is five runs (the gate's default --min-history) and the tolerance 75%. On this shared
// 2-core machine an unchanged network reads in two modes, whole runs at a time: of 14 runs on
// 2026-11-29, 1 MiB latency read 412-508 µs in some and 621-663 µs in others (x1.6), and 8-byte
// latency moved with it (11.5-14.8 µs against 17.1-19.1 µs). A history that happens to hold one
// mode only (an earlier 3-run, 50% version of this test failed so: 438 -> 673 µs, +54%) cannot
// explain the other by its spread, so the tolerance must: 75% is above x1.6. The cap moves 1 MiB
// bandwidth by -90% to -96% and 1 MiB latency by +1,500% or more, far beyond it. The default
// 10%'s false-alarm rate over a rolling history is what benchmarks/gate-false-alarms.mjs measures.
const HISTORY = 5;
const gateJson = async (current: string, ...extra: string[]): Promise<{ exitCode: number | undefined; json: Verdicts; stderr: string }> => {
  const r = await hpcrun(['gate', '--baseline', baseline, '--current', current, '--min-history', String(HISTORY), '--tolerance', '75%', '--json', ...extra]);
  return { exitCode: r.exitCode, json: JSON.parse(r.stdout || '{}') as Verdicts, stderr: r.stderr };
};
const tbfOn = async (node: string) => String((await execa('ip', ['netns', 'exec', node, 'tc', 'qdisc', 'show', 'dev', 'eth0'])).stdout);

describe('gate on the virtual cluster', () => {
  it('passes uncapped runs, catches a 1 Gbit/s cap (exit 1, naming the 1 MiB bandwidth and latency), and passes again once the cap is gone', { timeout: 240_000 }, async () => {
    for (let i = 1; i <= HISTORY; i++) await bench(join(baseline, `base-${i}`));

    // Capped: tbf on every node's egress.
    expect((await hpcrun(['testbed', 'up', '--nodes', '3', '--bandwidth', '1gbit'])).exitCode).toBe(0);
    expect(await tbfOn('hpcrun-n1')).toMatch(/tbf .*rate 1Gbit/);
    const capped = await bench(join(scratch, 'capped'));
    const junit = join(scratch, 'gate.xml');
    const md = join(scratch, 'gate.md');
    const bad = await gateJson(capped, '--junit', junit, '--md', md);
    const table = bad.json.verdicts.map((v) => `${v.label}: ${v.verdict} (${v.baselineMedian} -> ${v.current}; ${v.reason})`).join('\n');
    expect(bad.exitCode, table).toBe(1);
    const verdict = (label: string) => bad.json.verdicts.find((v) => v.label === label);
    expect(verdict('bw 1 MiB')?.verdict, table).toBe('regression');
    // 1 Gbit/s is 125 MB/s; tbf lets a little more through in bursts.
    expect(verdict('bw 1 MiB')?.current).toBeLessThan(135);
    expect(verdict('latency 1 MiB')?.verdict, table).toBe('regression');
    // 8-byte latency: one small message at a time never waits in tbf's queue,
    // so a cap alone does not slow it (it does under load). Reported, not asserted.
    console.log(`gate under a 1 Gbit/s cap:\n${table}`);

    // The cap removed: `testbed up` without --bandwidth takes tbf away.
    expect((await hpcrun(['testbed', 'up', '--nodes', '3'])).exitCode).toBe(0);
    for (const node of ['hpcrun-n1', 'hpcrun-n2', 'hpcrun-n3']) expect(await tbfOn(node)).not.toMatch(/tbf/);
    const after = await bench(join(scratch, 'uncapped'));
    const good = await gateJson(after);
    const again = good.json.verdicts.map((v) => `${v.label}: ${v.verdict} (${v.baselineMedian} -> ${v.current}; ${v.reason})`).join('\n');
    console.log(`gate after the cap was removed:\n${again}`);
    expect(good.exitCode, again).toBe(0);
  });
});
