// Where a result set goes: `--out PATH` means PATH.csv and PATH.json;
// `--out DIR/` (or an existing directory) means DIR/<date>-<name>.csv and
// .json; the default is results/<date>-<name> under the working directory.

import { isAbsolute, resolve } from 'node:path';

export interface ResultPaths {
  base: string;
  csv: string;
  json: string;
}

/** Accepts `out`, `out.csv` or `out.json` and returns both file names. */
export function resultPaths(out: string, cwd: string): ResultPaths {
  const absolute = isAbsolute(out) ? out : resolve(cwd, out);
  const base = absolute.replace(/\.(csv|json)$/i, '');
  return { base, csv: `${base}.csv`, json: `${base}.json` };
}

/** `20250131-140509-<name>`, UTC, so runs sort by time and never collide within a second. */
export function defaultOutName(now: Date, name: string): string {
  const iso = now.toISOString(); // 2025-01-31T14:05:09.123Z
  const stamp = `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'run';
  return `${stamp}-${safe}`;
}

/** `results/20250131-140509-<name>`: the default output when --out is not given. */
export function defaultOutBase(now: Date, name: string): string {
  return `results/${defaultOutName(now, name)}`;
}
