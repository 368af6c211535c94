#!/usr/bin/env node
// How much does `hpcrun launch` (preflight over SSH, placement, then mpirun)
// add to a bare `mpirun` for the same 2-node job running `true`?
//
//   npm run build && node benchmarks/launch-overhead.mjs [--pairs 7]
//
// Needs root: it brings up a 2-node virtual cluster, runs both commands on the
// head node, alternating which goes first in each pair, prints every wall
// time and the median of the per-pair ratios, then tears the cluster down.
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

const { values } = parseArgs({ options: { pairs: { type: 'string', default: '7' } } });
const pairs = Number(values.pairs);
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const inventory = `${process.env.HPCRUN_TESTBED_DIR || '/run/hpcrun-testbed'}/hostfile`;
const onHead = (argv) => [bin, 'testbed', 'exec', '--', ...argv];

const commands = {
  hpcrun: onHead([process.execPath, bin, 'launch', '--hosts', inventory, '--np', '2', '--ppn', '1', '--', 'true']),
  mpirun: onHead(['mpirun', '--host', 'hpcrun-n1:1,hpcrun-n2:1', '-np', '2', 'true']),
};

async function timed(name) {
  const started = performance.now();
  const result = await execa(process.execPath, commands[name], { reject: false });
  if (result.exitCode !== 0) throw new Error(`${name} failed: ${result.stderr}`);
  return (performance.now() - started) / 1000;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

await execa(process.execPath, [bin, 'testbed', 'up', '--nodes', '2'], { stdio: 'inherit' });
try {
  await timed('mpirun'); // warm-up: page cache, first ssh handshake
  await timed('hpcrun');
  const ratios = [];
  console.log('pair  first   hpcrun s  mpirun s  ratio');
  for (let i = 0; i < pairs; i++) {
    const order = i % 2 === 0 ? ['hpcrun', 'mpirun'] : ['mpirun', 'hpcrun'];
    const t = {};
    for (const name of order) t[name] = await timed(name);
    ratios.push(t.hpcrun / t.mpirun);
    console.log(`${String(i + 1).padStart(4)}  ${order[0].padEnd(6)}  ${t.hpcrun.toFixed(3).padStart(8)}  ${t.mpirun.toFixed(3).padStart(8)}  ${(t.hpcrun / t.mpirun).toFixed(2).padStart(5)}`);
  }
  console.log(`median ratio hpcrun/mpirun over ${pairs} pairs: ${median(ratios).toFixed(2)} (target <= 1.10)`);
} finally {
  await execa(process.execPath, [bin, 'testbed', 'down'], { stdio: 'inherit' });
}
