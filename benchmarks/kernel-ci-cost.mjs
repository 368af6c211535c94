#!/usr/bin/env node
// What does a ±5% CI on 8-byte latency cost with adaptive stopping, against
// the OSU default of 10,000 iterations + 100 warm-up on the same pair?
//
//   npm run build && node benchmarks/kernel-ci-cost.mjs [--hosts a,b | --hostfile F]
//        [--reps 5] [--size 8] [--target-ci 0.05] [--mpirun mpirun] [-- extra mpirun args]
//
// Without hosts both ranks run on this machine. With hosts, ranks are mapped
// one per node (--map-by node). Each repetition runs both variants back to back
// (alternating which goes first) and prints the wall time of the whole mpirun
// and the kernel's own time (warm-up + sampling), plus the medians they found.
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { parseKernelOutput } from '../dist/core/bench/kernel-output.js';
import { ensureKernel, kernelArgs } from '../dist/kernels/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    hosts: { type: 'string' },
    hostfile: { type: 'string' },
    reps: { type: 'string', default: '5' },
    size: { type: 'string', default: '8' },
    'target-ci': { type: 'string', default: '0.05' },
    mpirun: { type: 'string', default: 'mpirun' },
  },
});
const reps = Number(values.reps);
const size = Number(values.size);
const target = Number(values['target-ci']);
if (!(reps >= 1) || !Number.isInteger(size) || !(target > 0 && target < 1)) {
  console.error('usage: kernel-ci-cost.mjs [--hosts a,b | --hostfile F] [--reps N] [--size B] [--target-ci F]');
  process.exit(64);
}

const env = {
  ...process.env,
  OMPI_MCA_mpi_yield_when_idle: process.env.OMPI_MCA_mpi_yield_when_idle ?? '1',
  OMPI_MCA_hwloc_base_binding_policy: process.env.OMPI_MCA_hwloc_base_binding_policy ?? 'none',
  ...(process.getuid?.() === 0 ? { OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' } : {}),
};
const placement = values.hosts
  ? ['--host', values.hosts, '--map-by', 'node']
  : values.hostfile
    ? ['--hostfile', values.hostfile, '--map-by', 'node']
    : [];

const kernel = await ensureKernel({ env });
console.log(`kernel ${kernel.path} (${kernel.built ? 'built' : 'cached'}; ${kernel.mpiVersion})`);

const variants = {
  adaptive: kernelArgs({ kinds: ['latency'], sizes: [size], targetCi: target }),
  // What osu_latency does for <= 8 KiB: 100 warm-up + 10,000 timed iterations.
  osu: kernelArgs({ kinds: ['latency'], sizes: [size], warmup: size <= 8192 ? 100 : 10, maxSamples: size <= 8192 ? 10_000 : 1_000 }),
};

async function once(name) {
  const argv = ['-np', '2', ...placement, ...positionals, kernel.path, ...variants[name]];
  const t0 = process.hrtime.bigint();
  const r = await execa(values.mpirun, argv, { env, extendEnv: false, reject: false });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.exitCode !== 0) throw new Error(`${values.mpirun} ${argv.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
  const out = parseKernelOutput(r.stdout);
  const run = out.runs[0];
  const s = run.stop;
  const halfWidth = Math.max(s.median - s.ciLow, s.ciHigh - s.median) / s.median;
  return { name, wall, kernel: s.warmupSeconds + s.elapsedSeconds, n: s.n, reason: s.reason, median: s.median, halfWidth, hosts: out.hosts };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const rows = [];
for (let i = 0; i < reps; i++) {
  const order = i % 2 ? ['osu', 'adaptive'] : ['adaptive', 'osu'];
  for (const name of order) {
    const r = await once(name);
    rows.push(r);
    if (i === 0 && name === order[0]) console.log(`pair: ${r.hosts.join(' <-> ')}; ${size}-byte latency; target ±${target * 100}%`);
    console.log(
      `${name.padEnd(8)} rep ${i + 1}: wall ${r.wall.toFixed(3)} s, kernel ${(r.kernel * 1e3).toFixed(2)} ms, ` +
        `n=${r.n} (${r.reason}), median ${r.median.toFixed(3)} us, CI ±${(r.halfWidth * 100).toFixed(2)}%`,
    );
  }
}
console.log('\nmedian over repetitions:');
for (const name of ['adaptive', 'osu']) {
  const rs = rows.filter((r) => r.name === name);
  console.log(
    `${name.padEnd(8)}: wall ${median(rs.map((r) => r.wall)).toFixed(3)} s, kernel ${(median(rs.map((r) => r.kernel)) * 1e3).toFixed(2)} ms, ` +
      `samples ${median(rs.map((r) => r.n))}, latency ${median(rs.map((r) => r.median)).toFixed(3)} us, ` +
      `CI ±${(median(rs.map((r) => r.halfWidth)) * 100).toFixed(2)}%`,
  );
}
const a = rows.filter((r) => r.name === 'adaptive');
const o = rows.filter((r) => r.name === 'osu');
const speedKernel = median(o.map((r) => r.kernel)) / median(a.map((r) => r.kernel));
const speedWall = median(o.map((r) => r.wall)) / median(a.map((r) => r.wall));
console.log(`adaptive reached the target in ${a.filter((r) => r.reason === 'ci').length}/${a.length} runs; ` +
  `kernel time ${speedKernel.toFixed(1)}x less, whole mpirun ${speedWall.toFixed(2)}x less than the OSU default`);
