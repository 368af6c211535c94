// The result-set format, version 2, is defined in src/schemas/result-set.ts
// (types, validation and results/result-set.schema.json). Here: the CSV
// column order and complete metadata for writers. Pure.
//
// Version 2: every figure is of all the samples; `outliers_tukey` counts the
// samples outside Tukey's fences, for information. Version 1 figures were of
// the samples left after dropping Tukey outliers; reader.ts upgrades version 1
// sets on reading (upgrade.ts).

import type { ResultMetadata, ResultRow } from '../schemas/index.js';

export {
  RESULT_SET_SCHEMA_VERSION as SCHEMA_VERSION,
  type ResultMetadata, type ResultRow, type ResultSet, type ResultUnit, type RowStopReason, type StopPolicyMeta,
} from '../schemas/index.js';

/** CSV columns, in order. The first eleven are the contract named in issue 4. */
export const CSV_COLUMNS = [
  'kind', 'host_a', 'host_b', 'bytes', 'samples', 'median', 'p05', 'p95', 'ci95_low', 'ci95_high', 'unit',
  'p99', 'mean', 'stop_reason', 'outliers_tukey', 'source',
] as const satisfies readonly (keyof ResultRow)[];

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
