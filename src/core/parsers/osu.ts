// Parser for OSU Micro-Benchmarks point-to-point output (osu_latency,
// osu_bw, osu_bibw, osu_mbw_mr; OMB 5.x to 7.x). Pure: text in, tables out.
//
// The published format: a title `# OSU MPI[-CUDA] <Name> Test vX.Y`, further
// `#` lines (`# Datatype: MPI_CHAR.`, `# [ pairs: 2 ] [ window size: 64 ]`),
// a column header `# Size  <metric>  [Validation]  [Px Tail Lat(us)...]`,
// then rows printed as `%-10d` followed by `%20.2f` (or `%20s`) fields.

import { inputError } from '../../errors.js';
import { emptyMeasurement, toNumber, type MeasureUnit, type Measurement, type ParsedTable } from './types.js';

const TITLE = /^#\s*OSU MPI(?:-[\w ]+?)?\s+(.+?)\s+Test\s+v(\d+(?:\.\d+)*\w*)\s*$/;

const BENCHMARKS: Readonly<Record<string, { name: string; kind: string }>> = {
  latency: { name: 'osu_latency', kind: 'latency' },
  bandwidth: { name: 'osu_bw', kind: 'bw' },
  'bi-directional bandwidth': { name: 'osu_bibw', kind: 'bibw' },
  'multiple bandwidth / message rate': { name: 'osu_mbw_mr', kind: 'mbw' },
};

/** Column names as OSU prints them; they contain spaces, so the header is matched, not split. */
const COLUMN = /Size|Avg Latency\s*\(us\)|Latency\s*\(us\)|Bandwidth\s*\(MB\/s\)|MB\/s|Messages\/s|Min Latency\s*\(us\)|Max Latency\s*\(us\)|Iterations|Validation|Transmit Size|P\d+ Tail (?:Lat\s*\(us\)|BW\s*\(MB\/s\))/g;

export function isOsuOutput(text: string): boolean {
  return text.split(/\r?\n/).some((line) => TITLE.test(line.trim()));
}

function where(file: string, line: number): string {
  return `${file}:${line}`;
}

/** Splits an OSU column header into its column names; throws on anything unknown. */
function splitHeader(header: string, file: string, line: number): string[] {
  const body = header.replace(/^#/, '');
  const columns = [...body.matchAll(COLUMN)].map((m) => m[0].replace(/\s+/g, ' '));
  const leftover = body.replace(COLUMN, '').trim();
  if (leftover !== '' || columns[0] !== 'Size') {
    throw inputError(
      'HPCRUN_PARSE_OSU_HEADER',
      `${where(file, line)}: unrecognised OSU column header ${JSON.stringify(header.trim())}`,
      'hpcrun reads osu_latency, osu_bw, osu_bibw and osu_mbw_mr output from OMB 5.x to 7.x',
    );
  }
  return columns;
}

/** Puts one value into the measurement for its column. */
function place(m: Measurement, column: string, value: number, metricColumn: boolean): void {
  const tail = /^P(\d+) Tail/.exec(column);
  if (metricColumn) m.mean = value;
  else if (tail) {
    const p = Number(tail[1]);
    if (p === 50) m.median = value;
    else if (p === 5) m.p05 = value;
    else if (p === 95) m.p95 = value;
    else if (p === 99) m.p99 = value;
    else m.extra[column] = value;
  } else m.extra[column] = value;
}

function metricOf(column: string): MeasureUnit | undefined {
  if (/Latency\s*\(us\)$/.test(column) && !/^(Min|Max) /.test(column)) return 'us';
  if (column === 'Bandwidth (MB/s)' || column === 'MB/s') return 'MB/s';
  if (column === 'Messages/s') return 'msg/s';
  return undefined;
}

interface OpenTable {
  table: ParsedTable;
  kind: string;
  columns: string[] | undefined;
}

function finish(open: OpenTable | undefined, file: string, out: ParsedTable[]): void {
  if (!open) return;
  if (open.table.measurements.length === 0) {
    throw inputError('HPCRUN_PARSE_OSU_EMPTY', `${where(file, open.table.line)}: ${open.table.benchmark} output has no data rows`, 'was the run interrupted before the first message size finished?');
  }
  out.push(open.table);
}

export function parseOsu(text: string, file = '<input>'): ParsedTable[] {
  const lines = text.split(/\r?\n/);
  const tables: ParsedTable[] = [];
  let open: OpenTable | undefined;
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trim();
    const title = TITLE.exec(line);
    if (title) {
      finish(open, file, tables);
      const bench = BENCHMARKS[(title[1] ?? '').toLowerCase()];
      if (!bench) {
        throw inputError('HPCRUN_PARSE_OSU_BENCHMARK', `${where(file, lineNo)}: OSU "${title[1]} Test" is not supported`, 'import reads osu_latency, osu_bw, osu_bibw and osu_mbw_mr');
      }
      open = {
        kind: bench.kind,
        columns: undefined,
        table: { format: 'osu', benchmark: bench.name, version: title[2] ?? null, line: lineNo, columns: [], params: {}, measurements: [], notes: [] },
      };
      return;
    }
    if (!open || line === '') return;
    if (line.startsWith('#')) {
      const mr = /\[\s*pairs:\s*(\d+)\s*\]\s*\[\s*window size:\s*(\d+)\s*\]/.exec(line);
      if (mr) {
        open.table.params.pairs = Number(mr[1]);
        open.table.params.windowSize = Number(mr[2]);
      } else if (/^#\s*Size\b/.test(line)) {
        open.columns = splitHeader(line, file, lineNo);
        open.table.columns = open.columns;
      }
      return;
    }
    if (!/^\d/.test(line)) {
      if (open.columns && open.table.measurements.length > 0) {
        finish(open, file, tables); // trailing text after a complete table ends it
        open = undefined;
        return;
      }
      throw inputError('HPCRUN_PARSE_OSU_LINE', `${where(file, lineNo)}: unexpected text ${JSON.stringify(line.slice(0, 60))} in ${open.table.benchmark} output`, 'expected an OSU column header (`# Size ...`) or a data row');
    }
    if (!open.columns) {
      throw inputError('HPCRUN_PARSE_OSU_LINE', `${where(file, lineNo)}: data row before the column header in ${open.table.benchmark} output`, 'OSU prints `# Size ...` before the rows');
    }
    open.table.measurements.push(...parseRow(line, open, file, lineNo));
  });
  finish(open, file, tables);
  if (tables.length === 0) {
    throw inputError('HPCRUN_PARSE_UNRECOGNISED', `${file}: no OSU benchmark title (\`# OSU MPI ... Test vX.Y\`) found`, 'import reads OSU Micro-Benchmarks and Intel MPI Benchmarks output');
  }
  return tables;
}

