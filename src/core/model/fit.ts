// `hpcrun model fit`: result sets in, a model file out. Pure.
//
// Series:
// - latency: ping-pong rows (kind latency, or IMB pingpong, unit us: half
//   the round trip). Fitted as latency(n) = α + n/β per regime; this is the
//   point-to-point model.
// - streaming: bw rows (MB/s = 10^6 B/s) turned into time per message in a
//   stream, t = n / rate (bytes/(MB/s) = µs). A window of messages overlaps
//   their latencies, so this series gives the gap between back-to-back
//   messages (γ + n/β_stream, LogGP's g and G), not α. It is fitted with the
//   same segmented regression, as time, so that the relative weighting and
//   the regime search are the same as for latency. Predict uses it for the
//   second and later messages a rank sends in one step.
// - node: mbw rows with several pairs per node (see injection.ts).
//
// Each row contributes its median (its mean when an import has no median).

import { inputError } from '../../errors.js';
import {
  MODEL_KIND, MODEL_SCHEMA_VERSION,
  type ModelFile, type ModelSource, type ResultRow, type ResultSet, type SeriesFit,
} from '../../schemas/index.js';
import { formatBytes } from '../units.js';
import { HUBER_K } from './huber.js';
import { fitNodeInjection } from './injection.js';
import { MIN_SIZES_PER_REGIME, fitSegmented, type Point, type SegmentedFit } from './segmented.js';

export interface FitInput {
  /** The path as the user gave it. */
  file: string;
  set: ResultSet;
}

const LATENCY_KINDS = ['latency', 'pingpong'];
const STREAM_KINDS = ['bw'];
/** BenchPress (bienz2) splits its fits at these sizes: eager / rendezvous protocol regimes. */
export const BENCHPRESS_STARTS = [256, 16384];

function value(row: ResultRow): number | null {
  if (row.stop_reason === 'failed') return null;
  return row.median ?? row.mean;
}

export function latencyPoints(rows: readonly ResultRow[]): Point[] {
  return rows.flatMap((row) => {
    const v = value(row);
    return LATENCY_KINDS.includes(row.kind) && row.unit === 'us' && v !== null && v > 0 ? [{ bytes: row.bytes, us: v }] : [];
  });
}

export function streamingPoints(rows: readonly ResultRow[]): Point[] {
  return rows.flatMap((row) => {
    const v = value(row);
    return STREAM_KINDS.includes(row.kind) && row.unit === 'MB/s' && v !== null && v > 0 && row.bytes > 0 ? [{ bytes: row.bytes, us: row.bytes / v }] : [];
  });
}

/** Sizes to suggest: powers of 4 from 8 B to 4 MiB that were not measured. */
function suggestSizes(have: readonly number[]): string {
  const missing: string[] = [];
  for (let b = 8; b <= 4 * 1024 * 1024; b *= 4) if (!have.includes(b)) missing.push(formatBytes(b).replace(' ', ''));
  return missing.slice(0, 8).join(',');
}

function tooFew(series: string, points: readonly Point[], files: readonly string[]): never {
  const sizes = [...new Set(points.map((p) => p.bytes))].sort((a, b) => a - b);
  const have = sizes.length === 0 ? 'no sizes' : `${sizes.length === 1 ? 'one size' : `${sizes.length} sizes`} (${sizes.map(formatBytes).join(', ')})`;
  throw inputError(
    'HPCRUN_MODEL_TOO_FEW_SIZES',
    `${files.join(', ')}: the ${series} rows have ${have}; a fit needs at least ${MIN_SIZES_PER_REGIME} distinct sizes per regime`,
    `measure more sizes, e.g. add ${suggestSizes(sizes)} (\`hpcrun bench --kind latency,bw --sizes 8:4MiB\` measures every power of two)`,
  );
}

function toSeries(series: string, kinds: string[], fit: SegmentedFit, fixed: SegmentedFit | undefined, robust: boolean): SeriesFit {
  return {
    series,
    kinds,
    regimes: fit.segments.map((s) => ({
      fromBytes: s.fromBytes,
      toBytes: s.toBytes,
      startsAtBytes: s.startsAtBytes,
      alphaUs: s.alphaUs,
      usPerByte: s.usPerByte,
      bandwidthMBps: s.usPerByte > 0 ? 1 / s.usPerByte : null,
      sizes: s.sizes,
      points: s.points,
      r2: s.r2,
      maxRelResidual: s.maxRelResidual,
    })),
    r2: fit.r2,
    maxRelResidual: fit.maxRelResidual,
    selection: `${robust ? `Huber (k ${HUBER_K}, MAD scale) on relative residuals; ` : ''}BIC over 1–3 regimes (${fit.tried.map((t) => `${t.regimes}: ${t.bic.toFixed(1)}`).join(', ')}); ${fit.segments.length} chosen`,
    comparison: fixed ? { method: 'fixed splits at 256 B and 16 KiB (BenchPress)', r2: fixed.r2, maxRelResidual: fixed.maxRelResidual } : null,
  };
}

