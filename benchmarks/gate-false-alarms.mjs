#!/usr/bin/env node
// How often does the gate cry wolf? Noise-only runs on the virtual cluster
// (nothing changes between them), each judged by `hpcrun gate` at its
// defaults (10% tolerance, 5 runs of history, window 30) against every run
// before it: a rolling baseline, as nightly keeps it. The first --warm runs
// only build the history. Counts flagged metrics per metric-run; the goal is
// 0 and the limit 1 in 20. Needs root; run it under the testbed lock:
//
//   npm run build && flock /run/hpcrun-itest.lock node benchmarks/gate-false-alarms.mjs [--warm 5] [--runs 10]
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const { values } = parseArgs({ options: {
  warm: { type: 'string', default: '5' },
  runs: { type: 'string', default: '10' },
  kind: { type: 'string', default: 'latency,bw' },
  sizes: { type: 'string', default: '8,1MiB' },
  'max-samples': { type: 'string', default: '200' },
} });
const warm = Number(values.warm);
const runs = Number(values.runs);
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const inventory = `${process.env.HPCRUN_TESTBED_DIR || '/run/hpcrun-testbed'}/hostfile`;
const scratch = await mkdtemp(join(tmpdir(), 'hpcrun-false-alarms-'));
const history = join(scratch, 'history');
const hpcrun = (...args) => execa(process.execPath, [bin, ...args], { reject: false });

async function bench(name) {
  const out = join(history, name);
  const r = await hpcrun('testbed', 'exec', '--', process.execPath, bin, 'bench', '--hosts', inventory, '--kind', values.kind, '--sizes', values.sizes, '--max-samples', values['max-samples'], '--out', out);
  if (r.exitCode !== 0) throw new Error(`bench ${name}: ${r.stderr}`);
  return `${out}.json`;
}

// Ctrl-C or a kill still takes the testbed down before the lock is released.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    execa(process.execPath, [bin, 'testbed', 'down'], { reject: false }).finally(() => process.exit(130));
  });
}
const up = await hpcrun('testbed', 'up', '--nodes', '3');
if (up.exitCode !== 0) throw new Error(up.stderr);
const started = Date.now();
const loads = [];
const flagged = [];
const improved = [];
let metricRuns = 0;
try {
  await execa('mkdir', ['-p', history]);
  for (let i = 0; i < warm; i++) {
    await bench(`run-${String(i).padStart(2, '0')}`);
    loads.push(loadavg()[0]);
  }
  for (let i = warm; i < warm + runs; i++) {
    const current = await bench(`run-${String(i).padStart(2, '0')}`);
    loads.push(loadavg()[0]);
    const g = await hpcrun('gate', '--baseline', history, '--current', current, '--json');
    if (g.exitCode !== 0 && g.exitCode !== 1) throw new Error(`gate: ${g.stderr}`);
    const { verdicts } = JSON.parse(g.stdout);
    for (const v of verdicts) {
      metricRuns += 1;
      const line = `run ${i}: ${v.label.padEnd(14)} ${v.verdict.padEnd(11)} baseline ${v.baselineMedian?.toPrecision(4)} (±${((v.spread ?? 0) * 100).toFixed(1)}%, n=${v.history})  now ${v.current?.toPrecision(4)}  ${v.change === null ? '' : `${(v.change * 100).toFixed(1)}%`}  z ${v.z?.toFixed(1)}`;
      process.stdout.write(`${line}\n`);
      if (v.failing) flagged.push(line);
      if (v.verdict === 'improved') improved.push(line);
    }
  }
} finally {
  await hpcrun('testbed', 'down');
  await rm(scratch, { recursive: true, force: true });
}
const rate = flagged.length / metricRuns;
process.stdout.write(`\n${flagged.length} flagged of ${metricRuns} metric-runs (${(rate * 100).toFixed(1)}%; limit 5%) in ${runs} judged runs after ${warm} warm-up runs; ` +
  `${((Date.now() - started) / 1000).toFixed(0)} s; load average during the runs ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} on ${cpus().length} CPUs\n`);
for (const line of flagged) process.stdout.write(`flagged: ${line}\n`);
// Noise has no direction: a shift called "improved" would have been a false
// alarm had the machine's load moved the other way.
process.stdout.write(`${improved.length} of ${metricRuns} metric-runs called "improved" (the same rule, the good direction: ${(((flagged.length + improved.length) / metricRuns) * 100).toFixed(1)}% flagged either way)\n`);
process.exitCode = rate <= 0.05 ? 0 : 1;
