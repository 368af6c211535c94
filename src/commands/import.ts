// `hpcrun import FILE... [--out PATH]`: reads captured OSU Micro-Benchmarks
// and Intel MPI Benchmarks output and writes it as an hpcrun result set, so
// published or older figures can sit next to hpcrun's own.

import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Deps } from '../deps.js';
import { HpcrunError, usageError } from '../errors.js';
import { parseBenchmarkOutput, type ParsedTable } from '../core/parsers/index.js';
import {
  SCHEMA_VERSION,
  baseMetadata,
  prepareOutput,
  rowFromMeasurement,
  toolProvenance,
  writeResultSet,
  type ResultRow,
  type ResultSet,
} from '../results/index.js';

export interface ImportOptions {
  files: string[];
  out?: string;
  force?: boolean;
  json?: boolean;
  hosts?: string;
  name?: string;
}

export interface ImportOutcome {
  csv: string;
  json: string;
  rows: number;
  tables: number;
  notes: string[];
}

function parseHosts(text: string | undefined): { a: string | null; b: string | null } {
  if (text === undefined) return { a: null, b: null };
  const parts = text.split(',').map((h) => h.trim());
  if (parts.length !== 2 || parts.some((h) => h === '')) {
    throw usageError('HPCRUN_BAD_HOSTS', `--hosts ${JSON.stringify(text)} must name two hosts`, 'for example --hosts node1,node2');
  }
  return { a: parts[0] as string, b: parts[1] as string };
}

async function readInput(file: string, cwd: string): Promise<string> {
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new HpcrunError('not-found', 'HPCRUN_FILE_NOT_FOUND', `cannot read ${file}${code ? ` (${code})` : ''}`, {
      cause: error,
      hint: 'pass files containing captured osu_* or IMB-MPI1 output',
    });
  }
}

function sourceLabel(table: ParsedTable, file: string): string {
  const name = table.format === 'imb' ? `IMB ${table.benchmark}` : table.benchmark;
  return `${name}${table.version ? ` ${table.version}` : ''} (${file}:${table.line})`;
}

/** Reads and parses every input first (no side effects), then checks the output and writes. */
export async function run(options: ImportOptions, deps: Deps): Promise<ImportOutcome> {
  if (options.files.length === 0) throw usageError('HPCRUN_IMPORT_NO_FILES', 'import needs at least one FILE');
  const hosts = parseHosts(options.hosts);
  const rows: ResultRow[] = [];
  const notes: string[] = [];
  const sources: NonNullable<ResultSet['metadata']['sources']> = [];
  for (const file of options.files) {
    const parsed = parseBenchmarkOutput(await readInput(file, deps.cwd), file);
    notes.push(...parsed.skipped);
    for (const table of parsed.tables) {
      notes.push(...table.notes);
      sources.push({ file, format: table.format, benchmark: table.benchmark, version: table.version, params: table.params });
      const label = sourceLabel(table, file);
      for (const m of table.measurements) {
        const row = rowFromMeasurement(m, label, hosts);
        if (Object.keys(table.params).length > 0) row.extra = { ...table.params, ...row.extra };
        rows.push(row);
      }
    }
  }
  const now = deps.now();
  const name = options.name ?? 'import';
  const paths = await prepareOutput(options.out, deps.cwd, { now, name, force: options.force });
  const set: ResultSet = {
    schemaVersion: SCHEMA_VERSION,
    metadata: baseMetadata({
      name,
      command: 'import',
      date: now.toISOString(),
      hpcrun: await toolProvenance(),
      complete: true,
      hosts: hosts.a && hosts.b ? [hosts.a, hosts.b] : [],
      sizes: [...new Set(rows.map((r) => r.bytes))].sort((x, y) => x - y),
      sources,
      notes,
    }),
    rows,
  };
  await writeResultSet(paths, set);
  return { csv: paths.csv, json: paths.json, rows: rows.length, tables: sources.length, notes };
}

