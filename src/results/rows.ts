// Building result rows: from raw samples (bench) and from parsed OSU/IMB
// measurements (import). Pure.

import { analyzeSamples, arithmeticMean, harmonicMean, type OutlierMode } from '../core/stats/index.js';
import type { Measurement } from '../core/parsers/index.js';
import type { ResultRow, ResultUnit, RowStopReason } from './schema.js';

export interface SampleRowInput {
  kind: string;
  hostA: string;
  hostB: string;
  bytes: number;
  unit: ResultUnit;
  /** Every sample measured, warm-up excluded, in the row's unit. */
  rawSamples: readonly number[];
  stopReason: RowStopReason;
  outliers?: OutlierMode;
  extra?: Record<string, number | string>;
}

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
  const fences: Record<string, number> = analysis.fences ? { tukey_low_fence: analysis.fences.low, tukey_high_fence: analysis.fences.high } : {};
  return {
    kind: input.kind,
    host_a: input.hostA,
    host_b: input.hostB,
    bytes: input.bytes,
    samples: s.n,
    median: s.median,
    p05: s.p05,
    p95: s.p95,
    p99: s.p99,
    ci95_low: s.ci95?.low ?? null,
    ci95_high: s.ci95?.high ?? null,
    unit: input.unit,
    mean,
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
    median: m.median,
    p05: m.p05,
    p95: m.p95,
    p99: m.p99,
    ci95_low: null,
    ci95_high: null,
    unit: m.unit,
    mean: m.mean,
    stop_reason: 'imported',
    outliers_tukey: null,
    source,
    extra: { ...m.extra, line: m.line },
  };
}
