// The node-shape catalog: Compute Engine machine types
// (placement/gce-catalog.json) or the user's own on-prem shapes (--catalog
// FILE). Every published figure may carry its source and date:
// { "value": 30, "source": URL, "date": "YYYY-MM-DD" }; a bare value is
// accepted too (on-prem files need not cite anything). Pure.

import { z } from 'zod';
import { check, show, type Checked, type Rules } from './issues.js';
import type { FileFormat } from './json-schema.js';

export const CATALOG_SCHEMA_VERSION = 1;

const FIGURE_FIX = 'a figure needs "source" and "date" (YYYY-MM or YYYY-MM-DD)';
const needed = (iss: { input: unknown }): string | undefined => (iss.input === undefined ? `missing; ${FIGURE_FIX}` : undefined);

/** A published figure with its source and the date it describes. */
export interface Figure<T> {
  value: T;
  source: string;
  date: string;
  note?: string | undefined;
}
export type FigureOr<T> = T | Figure<T>;

export function figure<T extends z.ZodType>(value: T) {
  return z
    .strictObject({
      value,
      source: z.string({ error: needed }).describe('URL or document the figure comes from.'),
      date: z.string({ error: needed }).regex(/^\d{4}-\d{2}(-\d{2})?$/, { error: (iss) => `${show(iss.input)} must be YYYY-MM or YYYY-MM-DD` }),
      note: z.string().optional(),
    })
    .describe('A published figure with its source and the date it describes.');
}

/** A union's message when no form fits at all (a wrong figure is explained by its own fields). */
const mustBe = (forms: string) => (iss: { input: unknown }) =>
  iss.input === undefined ? undefined : `must be ${forms} or a figure { "value", "source", "date" }, not ${show(iss.input)}`;

const positiveNumber = z.number().positive();
const positive = z.union([positiveNumber, figure(positiveNumber)], { error: mustBe('a positive number') }).meta({ id: 'positive' });
const positiveOrNull = z
  .union([positiveNumber, z.null(), figure(positiveNumber.nullable())], { error: mustBe('a positive number, null') })
  .meta({ id: 'positiveOrNull' });
const flag = z.union([z.boolean(), figure(z.boolean())], { error: mustBe('true, false') }).meta({ id: 'flag' });

export const CatalogShapeSchema = z
  .strictObject({
    name: z.string().min(1).describe('Machine type or on-prem shape name, used with --machine.'),
    provider: z.enum(['gce', 'onprem']),
    family: z.string().optional().describe("Machine family (c2, n1, ...); defaults to the name before the first '-'."),
    interconnect: z.enum(['ethernet', 'infiniband', 'other']).optional().describe('gce shapes default to ethernet.'),
    vcpus: positive,
    physicalCores: positive.describe('Cores without SMT: vCPUs/2 on most GCE shapes, vCPUs on H3/H4D.'),
    memoryGiB: positive.optional(),
    networkGbps: positiveOrNull.optional().describe('Default per-VM egress bandwidth, Gbit/s.'),
    tier1Gbps: positiveOrNull.optional().describe('Tier_1 per-VM egress bandwidth, Gbit/s; null when not offered.'),
    compactPlacement: flag.optional().describe('Whether compact placement policies (COLLOCATED) are supported.'),
    onDemandPerHour: positiveOrNull.optional().describe("USD per VM-hour in the catalog's region."),
    spotPerHour: positiveOrNull.optional().describe('USD per Spot VM-hour; null when not offered or not recorded.'),
  })
  .meta({ id: 'shape' });

export const CatalogSchema = z
  .strictObject({
    $schema: z.string().optional(),
    schemaVersion: z.literal(CATALOG_SCHEMA_VERSION, { error: (iss) => `found ${show(iss.input)}, need ${CATALOG_SCHEMA_VERSION}` }),
    region: z.string().optional().describe('The region the prices are for, e.g. us-central1.'),
    currency: z.string().optional(),
    description: z.string().optional(),
    shapes: z.array(CatalogShapeSchema, { error: (iss) => (iss.input === undefined ? undefined : 'must be a non-empty array') }).min(1),
  })
  .meta({
    title: 'hpcrun node-shape catalog',
    description:
      'Node shapes for `hpcrun plan`: Compute Engine machine types (placement/gce-catalog.json) or on-prem shapes (--catalog FILE). Generated from src/schemas/catalog.ts by `npm run schemas`; do not edit.',
  });

export type Catalog = z.output<typeof CatalogSchema>;
export type CatalogShape = z.output<typeof CatalogShapeSchema>;

// The generic figure types above describe what the schema reads; this fails to compile if they part.
const figuresAgree: [CatalogShape['vcpus'], CatalogShape['networkGbps'], CatalogShape['compactPlacement']] extends [FigureOr<number>, FigureOr<number | null> | undefined, FigureOr<boolean> | undefined]
  ? true
  : never = true;
void figuresAgree;

export function isFigure(v: unknown): v is Figure<unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'value' in v;
}

export function figureValue<T>(v: FigureOr<T> | undefined): T | undefined {
  return isFigure(v) ? (v.value as T) : v;
}

/** Cross-field rules: names are unique, and a shape has no more physical cores than vCPUs. */
const catalogRules: Rules<Catalog> = (catalog, report) => {
  const seen = new Set<string>();
  catalog.shapes.forEach((shape, i) => {
    if (seen.has(shape.name)) report.error(['shapes', i, 'name'], `${shape.name} is listed twice`);
    seen.add(shape.name);
    const cores = figureValue(shape.physicalCores);
    const vcpus = figureValue(shape.vcpus);
    if (cores !== undefined && vcpus !== undefined && cores > vcpus) report.error(['shapes', i, 'physicalCores'], `exceeds vcpus (${cores} > ${vcpus})`);
  });
};

/** Checks parsed JSON as a catalog; errors name the path, e.g. shapes[2].memoryGiB.value. */
export function validateCatalog(data: unknown): Checked<Catalog> {
  return check(CatalogSchema, data, catalogRules);
}

export const catalogFormat: FileFormat = {
  name: 'catalog',
  schema: CatalogSchema,
  published: { path: 'placement/catalog.schema.json', id: 'https://hpcrun.dev/placement/catalog.schema.json' },
};
