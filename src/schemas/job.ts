// The job: what `hpcrun plan` places. The same schema reads a job file
// ({"grid": "64x64x64", "machine": "c2-standard-60"}) and the flags
// (--grid 64x64x64 --machine c2-standard-60): flag values arrive as strings,
// so whole numbers, sizes and grids are accepted as text too. This is the
// field-level stage; the cross-field rules and defaults are in
// src/core/plan/spec.ts. Pure.

import { LAUNCHER_NAMES } from '../core/launchers/types.js';
import { z } from 'zod';
import { parseSize } from '../core/units.js';
import { show } from './issues.js';
import type { FileFormat } from './json-schema.js';

export const MAPPING_POLICIES = ['compact', 'block', 'cyclic', 'spread'] as const;
/** The launcher a plan is written for; one module each in src/core/launchers/. */
export const MPI_FLAVOURS = LAUNCHER_NAMES;
export const GCE_PLACEMENT_MODES = ['auto', 'compact', 'none'] as const;
export type MappingPolicy = (typeof MAPPING_POLICIES)[number];
export type MpiFlavour = (typeof MPI_FLAVOURS)[number];
export type GcePlacementMode = (typeof GCE_PLACEMENT_MODES)[number];

/** Parses "64x64x64" (or "64,64,64", or an array of numbers) into 1 to 3 extents. */
export function parseGrid(value: unknown): number[] | undefined {
  const parts = Array.isArray(value) ? value : typeof value === 'string' ? value.trim().split(/\s*[x×,]\s*/i) : undefined;
  if (!parts || parts.length < 1 || parts.length > 3) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    const n = typeof p === 'number' ? p : typeof p === 'string' && /^\d+$/.test(p) ? Number(p) : NaN;
    if (!Number.isSafeInteger(n) || n < 1) return undefined;
    out.push(n);
  }
  return out;
}

const WHOLE = /^\s*\d*[1-9]\d*\s*$/;
const SIZE = /^\s*\d+(\.\d+)?\s*([bB]|[kKmMgGtT]([iI]?[bB])?)?\s*$/;
const GRID = /^\s*\d*[1-9]\d*(\s*[xX×,]\s*\d*[1-9]\d*){0,2}\s*$/;

function whole(max?: number) {
  const int = max === undefined ? z.int().min(1) : z.int().min(1).max(max);
  return z.union([int, z.string().regex(WHOLE).transform(Number).pipe(int)]);
}

const size = z.union([z.number().positive(), z.string().regex(SIZE)]).transform((v, ctx) => {
  const bytes = typeof v === 'number' ? v : parseSize(v);
  if (bytes === undefined || !(bytes > 0)) {
    ctx.issues.push({ code: 'custom', message: 'must be a positive size', input: v });
    return z.NEVER;
  }
  return Math.round(bytes);
});

const grid = z.union([z.string().regex(GRID), z.array(z.int().min(1)).min(1).max(3)]).transform((v, ctx) => {
  const extents = parseGrid(v);
  if (extents === undefined) ctx.issues.push({ code: 'custom', message: 'must be 1 to 3 positive extents', input: v });
  return extents ?? z.NEVER;
});

/** A field: its schema, and what the message says a bad value must be. */
interface Field<S extends z.ZodType> {
  schema: z.ZodOptional<S>;
  must: (value: unknown) => string;
}
function field<S extends z.ZodType>(schema: S, must: (value: unknown) => string, description: string): Field<S> {
  return { schema: schema.describe(description).optional(), must };
}

const mustBeWhole = (v: unknown): string => `${show(v)} must be a whole number >= 1`;
const mustBeSize = (v: unknown): string => `${show(v)} must be a positive size such as 512MiB or 4GiB`;
const mustBeFlag = (v: unknown): string => `must be true or false, not ${show(v)}`;
const mustBeText = (v: unknown): string => `must be a non-empty string, not ${show(v)}`;
const mustBeOneOf = (values: readonly string[]) => (v: unknown): string => `${show(v)} must be one of ${values.join(', ')}`;
const text = z.string().trim().min(1);

