#!/usr/bin/env node
// Prediction against measurement on the virtual cluster (issue 8, "Proof").
// Needs root and the built CLI; run it under the testbed lock:
//
//   npm run build && flock /run/hpcrun-itest.lock node benchmarks/predict-accuracy.mjs
//
// 1. two nodes, each capped at 1 Gbit/s with tc tbf (testbed up --bandwidth 1gbit);
// 2. bench latency and bw over 8 B–4 MiB between them, and `model fit` it;
// 3. plan a 4x1 grid on the two 2-slot hosts (--cores-per-node 2), once with
//    --policy compact and once with --policy cyclic;
// 4. for halo sizes 64 KiB, 256 KiB and 1 MiB, `predict` the time per step and
//    measure it with `bench --kind halo` (the plan's rankfile, real mpirun);
// 5. uncapped: the same on a model fitted without the cap, with 1 KiB halos
//    (latency-bound); its error is reported whatever it is.
// Prints one table and the checks (±15%; cyclic ≥ 2× compact at 1 MiB), and
// writes every figure to --out (default a temp folder) as JSON.
//
// OMPI_MCA_* variables in its environment reach every mpirun (bench records
// them as the result set's transport), so the model and the halo run on the
// same transport, e.g. OMPI_MCA_btl_tcp_eager_limit=8388608 sends every size
// eagerly, without the rendezvous handshake (benchmarks/README.md).
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '200' }, out: { type: 'string' }, 'max-samples': { type: 'string', default: '100' } } });
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const inventory = `${process.env.HPCRUN_TESTBED_DIR || '/run/hpcrun-testbed'}/hostfile`;
const scratch = values.out ?? (await mkdtemp(join(tmpdir(), 'hpcrun-predict-accuracy-')));
const started = Date.now();
const transport = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('OMPI_MCA_')));
const log = (line) => process.stderr.write(`[${((Date.now() - started) / 1e3).toFixed(0).padStart(4)} s] ${line}\n`);

async function hpcrun(...args) {
  const result = await execa(process.execPath, [bin, ...args], { reject: false });
  if (result.exitCode !== 0) throw new Error(`hpcrun ${args.join(' ')} exited ${result.exitCode}:\n${result.stderr}`);
  return result.stdout;
}
const onHead = (...args) => hpcrun('testbed', 'exec', '--', process.execPath, bin, ...args);

async function fitModel(name) {
  const net = join(scratch, `net-${name}`);
  log(`bench latency,bw 8 B–4 MiB (${name})`);
  await onHead('bench', '--hosts', inventory, '--kind', 'latency,bw', '--sizes', '8:4MiB', '--max-samples', values['max-samples'], '--out', net);
  // Not used by the model; printed for comparison. The tbf cap is full duplex (raw TCP
  // moves the cap each way at once), but with Open MPI's default TCP eager limit a
  // bibw window above 64 KiB reads about one cap: each rendezvous go-ahead queues
  // behind the receiver's own outgoing data on the one TCP connection.
  await onHead('bench', '--hosts', inventory, '--kind', 'bw,bibw', '--sizes', '64KiB,256KiB,1MiB', '--max-samples', '20', '--out', `${net}-bibw`);
  for (const r of JSON.parse(await readFile(`${net}-bibw.json`, 'utf8')).rows) {
    bidirectional.push({ cap: name, kind: r.kind, bytes: r.bytes, mbps: r.median });
    log(`${name}: ${r.kind} ${r.bytes} B: ${r.median.toFixed(1)} MB/s`);
  }
  const model = join(scratch, `model-${name}.json`);
  await hpcrun('model', 'fit', `${net}.json`, '--out', model);
  return model;
}

async function plans() {
  const dirs = {};
  for (const policy of ['compact', 'cyclic']) {
    dirs[policy] = join(scratch, `plan-${policy}`);
    await hpcrun('plan', '--grid', '4x1', '--cores-per-node', '2', '--hosts', inventory, '--policy', policy, '--out', dirs[policy]);
  }
  return dirs;
}

