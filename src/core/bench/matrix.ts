// The all-pairs latency matrix and its slow links. Pure.

import { tukeyFilter } from '../stats/index.js';

export interface PairLatency {
  a: string;
  b: string;
  /** Median latency in microseconds. */
  median: number;
}

export interface SlowLink extends PairLatency {
  /** Tukey's upper fence over all pairs' medians; the link lies above it. */
  fence: number;
}

/**
 * Links whose median latency lies above Tukey's upper fence (Q3 + 1.5·IQR)
 * of all links' medians. Needs at least four links to say anything.
 */
export function slowLinks(links: readonly PairLatency[]): SlowLink[] {
  if (links.length < 4) return [];
  const filter = tukeyFilter(links.map((link) => link.median));
  return links.filter((link) => link.median > filter.highFence).map((link) => ({ ...link, fence: filter.highFence }));
}

/** A symmetric text matrix of median latencies, hosts in inventory order. */
export function renderMatrix(hosts: readonly string[], links: readonly PairLatency[], slow: readonly SlowLink[]): string {
  const value = (a: string, b: string): string => {
    if (a === b) return '-';
    const link = links.find((l) => (l.a === a && l.b === b) || (l.a === b && l.b === a));
    if (!link) return '?';
    const mark = slow.some((s) => s.a === link.a && s.b === link.b) ? '*' : '';
    return `${link.median.toFixed(2)}${mark}`;
  };
  const width = Math.max(10, ...hosts.map((host) => host.length + 2));
  const lines = [`${'latency µs'.padEnd(width)}${hosts.map((host) => host.padStart(width)).join('')}`];
  for (const a of hosts) lines.push(`${a.padEnd(width)}${hosts.map((b) => value(a, b).padStart(width)).join('')}`);
  return `${lines.join('\n')}\n`;
}
