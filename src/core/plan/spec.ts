// The job spec in stages: parse each field, normalise, then cross-field rules.
// Input is a plain object, from flags (names like --mem-per-rank) or from a
// job file (names like "memPerRank"); errors name the field the way the user
// wrote it. Returns { ok, value, warnings } or { ok: false, errors }.

import { parseSize } from '../units.js';
import { MAPPING_POLICIES, MPI_FLAVOURS, type GcePlacementMode, type JobSpec, type MappingPolicy, type MpiFlavour } from './types.js';
import { count } from '../text.js';

export type Source = 'flags' | 'file';

/** Largest job planned: rank arrays are held in memory (4 bytes per rank per array). */
export const MAX_RANKS = 100_000_000;

/** Everything a plan request holds besides the job: where the shape and hosts come from. */
export interface PlanRequest {
  job: JobSpec;
  machine: string | undefined;
  coresPerNode: number | undefined;
  memPerNodeBytes: number | undefined;
  hosts: string | undefined;
  catalog: string | undefined;
  out: string | undefined;
}

export type SpecResult = { ok: true; value: PlanRequest; warnings: string[] } | { ok: false; errors: string[] };

export const JOB_FIELDS = [
  'ranks', 'grid', 'periodic', 'threadsPerRank', 'memPerRank', 'machine', 'coresPerNode', 'memPerNode',
  'maxRanksPerNode', 'nodes', 'hosts', 'policy', 'mpi', 'haloBytes', 'spot', 'gcePlacement', 'maxDistance',
  'catalog', 'out',
] as const;
export type JobField = (typeof JOB_FIELDS)[number];

