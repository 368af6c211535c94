// Result sets for tests of the gate and nightly: real schema, chosen figures.

import type { ResultRow, ResultSet } from '../../src/schemas/index.js';

export interface FakeRow {
  kind: string;
  bytes: number;
  median: number | null;
  unit?: ResultRow['unit'];
  hosts?: [string, string];
  failed?: string;
}

export function fakeRow(r: FakeRow): ResultRow {
  const unit = r.unit ?? (r.kind === 'latency' ? 'us' : 'MB/s');
  const failed = r.failed !== undefined;
  return {
    kind: r.kind, host_a: r.hosts?.[0] ?? 'n1', host_b: r.hosts?.[1] ?? 'n2', bytes: r.bytes, samples: failed ? null : 100,
    median: failed ? null : r.median, p05: null, p95: null, p99: null, ci95_low: null, ci95_high: null, unit, mean: null,
    stop_reason: failed ? 'failed' : 'ci-target', outliers_tukey: null, source: 'hpcrun', ...(failed ? { extra: { error: r.failed as string } } : {}),
  };
}

export interface FakeSet {
  date: string;
  rows: FakeRow[];
  mpi?: string;
  complete?: boolean;
  hosts?: string[];
  nodeShape?: string;
}

export function fakeSet(s: FakeSet): ResultSet {
  return {
    schemaVersion: 2,
    metadata: {
      name: `run-${s.date}`, command: 'bench', complete: s.complete ?? true, incompleteReason: s.complete === false ? 'SIGINT' : null, date: s.date,
      hpcrun: { version: '0.1.0', gitRevision: null }, hosts: s.hosts ?? ['n1', 'n2'], nodeShape: s.nodeShape ?? 'n1: 2 physical cores, 23.1 GiB free; n2: 2 physical cores, 22.9 GiB free',
      ranksPerNode: 1, placement: null, mpi: { flavour: 'openmpi', version: s.mpi ?? '4.1.4' }, transport: { OMPI_MCA_btl: 'tcp,self' },
      sizes: [...new Set(s.rows.map((r) => r.bytes))], policy: null, timerResolutionUs: 0.001,
    },
    rows: s.rows.map(fakeRow),
  };
}

/** `n` nights from 2026-01-01, 03:00 UTC. */
export const night = (n: number): string => new Date(Date.UTC(2026, 0, 1 + n, 3)).toISOString();
