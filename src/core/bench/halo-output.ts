// Reader for the halo mini-app's output (format version 2, documented in
// mpi-templates/halo/README.md), and the app's argv. Pure: text in, typed value out.

import { fieldReaders } from './fields.js';
import { inputError, usageError, type HpcrunError } from '../../errors.js';

export const HALO_FORMAT_VERSION = 2;
const HEADER = 'hpcrun-halo';

export interface HaloRank {
  rank: number;
  host: string;
  coords: number[];
  /** One entry per message a step sends (a periodic extent of 2 lists a rank twice). */
  neighbours: number[];
}

export interface HaloOutput {
  formatVersion: number;
  mpiLibrary: string;
  ranks: number;
  grid: number[];
  periodic: boolean;
  haloBytes: number;
  steps: number;
  /** Consecutive steps per sample. */
  block: number;
  warmup: number;
  computeUs: number;
  meta: Record<string, string>;
  /** Every rank's host, grid coordinates and neighbours, indexed by rank. */
  rankInfo: HaloRank[];
  /** One per whole block of `block` consecutive steps (steps left over are not sampled): the slowest rank's mean step in µs; warm-up excluded. */
  samples: number[];
  elapsedSeconds: number | undefined;
  /** True when the closing `end` line was seen. */
  complete: boolean;
}

export interface HaloRunOptions {
  grid: readonly number[];
  periodic: boolean;
  haloBytes: number;
  steps: number;
  /** Consecutive steps per sample. */
  block: number;
  warmup: number;
  computeUs: number;
}

/** A median's CI needs at least this many samples. */
export const HALO_MIN_SAMPLES = 6;
export const HALO_MAX_BYTES = 2 ** 30;
export const HALO_MAX_STEPS = 10_000_000;

/** The app's arguments after its binary; mirrors the checks in halo.c so bad input fails before mpirun starts. */
export function haloArgs(o: HaloRunOptions): string[] {
  if (o.grid.length === 0 || o.grid.length > 8 || o.grid.some((g) => !Number.isInteger(g) || g < 1)) throw usageError('HPCRUN_HALO_ARGS', `grid ${o.grid.join('x')} must have 1 to 8 whole extents of at least 1`);
  if (!Number.isInteger(o.haloBytes) || o.haloBytes < 1 || o.haloBytes > HALO_MAX_BYTES) throw usageError('HPCRUN_HALO_BYTES', `--halo-bytes ${o.haloBytes} must be from 1 byte to 1 GiB`, 'give the bytes each rank sends to each neighbour per step, e.g. --halo-bytes 64KiB');
  if (!Number.isInteger(o.block) || o.block < 1 || o.block > HALO_MAX_STEPS) throw usageError('HPCRUN_HALO_ARGS', `block ${o.block} must be a whole number from 1 to ${HALO_MAX_STEPS}`);
  const fewest = HALO_MIN_SAMPLES * o.block;
  if (!Number.isInteger(o.steps) || o.steps < fewest || o.steps > HALO_MAX_STEPS) throw usageError('HPCRUN_HALO_STEPS', `--steps ${o.steps} must be a whole number from ${fewest} to ${HALO_MAX_STEPS}`, `a sample is the mean of ${o.block} consecutive steps and a median CI needs ${HALO_MIN_SAMPLES} samples; e.g. --steps ${Math.max(fewest, 200)}`);
  if (!Number.isInteger(o.warmup) || o.warmup < 0 || o.warmup > HALO_MAX_STEPS) throw usageError('HPCRUN_HALO_ARGS', `warm-up ${o.warmup} must be a whole number from 0 to ${HALO_MAX_STEPS}`);
  if (!Number.isFinite(o.computeUs) || o.computeUs < 0 || o.computeUs > 1e9) throw usageError('HPCRUN_HALO_COMPUTE', `--compute-us ${o.computeUs} must be a number of microseconds from 0 to 1e9`, 'e.g. --compute-us 500');
  const args = ['--grid', o.grid.join('x'), '--halo-bytes', String(o.haloBytes), '--steps', String(o.steps), '--block', String(o.block), '--warmup', String(o.warmup)];
  if (o.computeUs > 0) args.push('--compute-us', String(o.computeUs));
  if (o.periodic) args.push('--periodic');
  return args;
}

