// Published reference figures for `hpcrun report --reference FILE`
// (results/references/): osu_latency / osu_bw figures of known networks,
// each with its source and date, drawn as dashed levels on the report's
// charts. Pure.

import { z } from 'zod';
import { check, type Checked } from './issues.js';
import type { FileFormat } from './json-schema.js';
import { RESULT_UNITS } from './result-set.js';

export const REFERENCE_SCHEMA_VERSION = 1;
export const REFERENCE_KIND = 'hpcrun-references';

const day = z.iso.date({ error: 'must be a date such as 2024-09-16' });

export const ReferenceFigureSchema = z.strictObject({
  system: z.string().min(1).describe('Machine and network, e.g. "Compute Engine c2d-standard-112".'),
  label: z.string().min(1).optional().describe('A short name for chart legends; default: system.'),
  category: z.enum(['on-prem-infiniband', 'cloud-hpc', 'compute-engine']).describe('Which kind of network the figure stands for.'),
  kind: z.string().min(1).describe('latency or bw, as in result sets.'),
  bytes: z.number().min(0).describe('Message size.'),
  value: z.number().positive(),
  unit: z.enum(RESULT_UNITS),
  statistic: z.string().min(1).describe('What the value is, e.g. "median over 29 node pairs of osu_latency 7.x averages".'),
  source: z.string().min(1).describe('Where the figure comes from: a repository path at a commit, a page, a paper.'),
  date: day.describe('When the figure was measured or published.'),
  note: z.string().optional(),
});

export const ReferenceFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    schemaVersion: z.literal(REFERENCE_SCHEMA_VERSION),
    kind: z.literal(REFERENCE_KIND),
    note: z.string().optional(),
    figures: z.array(ReferenceFigureSchema).min(1),
  })
  .meta({
    title: 'hpcrun reference figures',
    description: 'Published network figures with sources and dates, for `hpcrun report --reference FILE`. Generated from src/schemas/reference.ts by `npm run schemas`; do not edit.',
  });

export type ReferenceFigure = z.output<typeof ReferenceFigureSchema>;
export type ReferenceFile = z.output<typeof ReferenceFileSchema>;

export function checkReferenceFile(data: unknown): Checked<ReferenceFile> {
  return check(ReferenceFileSchema, data);
}

export const referenceFormat: FileFormat = {
  name: 'reference',
  schema: ReferenceFileSchema,
  published: { path: 'results/references/references.schema.json', id: 'https://hpcrun.dev/results/references/references.schema.json' },
};
