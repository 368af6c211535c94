// What the OSU and IMB parsers return: one measurement per metric, message
// size and table, already in hpcrun's units (us; MB/s with MB = 10^6 bytes).

export type MeasureUnit = 'us' | 'MB/s' | 'msg/s';

export interface Measurement {
  /** hpcrun kind: latency | bw | bibw | mbw, or the IMB benchmark in lower case. */
  kind: string;
  unit: MeasureUnit;
  bytes: number;
  /**
   * The figure the tool reported: the arithmetic mean for times, and for rates
   * total bytes over total time, which is the harmonic mean over equal work.
   */
  mean: number | null;
  /** From a P50 column when the tool printed one. */
  median: number | null;
  p05: number | null;
  p95: number | null;
  p99: number | null;
  /** Other columns (iterations, min/max, other percentiles, Validation) by header name. */
  extra: Record<string, number | string>;
  /** 1-based line in the input text. */
  line: number;
}

export interface ParsedTable {
  format: 'osu' | 'imb';
  /** osu_latency, osu_bw, osu_bibw, osu_mbw_mr, or the IMB name (PingPong, Sendrecv, ...). */
  benchmark: string;
  version: string | null;
  /** Line of the table's title (OSU) or `# Benchmarking` line (IMB). */
  line: number;
  columns: string[];
  /** Table-wide facts: pairs and window size (osu_mbw_mr), #processes (IMB). */
  params: Record<string, number | string>;
  measurements: Measurement[];
  notes: string[];
}

export function emptyMeasurement(kind: string, unit: MeasureUnit, bytes: number, line: number): Measurement {
  return { kind, unit, bytes, mean: null, median: null, p05: null, p95: null, p99: null, extra: {}, line };
}

/** Parses a number as the tools print it (%d, %.2f); undefined when it is not one. */
export function toNumber(text: string): number | undefined {
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}
