// Reading result sets written by an older hpcrun. Pure.
//
// schemaVersion 1 -> 2: version 1 computed median, CI, percentiles and mean
// after dropping Tukey outliers; `samples` counted what was left and
// `outliers_removed` what was dropped. Version 2 computes every figure from
// all the samples and only counts the outliers (`outliers_tukey`). A version 1
// bench row kept every sample in `raw_samples`, so its figures are recomputed
// from them; a row without them (imported, failed) keeps its figures, and if
// any were dropped it says so in extra.figures.

import { TUKEY_RULE } from '../core/stats/index.js';
import { rowFromSamples } from './rows.js';
import type { ResultUnit, RowStopReason } from './schema.js';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function upgradeRowV1(row: unknown): unknown {
  if (!isObject(row)) return row;
  const { outliers_removed: removed, ...rest } = row;
  const raw = rest.raw_samples;
  const measured = Array.isArray(raw) && raw.length > 0 && raw.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (measured && typeof rest.kind === 'string' && typeof rest.bytes === 'number' && typeof rest.unit === 'string') {
    const { outlier_rule: _rule, ...extra } = isObject(rest.extra) ? (rest.extra as Record<string, number | string>) : {};
    const again = rowFromSamples({
      kind: rest.kind,
      hostA: String(rest.host_a ?? ''),
      hostB: String(rest.host_b ?? ''),
      bytes: rest.bytes,
      unit: rest.unit as ResultUnit,
      rawSamples: raw as number[],
      stopReason: (rest.stop_reason ?? 'sample-cap') as RowStopReason,
      extra,
    });
    return { ...again, host_a: rest.host_a ?? null, host_b: rest.host_b ?? null, source: rest.source ?? again.source };
  }
  const upgraded: Json = { ...rest, outliers_tukey: typeof removed === 'number' ? removed : null };
  if (typeof removed === 'number' && removed > 0) {
    upgraded.extra = { ...(isObject(rest.extra) ? rest.extra : {}), figures: `trimmed: schemaVersion 1 figures exclude ${removed} Tukey outlier(s), and no raw samples were kept to recompute them` };
  }
  return upgraded;
}

/** Brings a parsed result set of an older version to the current one; other values pass through unchanged. */
export function upgradeResultSet(value: unknown): unknown {
  if (!isObject(value) || value.schemaVersion !== 1 || !Array.isArray(value.rows) || !isObject(value.metadata)) return value;
  const metadata: Json = { ...value.metadata };
  if (isObject(metadata.policy)) metadata.policy = { ...metadata.policy, outlierRule: TUKEY_RULE };
  const notes = Array.isArray(metadata.notes) ? metadata.notes : [];
  metadata.notes = [...notes, 'read from schemaVersion 1: figures of bench rows recomputed from raw_samples (all samples, Tukey outliers counted, not dropped)'];
  return { ...value, schemaVersion: 2, metadata, rows: value.rows.map(upgradeRowV1) };
}