const rows = [];
const bidirectional = [];
async function compare(cap, model, dirs, sizes) {
  for (const bytes of sizes) {
    for (const [policy, bound] of [['compact', false], ['cyclic', false], ['compact', true], ['cyclic', true]]) {
      const predicted = JSON.parse(await hpcrun('predict', '--plan', dirs[policy], '--model', model, '--halo-bytes', String(bytes), '--compute-us', '0', '--json'));
      const out = join(scratch, `halo-${cap}-${policy}-${bytes}-${bound ? 'bound' : 'unbound'}`);
      const load = loadavg()[0];
      await onHead('bench', '--kind', 'halo', '--plan', dirs[policy], '--halo-bytes', String(bytes), '--steps', values.steps, '--out', out, ...(bound ? [] : ['--no-bind']));
      const row = JSON.parse(await readFile(`${out}.json`, 'utf8')).rows[0];
      const predictedUs = predicted.predicted.secondsPerStep * 1e6;
      // Wall time per step (rank 0's elapsed / steps): a cross-check of the median sample, which
      // is the slowest rank's mean over blocks of 10 back-to-back steps.
      const wallUs = (row.extra.kernel_elapsed_s / row.extra.steps) * 1e6;
      const entry = { cap, policy, bound, bytes, predictedUs, measuredUs: row.median, wallUs, ciLow: row.ci95_low, ciHigh: row.ci95_high, p95: row.p95, error: predictedUs / row.median - 1, warnings: predicted.warnings, load1: load };
      rows.push(entry);
      log(`${cap} ${policy}${bound ? ' bound' : ''} ${bytes} B: predicted ${predictedUs.toFixed(0)} us, measured ${row.median.toFixed(0)} us [${row.ci95_low.toFixed(0)}, ${row.ci95_high.toFixed(0)}] (${(entry.error * 100).toFixed(1)}%), load ${load.toFixed(1)}`);
    }
  }
}

try {
  log(`testbed up --nodes 2 --bandwidth 1gbit; scratch ${scratch}; transport ${JSON.stringify(transport)}`);
  await hpcrun('testbed', 'up', '--nodes', '2', '--bandwidth', '1gbit');
  const capped = await fitModel('1gbit');
  const dirs = await plans();
  await compare('1gbit', capped, dirs, [65536, 262144, 1048576]);
  log('testbed up --nodes 2 (no cap)');
  await hpcrun('testbed', 'up', '--nodes', '2');
  const open = await fitModel('uncapped');
  await compare('none', open, dirs, [1024]);
} finally {
  await execa(process.execPath, [bin, 'testbed', 'down'], { reject: false });
}

const kib = (b) => (b >= 1048576 ? `${b / 1048576} MiB` : `${b / 1024} KiB`);
const pct = (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const lines = ['| cap | policy | bound to cores | halo | predicted µs/step | measured median µs/step | 95% CI | error | wall µs/step, elapsed / steps (error) | load (1 min) |', '|---|---|---|---|---|---|---|---|---|---|'];
for (const r of rows) lines.push(`| ${r.cap} | ${r.policy} | ${r.bound ? 'yes (rankfile)' : 'no (--no-bind)'} | ${kib(r.bytes)} | ${r.predictedUs.toFixed(0)} | ${r.measuredUs.toFixed(0)} | [${r.ciLow.toFixed(0)}, ${r.ciHigh.toFixed(0)}] | ${pct(r.error)} | ${r.wallUs.toFixed(0)} (${pct(r.predictedUs / r.wallUs - 1)}) | ${r.load1.toFixed(1)} |`);
process.stdout.write(`transport (OMPI_MCA_* set for the run): ${Object.keys(transport).length > 0 ? JSON.stringify(transport) : 'Open MPI defaults'}\n\n${lines.join('\n')}\n\n`);
let ratio = {};
for (const bound of [false, true]) {
  const tag = bound ? 'bound (rankfile)' : 'unbound (--no-bind)';
  const capped = rows.filter((r) => r.cap === '1gbit' && r.bound === bound);
  const within = capped.filter((r) => Math.abs(r.error) <= 0.15).length;
  process.stdout.write(`accuracy, ${tag} (1 Gbit/s cap, target ±15%): ${within} of ${capped.length} configurations within\n`);
  const at = (policy) => capped.find((r) => r.policy === policy && r.bytes === 1048576)?.measuredUs;
  ratio[tag] = at('cyclic') / at('compact');
  process.stdout.write(`planner's win at 1 MiB, ${tag}: cyclic/compact measured = ${ratio[tag].toFixed(2)} (target ≥ 2)\n`);
  for (const r of rows.filter((x) => x.cap === 'none' && x.bound === bound)) process.stdout.write(`latency-bound (uncapped, 1 KiB, ${r.policy}, ${tag}): error ${(r.error * 100).toFixed(1)}%\n`);
}
await writeFile(join(scratch, 'predict-accuracy.json'), `${JSON.stringify({ date: new Date().toISOString(), steps: Number(values.steps), transport, rows, ratio, bidirectional }, null, 2)}\n`);
process.stdout.write(`figures: ${join(scratch, 'predict-accuracy.json')}\n`);