/** Parses the app's output. Lines before the header (launcher banners) are skipped. */
export function parseHaloOutput(text: string): HaloOutput {
  const { meta, records: lines } = records(text, HEADER, HALO_FORMAT_VERSION);
  const rankInfo: HaloRank[] = [];
  const samples: number[] = [];
  let stop: { n: number; elapsed: number } | undefined;
  let complete = false;
  for (const { no, word, f } of lines) {
    switch (word) {
      case 'rank': {
        const rank = int(f[0], no, 'rank');
        if (rank !== rankInfo.length) throw malformed(no, `expected rank ${rankInfo.length}`);
        const kv = keyValues(f.slice(1), no);
        if (kv.host === undefined || kv.coords === undefined || kv.neighbours === undefined) throw malformed(no, 'a rank line needs host=, coords= and neighbours=');
        rankInfo.push({
          rank,
          host: kv.host,
          coords: kv.coords.split(',').map((c) => int(c, no, 'coordinate')),
          neighbours: kv.neighbours === '-' ? [] : kv.neighbours.split(',').map((c) => int(c, no, 'neighbour')),
        });
        break;
      }
      case 'samples': {
        if (stop) throw malformed(no, 'samples after stop');
        if (f[0] !== 'us') throw malformed(no, `unit ${JSON.stringify(f[0])} is not us`);
        const count = int(f[1], no, 'sample count');
        const values = f.slice(2);
        if (values.length !== count) throw malformed(no, `says ${count} samples but has ${values.length}`);
        for (const v of values) samples.push(real(v, no, 'sample'));
        break;
      }
      case 'stop': {
        const kv = keyValues(f, no);
        stop = { n: int(kv.n, no, 'n'), elapsed: real(kv.elapsed_s, no, 'elapsed_s') };
        const block = Number(meta.block);
        if (!Number.isInteger(block) || block < 1) throw malformed(no, `meta block ${JSON.stringify(meta.block)} is not a whole number of at least 1`);
        if (Math.floor(stop.n / block) !== samples.length) throw malformed(no, `stop says n=${stop.n} steps in blocks of ${block}, so ${Math.floor(stop.n / block)} samples, but ${samples.length} were read`);
        break;
      }
      case 'end':
        if (!stop) throw malformed(no, 'end before stop');
        complete = true;
        break;
      default:
        throw malformed(no, `unknown line type ${JSON.stringify(word)}`);
    }
  }
  const num = (key: string): number => {
    const v = Number(meta[key]);
    if (meta[key] === undefined || meta[key] === '' || !Number.isFinite(v)) throw malformed(0, `meta ${key} missing or not a number`);
    return v;
  };
  const ranks = num('ranks');
  const grid = (meta.grid ?? '').split('x').map((g) => int(g, 0, 'grid extent'));
  if (grid.reduce((a, b) => a * b, 1) !== ranks) throw malformed(0, `grid ${meta.grid} does not hold ${ranks} ranks`);
  if (rankInfo.length !== ranks) throw malformed(0, `${rankInfo.length} rank lines for ${ranks} ranks`);
  return {
    formatVersion: HALO_FORMAT_VERSION,
    mpiLibrary: meta.mpi_library ?? '',
    ranks,
    grid,
    periodic: num('periodic') === 1,
    haloBytes: num('halo_bytes'),
    steps: num('steps'),
    block: num('block'),
    warmup: num('warmup'),
    computeUs: num('compute_us'),
    meta,
    rankInfo,
    samples,
    elapsedSeconds: stop?.elapsed,
    complete,
  };
}

/** Messages per step whose ends ran on different hosts, and the most any host sent off itself. */
export function offHostMessages(output: Pick<HaloOutput, 'rankInfo'>): { total: number; maxPerHost: number } {
  const perHost = new Map<string, number>();
  let total = 0;
  for (const r of output.rankInfo) {
    for (const n of r.neighbours) {
      if (output.rankInfo[n]?.host !== r.host) {
        total += 1;
        perHost.set(r.host, (perHost.get(r.host) ?? 0) + 1);
      }
    }
  }
  return { total, maxPerHost: Math.max(0, ...perHost.values()) };
}

function real(text: string | undefined, no: number, what: string): number {
  const x = Number(text);
  if (text === undefined || text === '' || !Number.isFinite(x) || x < 0) throw malformed(no, `${what} ${JSON.stringify(text)} is not a number of at least 0`);
  return x;
}

function malformed(line: number, message: string): HpcrunError {
  return inputError('HPCRUN_HALO_OUTPUT', `malformed halo output: ${line > 0 ? `line ${line}: ` : ''}${message}`, 'the halo app and this hpcrun may be out of step; rebuild it (remove ~/.cache/hpcrun/kernels/hpcrun-halo-*) or report a bug');
}

const { keyValues, int, records } = fieldReaders(malformed);