const FIELDS = {
  ranks: field(whole(), mustBeWhole, 'Number of ranks; with a grid, its product (give either).'),
  grid: field(grid, (v) => `${show(v)} must be 1 to 3 positive extents such as 64x64x64`, 'Cartesian process grid, row-major (last dimension fastest): "64x64x64" or [64, 64, 64].'),
  periodic: field(z.boolean(), mustBeFlag, 'The grid wraps around in every dimension.'),
  threadsPerRank: field(whole(), mustBeWhole, 'Threads (physical cores) per rank; default 1.'),
  memPerRank: field(size, mustBeSize, 'Memory per rank: bytes, or a size such as "512MiB" or "2GiB" (K, M, G are binary).'),
  machine: field(text, mustBeText, 'Node shape from the catalog, e.g. c2-standard-60.'),
  coresPerNode: field(whole(), mustBeWhole, 'Custom node shape: physical cores per node.'),
  memPerNode: field(size, mustBeSize, 'Custom node shape: memory per node.'),
  maxRanksPerNode: field(whole(), mustBeWhole, 'Cap on ranks per node; default 64 cores worth.'),
  nodes: field(whole(), mustBeWhole, 'Use exactly this many nodes.'),
  hosts: field(text, mustBeText, 'Host file (Open MPI hostfile syntax), relative to the job file.'),
  policy: field(z.enum(MAPPING_POLICIES), mustBeOneOf(MAPPING_POLICIES), 'Rank mapping; default compact.'),
  mpi: field(z.enum(MPI_FLAVOURS), mustBeOneOf(MPI_FLAVOURS), 'MPI to write the launch for; default openmpi.'),
  haloBytes: field(size, mustBeSize, 'Bytes per halo message, for network traffic figures.'),
  spot: field(z.boolean(), mustBeFlag, 'Plan for Spot VMs.'),
  gcePlacement: field(z.enum(GCE_PLACEMENT_MODES), mustBeOneOf(GCE_PLACEMENT_MODES), 'GCE compact placement policies; default auto.'),
  maxDistance: field(whole(3), (v) => `must be 1, 2 or 3, not ${show(v)}`, 'GCE compact placement maxDistance (beta API); default the tightest that fits.'),
  catalog: field(text, mustBeText, 'Node shapes file, relative to the job file; default placement/gce-catalog.json.'),
  out: field(text, mustBeText, 'Write the plan directory here, relative to the job file.'),
};

export type JobField = keyof typeof FIELDS;
export const JOB_FIELDS = Object.keys(FIELDS) as readonly JobField[];

function shapeOf<F extends Record<string, Field<z.ZodType>>>(fields: F): { [K in keyof F]: F[K]['schema'] } {
  return Object.fromEntries(Object.entries(fields).map(([name, f]) => [name, f.schema])) as { [K in keyof F]: F[K]['schema'] };
}

export const JobSchema = z.strictObject(shapeOf(FIELDS)).meta({
  title: 'hpcrun job',
  description: 'A job for `hpcrun plan JOB.json`; every field is also a flag (memPerRank is --mem-per-rank), and flags override the file.',
});

/** A job as written (file or flags). */
export type JobInput = z.input<typeof JobSchema>;
/** A job after the field-level stage: numbers, bytes and grid extents. */
export type JobFields = z.output<typeof JobSchema>;

export function isJobField(name: unknown): name is JobField {
  return typeof name === 'string' && Object.hasOwn(FIELDS, name);
}

/** What a bad value of `field` must be, quoting the value: `"0GiB" must be a positive size such as ...`. */
export function jobFieldMessage(name: JobField, value: unknown): string {
  return FIELDS[name].must(value);
}

export const jobFormat: FileFormat = { name: 'job', schema: JobSchema };
