// Parsing of sizes and durations as users type them. Pure.

import { usageError } from '../errors.js';

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/**
 * Parses a byte size such as `8`, `1KiB`, `512MiB`, `2.5GiB`. Units are
 * binary (KiB = 1024), and `K`, `KB`, `M`, `G` are read as their binary
 * counterparts, as Slurm's --mem does. Returns bytes, or undefined if the text
 * is not a size.
 */
export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!match) return undefined;
  const factor = SIZE_UNITS[(match[2] ?? '').toLowerCase()];
  if (factor === undefined) return undefined;
  const bytes = Number(match[1]) * factor;
  return Number.isFinite(bytes) ? Math.round(bytes) : undefined;
}

const DURATION_UNITS: Readonly<Record<string, number>> = {
  '': 1000,
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
};

/** Parses `90`, `90s`, `500ms`, `5m`, `1h` into milliseconds; a bare number is seconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$/.exec(text);
  if (!match) return undefined;
  const factor = DURATION_UNITS[match[2] ?? ''];
  if (factor === undefined) return undefined;
  return Math.round(Number(match[1]) * factor);
}

export function requireDuration(text: string, option: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    throw usageError(
      'HPCRUN_BAD_DURATION',
      `${option} ${JSON.stringify(text)} is not a positive duration`,
      'write a number of seconds or a number with a unit, for example 90, 30s, 5m or 2h',
    );
  }
  return ms;
}

/** Parses a positive integer option such as --np; throws a usage error otherwise. */
export function requirePositiveInt(text: string, option: string): number {
  if (!/^\s*\d+\s*$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw usageError('HPCRUN_BAD_NUMBER', `${option} ${JSON.stringify(text)} is not a positive whole number`, `for example ${option} 4`);
  }
  return Number(text);
}

/** Parses a TCP port, 1 to 65535. */
export function requirePort(text: string): number {
  const port = requirePositiveInt(text, '--port');
  if (port > 65535) throw usageError('HPCRUN_BAD_PORT', `--port ${port} is not a TCP port`, 'give a port from 1 to 65535, for example --port 2222');
  return port;
}

/** Formats bytes with a binary unit, for messages: 1536 -> "1.5 KiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(value >= 100 ? 0 : 1);
  return `${shown} ${units[unit]}`;
}
