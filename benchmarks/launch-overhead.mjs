#!/usr/bin/env node
// How much does `hpcrun launch` (preflight over SSH, placement, then mpirun
// with its daemons started over the preflight's connections) add to a bare
// `mpirun` (OpenSSH per node) for the same job running `true`, one rank per
// node, at several node counts?
//
//   npm run build && node benchmarks/launch-overhead.mjs [--nodes 2,8,16] [--pairs 7] [--preflight 2,4,8,16,32]
//
// Needs root: for each node count it brings up a virtual cluster of that
// size, runs both commands on the head node, alternating which goes first in
// each pair, prints every wall time and the median of the per-pair ratios.
// --preflight lists node counts at which only hpcrun's own preflight time is
// read (from its "preflight: N hosts ok in S s" line). It tears the cluster down.
//
// Each pair also times a third command, the floor: a Node.js process that
// does nothing but run the same bare mpirun. Its ratio is what any Node.js
// wrapper costs before doing any work of its own (Node.js's start-up on
// this machine), so hpcrun's own share is the gap between the two ratios.
//
// --persist adds a fourth command: `hpcrun launch --persist 10m`, whose logins
// a holder keeps between launches (the warm-up run starts it), so it makes no
// SSH handshake at all. The holders are stopped at the end.
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

const { values } = parseArgs({ options: { pairs: { type: 'string', default: '7' }, nodes: { type: 'string', default: '2,8,16' }, preflight: { type: 'string', default: '2,4,8,16,32' }, persist: { type: 'boolean', default: false } } });
const pairs = Number(values.pairs);
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const inventory = `${process.env.HPCRUN_TESTBED_DIR || '/run/hpcrun-testbed'}/hostfile`;
const onHead = (argv) => [bin, 'testbed', 'exec', '--', ...argv];
const hosts = (n) => Array.from({ length: n }, (_, i) => `hpcrun-n${i + 1}:1`).join(',');

const commands = (n) => ({
  hpcrun: onHead([process.execPath, bin, 'launch', '--hosts', inventory, '--np', String(n), '--ppn', '1', '--', 'true']),
  kept: onHead([process.execPath, bin, 'launch', '--hosts', inventory, '--np', String(n), '--ppn', '1', '--persist', '10m', '--', 'true']),
  mpirun: onHead(['mpirun', '--host', hosts(n), '-np', String(n), 'true']),
  floor: onHead([process.execPath, '-e', "process.exitCode = require('node:child_process').spawnSync('mpirun', process.argv.slice(1), { stdio: 'inherit' }).status", '--', '--host', hosts(n), '-np', String(n), 'true']),
});

async function timed(argv) {
  const started = performance.now();
  const result = await execa(process.execPath, argv, { reject: false });
  if (result.exitCode !== 0) throw new Error(`${argv.join(' ')} failed: ${result.stderr}`);
  return { seconds: (performance.now() - started) / 1000, stderr: String(result.stderr) };
}

const median = (list) => {
  const sorted = [...list].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const up = (n) => execa(process.execPath, [bin, 'testbed', 'up', '--nodes', String(n)], { stdio: 'inherit' });

const summary = [];
const preflight = [];
try {
  const counts = [...new Set([...values.nodes.split(','), ...values.preflight.split(',')].map(Number))].sort((a, b) => a - b);
  for (const n of counts) {
    await up(n);
    const c = commands(n);
    await timed(c.mpirun); // warm-up: page cache, first handshakes
    await timed(c.hpcrun);
    if (values.persist) await timed(c.kept); // starts the holder
    const ratios = [];
    const floors = [];
    const kept = [];
    const seconds = [];
    const compare = values.nodes.split(',').map(Number).includes(n);
    if (compare) console.log(`\n${n} nodes\npair  first   hpcrun s  mpirun s  floor s  ratio  floor ratio${values.persist ? '  kept s  kept ratio' : ''}`);
    for (let i = 0; i < pairs; i++) {
      // The three take turns at going first.
      const names = values.persist ? ['hpcrun', 'mpirun', 'floor', 'kept'] : ['hpcrun', 'mpirun', 'floor'];
      const order = compare ? [...names.slice(i % names.length), ...names.slice(0, i % names.length)] : ['hpcrun'];
      const t = {};
      for (const name of order) {
        const run = await timed(c[name]);
        t[name] = run.seconds;
        if (name === 'hpcrun') seconds.push(Number(/preflight: \d+ hosts? ok in ([\d.]+) s/.exec(run.stderr)?.[1]));
      }
      if (!compare) continue;
      ratios.push(t.hpcrun / t.mpirun);
      floors.push(t.floor / t.mpirun);
      if (values.persist) kept.push(t.kept / t.mpirun);
      console.log(`${String(i + 1).padStart(4)}  ${order[0].padEnd(6)}  ${t.hpcrun.toFixed(3).padStart(8)}  ${t.mpirun.toFixed(3).padStart(8)}  ${t.floor.toFixed(3).padStart(7)}  ${(t.hpcrun / t.mpirun).toFixed(2).padStart(5)}  ${(t.floor / t.mpirun).toFixed(2).padStart(11)}${values.persist ? `  ${t.kept.toFixed(3).padStart(6)}  ${(t.kept / t.mpirun).toFixed(2).padStart(10)}` : ''}`);
    }
    preflight.push({ nodes: n, median: median(seconds), min: Math.min(...seconds), max: Math.max(...seconds) });
    if (compare) summary.push({ nodes: n, ratio: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios), floor: median(floors), floorMin: Math.min(...floors), floorMax: Math.max(...floors), ...(values.persist ? { kept: median(kept), keptMin: Math.min(...kept), keptMax: Math.max(...kept) } : {}) });
    if (values.persist) await execa(process.execPath, onHead([process.execPath, bin, 'connections', '--stop']));
  }
  console.log(`\nNode.js ${process.version}`);
  console.log(`nodes  median ratio hpcrun/mpirun  [min, max]    floor: Node.js + mpirun / mpirun  [min, max]${values.persist ? '  kept (--persist) / mpirun  [min, max]' : ''}`);
  for (const row of summary) console.log(`${String(row.nodes).padStart(5)}  ${row.ratio.toFixed(2).padStart(26)}  [${row.min.toFixed(2)}, ${row.max.toFixed(2)}]  ${row.floor.toFixed(2).padStart(33)}  [${row.floorMin.toFixed(2)}, ${row.floorMax.toFixed(2)}]${row.kept === undefined ? '' : `  ${row.kept.toFixed(2).padStart(25)}  [${row.keptMin.toFixed(2)}, ${row.keptMax.toFixed(2)}]`}`);
  console.log('\nnodes  preflight median s  [min, max]');
  for (const row of preflight) console.log(`${String(row.nodes).padStart(5)}  ${row.median.toFixed(2).padStart(18)}  [${row.min.toFixed(2)}, ${row.max.toFixed(2)}]`);
} finally {
  if (values.persist) await execa(process.execPath, onHead([process.execPath, bin, 'connections', '--stop']), { reject: false });
  await execa(process.execPath, [bin, 'testbed', 'down'], { stdio: 'inherit' });
}
