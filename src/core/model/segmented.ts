// Segmented (piecewise) linear regression of time against message size:
// t(n) = α_r + n·b_r in regime r, with the breakpoints found from the data.
//
// - Relative least squares: each point is weighted by 1/t², so an 8-byte
//   latency counts as much as a 4 MiB one (sizes span 6 orders of magnitude;
//   plain least squares would fit only the largest sizes).
// - Regimes are runs of consecutive distinct sizes. Every split with 1, 2 or
//   3 regimes of at least MIN_SIZES_PER_REGIME sizes is tried (exhaustive:
//   O(N²) splits for N sizes, each fitted in O(N)).
// - The number of regimes is chosen by BIC on the relative residuals,
//   BIC = N·ln(SSE/N) + p·ln(N) with p = 3·regimes − 1 (α, b per regime and
//   a breakpoint between each), and SSE floored at N·(0.5%)² so that fitting
//   below measurement noise cannot buy a regime.
// - With `robust`, each regime's line is Huber's M-estimate instead
//   (huber.ts), and its Huber loss takes the place of the SSE in the search
//   and in BIC: a few sizes measured while the host stalled neither drag the
//   line nor buy a regime of their own.
// Pure.

import { fitLineHuber } from './huber.js';
import { weightedLine } from './line.js';

export interface Point {
  bytes: number;
  us: number;
}

export interface LineFit {
  alphaUs: number;
  usPerByte: number;
  /** Σ w·(t − fit)² with w = 1/t². */
  sse: number;
  r2: number | null;
  maxRelResidual: number;
}

export interface SegmentFit extends LineFit {
  fromBytes: number;
  toBytes: number;
  startsAtBytes: number;
  sizes: number;
  points: number;
}

export interface SegmentedFit {
  segments: SegmentFit[];
  /** Over all points: 1 − SSE/SST on relative residuals (SST about the weighted mean); null when SST is 0. */
  r2: number | null;
  maxRelResidual: number;
  bic: number;
  /** Best BIC for each number of regimes tried. */
  tried: { regimes: number; bic: number }[];
}

export const MIN_SIZES_PER_REGIME = 3;
export const MAX_REGIMES = 3;
/** Relative noise floor: residuals below 0.5% are measurement noise. */
const NOISE_FLOOR = 0.005;

/** Weighted least squares of t = α + b·n with weights 1/t²; b is kept ≥ 0 (a flat regime, not a faster-for-larger one). */
export function fitLine(points: readonly Point[]): LineFit {
  const { a, b } = weightedLine(points);
  return { alphaUs: a, usPerByte: b, ...quality(points, a, b) };
}

function quality(points: readonly Point[], a: number, b: number): Pick<LineFit, 'sse' | 'r2' | 'maxRelResidual'> {
  let sse = 0;
  let sw = 0;
  let sy = 0;
  let maxRel = 0;
  for (const p of points) {
    const w = 1 / (p.us * p.us);
    const r = p.us - (a + b * p.bytes);
    sse += w * r * r;
    sw += w;
    sy += w * p.us;
    maxRel = Math.max(maxRel, Math.abs(r) / p.us);
  }
  const mean = sy / sw;
  let sst = 0;
  for (const p of points) sst += ((p.us - mean) / p.us) ** 2;
  return { sse, r2: sst > 0 ? 1 - sse / sst : null, maxRelResidual: maxRel };
}

/** Points grouped by distinct size, ascending. */
export function bySize(points: readonly Point[]): Point[][] {
  const groups = new Map<number, Point[]>();
  for (const p of points) groups.set(p.bytes, [...(groups.get(p.bytes) ?? []), p]);
  return [...groups.entries()].sort((x, y) => x[0] - y[0]).map(([, g]) => g);
}

function segment(groups: readonly Point[][], from: number, to: number, robust: boolean): SegmentFit {
  const pts = groups.slice(from, to).flat();
  const fit: LineFit = robust ? fitLineHuber(pts, NOISE_FLOOR) : fitLine(pts);
  return {
    ...fit,
    fromBytes: (groups[from] as Point[])[0]?.bytes ?? 0,
    toBytes: (groups[to - 1] as Point[])[0]?.bytes ?? 0,
    startsAtBytes: 0,
    sizes: to - from,
    points: pts.length,
  };
}

/** Where regime `hi` takes over from `lo`: their lines' intersection when it lies between their observed sizes, else hi's first size. */
function breakpoint(lo: SegmentFit, hi: SegmentFit): number {
  const db = lo.usPerByte - hi.usPerByte;
  if (db !== 0) {
    const x = (hi.alphaUs - lo.alphaUs) / db;
    if (x >= lo.toBytes && x <= hi.fromBytes) return x;
  }
  return hi.fromBytes;
}

function bic(sse: number, n: number, regimes: number): number {
  const p = 3 * regimes - 1;
  return n * Math.log(Math.max(sse, n * NOISE_FLOOR * NOISE_FLOOR) / n) + p * Math.log(n);
}

