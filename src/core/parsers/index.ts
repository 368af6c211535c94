// Detects whether text is OSU or IMB output and parses it. Pure.

import { inputError } from '../../errors.js';
import { isImbOutput, parseImb } from './imb.js';
import { isOsuOutput, parseOsu } from './osu.js';
import type { ParsedTable } from './types.js';

export type { Measurement, MeasureUnit, ParsedTable } from './types.js';
export { parseOsu, isOsuOutput } from './osu.js';
export { parseImb, isImbOutput } from './imb.js';

export interface ParsedOutput {
  format: 'osu' | 'imb';
  tables: ParsedTable[];
  /** Tables present but not imported (IMB collectives), with their location. */
  skipped: string[];
}

const FIGURE_NAMES: Readonly<Record<string, string>> = { us: 'latency', 'MB/s': 'bandwidth', 'msg/s': 'message rate' };

/**
 * Refuses figures below zero (a latency, bandwidth, rate, percentile or
 * count), naming the file and line: they cannot be measured, so the output is
 * corrupt or was edited, and a result set must not carry them.
 */
export function checkFigures(tables: readonly ParsedTable[], file: string): void {
  for (const table of tables) {
    for (const m of table.measurements) {
      const figures: [string, number | string | null][] = [
        [`${FIGURE_NAMES[m.unit] ?? m.unit} (${m.unit})`, m.mean],
        ['P50', m.median],
        ['P5', m.p05],
        ['P95', m.p95],
        ['P99', m.p99],
        ...Object.entries(m.extra),
      ];
      for (const [name, value] of figures) {
        if (typeof value === 'number' && value < 0) {
          throw inputError(
            'HPCRUN_PARSE_NEGATIVE',
            `${file}:${m.line}: ${table.benchmark} ${name} is ${value} at ${m.bytes} bytes; a measured figure cannot be negative`,
            'the output is corrupt or was edited: fix or remove that line, or measure again',
          );
        }
      }
    }
  }
}

/** Parses captured benchmark output; `file` names the source in error messages. */
export function parseBenchmarkOutput(text: string, file = '<input>'): ParsedOutput {
  const parsed = parseAny(text, file);
  checkFigures(parsed.tables, file);
  return parsed;
}

function parseAny(text: string, file: string): ParsedOutput {
  if (isOsuOutput(text)) return { format: 'osu', tables: parseOsu(text, file), skipped: [] };
  if (isImbOutput(text)) {
    const skipped: string[] = [];
    const tables = parseImb(text, file, skipped);
    if (tables.length === 0) {
      throw inputError(
        'HPCRUN_PARSE_IMB_NONE',
        `${file}: IMB output has no PingPong, PingPing, Sendrecv, Exchange, Uniband or Biband table`,
        skipped.length > 0 ? `found only: ${skipped.map((s) => s.replace(/^.*IMB (\S+).*$/, '$1')).join(', ')}` : undefined,
      );
    }
    return { format: 'imb', tables, skipped };
  }
  const firstText = text.split(/\r?\n/).findIndex((l) => l.trim() !== '');
  throw inputError(
    'HPCRUN_PARSE_UNRECOGNISED',
    `${file}:${firstText < 0 ? 1 : firstText + 1}: not recognised as OSU Micro-Benchmarks or Intel MPI Benchmarks output`,
    'expected an OSU title such as `# OSU MPI Latency Test v7.4` or an IMB `# Benchmarking PingPong` table',
  );
}
