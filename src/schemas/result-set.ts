// Result sets, schemaVersion 2 (figures of all the samples; version 1 is
// upgraded on reading by src/results/upgrade.ts): rows plus the metadata needed to reproduce
// and judge them (results/README.md). Written by `hpcrun bench` and
// `hpcrun import`; readers check schemaVersion first and say which version
// they found and which they need. Pure.

import { z } from 'zod';
import { check, declaredVersion, show, type Checked } from './issues.js';
import type { FileFormat } from './json-schema.js';

export const RESULT_SET_SCHEMA_VERSION = 2;

export const RESULT_UNITS = ['us', 'MB/s', 'msg/s'] as const;
export const ROW_STOP_REASONS = ['ci-target', 'sample-cap', 'time-cap', 'imported', 'failed'] as const;

// A statistic: a number, or null when unknown. (undefined defers to the shared map: "is required".)
const figure = z.number({ error: (iss) => (iss.input === undefined ? undefined : `must be a number or null, not ${show(iss.input)}`) }).nullable();

export const ResultRowSchema = z.object({
  kind: z.string().min(1).describe('latency, bw, bibw, mbw; imported IMB tables keep their name (pingpong, sendrecv, ...).'),
  host_a: z.string().nullable(),
  host_b: z.string().nullable(),
  bytes: z.number().min(0).describe('Message size.'),
  samples: z.int().min(0).nullable().describe('Samples measured (warm-up excluded), every one of them in the figures; null when unknown (imported rows).'),
  median: figure,
  p05: figure,
  p95: figure,
  p99: figure,
  ci95_low: figure,
  ci95_high: figure,
  unit: z.enum(RESULT_UNITS).describe('us (latency is half the round trip), MB/s (10^6 bytes/s), msg/s.'),
  mean: figure.describe('Arithmetic mean for times, harmonic mean (total bytes over total time) for rates.'),
  stop_reason: z.enum(ROW_STOP_REASONS).nullable().describe("Why sampling stopped; 'failed' rows carry no figures, and their reason in extra.error."),
  outliers_tukey: z.int().min(0).nullable().describe("Samples outside Tukey's 1.5×IQR fences: information only, they are in every figure. Null when unknown."),
  source: z.string().describe('Where the row came from: hpcrun or, for imports, e.g. "osu_latency 7.4 (file:line)".'),
  extra: z.record(z.string(), z.union([z.number(), z.string()])).optional().describe('Other per-row facts (iterations, t_min, Validation, P90 ...). JSON only.'),
  raw_samples: z.array(z.number()).optional().describe('Every sample measured, warm-up excluded. JSON only.'),
});

const nullableInt = z.int().min(0).nullable();

export const StopPolicySchema = z.object({
  warmup: nullableInt,
  targetRelHalfWidth: z.number().nullable(),
  maxSamples: nullableInt,
  minSamples: nullableInt,
  iterationsPerSample: nullableInt,
  stoppingRule: z.string(),
  outlierRule: z.string(),
});

export const ResultSourceSchema = z.object({
  file: z.string(),
  format: z.string(),
  benchmark: z.string(),
  version: z.string().nullable(),
  params: z.record(z.string(), z.union([z.number(), z.string()])),
});

export const ResultMetadataSchema = z.object({
  name: z.string(),
  command: z.string().describe('The hpcrun command that produced the set: bench, import.'),
  complete: z.boolean().describe('False while a run is in progress or after it was interrupted.'),
  incompleteReason: z.string().nullable().optional().describe('Why an incomplete set stopped (e.g. SIGINT), if known.'),
  date: z.string().describe('ISO 8601, when the run started.'),
  hpcrun: z.object({ version: z.string(), gitRevision: z.string().nullable() }),
  hosts: z.array(z.string()),
  nodeShape: z.string().nullable(),
  ranksPerNode: z.int().min(1).nullable(),
  placement: z.string().nullable(),
  mpi: z.object({ flavour: z.string().nullable(), version: z.string().nullable() }),
  transport: z.record(z.string(), z.string()).describe('Transport settings such as OMPI_MCA_btl; values as set.'),
  sizes: z.array(z.number().min(0)),
  policy: StopPolicySchema.nullable(),
  timerResolutionUs: z.number().nullable(),
  plan: z
    .object({
      dir: z.string(),
      policy: z.string(),
      grid: z.array(z.int().min(1)).nullable(),
      periodic: z.boolean(),
      rankToHost: z.array(z.string()).describe('Host of each rank, as the plan placed it.'),
    })
    .optional()
    .describe('The plan a halo run (bench --kind halo) was launched with: its policy, grid and rank-to-host mapping.'),
  sources: z.array(ResultSourceSchema).optional().describe('Imported inputs: file, format, benchmark, version, parameters.'),
  notes: z.array(z.string()).optional(),
});

export const ResultSetSchema = z
  .object({
    schemaVersion: z.literal(RESULT_SET_SCHEMA_VERSION),
    metadata: ResultMetadataSchema,
    rows: z.array(ResultRowSchema),
  })
  .meta({
    title: 'hpcrun result set',
    description:
      'PATH.json written by `hpcrun bench` and `hpcrun import` (results/README.md). Generated from src/schemas/result-set.ts by `npm run schemas`; do not edit.',
  });

export type ResultUnit = (typeof RESULT_UNITS)[number];
export type RowStopReason = (typeof ROW_STOP_REASONS)[number];
export type ResultRow = z.output<typeof ResultRowSchema>;
export type StopPolicyMeta = z.output<typeof StopPolicySchema>;
export type ResultMetadata = z.output<typeof ResultMetadataSchema>;
export type ResultSet = z.output<typeof ResultSetSchema>;

/** The version check, on its own: a file of another version fails with this, not with field errors. */
export function resultSetVersion(data: unknown): { ok: true } | { ok: false; found: unknown; need: number } {
  const found = declaredVersion(data);
  return found === RESULT_SET_SCHEMA_VERSION ? { ok: true } : { ok: false, found, need: RESULT_SET_SCHEMA_VERSION };
}

/** The schema stage (the version must have been checked first). Result sets have no cross-field rules yet. */
export function checkResultSet(data: unknown): Checked<ResultSet> {
  return check(ResultSetSchema, data);
}

export const resultSetFormat: FileFormat = {
  name: 'result-set',
  schema: ResultSetSchema,
  published: { path: 'results/result-set.schema.json', id: 'https://hpcrun.dev/results/result-set.schema.json' },
};
