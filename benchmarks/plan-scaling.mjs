// Planner scaling benchmark: plans a 3-D halo-exchange grid onto 64-rank
// nodes and writes every plan file, through the same code path as
// `hpcrun plan --out DIR` (commands/plan.js run()), minus process start-up.
// Run after `npm run build`:  node benchmarks/plan-scaling.mjs [--samples N]
//
// Method (DESIGN §4): one warm-up run per size, excluded; then N timed runs
// (default 9); reports the median with a nonparametric 95% CI (ranks
// ceil((n-1.96√n)/2) and ceil(1+(n+1.96√n)/2) of the sorted samples), min and max.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { run } from '../dist/commands/plan.js';

const samplesArg = process.argv.indexOf('--samples');
const SAMPLES = samplesArg > 0 ? Number(process.argv[samplesArg + 1]) : 9;

const CASES = [
  { ranks: '10^4', grid: '20x20x25', flags: { coresPerNode: '64' } },
  { ranks: '10^5', grid: '40x50x50', flags: { coresPerNode: '64' } },
  { ranks: '10^6', grid: '100x100x100', flags: { coresPerNode: '64' } },
  { ranks: '10^6', grid: '100x100x100', flags: { machine: 'c2-standard-60' }, note: '30 ranks/node: no box tiling, RCB' },
];

const sink = { write: () => true };
const deps = { argv: [], env: {}, stdout: sink, stderr: sink, cwd: process.cwd(), now: () => new Date(), onSignal: () => () => {} };

function ci(sorted) {
  const n = sorted.length;
  const lo = Math.ceil((n - 1.96 * Math.sqrt(n)) / 2);
  const hi = Math.ceil(1 + (n + 1.96 * Math.sqrt(n)) / 2);
  return [sorted[Math.max(0, lo - 1)], sorted[Math.min(n - 1, hi - 1)]];
}

async function once(c, dir) {
  const t0 = performance.now();
  const plan = await run({ flags: { grid: c.grid, out: dir, ...c.flags }, json: false }, deps);
  return { ms: performance.now() - t0, plan };
}

const root = mkdtempSync(join(tmpdir(), 'hpcrun-plan-bench-'));
console.log(`hpcrun plan scaling: node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ${SAMPLES} samples after 1 warm-up`);
console.log('ranks   grid          shape            nodes   mapping        median ms  95% CI ms        min-max ms   ms per 10^4 ranks');
try {
  for (const c of CASES) {
    const dir = join(root, c.grid + Object.values(c.flags).join(''));
    const warm = await once(c, dir);
    const times = [];
    for (let i = 0; i < SAMPLES; i += 1) {
      rmSync(dir, { recursive: true, force: true });
      times.push((await once(c, dir)).ms);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    const [lo, hi] = SAMPLES > 5 ? ci(times) : [NaN, NaN];
    const n = warm.plan.job.ranks;
    console.log(
      [
        c.ranks.padEnd(7),
        c.grid.padEnd(13),
        warm.plan.shape.name.padEnd(16),
        String(warm.plan.nodeCount).padEnd(7),
        warm.plan.metrics.mapping.padEnd(14),
        median.toFixed(0).padStart(9),
        `  [${lo.toFixed(0)}, ${hi.toFixed(0)}]`.padEnd(17),
        `${times[0].toFixed(0)}-${times[times.length - 1].toFixed(0)}`.padEnd(12),
        ((median / n) * 1e4).toFixed(2).padStart(8),
        c.note ? `  (${c.note})` : '',
      ].join(' '),
    );
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