function parseRow(line: string, open: OpenTable, file: string, lineNo: number): Measurement[] {
  const columns = open.columns as string[];
  const fields = line.split(/\s+/);
  if (fields.length !== columns.length) {
    throw inputError('HPCRUN_PARSE_OSU_ROW', `${where(file, lineNo)}: row has ${fields.length} fields but the header names ${columns.length} (${columns.join(', ')})`, 'is the output truncated or interleaved with other text?');
  }
  const bytes = toNumber(fields[0] as string);
  if (bytes === undefined || !Number.isInteger(bytes) || bytes < 0) {
    throw inputError('HPCRUN_PARSE_OSU_ROW', `${where(file, lineNo)}: message size ${JSON.stringify(fields[0])} is not a whole number`);
  }
  const byUnit = new Map<MeasureUnit, Measurement>();
  const tailUnit: MeasureUnit = columns.some((c) => c.includes('Tail BW')) ? 'MB/s' : 'us';
  const shared: Record<string, number | string> = {};
  const pending: Array<[string, number]> = [];
  for (let i = 1; i < columns.length; i += 1) {
    const column = columns[i] as string;
    const field = fields[i] as string;
    if (column === 'Validation') {
      if (field !== 'Pass' && field !== 'Fail') {
        throw inputError('HPCRUN_PARSE_OSU_ROW', `${where(file, lineNo)}: Validation is ${JSON.stringify(field)}, expected Pass or Fail`);
      }
      shared.Validation = field;
      continue;
    }
    const value = toNumber(field);
    if (value === undefined) {
      throw inputError('HPCRUN_PARSE_OSU_ROW', `${where(file, lineNo)}: ${column} value ${JSON.stringify(field)} is not a number`);
    }
    const unit = metricOf(column);
    if (unit) {
      const m = emptyMeasurement(open.kind, unit, bytes, lineNo);
      place(m, column, value, true);
      byUnit.set(unit, m);
    } else pending.push([column, value]);
  }
  // Percentiles belong to the metric they are of; other columns to every metric of the row.
  for (const [column, value] of pending) {
    const isTail = /^P\d+ Tail/.test(column);
    for (const [unit, m] of byUnit) {
      if (!isTail || unit === tailUnit) place(m, column, value, false);
    }
  }
  for (const m of byUnit.values()) Object.assign(m.extra, shared);
  return [...byUnit.values()];
}
