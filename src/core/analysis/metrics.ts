// A result set as metrics: one figure per (kind, size, unit, host-pair class),
// the unit of comparison for `hpcrun report` (and of history for the gate).
// Pure.
//
// Host-pair classes (README, "Reports and nightly CI"):
// - `first-pair`: the pair of the set's first two hosts (metadata.hosts) when
//   it has rows, else the pair of its first row. That is what `bench`
//   measures by default (`--pairs first`, the first two hosts), the one pair
//   an imported OSU/IMB run measured, and the same pair (hosts 1 and 2) inside
//   a `--pairs all` set, so every set has it.
// - `all-pairs`: every pair of a set that measured more than one
//   (`--pairs all`), pooled: the median and CI of all their raw samples, or,
//   when a pair lacks raw samples, the median of the pair medians with no CI.
//   Only such sets have it, so it is compared only between them.
//
// The figure is the median; an imported row without one (OSU and IMB print
// averages; only OSU 7.4's tail columns give a P50) uses the tool's average,
// and says so (`statistic: 'mean'`).

import { medianCISorted, median as medianOf, sortedAscending } from '../stats/index.js';
import type { ResultRow, ResultSet, ResultUnit } from '../../schemas/index.js';

export const PAIR_CLASSES = ['first-pair', 'all-pairs'] as const;
export type PairClass = (typeof PAIR_CLASSES)[number];

export interface MetricKey {
  kind: string;
  bytes: number;
  unit: ResultUnit;
  pairClass: PairClass;
}

export interface SetMetric extends MetricKey {
  /** The figure: the median, or for imported rows without one, the tool's mean (see statistic). */
  median: number;
  statistic: 'median' | 'mean';
  ciLow: number | null;
  ciHigh: number | null;
  /** Every raw sample behind the figure, or null when the set kept none (imports). */
  samples: number[] | null;
  /** Host pairs behind the figure (1 for first-pair). */
  pairs: number;
}

/** A stable identifier: `latency/8/us/first-pair`. */
export function metricId(key: MetricKey): string {
  return `${key.kind}/${key.bytes}/${key.unit}/${key.pairClass}`;
}

/** Latency and other times are better lower; rates (MB/s, msg/s) better higher. */
export function lowerIsBetter(unit: ResultUnit): boolean {
  return unit === 'us';
}

/** An unordered host pair as one string; rows without hosts (imports without --hosts) share one. */
export function pairKey(row: Pick<ResultRow, 'host_a' | 'host_b'>): string {
  if (row.host_a === null || row.host_b === null) return '(unnamed pair)';
  return [row.host_a, row.host_b].sort().join(' ↔ ');
}

/** A row's figure and which statistic it is: the median, else an import's mean, else none. */
export function rowFigure(row: ResultRow): { value: number; statistic: 'median' | 'mean' } | null {
  if (row.stop_reason === 'failed') return null;
  if (row.median !== null) return { value: row.median, statistic: 'median' };
  if (row.stop_reason === 'imported' && row.mean !== null) return { value: row.mean, statistic: 'mean' };
  return null;
}

/** Rows with a figure: failed rows and rows with neither median nor (imported) mean carry nothing to compare. */
export function measuredRows(set: ResultSet): ResultRow[] {
  return set.rows.filter((row) => rowFigure(row) !== null);
}

function rowSamples(row: ResultRow): number[] | null {
  return row.raw_samples && row.raw_samples.length > 0 ? row.raw_samples : null;
}

function fromRow(row: ResultRow, pairClass: PairClass): SetMetric {
  const figure = rowFigure(row) as { value: number; statistic: 'median' | 'mean' };
  return {
    kind: row.kind,
    bytes: row.bytes,
    unit: row.unit,
    pairClass,
    median: figure.value,
    statistic: figure.statistic,
    ciLow: row.ci95_low,
    ciHigh: row.ci95_high,
    samples: rowSamples(row),
    pairs: 1,
  };
}

function pooled(rows: readonly ResultRow[]): SetMetric {
  const first = rows[0] as ResultRow;
  const base = { kind: first.kind, bytes: first.bytes, unit: first.unit, pairClass: 'all-pairs' as const, pairs: rows.length };
  const all = rows.map(rowSamples);
  if (all.every((s): s is number[] => s !== null)) {
    const sorted = sortedAscending(all.flat());
    const ci = medianCISorted(sorted);
    return { ...base, median: medianOf(sorted), statistic: 'median', ciLow: ci?.low ?? null, ciHigh: ci?.high ?? null, samples: sorted };
  }
  const figures = rows.map((r) => rowFigure(r) as { value: number; statistic: 'median' | 'mean' });
  const statistic = figures.every((f) => f.statistic === 'median') ? 'median' : 'mean';
  return { ...base, median: medianOf(figures.map((f) => f.value)), statistic, ciLow: null, ciHigh: null, samples: null };
}

/** Every metric of a set, in row order (first-pair metrics first). */
export function setMetrics(set: ResultSet): SetMetric[] {
  const rows = measuredRows(set);
  const first = rows[0];
  if (!first) return [];
  const [h1, h2] = set.metadata.hosts;
  const named = h1 !== undefined && h2 !== undefined ? pairKey({ host_a: h1, host_b: h2 }) : undefined;
  const firstPair = named !== undefined && rows.some((r) => pairKey(r) === named) ? named : pairKey(first);
  const metrics: SetMetric[] = [];
  const groups = new Map<string, ResultRow[]>();
  for (const row of rows) {
    const id = `${row.kind}/${row.bytes}/${row.unit}`;
    if (pairKey(row) === firstPair && !metrics.some((m) => metricId(m) === `${id}/first-pair`)) metrics.push(fromRow(row, 'first-pair'));
    const group = groups.get(id) ?? [];
    group.push(row);
    groups.set(id, group);
  }
  for (const group of groups.values()) {
    const pairs = new Set(group.map(pairKey));
    if (pairs.size > 1) {
      // One row per pair (the first, should a pair repeat a size).
      const perPair = [...pairs].map((p) => group.find((r) => pairKey(r) === p) as ResultRow);
      metrics.push(pooled(perPair));
    }
  }
  return metrics;
}
