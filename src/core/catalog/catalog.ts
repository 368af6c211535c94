// The node-shape catalog as the planner uses it. The file format (schema,
// types, validation, published JSON Schema) is src/schemas/catalog.ts;
// Compute Engine machine types ship in placement/gce-catalog.json, on-prem
// shapes come from the user's own file in the same schema.

import { HpcrunError, usageError } from '../../errors.js';
import { figureValue, joinErrors, type Catalog, type CatalogShape } from '../../schemas/index.js';
import type { NodeShape } from '../plan/types.js';

export {
  CATALOG_SCHEMA_VERSION, figureValue, isFigure, validateCatalog, type Catalog, type CatalogShape, type Figure, type FigureOr,
} from '../../schemas/index.js';

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
  return new HpcrunError('input', 'HPCRUN_BAD_CATALOG', `${file}: ${joinErrors(errors)}`, {
    hint: 'see placement/catalog.schema.json for the format',
  });
}
