// Parser for Intel MPI Benchmarks (IMB-MPI1) point-to-point tables:
// PingPong, PingPing, Sendrecv, Exchange, Uniband, Biband. Pure.
//
// Each table starts `# Benchmarking <Name>`, then `# #processes = N`, a rule
// line, and a header such as `#bytes #repetitions t[usec] Mbytes/sec`,
// `#bytes #repetitions t_min[usec] t_max[usec] t_avg[usec] Mbytes/sec` or
// `#bytes #repetitions Mbytes/sec Msg/sec`, followed by numeric rows.
//
// Units: IMB 2018 and later print Mbytes/sec as 10^6 bytes/s; IMB 4.x and
// older used 2^20. Where a table has both t[usec] and Mbytes/sec for a
// one-message pattern (PingPong, PingPing), the convention is read from the
// data itself; otherwise from the version. Rates are converted to 10^6.

import { inputError } from '../../errors.js';
import { emptyMeasurement, toNumber, type MeasureUnit, type Measurement, type ParsedTable } from './types.js';

const SUPPORTED = ['PingPong', 'PingPing', 'Sendrecv', 'Exchange', 'Uniband', 'Biband'] as const;
const KNOWN_COLUMNS = new Set(['#bytes', '#repetitions', 't[usec]', 't_min[usec]', 't_max[usec]', 't_avg[usec]', 'Mbytes/sec', 'Msg/sec', 'defects']);
const MIB_PER_MB = 1048576 / 1e6;

const BENCHMARKING = /^#\s*Benchmarking\s+(\S+)\s*$/;
const VERSION = /Intel\s*\(R\)\s*MPI\s+Benchmarks\s+(\d[\w.]*)/i;

export function isImbOutput(text: string): boolean {
  return /^\s*#\s*Benchmarking\s+\S+/m.test(text) || VERSION.test(text);
}

function where(file: string, line: number): string {
  return `${file}:${line}`;
}

interface Open {
  table: ParsedTable;
  columns: string[] | undefined;
  supported: boolean;
}

/** Megabyte convention from the version: 2018 and later use 10^6, older releases 2^20. */
function versionFactor(version: string | null): number | undefined {
  if (!version) return undefined;
  const major = Number(/^(\d+)/.exec(version)?.[1]);
  if (!Number.isFinite(major)) return undefined;
  return major >= 2018 ? 1 : MIB_PER_MB;
}

/** Reads the convention from rows where Mbytes/sec = bytes / t[usec] (one message per t). */
function dataFactor(table: ParsedTable): number | undefined {
  if (table.benchmark !== 'PingPong' && table.benchmark !== 'PingPing') return undefined;
  const ratios: number[] = [];
  const times = new Map(table.measurements.filter((m) => m.unit === 'us').map((m) => [m.bytes, m.mean]));
  for (const m of table.measurements) {
    const t = times.get(m.bytes);
    if (m.unit !== 'MB/s' || m.bytes < 4096 || !t || !m.mean) continue;
    ratios.push(m.bytes / t / m.mean);
  }
  if (ratios.length === 0) return undefined;
  ratios.sort((a, b) => a - b);
  const mid = ratios[Math.floor(ratios.length / 2)] as number;
  if (Math.abs(mid - 1) < 0.01) return 1;
  if (Math.abs(mid - MIB_PER_MB) < 0.01) return MIB_PER_MB;
  return undefined;
}

function close(open: Open | undefined, version: string | null, file: string, out: ParsedTable[]): void {
  if (!open || !open.supported) return;
  const t = open.table;
  if (t.measurements.length === 0) {
    throw inputError('HPCRUN_PARSE_IMB_EMPTY', `${where(file, t.line)}: IMB ${t.benchmark} table has no data rows`, 'was the run interrupted before the first message size finished?');
  }
  t.version = version;
  const byVersion = versionFactor(version);
  const byData = dataFactor(t);
  const factor = byData ?? byVersion ?? 1;
  if (byData !== undefined && byVersion !== undefined && byData !== byVersion) {
    t.notes.push(`IMB ${version ?? '?'} ${t.benchmark}: Mbytes/sec follows the ${byData === 1 ? '10^6' : '2^20'} convention in the data, unlike the version; the data was trusted`);
  } else if (byData === undefined && byVersion === undefined && t.measurements.some((m) => m.unit === 'MB/s')) {
    t.notes.push(`IMB ${t.benchmark} at ${where(file, t.line)}: version unknown; Mbytes/sec read as 10^6 bytes/s`);
  }
  if (factor !== 1) {
    for (const m of t.measurements) if (m.unit === 'MB/s' && m.mean !== null) m.mean = Math.round(m.mean * factor * 1e4) / 1e4;
    t.notes.push(`IMB ${t.benchmark}: Mbytes/sec converted from 2^20 to 10^6 bytes/s`);
  }
  out.push(t);
}

