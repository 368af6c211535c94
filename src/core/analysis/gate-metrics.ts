// Metrics of a result set for the gate: one per kind, message size, unit and
// host-pair class, with the run's median, and the environment it was measured
// in. Pure.

import type { ResultRow, ResultSet } from '../../schemas/index.js';
import { formatBytes } from '../units.js';

/** Lower is better for times; higher is better for rates. */
export type Direction = 'lower-is-better' | 'higher-is-better';

export interface MetricKey {
  kind: string;
  bytes: number;
  unit: ResultRow['unit'];
  /** `pair` when the set measured one pair (whatever its hosts); `a↔b` (sorted) with --pairs all. */
  pairClass: string;
}

export interface RunMetric extends MetricKey {
  id: string;
  /** The run's median; null for a failed or figure-less row. */
  median: number | null;
  /** Why the row has no figure (a failed pair's reason), if it has none. */
  failure: string | null;
  /** The environment this metric was measured in (see environmentOf). */
  environment: Environment;
}

/** What must stay the same for two runs of a metric to be comparable. */
export interface Environment {
  mpi: string;
  transport: string;
  nodeShape: string;
  ranksPerNode: string;
  hosts: string;
}

export const directionOf = (unit: ResultRow['unit']): Direction => (unit === 'us' ? 'lower-is-better' : 'higher-is-better');

export function metricId(key: MetricKey): string {
  return `${key.kind}|${key.bytes}|${key.unit}|${key.pairClass}`;
}

/** `latency 8 B`, `bw 1 MiB (MB/s)` for mbw's two units, plus the pair with --pairs all. */
export function metricLabel(key: MetricKey): string {
  const unit = key.kind === 'mbw' ? ` (${key.unit})` : '';
  const pair = key.pairClass === 'pair' ? '' : ` ${key.pairClass}`;
  return `${key.kind} ${formatBytes(key.bytes)}${unit}${pair}`;
}

const pairName = (row: ResultRow): string => [row.host_a ?? '?', row.host_b ?? '?'].sort().join('↔');

/**
 * Free memory is part of bench's node description (`host: 2 physical cores,
 * 23.1 GiB free`) but changes from run to run; it is not the node's shape.
 */
export function normaliseNodeShape(shape: string | null): string {
  if (shape === null) return '';
  return shape.replace(/,\s*[\d.]+\s*[KMGT]iB free/g, '').trim();
}

function setEnvironment(set: ResultSet): Omit<Environment, 'hosts'> {
  const m = set.metadata;
  const transport = Object.entries(m.transport)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return {
    mpi: `${m.mpi.flavour ?? '?'} ${m.mpi.version ?? '?'}`,
    transport,
    nodeShape: normaliseNodeShape(m.nodeShape),
    ranksPerNode: m.ranksPerNode === null ? '?' : String(m.ranksPerNode),
  };
}

/** Every metric of a set. A set that measured one pair files its rows under `pair`, so new hosts are an environment change, not a new metric. */
export function metricsOf(set: ResultSet): RunMetric[] {
  const pairs = new Set(set.rows.map(pairName));
  const single = pairs.size <= 1;
  const base = setEnvironment(set);
  const byId = new Map<string, RunMetric>();
  for (const row of set.rows) {
    const key: MetricKey = { kind: row.kind, bytes: row.bytes, unit: row.unit, pairClass: single ? 'pair' : pairName(row) };
    const id = metricId(key);
    const failed = row.stop_reason === 'failed' || row.median === null;
    const reason = typeof row.extra?.error === 'string' ? row.extra.error : row.stop_reason === 'failed' ? 'the run failed' : 'no median recorded';
    const metric: RunMetric = { ...key, id, median: failed ? null : row.median, failure: failed ? reason : null, environment: { ...base, hosts: pairName(row) } };
    // A repeated row (should not happen) keeps its first figure.
    if (!byId.has(id) || byId.get(id)?.median === null) byId.set(id, metric);
  }
  return [...byId.values()];
}

/** The fields in which two environments differ, e.g. ['mpi', 'hosts']. */
export function environmentChanges(before: Environment, after: Environment): (keyof Environment)[] {
  return (Object.keys(after) as (keyof Environment)[]).filter((field) => before[field] !== after[field]);
}

/** Orders metrics for tables: kind, then size, then unit, then pair. */
export function compareMetrics(a: MetricKey, b: MetricKey): number {
  return a.kind.localeCompare(b.kind) || a.bytes - b.bytes || a.unit.localeCompare(b.unit) || a.pairClass.localeCompare(b.pairClass);
}
