// Building result rows: from raw samples (bench) and from parsed OSU/IMB
// measurements (import). Pure.

import { analyzeSamples, arithmeticMean, harmonicMean, type OutlierMode } from '../core/stats/index.js';
import type { Measurement } from '../core/parsers/index.js';
import type { ResultRow, ResultUnit, RowStopReason } from './schema.js';

export interface SampleRowInput {
  kind: string;
  hostA: string | null;
  hostB: string | null;
  bytes: number;
  unit: ResultUnit;
  /** Every sample measured, warm-up excluded, in the row's unit. */
  rawSamples: readonly number[];
  stopReason: RowStopReason;
  outliers?: OutlierMode;
  extra?: Record<string, number | string>;
}

/**
 * Decimal places of published figures, per unit: one more than the kernel
 * prints its samples with (latency 4, MB/s 3, msg/s 1; mpi-templates/kernels),
 * so a median of two samples is exact, and far finer than any timer (MPI_Wtime
 * steps are tens of ns). It only removes binary floating-point noise such as
 * 7.0009999999999994 from the CSV and JSON; imported figures (2 decimals in
 * OSU and IMB) are unchanged by it.
 */
export const FIGURE_DECIMALS: Readonly<Record<ResultUnit, number>> = { us: 5, 'MB/s': 4, 'msg/s': 2 };

/** A published figure, rounded to its unit's decimals (FIGURE_DECIMALS). */
export function roundFigure(value: number, unit: ResultUnit): number {
  if (!Number.isFinite(value)) return value;
  const rounded = Number(value.toFixed(FIGURE_DECIMALS[unit]));
  return Object.is(rounded, -0) ? 0 : rounded;
}

const roundOrNull = (value: number | null | undefined, unit: ResultUnit): number | null => (value === null || value === undefined ? null : roundFigure(value, unit));

/**
 * A measured row: median, CI, percentiles and mean of every sample (mean
 * arithmetic for times, harmonic for rates); Tukey's rule only counts the
 * samples outside its fences (unless 'none'). Raw samples are kept for the JSON.
 */
export function rowFromSamples(input: SampleRowInput): ResultRow {
  const analysis = analyzeSamples(input.rawSamples, input.outliers ?? 'tukey');
  const s = analysis.summary;
  const raw = input.rawSamples;
  const mean = input.unit === 'us' ? arithmeticMean(raw) : raw.every((x) => x > 0) ? harmonicMean(raw) : null;
  const unit = input.unit;
  const fences: Record<string, number> = analysis.fences ? { tukey_low_fence: roundFigure(analysis.fences.low, unit), tukey_high_fence: roundFigure(analysis.fences.high, unit) } : {};
  return {
    kind: input.kind,
    host_a: input.hostA,
    host_b: input.hostB,
    bytes: input.bytes,
    samples: s.n,
    median: roundFigure(s.median, unit),
    p05: roundFigure(s.p05, unit),
    p95: roundFigure(s.p95, unit),
    p99: roundFigure(s.p99, unit),
    ci95_low: roundOrNull(s.ci95?.low, unit),
    ci95_high: roundOrNull(s.ci95?.high, unit),
    unit,
    mean: roundOrNull(mean, unit),
    stop_reason: input.stopReason,
    outliers_tukey: analysis.outliersTukey,
    source: 'hpcrun',
    extra: { ...input.extra, outlier_rule: analysis.outlierRule, ...fences },
    raw_samples: [...raw],
  };
}

/** An imported row: samples unknown, no CI; percentiles only where the tool printed them. */
export function rowFromMeasurement(m: Measurement, source: string, hosts: { a: string | null; b: string | null }): ResultRow {
  return {
    kind: m.kind,
    host_a: hosts.a,
    host_b: hosts.b,
    bytes: m.bytes,
    samples: null,
    median: roundOrNull(m.median, m.unit),
    p05: roundOrNull(m.p05, m.unit),
    p95: roundOrNull(m.p95, m.unit),
    p99: roundOrNull(m.p99, m.unit),
    ci95_low: null,
    ci95_high: null,
    unit: m.unit,
    mean: roundOrNull(m.mean, m.unit),
    stop_reason: 'imported',
    outliers_tukey: null,
    source,
    extra: { ...m.extra, line: m.line },
  };
}
