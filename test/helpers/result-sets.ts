// Small result sets built in code for the report's unit tests: rows from
// samples through the same function bench uses (rowFromSamples), imported
// rows as `hpcrun import` makes them.

import { SCHEMA_VERSION, baseMetadata, rowFromSamples, type ResultRow, type ResultSet } from '../../src/results/index.js';

export function sampleRow(kind: string, bytes: number, samples: number[], hosts: [string, string] = ['n1', 'n2']): ResultRow {
  return rowFromSamples({ kind, hostA: hosts[0], hostB: hosts[1], bytes, unit: kind === 'latency' ? 'us' : 'MB/s', rawSamples: samples, stopReason: 'sample-cap' });
}

export function importedRow(kind: string, bytes: number, figure: { median?: number; mean: number }, hosts: [string, string] | null = null): ResultRow {
  return {
    kind,
    host_a: hosts?.[0] ?? null,
    host_b: hosts?.[1] ?? null,
    bytes,
    samples: null,
    median: figure.median ?? null,
    p05: null,
    p95: null,
    p99: null,
    ci95_low: null,
    ci95_high: null,
    unit: kind === 'latency' ? 'us' : 'MB/s',
    mean: figure.mean,
    stop_reason: 'imported',
    outliers_tukey: null,
    source: 'osu_latency 7.4 (test:1)',
  };
}

export function resultSet(name: string, rows: ResultRow[], hosts: string[] = ['n1', 'n2']): ResultSet {
  return {
    schemaVersion: SCHEMA_VERSION,
    metadata: baseMetadata({ name, command: 'bench', date: '2026-01-01T00:00:00.000Z', hpcrun: { version: '0.1.0', gitRevision: null }, complete: true, hosts }),
    rows,
  };
}

/** n samples spread evenly around `center` (±spread), deterministic. */
export function spread(center: number, n = 40, width = 0.1): number[] {
  return Array.from({ length: n }, (_, i) => Number((center * (1 - width + (2 * width * i) / (n - 1))).toFixed(4)));
}