export function parseImb(text: string, file = '<input>', skipped: string[] = []): ParsedTable[] {
  const lines = text.split(/\r?\n/);
  const version = VERSION.exec(text)?.[1] ?? null;
  const tables: ParsedTable[] = [];
  let open: Open | undefined;
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trim();
    const bench = BENCHMARKING.exec(line);
    if (bench) {
      close(open, version, file, tables);
      const name = bench[1] as string;
      const supported = (SUPPORTED as readonly string[]).includes(name);
      if (!supported) skipped.push(`${where(file, lineNo)}: IMB ${name} is not a point-to-point benchmark hpcrun imports; skipped`);
      open = {
        supported,
        columns: undefined,
        table: { format: 'imb', benchmark: name, version, line: lineNo, columns: [], params: {}, measurements: [], notes: [] },
      };
      return;
    }
    if (!open || line === '') return;
    const procs = /^#\s*#processes\s*=\s*(\d+)/.exec(line);
    if (procs) {
      open.table.params.processes = Number(procs[1]);
      return;
    }
    if (line.startsWith('#bytes')) {
      if (!open.supported) return;
      const columns = line.split(/\s+/);
      const unknown = columns.filter((c) => !KNOWN_COLUMNS.has(c));
      if (unknown.length > 0) {
        throw inputError('HPCRUN_PARSE_IMB_HEADER', `${where(file, lineNo)}: unrecognised IMB column(s) ${unknown.join(', ')} in ${open.table.benchmark} header`, `known columns: ${[...KNOWN_COLUMNS].join(' ')}`);
      }
      open.columns = columns;
      open.table.columns = columns;
      return;
    }
    if (!open.supported) return;
    const isRow = /^\d/.test(line);
    if (!isRow) {
      if (open.table.measurements.length > 0) {
        close(open, version, file, tables); // a complete table ends at the next non-row line
        open = undefined;
        return;
      }
      if (line.startsWith('#')) return;
      throw inputError('HPCRUN_PARSE_IMB_LINE', `${where(file, lineNo)}: unexpected text ${JSON.stringify(line.slice(0, 60))} in IMB ${open.table.benchmark} table`, 'expected the `#bytes #repetitions ...` header or a data row');
    }
    if (!open.columns) {
      throw inputError('HPCRUN_PARSE_IMB_LINE', `${where(file, lineNo)}: data row before the \`#bytes\` header in IMB ${open.table.benchmark} table`);
    }
    open.table.measurements.push(...parseRow(line, open.table.benchmark, open.columns, file, lineNo));
  });
  close(open, version, file, tables);
  return tables;
}

function parseRow(line: string, benchmark: string, columns: string[], file: string, lineNo: number): Measurement[] {
  const fields = line.split(/\s+/);
  if (fields.length !== columns.length) {
    throw inputError('HPCRUN_PARSE_IMB_ROW', `${where(file, lineNo)}: row has ${fields.length} fields but the header names ${columns.length} (${columns.join(' ')})`, 'is the output truncated or interleaved with other text?');
  }
  const values = new Map<string, number>();
  fields.forEach((field, i) => {
    const value = toNumber(field);
    if (value === undefined) {
      throw inputError('HPCRUN_PARSE_IMB_ROW', `${where(file, lineNo)}: ${columns[i]} value ${JSON.stringify(field)} is not a number`);
    }
    values.set(columns[i] as string, value);
  });
  const bytes = values.get('#bytes') as number;
  if (!Number.isInteger(bytes) || bytes < 0) {
    throw inputError('HPCRUN_PARSE_IMB_ROW', `${where(file, lineNo)}: message size ${bytes} is not a whole number`);
  }
  const extra: Record<string, number> = {};
  for (const name of ['#repetitions', 't_min[usec]', 't_max[usec]', 'defects']) {
    const v = values.get(name);
    if (v !== undefined) extra[name.replace(/^#/, '')] = v;
  }
  const lower = benchmark.toLowerCase();
  const out: Measurement[] = [];
  const add = (kind: string, unit: MeasureUnit, value: number | undefined): void => {
    if (value === undefined) return;
    const m = emptyMeasurement(kind, unit, bytes, lineNo);
    m.mean = value;
    m.extra = { ...extra };
    out.push(m);
  };
  // PingPong's t is half the round trip, as hpcrun's latency kind.
  add(benchmark === 'PingPong' ? 'latency' : lower, 'us', values.get('t_avg[usec]') ?? values.get('t[usec]'));
  add(lower, 'MB/s', values.get('Mbytes/sec'));
  add(lower, 'msg/s', values.get('Msg/sec'));
  return out;
}
