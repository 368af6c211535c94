// Shared helpers for the planner tests: shapes, jobs and an independent edge recount.
import { customShape } from '../../src/core/catalog/catalog.js';
import type { JobSpec, NodeShape } from '../../src/core/plan/index.js';

export function job(overrides: Partial<JobSpec> = {}): JobSpec {
  const grid = overrides.grid;
  return {
    grid: undefined,
    periodic: false,
    ranks: grid ? grid.reduce((a, b) => a * b, 1) : 1,
    threadsPerRank: 1,
    memPerRankBytes: undefined,
    maxRanksPerNode: undefined,
    nodes: undefined,
    policy: 'compact',
    mpi: 'openmpi',
    haloBytes: undefined,
    spot: false,
    gcePlacement: 'auto',
    maxDistance: undefined,
    ...overrides,
  };
}

export function cores(n: number, memGiB?: number): NodeShape {
  return customShape(n, memGiB === undefined ? undefined : memGiB * 1024 ** 3);
}

/**
 * Recounts stencil edges from coordinates, independently of src/core/plan/grid.ts:
 * for each rank and dimension, the +1 neighbour (wrapping if periodic, extent > 1).
 */
export function recount(grid: number[], periodic: boolean, hostOf: (rank: number) => string): { inter: number; worst: number } {
  const n = grid.reduce((a, b) => a * b, 1);
  const off = new Map<string, number>();
  let inter = 0;
  for (let r = 0; r < n; r += 1) {
    // coordinates, last dimension fastest
    const x: number[] = [];
    let rest = r;
    for (let i = grid.length - 1; i >= 0; i -= 1) {
      x[i] = rest % (grid[i] as number);
      rest = Math.floor(rest / (grid[i] as number));
    }
    for (let i = 0; i < grid.length; i += 1) {
      const g = grid[i] as number;
      if (g < 2) continue;
      const y = [...x];
      y[i] = (x[i] as number) + 1;
      if ((y[i] as number) === g) {
        if (!periodic) continue;
        y[i] = 0;
      }
      const s = y.reduce((acc, v, k) => acc * (grid[k] as number) + v, 0);
      const a = hostOf(r);
      const b = hostOf(s);
      if (a !== b) {
        inter += 1;
        off.set(a, (off.get(a) ?? 0) + 1);
        off.set(b, (off.get(b) ?? 0) + 1);
      }
    }
  }
  return { inter, worst: Math.max(0, ...off.values()) };
}

/** Parses an Open MPI rankfile into host per rank, checking each rank appears once. */
export function parseRankfile(text: string): { hosts: string[]; slots: string[] } {
  const hosts: string[] = [];
  const slots: string[] = [];
  for (const line of text.trim().split('\n')) {
    const m = /^rank (\d+)=(\S+) slot=(\S+)$/.exec(line);
    if (!m) throw new Error(`bad rankfile line ${line}`);
    const r = Number(m[1]);
    if (hosts[r] !== undefined) throw new Error(`rank ${r} twice`);
    hosts[r] = m[2] as string;
    slots[r] = m[3] as string;
  }
  return { hosts, slots };
}
