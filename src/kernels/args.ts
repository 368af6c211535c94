// The kernel's argv for one run. Pure; mirrors the checks in
// mpi-templates/kernels/hk_args.c so that bad input fails before mpirun starts.

import { usageError } from '../errors.js';
import { KERNEL_KINDS, type KernelKind } from '../core/bench/kernel-output.js';

export interface KernelRunOptions {
  kinds: readonly KernelKind[];
  /** Message sizes in bytes. */
  sizes: readonly number[];
  /** Untimed steps per kind and size; default: the OSU figures. */
  warmup?: number;
  /** Sample cap per kind and size; default: the OSU iteration counts. */
  maxSamples?: number;
  /** Samples between two stopping checks. */
  batch?: number;
  /** Stop once the 95% CI of the median is within ±targetCi of it (a fraction, e.g. 0.05). */
  targetCi?: number;
  /** Stop sampling one kind and size after this many seconds. */
  maxTimeSeconds?: number;
  /** Messages per window for bw, bibw and mbw (default 64). */
  window?: number;
}

const MAX_BYTES = 2 ** 30;
const MAX_SAMPLES = 10_000_000;
const MAX_SIZES = 64;

/** Arguments after the kernel binary, e.g. `['--kind', 'latency', '--sizes', '8', ...]`. */
export function kernelArgs(options: KernelRunOptions): string[] {
  const { kinds, sizes } = options;
  if (kinds.length === 0) throw bad('at least one kind is needed');
  for (const k of kinds) {
    if (!KERNEL_KINDS.includes(k)) throw bad(`unknown kind ${JSON.stringify(k)}; use ${KERNEL_KINDS.join(', ')}`);
  }
  if (new Set(kinds).size !== kinds.length) throw bad(`kinds repeat: ${kinds.join(',')}`);
  if (sizes.length === 0 || sizes.length > MAX_SIZES) throw bad(`give 1 to ${MAX_SIZES} message sizes`);
  const minBytes = kinds.every((k) => k === 'latency') ? 0 : 1;
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < minBytes || s > MAX_BYTES) {
      throw bad(`message size ${s} must be a whole number of bytes from ${minBytes} to ${MAX_BYTES}`);
    }
  }
  const args = ['--kind', kinds.join(','), '--sizes', sizes.join(',')];
  const int = (flag: string, v: number | undefined, min: number, max: number): void => {
    if (v === undefined) return;
    if (!Number.isInteger(v) || v < min || v > max) throw bad(`${flag} ${v} must be a whole number from ${min} to ${max}`);
    args.push(flag, String(v));
  };
  const real = (flag: string, v: number | undefined, max: number): void => {
    if (v === undefined) return;
    if (!Number.isFinite(v) || v < 0 || v > max) throw bad(`${flag} ${v} must be a number from 0 to ${max}`);
    args.push(flag, String(v));
  };
  int('--warmup', options.warmup, 0, MAX_SAMPLES);
  int('--max-samples', options.maxSamples, 1, MAX_SAMPLES);
  int('--batch', options.batch, 1, MAX_SAMPLES);
  int('--window', options.window, 1, 4096);
  real('--target-ci', options.targetCi, 1);
  real('--max-time', options.maxTimeSeconds, 1e6);
  return args;
}

function bad(message: string) {
  return usageError('HPCRUN_KERNEL_ARGS', message);
}
