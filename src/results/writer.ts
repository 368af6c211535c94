// Writing result sets: a check that the destination is writable (run it
// before measuring anything), a one-shot writer, and an incremental writer
// that rewrites both files after every completed row so an interrupted run
// keeps what it finished, marked `complete: false`.

import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { HpcrunError } from '../errors.js';
import { writeFileAtomic, tempPathFor } from '../io/atomic.js';
import { rowsToCsv } from './csv.js';
import { defaultOutName, resultPaths, type ResultPaths } from './paths.js';
import { SCHEMA_VERSION, type ResultMetadata, type ResultRow, type ResultSet } from './schema.js';

function outputError(message: string, cause: unknown, hint?: string): HpcrunError {
  const reason = cause instanceof Error && 'code' in cause ? ` (${String((cause as NodeJS.ErrnoException).code)})` : '';
  return new HpcrunError('output', 'HPCRUN_OUTPUT_UNWRITABLE', `${message}${reason}`, {
    cause,
    hint: hint ?? 'choose another --out PATH in a directory you can write',
  });
}

export interface OutputOptions {
  /** When the run started: names generated outputs (<date>-<name>). */
  now: Date;
  /** The run's name, as in results/<date>-<name> (bench, import, --name). */
  name: string;
  /** Replace an existing PATH.csv / PATH.json (--force). */
  force?: boolean;
}

const exists = (path: string) => stat(path).then(
  (info) => info,
  () => undefined,
);

/**
 * Where a result set goes, given --out (or not):
 *   undefined       -> results/<date>-<name> under cwd
 *   DIR/ or a DIR   -> DIR/<date>-<name> (DIR is created when it ends with /)
 *   PATH[.csv|.json]-> PATH.csv and PATH.json
 * A generated name that is taken gets -2, -3, ...; a PATH the user named is
 * never replaced without `force`.
 */
export async function chooseOutput(out: string | undefined, cwd: string, options: OutputOptions): Promise<ResultPaths> {
  const generated = async (dir: string): Promise<ResultPaths> => {
    const name = defaultOutName(options.now, options.name);
    for (let n = 1; ; n += 1) {
      const paths = resultPaths(join(dir, n === 1 ? name : `${name}-${n}`), cwd);
      if (!(await exists(paths.csv)) && !(await exists(paths.json))) return paths;
    }
  };
  if (out === undefined) return generated(resolve(cwd, 'results'));
  const absolute = resolve(cwd, out);
  if (/[/\\]$/.test(out) || (await exists(absolute))?.isDirectory()) return generated(absolute);
  const paths = resultPaths(out, cwd);
  if (!options.force) {
    const taken = [];
    for (const target of [paths.csv, paths.json]) if ((await exists(target))?.isFile()) taken.push(target);
    if (taken.length > 0) {
      throw new HpcrunError('output', 'HPCRUN_OUTPUT_EXISTS', `--out ${out}: ${taken.join(' and ')} already ${taken.length === 1 ? 'exists' : 'exist'}`, {
        hint: 'pass --force to replace it, choose another --out PATH, or give a directory (--out DIR/) to get a new dated name in it',
      });
    }
  }
  return paths;
}

/**
 * Chooses the output (chooseOutput), then makes sure PATH.csv and PATH.json
 * can be written: creates the directory if needed, refuses targets that are
 * directories, and writes then removes a probe file. Throws an `output`
 * error; leaves no files behind.
 */
export async function prepareOutput(out: string | undefined, cwd: string, options: OutputOptions): Promise<ResultPaths> {
  const paths = await chooseOutput(out, cwd, options).catch((error: unknown) => {
    if (error instanceof HpcrunError) throw error;
    throw outputError(`cannot check the output path ${out ?? 'results/'}`, error);
  });
  const dir = dirname(paths.base);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw outputError(`cannot create the output directory ${dir}`, error);
  }
  for (const target of [paths.csv, paths.json]) {
    const existing = await stat(target).catch(() => undefined);
    if (existing?.isDirectory()) throw outputError(`output ${target} is a directory`, undefined);
  }
  const probe = tempPathFor(paths.json);
  try {
    await writeFileAtomic(probe, '');
  } catch (error) {
    throw outputError(`cannot write in the output directory ${dir}`, error);
  } finally {
    await rm(probe, { force: true });
  }
  return paths;
}

export function toJson(set: ResultSet): string {
  return `${JSON.stringify(set, null, 2)}\n`;
}

/** Writes both files atomically: JSON first (the full record), then CSV. */
export async function writeResultSet(paths: ResultPaths, set: ResultSet): Promise<void> {
  try {
    await writeFileAtomic(paths.json, toJson(set));
    await writeFileAtomic(paths.csv, rowsToCsv(set.rows));
  } catch (error) {
    throw outputError(`cannot write results to ${paths.base}.{csv,json}`, error);
  }
}

export interface IncrementalWriter {
  readonly paths: ResultPaths;
  /** Appends a completed row and rewrites both files. */
  addRow(row: ResultRow): Promise<void>;
  /** Changes metadata facts learnt during the run (written with the next row or at the end). */
  updateMetadata(patch: Partial<ResultMetadata>): void;
  /** Marks the set complete and rewrites both files. */
  finish(): Promise<ResultSet>;
  /** Marks the set incomplete with a reason (e.g. 'SIGINT') and rewrites both files. */
  abort(reason: string): Promise<ResultSet>;
  snapshot(): ResultSet;
}

/**
 * Starts a result set on disk at once (no rows, `complete: false`), so even a
 * run stopped before its first row leaves a valid, honest file. Writes are
 * serialised in call order.
 */
export async function openIncrementalWriter(paths: ResultPaths, metadata: ResultMetadata): Promise<IncrementalWriter> {
  const rows: ResultRow[] = [];
  let meta: ResultMetadata = { ...metadata, complete: false };
  let chain: Promise<void> = Promise.resolve();
  const snapshot = (): ResultSet => ({ schemaVersion: SCHEMA_VERSION, metadata: { ...meta }, rows: [...rows] });
  const flush = (): Promise<void> => {
    const set = snapshot();
    chain = chain.catch(() => undefined).then(() => writeResultSet(paths, set));
    return chain;
  };
  await flush();
  return {
    paths,
    snapshot,
    updateMetadata(patch) {
      meta = { ...meta, ...patch, complete: meta.complete };
    },
    async addRow(row) {
      rows.push(row);
      await flush();
    },
    async finish() {
      meta = { ...meta, complete: true, incompleteReason: null };
      await flush();
      return snapshot();
    },
    async abort(reason) {
      meta = { ...meta, complete: false, incompleteReason: reason };
      await flush();
      return snapshot();
    },
  };
}
