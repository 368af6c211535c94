// The node-shape catalog: data with a schema (placement/catalog.schema.json).
// Compute Engine machine types ship in placement/gce-catalog.json; on-prem
// shapes come from the user's own file in the same schema. Every published
// figure may carry its source and date: { "value": 30, "source": URL, "date": "YYYY-MM-DD" }.
// A bare value is accepted too (on-prem files need not cite anything).

import { HpcrunError, usageError } from '../../errors.js';
import type { NodeShape } from '../plan/types.js';

export interface Figure<T> {
  value: T;
  source: string;
  date: string;
  note?: string;
}
export type FigureOr<T> = T | Figure<T>;

export interface CatalogShape {
  name: string;
  provider: 'gce' | 'onprem';
  family?: string;
  vcpus: FigureOr<number>;
  physicalCores: FigureOr<number>;
  memoryGiB?: FigureOr<number>;
  networkGbps?: FigureOr<number | null>;
  tier1Gbps?: FigureOr<number | null>;
  interconnect?: 'ethernet' | 'infiniband' | 'other';
  compactPlacement?: FigureOr<boolean>;
  onDemandPerHour?: FigureOr<number | null>;
  spotPerHour?: FigureOr<number | null>;
}

export interface Catalog {
  schemaVersion: 1;
  region?: string;
  currency?: string;
  shapes: CatalogShape[];
}

export const CATALOG_SCHEMA_VERSION = 1;

const FIGURE_FIELDS: Record<string, 'number' | 'boolean'> = {
  vcpus: 'number',
  physicalCores: 'number',
  memoryGiB: 'number',
  networkGbps: 'number',
  tier1Gbps: 'number',
  compactPlacement: 'boolean',
  onDemandPerHour: 'number',
  spotPerHour: 'number',
};
const REQUIRED = ['vcpus', 'physicalCores'];
const NULLABLE = new Set(['networkGbps', 'tier1Gbps', 'onDemandPerHour', 'spotPerHour']);

export function isFigure(v: unknown): v is Figure<unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'value' in v;
}

export function figureValue<T>(v: FigureOr<T> | undefined): T | undefined {
  return isFigure(v) ? (v.value as T) : v;
}

/** Checks parsed JSON against the catalog schema; errors name the path, e.g. shapes[2].memoryGiB.value. */
export function validateCatalog(data: unknown): { ok: true; value: Catalog } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, errors: ['the catalog must be a JSON object'] };
  const obj = data as Record<string, unknown>;
  if (obj.schemaVersion !== CATALOG_SCHEMA_VERSION) {
    errors.push(`schemaVersion: found ${JSON.stringify(obj.schemaVersion)}, need ${CATALOG_SCHEMA_VERSION}`);
  }
  if (!Array.isArray(obj.shapes) || obj.shapes.length === 0) return { ok: false, errors: [...errors, 'shapes: must be a non-empty array'] };
  const names = new Set<string>();
  obj.shapes.forEach((s: unknown, i) => {
    const at = `shapes[${i}]`;
    if (typeof s !== 'object' || s === null) return void errors.push(`${at}: must be an object`);
    const shape = s as Record<string, unknown>;
    if (typeof shape.name !== 'string' || shape.name === '') errors.push(`${at}.name: must be a non-empty string`);
    else if (names.has(shape.name)) errors.push(`${at}.name: ${shape.name} is listed twice`);
    else names.add(shape.name);
    if (shape.provider !== 'gce' && shape.provider !== 'onprem') errors.push(`${at}.provider: must be "gce" or "onprem"`);
    if (shape.interconnect !== undefined && !['ethernet', 'infiniband', 'other'].includes(String(shape.interconnect))) {
      errors.push(`${at}.interconnect: must be ethernet, infiniband or other`);
    }
    for (const field of REQUIRED) if (shape[field] === undefined) errors.push(`${at}.${field}: is required`);
    for (const [field, type] of Object.entries(FIGURE_FIELDS)) {
      const raw = shape[field];
      if (raw === undefined) continue;
      const fig = isFigure(raw);
      const v = fig ? raw.value : raw;
      const path = fig ? `${at}.${field}.value` : `${at}.${field}`;
      if (fig && (typeof raw.source !== 'string' || typeof raw.date !== 'string' || !/^\d{4}-\d{2}(-\d{2})?$/.test(raw.date))) {
        errors.push(`${at}.${field}: a figure needs "source" and "date" (YYYY-MM or YYYY-MM-DD)`);
      }
      if (v === null && NULLABLE.has(field)) continue;
      if (type === 'boolean' ? typeof v !== 'boolean' : typeof v !== 'number' || !(v > 0)) {
        errors.push(`${path}: must be ${type === 'boolean' ? 'true or false' : 'a positive number'}`);
      }
    }
    const cores = figureValue(shape.physicalCores as FigureOr<number>);
    const vcpus = figureValue(shape.vcpus as FigureOr<number>);
    if (typeof cores === 'number' && typeof vcpus === 'number' && cores > vcpus) errors.push(`${at}.physicalCores: exceeds vcpus`);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: data as Catalog };
}

const GiB = 1024 ** 3;

export function toNodeShape(entry: CatalogShape): NodeShape {
  const mem = figureValue(entry.memoryGiB);
  return {
    name: entry.name,
    provider: entry.provider,
    vcpus: figureValue(entry.vcpus) as number,
    physicalCores: figureValue(entry.physicalCores) as number,
    memoryBytes: mem === undefined ? undefined : Math.round(mem * GiB),
    networkGbps: figureValue(entry.networkGbps) ?? undefined,
    tier1Gbps: figureValue(entry.tier1Gbps) ?? undefined,
    interconnect: entry.interconnect ?? (entry.provider === 'gce' ? 'ethernet' : undefined),
    compactPlacement: figureValue(entry.compactPlacement) ?? false,
    onDemandPerHour: figureValue(entry.onDemandPerHour) ?? undefined,
    spotPerHour: figureValue(entry.spotPerHour) ?? undefined,
    family: entry.family ?? entry.name.split('-')[0],
  };
}

export function findShape(catalog: Catalog, name: string): NodeShape {
  const entry = catalog.shapes.find((s) => s.name === name);
  if (!entry) {
    throw usageError('HPCRUN_UNKNOWN_MACHINE', `unknown machine type ${JSON.stringify(name)}`, `known: ${catalog.shapes.map((s) => s.name).join(', ')} (or give --catalog FILE, or --cores-per-node)`);
  }
  return toNodeShape(entry);
}

/** A shape from --cores-per-node [--mem-per-node]: no SMT assumed, no prices. */
export function customShape(coresPerNode: number, memPerNodeBytes: number | undefined): NodeShape {
  return {
    name: `custom-${coresPerNode}c`,
    provider: 'custom',
    vcpus: coresPerNode,
    physicalCores: coresPerNode,
    memoryBytes: memPerNodeBytes,
    networkGbps: undefined,
    tier1Gbps: undefined,
    interconnect: undefined,
    compactPlacement: false,
    onDemandPerHour: undefined,
    spotPerHour: undefined,
    family: undefined,
  };
}

export function catalogError(errors: readonly string[], file: string): HpcrunError {
  return new HpcrunError('input', 'HPCRUN_BAD_CATALOG', `${file}: ${errors.slice(0, 8).join('; ')}${errors.length > 8 ? ` (and ${errors.length - 8} more)` : ''}`, {
    hint: 'see placement/catalog.schema.json for the format',
  });
}