function sourceOf(input: FitInput): ModelSource {
  const m = input.set.metadata;
  return {
    file: input.file,
    name: m.name,
    command: m.command,
    date: m.date,
    hosts: m.hosts,
    nodeShape: m.nodeShape,
    ranksPerNode: m.ranksPerNode,
    mpi: m.mpi,
    transport: m.transport,
    benchmarks: (m.sources ?? []).map((s) => `${s.benchmark}${s.version ? ` ${s.version}` : ''}`),
  };
}

/** A row whose spread is this many times its median is noise, not a figure to fit. */
const NOISY = 3;

function noisyRows(rows: readonly ResultRow[]): string[] {
  return rows
    .filter((row) => [...LATENCY_KINDS, ...STREAM_KINDS].includes(row.kind) && row.stop_reason !== 'failed' && row.median !== null && row.median > 0)
    .filter((row) => (row.p95 !== null && row.p95 > NOISY * (row.median as number)) || (row.p05 !== null && row.p05 * NOISY < (row.median as number)))
    .map((row) => `${row.kind} ${formatBytes(row.bytes)}`);
}

export interface FitOptions {
  created: Date;
  hpcrun: string;
  /** Fit each regime with Huber's M-estimator instead of least squares (huber.ts). */
  robust?: boolean;
}

/** Fits the model; throws an input error (65) naming the sizes to add when a series is too thin. */
export function fitModel(inputs: readonly FitInput[], options: FitOptions): ModelFile {
  const files = inputs.map((i) => i.file);
  const rows = inputs.flatMap((i) => i.set.rows);
  const warnings: string[] = [];
  const lat = latencyPoints(rows);
  const stream = streamingPoints(rows);
  if (lat.length === 0 && stream.length === 0) {
    throw inputError('HPCRUN_MODEL_NO_ROWS', `${files.join(', ')}: no latency or bw rows with figures`, 'fit from `hpcrun bench --kind latency,bw` results, or imported osu_latency/osu_bw output');
  }
  if (lat.length === 0) tooFew('latency', lat, files);
  const robust = options.robust === true;
  const latFit = fitSegmented(lat, { robust }) ?? tooFew('latency', lat, files);
  let streamFit: SegmentedFit | undefined;
  if (stream.length > 0) streamFit = fitSegmented(stream, { robust }) ?? tooFew('bw', stream, files);
  else warnings.push('no bw rows: the gap between back-to-back messages is taken from the latency fit (n/β), which overstates it for small messages');
  for (const [name, fit] of [['latency', latFit], ['bw', streamFit]] as const) {
    for (const s of fit?.segments ?? []) {
      if (s.maxRelResidual > 0.25) warnings.push(`${name} regime ${formatBytes(s.fromBytes)}–${formatBytes(s.toBytes)} fits poorly (largest residual ${(s.maxRelResidual * 100).toFixed(0)}%): measure more sizes or more samples`);
    }
  }
  const noisy = noisyRows(rows);
  if (noisy.length > 0) {
    warnings.push(`noisy rows (p95 over ${NOISY}× the median, or p05 under 1/${NOISY} of it): ${noisy.join(', ')}; the fit follows their medians, but measure again on a quiet machine before trusting it${robust ? '' : ' (or fit with --robust, which gives sizes far off the line less weight)'}`);
  }
  const node = fitNodeInjection(inputs.map((i) => i.set), stream);
  if (node.warning) warnings.push(node.warning);
  const all = [...lat, ...stream].map((p) => p.bytes);
  return {
    schemaVersion: MODEL_SCHEMA_VERSION,
    kind: MODEL_KIND,
    created: options.created.toISOString(),
    hpcrun: options.hpcrun,
    sources: inputs.map(sourceOf),
    latency: toSeries('latency', LATENCY_KINDS, latFit, fitSegmented(lat, { fixedStarts: BENCHPRESS_STARTS, robust }), robust),
    streaming: streamFit ? toSeries('streaming', STREAM_KINDS, streamFit, fitSegmented(stream, { fixedStarts: BENCHPRESS_STARTS, robust }), robust) : null,
    node: node.fit,
    fittedRange: { minBytes: Math.min(...all), maxBytes: Math.max(...all) },
    warnings,
  };
}
