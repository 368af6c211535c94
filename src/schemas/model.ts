// A fitted network model, written by `hpcrun model fit` and read by
// `hpcrun predict` and `hpcrun plan --recommend --model`. schemaVersion 1.
// Readers check the kind and version first, then the schema. Pure.

import { z } from 'zod';
import { check, declaredVersion, show, type Checked } from './issues.js';
import type { FileFormat } from './json-schema.js';

export const MODEL_SCHEMA_VERSION = 1;
export const MODEL_KIND = 'hpcrun-model';

const bytes = z.number().min(0);

export const RegimeSchema = z.object({
  fromBytes: bytes.describe('Smallest observed size in the regime.'),
  toBytes: bytes.describe('Largest observed size in the regime.'),
  startsAtBytes: bytes.describe('Where the regime takes over from the one below (the intersection of the two lines when it lies between their observed sizes, else fromBytes); 0 for the first regime.'),
  alphaUs: z.number().describe('Intercept α, µs.'),
  usPerByte: z.number().min(0).describe('Slope 1/β, µs per byte.'),
  bandwidthMBps: z.number().nullable().describe('β in MB/s (10^6 bytes/s); null when the slope is 0 (flat).'),
  sizes: z.int().min(1).describe('Distinct sizes fitted.'),
  points: z.int().min(1),
  r2: z.number().nullable().describe('Coefficient of determination (weighted, relative); null when undefined (all times equal).'),
  maxRelResidual: z.number().describe('Largest |measured − fitted| / measured in the regime.'),
});

export const SeriesFitSchema = z.object({
  series: z.string().describe('Which rows: latency (ping-pong, half round trip) or streaming (bw rows as bytes/rate: time per message in a window).'),
  kinds: z.array(z.string()),
  regimes: z.array(RegimeSchema).min(1),
  r2: z.number().nullable().describe('Over all points, relative residuals: 1 − SSE/SST.'),
  maxRelResidual: z.number(),
  selection: z.string().describe('How the number of regimes was chosen.'),
  comparison: z
    .object({ method: z.string(), r2: z.number().nullable(), maxRelResidual: z.number().nullable() })
    .nullable()
    .describe('BenchPress-style fixed splits at 256 B and 16 KiB on the same points, for comparison; null when a fixed regime has too few sizes.'),
});

export const NodeInjectionSchema = z.object({
  pairsPerNode: z.int().min(2),
  /** Node injection rate, MB/s; null when mbw never saturated. */
  nodeRateMBps: z.number().nullable(),
  saturatedSizes: z.array(bytes),
  maxAggregateMBps: z.number(),
  note: z.string(),
});

export const ModelSourceSchema = z.object({
  file: z.string(),
  name: z.string(),
  command: z.string(),
  date: z.string(),
  hosts: z.array(z.string()),
  nodeShape: z.string().nullable(),
  ranksPerNode: z.int().nullable(),
  mpi: z.object({ flavour: z.string().nullable(), version: z.string().nullable() }),
  transport: z.record(z.string(), z.string()),
  benchmarks: z.array(z.string()).describe('Imported tools (osu_latency 7.4 ...); empty for hpcrun bench.'),
});

export const ModelFileSchema = z
  .object({
    schemaVersion: z.literal(MODEL_SCHEMA_VERSION),
    kind: z.literal(MODEL_KIND),
    created: z.string().describe('ISO 8601, when the model was fitted.'),
    hpcrun: z.string(),
    sources: z.array(ModelSourceSchema).min(1),
    latency: SeriesFitSchema.describe('latency(bytes) = α + bytes/β per regime, from ping-pong rows.'),
    streaming: SeriesFitSchema.nullable().describe('time per message in a stream = γ + bytes/β, from bw rows; null without bw rows.'),
    node: NodeInjectionSchema.nullable().describe('Node injection from mbw rows with several pairs per node; null without.'),
    fittedRange: z.object({ minBytes: bytes, maxBytes: bytes }),
    warnings: z.array(z.string()),
  })
  .meta({
    title: 'hpcrun network model',
    description: 'MODEL.json written by `hpcrun model fit` (README, Predict before you pay). Generated from src/schemas/model.ts by `npm run schemas`; do not edit.',
  });

export type Regime = z.output<typeof RegimeSchema>;
export type SeriesFit = z.output<typeof SeriesFitSchema>;
export type NodeInjection = z.output<typeof NodeInjectionSchema>;
export type ModelSource = z.output<typeof ModelSourceSchema>;
export type ModelFile = z.output<typeof ModelFileSchema>;

/** Kind, then version, then the schema: a file of another version fails with the version, not with field errors. */
export function checkModelFile(data: unknown): Checked<ModelFile> {
  const kind = typeof data === 'object' && data !== null ? (data as { kind?: unknown }).kind : undefined;
  if (kind !== MODEL_KIND) return { ok: false, errors: [`not an hpcrun model (kind is not "${MODEL_KIND}")`] };
  const found = declaredVersion(data);
  if (found !== MODEL_SCHEMA_VERSION) return { ok: false, errors: [`model schemaVersion ${show(found)} found; this hpcrun reads schemaVersion ${MODEL_SCHEMA_VERSION}`] };
  return check(ModelFileSchema, data);
}

export const modelFormat: FileFormat = {
  name: 'model',
  schema: ModelFileSchema,
  published: { path: 'results/model.schema.json', id: 'https://hpcrun.dev/results/model.schema.json' },
};
