// The all-pairs latency matrix of a `--pairs all` set, with its slow links
// (bench's rule: above Tukey's upper fence of the pair medians, at least four
// pairs). Pure.

import { slowLinks } from '../bench/matrix.js';
import { tukeyFences } from '../stats/index.js';
import type { ResultSet } from '../../schemas/index.js';
import { measuredRows, pairKey, rowFigure } from './metrics.js';

export interface PairCell {
  a: string;
  b: string;
  median: number;
  slow: boolean;
}

export interface PairMatrix {
  kind: string;
  bytes: number;
  /** Hosts in the order they first appear in the set. */
  hosts: string[];
  links: PairCell[];
  /** Tukey's upper fence of the pair medians, when there are enough pairs to have one. */
  fence: number | null;
}

/**
 * The latency matrix at the smallest message size measured between more than
 * one named pair (8 B for bench's defaults), or null if the set has none.
 */
export function latencyMatrix(set: ResultSet): PairMatrix | null {
  const rows = measuredRows(set).filter((r) => r.kind === 'latency' && r.unit === 'us' && r.host_a !== null && r.host_b !== null);
  const sizes = [...new Set(rows.map((r) => r.bytes))].sort((x, y) => x - y);
  for (const bytes of sizes) {
    const atSize = rows.filter((r) => r.bytes === bytes);
    const seen = new Set<string>();
    const links = atSize.filter((r) => !seen.has(pairKey(r)) && seen.add(pairKey(r))).map((r) => ({ a: r.host_a as string, b: r.host_b as string, median: (rowFigure(r) as { value: number }).value }));
    if (links.length < 2) continue;
    const slow = slowLinks(links);
    const hosts: string[] = [];
    for (const l of links) for (const h of [l.a, l.b]) if (!hosts.includes(h)) hosts.push(h);
    return {
      kind: 'latency',
      bytes,
      hosts,
      links: links.map((l) => ({ ...l, slow: slow.some((s) => s.a === l.a && s.b === l.b) })),
      fence: links.length >= 4 ? tukeyFences(links.map((l) => l.median)).highFence : null,
    };
  }
  return null;
}
