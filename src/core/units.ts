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

/** Duration units from large to small; a duration names each at most once, in this order. */
const DURATION_UNITS: readonly (readonly [unit: string, ms: number])[] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['min', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/** The longest duration hpcrun accepts: a year. Longer is a typo, not a job. */
export const MAX_DURATION_MS = 365 * 86_400_000;

export type DurationParse = { ok: true; ms: number } | { ok: false; problem: string };

/**
 * Parses a duration as users type them: a bare number of seconds (`90`,
 * `2.5`), or numbers with units from large to small, each unit once:
 * `500ms`, `30s`, `5m` (or `5min`), `2h`, `1d`, `1h30m`, `2d 12h`, `1m30s`.
 * Returns milliseconds (rounded), or the problem.
 */
export function parseDuration(text: string): DurationParse {
  const trimmed = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return { ok: true, ms: Math.round(Number(trimmed) * 1000) };
  if (trimmed === '') return { ok: false, problem: 'it is empty' };
  const part = /(\d+(?:\.\d+)?)\s*([a-z]*)\s*/giy;
  let ms = 0;
  let last = -1;
  let seen = '';
  let pos = 0;
  while (pos < trimmed.length) {
    part.lastIndex = pos;
    const match = part.exec(trimmed);
    if (!match) break;
    pos = part.lastIndex;
    const [, number = '', rawUnit = ''] = match;
    const unit = rawUnit.toLowerCase();
    if (unit === '') return { ok: false, problem: `${JSON.stringify(number)}${seen ? ` after ${JSON.stringify(seen)}` : ''} has no unit` };
    const index = DURATION_UNITS.findIndex(([name]) => name === unit);
    if (index < 0) return { ok: false, problem: `${JSON.stringify(rawUnit)} is not a unit (use d, h, m, s or ms)` };
    const rank = index >= 3 ? index - 1 : index; // m and min are one unit
    if (rank <= last) return { ok: false, problem: 'each unit may appear once, from large to small (d, h, m, s, ms)' };
    last = rank;
    seen += match[0].trim();
    ms += Number(number) * (DURATION_UNITS[index]?.[1] ?? 0);
  }
  if (pos < trimmed.length || last < 0) {
    return { ok: false, problem: `${JSON.stringify(trimmed.slice(pos))} is not a number with a unit` };
  }
  return { ok: true, ms: Math.round(ms) };
}

const DURATION_HINT = 'write a number of seconds, or numbers with units d, h, m, s, ms from large to small: for example 90, 30s, 5m, 2h, 1h30m or 2d';

/** Parses a positive duration option such as --timeout; throws a usage error otherwise. */
export function requireDuration(text: string, option: string): number {
  const parsed = parseDuration(text);
  if (!parsed.ok) {
    throw usageError('HPCRUN_BAD_DURATION', `${option} ${JSON.stringify(text)} is not a positive duration: ${parsed.problem}`, DURATION_HINT);
  }
  if (parsed.ms < 1) throw usageError('HPCRUN_BAD_DURATION', `${option} ${JSON.stringify(text)} is not a positive duration: it is zero`, DURATION_HINT);
  if (parsed.ms > MAX_DURATION_MS) {
    throw usageError('HPCRUN_BAD_DURATION', `${option} ${JSON.stringify(text)} is longer than 365 days`, `give at most 365d; for no limit, leave ${option} out`);
  }
  return parsed.ms;
}

/** Formats milliseconds the way requireDuration reads them: 5400000 -> "1h30m", 1500 -> "1.5s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let rest = Math.round(ms);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000]] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
  }
  if (rest > 0) parts.push(`${Number((rest / 1000).toFixed(3))}s`);
  return parts.join('');
}

/** Parses a positive integer option such as --np; throws a usage error otherwise, with an example fitting the option. */
export function requirePositiveInt(text: string, option: string, example = 4): number {
  if (!/^\s*\d+\s*$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw usageError('HPCRUN_BAD_NUMBER', `${option} ${JSON.stringify(text)} is not a positive whole number`, `for example ${option} ${example}`);
  }
  return Number(text);
}

/** Parses a TCP port, 1 to 65535. */
export function requirePort(text: string): number {
  const port = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(Number.isSafeInteger(port) && port >= 1 && port <= 65535)) {
    throw usageError('HPCRUN_BAD_PORT', `--port ${JSON.stringify(text)} is not a TCP port`, 'give a port from 1 to 65535, for example --port 22 (the SSH default) or --port 2222');
  }
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
