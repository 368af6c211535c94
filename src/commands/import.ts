// `hpcrun import FILE... [--out PATH]`: reads captured OSU Micro-Benchmarks
// and Intel MPI Benchmarks output and writes it as an hpcrun result set, so
// published or older figures can sit next to hpcrun's own.

import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ExitStatus } from '../cli.js';
import type { Deps } from '../deps.js';
import { HpcrunError, usageError } from '../errors.js';
import { parseBenchmarkOutput, type ParsedTable } from '../core/parsers/index.js';
import { count } from '../core/text.js';
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

export function register(program: Command, deps: Deps, status: ExitStatus): void {
  void status;
  program
    .command('import')
    .description('convert captured OSU Micro-Benchmarks / Intel MPI Benchmarks output into an hpcrun result set')
    .argument('<FILE...>', 'files with osu_latency, osu_bw, osu_bibw, osu_mbw_mr or IMB-MPI1 output')
    .option('--out <PATH>', 'write PATH.csv and PATH.json; a directory (DIR/) gets DIR/<date>-<name> (default: results/<date>-<name>)')
    .option('--force', 'replace an existing PATH.csv and PATH.json')
    .option('--name <NAME>', 'name recorded in the metadata and used in the default path', 'import')
    .option('--hosts <A,B>', 'the two hosts the output was measured between (the tools do not print them)')
    .option('--json', 'print a JSON summary of what was written instead of text')
    .addHelpText(
      'after',
      `
Rows keep the figure each tool reports in "mean" (OSU and IMB print averages:
the arithmetic mean for times; total bytes over total time for rates). OSU's
P50/P5/P95/P99 Tail columns fill median/p05/p95/p99. "samples" and the CI are
empty: the tools do not print their samples. MB/s is 10^6 bytes/s; IMB before
2018 printed 2^20 and is converted.

Examples:
  $ hpcrun import osu_latency.out --out results/ib-latency
  $ hpcrun import lat.txt bw.txt --hosts node1,node2 --out results/ib-baseline
  $ hpcrun import IMB-MPI1-pingpong.log --json`,
    )
    .action(async (files: string[], opts: Omit<ImportOptions, 'files'>) => {
      const outcome = await run({ ...opts, files }, deps);
      for (const note of outcome.notes) deps.stderr.write(`hpcrun: note: ${note}\n`);
      if (opts.json) {
        deps.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
      } else {
        deps.stdout.write(`imported ${count(outcome.rows, 'row')} from ${count(outcome.tables, 'table')}\n  ${outcome.csv}\n  ${outcome.json}\n`);
      }
    });
}
