// The job spec in stages: the job schema (src/schemas/job.ts) for each field,
// then defaults into a JobSpec, then the cross-field rules. Input is a plain
// object, from flags (names like --mem-per-rank) or from a job file (names
// like "memPerRank"); both go through the same schema, and errors name the
// field the way the user wrote it. Returns { ok, value, warnings } or
// { ok: false, errors }.

import { JOB_FIELDS, JobSchema, isJobField, jobFieldMessage, parseWith, type JobField, type JobFields } from '../../schemas/index.js';
import type { JobSpec } from './types.js';

export { JOB_FIELDS, parseGrid, type JobField } from '../../schemas/index.js';
import { count, grouped } from '../text.js';

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

export function fieldLabel(field: string, source: Source): string {
  return source === 'flags' ? `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : `"${field}"`;
}

type FieldsResult = { ok: true; value: JobFields } | { ok: false; errors: string[] };

/** Stage one, the schema: one message per bad field, naming it as the user wrote it. */
function parseFields(raw: Readonly<Record<string, unknown>>, source: Source): FieldsResult {
  const given = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const parsed = parseWith(JobSchema, given);
  if (parsed.ok) return parsed;
  const errors: string[] = [];
  const reported = new Set<string>();
  for (const problem of parsed.problems) {
    const name = problem.path[0];
    if (isJobField(name)) {
      if (!reported.has(name)) errors.push(`${fieldLabel(name, source)} ${jobFieldMessage(name, given[name])}`);
      reported.add(name);
    } else if (problem.key !== undefined) {
      errors.push(`unknown field ${fieldLabel(problem.key, source)}; known fields: ${JOB_FIELDS.join(', ')}`);
    } else {
      errors.push(`the job ${problem.message}`);
    }
  }
  return { ok: false, errors };
}

/** Validates a whole request. requireShape is false for --recommend (every catalog shape is tried). */
export function validateJob(raw: Readonly<Record<string, unknown>>, source: Source, options: { requireShape?: boolean } = {}): SpecResult {
  const fields = parseFields(raw, source);
  if (!fields.ok) return fields;
  return crossField(fields.value, source, options.requireShape ?? true);
}

/** Field-level errors only: for a job file that flags may still complete. */
export function fieldErrors(raw: Readonly<Record<string, unknown>>, source: Source): string[] {
  const fields = parseFields(raw, source);
  return fields.ok ? [] : fields.errors;
}

/** Stages two and three: defaults, then the rules between fields. */
function crossField(f: JobFields, source: Source, requireShape: boolean): SpecResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const label = (name: JobField): string => fieldLabel(name, source);
  const gridRanks = f.grid?.reduce((a, b) => a * b, 1);
  if (f.grid === undefined && f.ranks === undefined) errors.push(`give ${label('ranks')} or ${label('grid')}`);
  const total = gridRanks ?? f.ranks;
  if (total !== undefined && total > MAX_RANKS) {
    errors.push(`${gridRanks !== undefined ? label('grid') : label('ranks')} asks for ${total} ranks; hpcrun plans at most ${grouped(MAX_RANKS)}`);
  }
  if (gridRanks !== undefined && f.ranks !== undefined && gridRanks !== f.ranks) {
    errors.push(`${label('ranks')} ${f.ranks} does not match ${label('grid')} ${f.grid?.join('x')} (${count(gridRanks, 'rank')})`);
  }
  if (f.periodic === true && f.grid === undefined) warnings.push(`${label('periodic')} has no effect without ${label('grid')}`);
  if (f.machine !== undefined && f.coresPerNode !== undefined) errors.push(`give either ${label('machine')} or ${label('coresPerNode')}, not both`);
  if (requireShape && f.machine === undefined && f.coresPerNode === undefined) {
    errors.push(`give ${label('machine')} (a catalog machine type) or ${label('coresPerNode')} (a custom node shape)`);
  }
  if (f.memPerNode !== undefined && f.machine !== undefined) {
    errors.push(`${label('memPerNode')} applies to ${label('coresPerNode')} shapes; ${label('machine')} has its own memory`);
  }
  if (errors.length > 0) return { ok: false, errors };
  const job: JobSpec = {
    grid: f.grid,
    periodic: f.periodic ?? false,
    ranks: gridRanks ?? (f.ranks as number),
    threadsPerRank: f.threadsPerRank ?? 1,
    memPerRankBytes: f.memPerRank,
    maxRanksPerNode: f.maxRanksPerNode,
    nodes: f.nodes,
    policy: f.policy ?? 'compact',
    mpi: f.mpi ?? 'openmpi',
    haloBytes: f.haloBytes,
    spot: f.spot ?? false,
    gcePlacement: f.gcePlacement ?? 'auto',
    maxDistance: f.maxDistance,
  };
  const { machine, coresPerNode, memPerNode: memPerNodeBytes, hosts, catalog, out } = f;
  return { ok: true, value: { job, machine, coresPerNode, memPerNodeBytes, hosts, catalog, out }, warnings };
}
