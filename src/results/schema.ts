// The result-set schema, version 2. A result set is rows plus the metadata
// needed to reproduce and judge them. Readers check schemaVersion and say
// which version they found and which they need. Pure.
//
// Version 2 (this one): every figure is of all the samples; `outliers_tukey`
// counts the samples outside Tukey's fences, for information.
// Version 1: median, CI, percentiles and mean were of the samples left after
// dropping Tukey outliers, `samples` counted those, and `outliers_removed` the
// dropped ones. reader.ts upgrades version 1 sets on reading (see there).

import { inputError } from '../errors.js';

export const SCHEMA_VERSION = 2;

export type ResultUnit = 'us' | 'MB/s' | 'msg/s';
/** Why sampling stopped; 'failed' rows carry no figures, and their reason in extra.error. */
export type RowStopReason = 'ci-target' | 'sample-cap' | 'time-cap' | 'imported' | 'failed';

/** One row per kind, host pair, message size and unit. */
export interface ResultRow {
  kind: string;
  host_a: string | null;
  host_b: string | null;
  bytes: number;
  /** Samples measured (warm-up excluded), all of them used for the figures; null when unknown (imported rows). */
  samples: number | null;
  median: number | null;
  p05: number | null;
  p95: number | null;
  p99: number | null;
  ci95_low: number | null;
  ci95_high: number | null;
  unit: ResultUnit;
  /** Arithmetic mean for times, harmonic mean (total bytes over total time) for rates. */
  mean: number | null;
  stop_reason: RowStopReason | null;
  /** Samples outside Tukey's 1.5×IQR fences: information only, they are in every figure. Null when unknown. */
  outliers_tukey: number | null;
  /** Where the row came from: `hpcrun` or, for imports, `osu_latency 7.4 (file)`. */
  source: string;
  /** Other per-row facts (iterations, t_min, Validation, P90 ...). JSON only. */
  extra?: Record<string, number | string>;
  /** Every sample measured, warm-up excluded. JSON only. */
  raw_samples?: number[];
}

/** CSV columns, in order. The first eleven are the contract named in issue 4. */
export const CSV_COLUMNS = [
  'kind', 'host_a', 'host_b', 'bytes', 'samples', 'median', 'p05', 'p95', 'ci95_low', 'ci95_high', 'unit',
  'p99', 'mean', 'stop_reason', 'outliers_tukey', 'source',
] as const;

export interface StopPolicyMeta {
  warmup: number | null;
  targetRelHalfWidth: number | null;
  maxSamples: number | null;
  minSamples: number | null;
  iterationsPerSample: number | null;
  stoppingRule: string;
  outlierRule: string;
}

export interface ResultMetadata {
  name: string;
  /** The hpcrun command that produced the set: bench, import. */
  command: string;
  /** False while a run is in progress or after it was interrupted. */
  complete: boolean;
  /** Why an incomplete set stopped (e.g. SIGINT), if known. */
  incompleteReason?: string | null;
  /** ISO 8601, when the run started. */
  date: string;
  hpcrun: { version: string; gitRevision: string | null };
  hosts: string[];
  nodeShape: string | null;
  ranksPerNode: number | null;
  placement: string | null;
  mpi: { flavour: string | null; version: string | null };
  /** Transport settings such as OMPI_MCA_btl; values as set. */
  transport: Record<string, string>;
  sizes: number[];
  policy: StopPolicyMeta | null;
  timerResolutionUs: number | null;
  /** Imported inputs: file, format, benchmark, version, notes. */
  sources?: Array<{ file: string; format: string; benchmark: string; version: string | null; params: Record<string, number | string> }>;
  notes?: string[];
}

export interface ResultSet {
  schemaVersion: typeof SCHEMA_VERSION;
  metadata: ResultMetadata;
  rows: ResultRow[];
}

/** Metadata with every field present, for callers that know only a few facts. */
export function baseMetadata(init: Pick<ResultMetadata, 'name' | 'command' | 'date' | 'hpcrun'> & Partial<ResultMetadata>): ResultMetadata {
  return {
    complete: false,
    incompleteReason: null,
    hosts: [],
    nodeShape: null,
    ranksPerNode: null,
    placement: null,
    mpi: { flavour: null, version: null },
    transport: {},
    sizes: [],
    policy: null,
    timerResolutionUs: null,
    ...init,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const NULLABLE_NUMBERS = ['samples', 'median', 'p05', 'p95', 'p99', 'ci95_low', 'ci95_high', 'mean', 'outliers_tukey'] as const;

/** Validates parsed JSON as a result set; `source` names it in errors. */
export function validateResultSet(value: unknown, source: string): ResultSet {
  if (!isObject(value)) throw inputError('HPCRUN_RESULTS_INVALID', `${source}: not a result set (expected a JSON object)`);
  const found = value.schemaVersion;
  if (found !== SCHEMA_VERSION) {
    throw inputError(
      'HPCRUN_RESULTS_VERSION',
      `${source}: result schemaVersion ${found === undefined ? '(missing)' : JSON.stringify(found)} found; this hpcrun reads schemaVersion ${SCHEMA_VERSION} (and upgrades 1)`,
      typeof found === 'number' && found > SCHEMA_VERSION ? 'upgrade hpcrun to read this file' : 'was this file written by hpcrun?',
    );
  }
  if (!isObject(value.metadata)) throw inputError('HPCRUN_RESULTS_INVALID', `${source}: metadata is missing`);
  const meta = value.metadata;
  if (typeof meta.complete !== 'boolean' || typeof meta.name !== 'string' || typeof meta.date !== 'string') {
    throw inputError('HPCRUN_RESULTS_INVALID', `${source}: metadata needs name, date and complete`);
  }
  if (!Array.isArray(value.rows)) throw inputError('HPCRUN_RESULTS_INVALID', `${source}: rows is not a list`);
  value.rows.forEach((row: unknown, i: number) => {
    const at = `${source}: row ${i + 1}`;
    if (!isObject(row)) throw inputError('HPCRUN_RESULTS_INVALID', `${at} is not an object`);
    if (typeof row.kind !== 'string' || typeof row.unit !== 'string' || typeof row.bytes !== 'number') {
      throw inputError('HPCRUN_RESULTS_INVALID', `${at} needs kind, bytes and unit`);
    }
    for (const key of NULLABLE_NUMBERS) {
      const v = row[key];
      if (v !== null && typeof v !== 'number') throw inputError('HPCRUN_RESULTS_INVALID', `${at}: ${key} must be a number or null`);
    }
  });
  return value as unknown as ResultSet;
}