export function fieldLabel(field: string, source: Source): string {
  return source === 'flags' ? `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : `"${field}"`;
}

/** Parses "64x64x64" (or "64,64,64", or an array of numbers) into extents. */
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

/** Validates a whole request. requireShape is false for --recommend (every catalog shape is tried). */
export function validateJob(raw: Readonly<Record<string, unknown>>, source: Source, options: { requireShape?: boolean } = {}): SpecResult {
  return validate(raw, source, options.requireShape ?? true, true);
}

/** Field-level errors only: for a job file that flags may still complete. */
export function fieldErrors(raw: Readonly<Record<string, unknown>>, source: Source): string[] {
  const result = validate(raw, source, false, false);
  return result.ok ? [] : result.errors;
}

function validate(raw: Readonly<Record<string, unknown>>, source: Source, requireShape: boolean, crossField: boolean): SpecResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const label = (f: JobField): string => fieldLabel(f, source);
  for (const key of Object.keys(raw)) {
    if (!(JOB_FIELDS as readonly string[]).includes(key) && raw[key] !== undefined) {
      errors.push(`unknown field ${fieldLabel(key, source)}; known fields: ${JOB_FIELDS.join(', ')}`);
    }
  }
  const int = (f: JobField, min = 1): number | undefined => {
    const v = raw[f];
    if (v === undefined) return undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < min) {
      errors.push(`${label(f)} ${JSON.stringify(v)} must be a whole number >= ${min}`);
      return undefined;
    }
    return n;
  };
  const size = (f: JobField): number | undefined => {
    const v = raw[f];
    if (v === undefined) return undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' ? parseSize(v) : undefined;
    if (n === undefined || !Number.isFinite(n) || n <= 0) {
      errors.push(`${label(f)} ${JSON.stringify(v)} must be a positive size such as 512MiB or 4GiB`);
      return undefined;
    }
    return Math.round(n);
  };
  const bool = (f: JobField): boolean => {
    const v = raw[f];
    if (v === undefined) return false;
    if (typeof v !== 'boolean') errors.push(`${label(f)} must be true or false, not ${JSON.stringify(v)}`);
    return v === true;
  };
  const text = (f: JobField): string | undefined => {
    const v = raw[f];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.trim() === '') {
      errors.push(`${label(f)} must be a non-empty string, not ${JSON.stringify(v)}`);
      return undefined;
    }
    return v.trim();
  };
  const oneOf = <T extends string>(f: JobField, allowed: readonly T[], fallback: T): T => {
    const v = text(f);
    if (v === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(v)) {
      errors.push(`${label(f)} ${JSON.stringify(v)} must be one of ${allowed.join(', ')}`);
      return fallback;
    }
    return v as T;
  };

  let grid: number[] | undefined;
  if (raw.grid !== undefined) {
    grid = parseGrid(raw.grid);
    if (!grid) errors.push(`${label('grid')} ${JSON.stringify(raw.grid)} must be 1 to 3 positive extents such as 64x64x64`);
  }
  const ranksField = int('ranks');
  const threadsPerRank = int('threadsPerRank') ?? 1;
  const memPerRankBytes = size('memPerRank');
  const machine = text('machine');
  const coresPerNode = int('coresPerNode');
  const memPerNodeBytes = size('memPerNode');
  const maxRanksPerNode = int('maxRanksPerNode');
  const nodes = int('nodes');
  const hosts = text('hosts');
  const policy: MappingPolicy = oneOf('policy', MAPPING_POLICIES, 'compact');
  const mpi: MpiFlavour = oneOf('mpi', MPI_FLAVOURS, 'openmpi');
  const haloBytes = size('haloBytes');
  const periodic = bool('periodic');
  const spot = bool('spot');
  const gcePlacement: GcePlacementMode = oneOf('gcePlacement', ['auto', 'compact', 'none'] as const, 'auto');
  const maxDistance = int('maxDistance');
  const catalog = text('catalog');
  const out = text('out');

  if (!crossField) return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { job: placeholderJob(), machine, coresPerNode, memPerNodeBytes, hosts, catalog, out }, warnings };
  // Cross-field rules.
  if (maxDistance !== undefined && maxDistance > 3) errors.push(`${label('maxDistance')} must be 1, 2 or 3`);
  const gridRanks = grid?.reduce((a, b) => a * b, 1);
  if (grid === undefined && ranksField === undefined && raw.grid === undefined) {
    errors.push(`give ${label('ranks')} or ${label('grid')}`);
  }
  const total = gridRanks ?? ranksField;
  if (total !== undefined && total > MAX_RANKS) {
    errors.push(`${gridRanks !== undefined ? label('grid') : label('ranks')} asks for ${total} ranks; hpcrun plans at most ${MAX_RANKS.toLocaleString('en-US')}`);
  }
  if (gridRanks !== undefined && ranksField !== undefined && gridRanks !== ranksField) {
    errors.push(`${label('ranks')} ${ranksField} does not match ${label('grid')} ${grid?.join('x')} (${count(gridRanks ?? 0, 'rank')})`);
  }
  if (periodic && grid === undefined && raw.grid === undefined) warnings.push(`${label('periodic')} has no effect without ${label('grid')}`);
  if (machine !== undefined && coresPerNode !== undefined) {
    errors.push(`give either ${label('machine')} or ${label('coresPerNode')}, not both`);
  }
  if (requireShape && machine === undefined && coresPerNode === undefined && raw.machine === undefined && raw.coresPerNode === undefined) {
    errors.push(`give ${label('machine')} (a catalog machine type) or ${label('coresPerNode')} (a custom node shape)`);
  }
  if (memPerNodeBytes !== undefined && machine !== undefined) {
    errors.push(`${label('memPerNode')} applies to ${label('coresPerNode')} shapes; ${label('machine')} has its own memory`);
  }
  if (errors.length > 0) return { ok: false, errors };
  const job: JobSpec = {
    grid,
    periodic,
    ranks: gridRanks ?? (ranksField as number),
    threadsPerRank,
    memPerRankBytes,
    maxRanksPerNode,
    nodes,
    policy,
    mpi,
    haloBytes,
    spot,
    gcePlacement,
    maxDistance,
  };
  return { ok: true, value: { job, machine, coresPerNode, memPerNodeBytes, hosts, catalog, out }, warnings };
}

function placeholderJob(): JobSpec {
  return {
    grid: undefined, periodic: false, ranks: 1, threadsPerRank: 1, memPerRankBytes: undefined, maxRanksPerNode: undefined, nodes: undefined,
    policy: 'compact', mpi: 'openmpi', haloBytes: undefined, spot: false, gcePlacement: 'auto', maxDistance: undefined,
  };
}
