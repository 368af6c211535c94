// hpcrun bench options → a validated spec, and the pair schedule. Pure.

import { usageError } from '../../errors.js';
import { parseSize } from '../units.js';
import { KERNEL_KINDS, type KernelKind } from './kernel-output.js';

export type PairMode = 'first' | 'all';

export interface BenchSpec {
  kinds: KernelKind[];
  sizes: number[];
  pairs: PairMode;
  ppn: number;
  /** Relative CI half-width target, e.g. 0.05. */
  targetCi: number;
  maxSamples: number | undefined;
}

export function parseKinds(text: string): KernelKind[] {
  const kinds = text.split(',').map((kind) => kind.trim()).filter(Boolean);
  if (kinds.length === 0) throw usageError('HPCRUN_BENCH_KIND', '--kind is empty', `choose from ${KERNEL_KINDS.join(', ')}`);
  for (const kind of kinds) {
    if (!(KERNEL_KINDS as readonly string[]).includes(kind)) {
      throw usageError('HPCRUN_BENCH_KIND', `unknown benchmark kind ${JSON.stringify(kind)}`, `--kind takes a comma list of ${KERNEL_KINDS.join(', ')}`);
    }
  }
  return [...new Set(kinds)] as KernelKind[];
}

const MAX_BYTES = 2 ** 30;

const isPowerOfTwo = (n: number): boolean => Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;

/** The powers of two either side of n, for a fix: 1000 -> "512 or 1024". */
function nearPowers(n: number): string {
  const below = 2 ** Math.floor(Math.log2(n));
  return below * 2 <= MAX_BYTES ? `${below} or ${below * 2}` : String(below);
}

/**
 * Parses `8,1KiB,1MiB` (a list) or `1:4MiB` (every power of two from the
 * first to the last, as OSU's -m min:max does). Both ends of a range must be
 * powers of two: `1:1000` would silently stop at 512 (OSU's behaviour), so it
 * is refused with the nearest ends instead. Sizes come back sorted and
 * without repeats.
 */
export function parseSizes(text: string): number[] {
  const bad = (what: string) =>
    usageError('HPCRUN_BENCH_SIZES', `--sizes ${JSON.stringify(text)}: ${what}`, 'write a comma list such as 8,1KiB,1MiB or a power-of-two range such as 1:4MiB');
  const one = (part: string): number => {
    const bytes = parseSize(part);
    const fractionOfAByte = /^\s*\d*\.\d+\s*b?\s*$/i.test(part);
    if (bytes === undefined || fractionOfAByte) throw bad(`${JSON.stringify(part)} is not a whole number of bytes`);
    if (bytes > MAX_BYTES) throw bad(`${part} is above the 1 GiB limit`);
    return bytes;
  };
  let sizes: number[];
  if (text.includes(':')) {
    const [low, high, ...rest] = text.split(':');
    if (rest.length > 0 || low === undefined || high === undefined) throw bad('a range has two ends, min:max');
    const from = one(low);
    const to = one(high);
    if (from < 1 || from > to) throw bad('the range must run from at least 1 byte up to its end');
    for (const [end, value, typed] of [['start', from, low], ['end', to, high]] as const) {
      if (!isPowerOfTwo(value)) {
        throw usageError(
          'HPCRUN_BENCH_SIZES',
          `--sizes ${JSON.stringify(text)}: the range ${end} ${typed.trim()}${typed.trim() === String(value) ? '' : ` (${value} bytes)`} is not a power of two; a range holds powers of two only`,
          `${end} it at ${nearPowers(value)} bytes, or list the sizes you want with commas, e.g. 8,1000,4KiB`,
        );
      }
    }
    sizes = [];
    for (let size = from; size <= to; size *= 2) sizes.push(size);
  } else {
    sizes = text.split(',').map((part) => one(part.trim()));
  }
  return [...new Set(sizes)].sort((a, b) => a - b);
}

/** Parses `5%` or `0.05` into 0.05. */
export function parseTargetCi(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  const value = match ? Number(match[1]) / (match[2] ? 100 : 1) : Number.NaN;
  if (!(value > 0 && value < 1)) {
    throw usageError('HPCRUN_BENCH_TARGET', `--target-ci ${JSON.stringify(text)} is not a fraction between 0 and 1`, 'for example --target-ci 5% or --target-ci 0.02');
  }
  return value;
}

/**
 * A round-robin tournament (the circle method): every pair of hosts meets
 * once, and the pairs of one round are disjoint, so they can run at the same
 * time. N hosts take N−1 rounds when N is even and N rounds when it is odd.
 */
export function roundRobin<T>(hosts: readonly T[]): [T, T][][] {
  const players: (T | undefined)[] = [...hosts];
  if (players.length % 2 === 1) players.push(undefined); // a bye
  const n = players.length;
  const rounds: [T, T][][] = [];
  for (let round = 0; round < n - 1; round++) {
    const pairs: [T, T][] = [];
    for (let i = 0; i < n / 2; i++) {
      const a = players[i];
      const b = players[n - 1 - i];
      if (a !== undefined && b !== undefined) pairs.push([a, b]);
    }
    rounds.push(pairs);
    // Keep the first player fixed and rotate the rest by one.
    players.splice(1, 0, players.pop());
  }
  return rounds;
}

export function schedule<T>(hosts: readonly T[], mode: PairMode): [T, T][][] {
  if (mode === 'first') return [[[hosts[0] as T, hosts[1] as T]]];
  return roundRobin(hosts);
}