/** Splits of [0, n) into k runs of at least `min` each: the cut positions. */
function* splits(n: number, k: number, min: number, start = 0): Generator<number[]> {
  if (k === 1) {
    if (n - start >= min) yield [];
    return;
  }
  for (let cut = start + min; n - cut >= (k - 1) * min; cut += 1) {
    for (const rest of splits(n, k - 1, min, cut)) yield [cut, ...rest];
  }
}

/**
 * Fits 1..MAX_REGIMES regimes and keeps the lowest BIC. Undefined when there
 * are fewer than MIN_SIZES_PER_REGIME distinct sizes (not even one regime).
 * With `cuts` given (sizes where regimes start), fits exactly those regimes.
 */
export function fitSegmented(points: readonly Point[], options: { fixedStarts?: readonly number[]; robust?: boolean } = {}): SegmentedFit | undefined {
  const robust = options.robust === true;
  const groups = bySize(points.filter((p) => p.us > 0 && Number.isFinite(p.us)));
  const n = groups.reduce((s, g) => s + g.length, 0);
  if (options.fixedStarts) {
    const cuts = options.fixedStarts.map((b) => groups.findIndex((g) => (g[0] as Point).bytes >= b)).filter((i) => i > 0);
    const bounds = [0, ...new Set(cuts), groups.length];
    const segs: SegmentFit[] = [];
    for (let i = 0; i + 1 < bounds.length; i += 1) {
      if ((bounds[i + 1] as number) - (bounds[i] as number) < MIN_SIZES_PER_REGIME) return undefined;
      segs.push(segment(groups, bounds[i] as number, bounds[i + 1] as number, robust));
    }
    return finish(segs, groups, []);
  }
  if (groups.length < MIN_SIZES_PER_REGIME) return undefined;
  // O(N²) distinct runs, each fitted once: the search stays fast for dense size lists.
  const memo = new Map<number, SegmentFit>();
  const fitted = (from: number, to: number): SegmentFit => {
    const key = from * (groups.length + 1) + to;
    let seg = memo.get(key);
    if (!seg) memo.set(key, (seg = segment(groups, from, to, robust)));
    return { ...seg };
  };
  let best: SegmentedFit | undefined;
  const tried: { regimes: number; bic: number }[] = [];
  for (let k = 1; k <= MAX_REGIMES; k += 1) {
    // Within k regimes the least SSE wins; the noise floor only enters when k is chosen.
    let bestK: { segs: SegmentFit[]; sse: number } | undefined;
    for (const cuts of splits(groups.length, k, MIN_SIZES_PER_REGIME)) {
      const bounds = [0, ...cuts, groups.length];
      const segs = bounds.slice(0, -1).map((from, i) => fitted(from, bounds[i + 1] as number));
      const sse = segs.reduce((s, g) => s + g.sse, 0);
      if (!bestK || sse < bestK.sse) bestK = { segs, sse };
    }
    if (!bestK) break;
    const score = bic(bestK.sse, n, k);
    tried.push({ regimes: k, bic: score });
    if (!best || score < best.bic) best = finish(bestK.segs, groups, tried);
  }
  if (best) best.tried = tried;
  return best;
}

function finish(segs: SegmentFit[], groups: readonly Point[][], tried: { regimes: number; bic: number }[]): SegmentedFit {
  for (let i = 1; i < segs.length; i += 1) (segs[i] as SegmentFit).startsAtBytes = breakpoint(segs[i - 1] as SegmentFit, segs[i] as SegmentFit);
  const all = groups.flat();
  const sse = segs.reduce((s, g) => s + g.sse, 0);
  // R² from plain squared relative residuals (equal to sse for least squares; a robust fit's loss would flatter it).
  let squares = 0;
  for (const p of all) {
    const seg = segs.find((g) => p.bytes >= g.fromBytes && p.bytes <= g.toBytes) as SegmentFit;
    squares += ((p.us - (seg.alphaUs + seg.usPerByte * p.bytes)) / p.us) ** 2;
  }
  // SST about the weighted mean: quality(points, mean, 0).sse.
  const mean = all.reduce((s, p) => s + 1 / p.us, 0) / all.reduce((s, p) => s + 1 / (p.us * p.us), 0);
  const sst = quality(all, mean, 0).sse;
  return {
    segments: segs,
    r2: sst > 0 ? 1 - squares / sst : null,
    maxRelResidual: Math.max(...segs.map((g) => g.maxRelResidual)),
    bic: bic(sse, all.length, segs.length),
    tried,
  };
}

/** The regime that covers `bytes`: the last whose startsAtBytes ≤ bytes. */
export function regimeFor<T extends { startsAtBytes: number }>(regimes: readonly T[], bytes: number): T {
  let chosen = regimes[0] as T;
  for (const r of regimes) if (bytes >= r.startsAtBytes) chosen = r;
  return chosen;
}
