// Result rows as CSV (csv-stringify). Unknown values are empty cells.

import { stringify } from 'csv-stringify/sync';
import { CSV_COLUMNS, type ResultRow } from './schema.js';

export function rowsToCsv(rows: readonly ResultRow[]): string {
  const records = rows.map((row) => Object.fromEntries(CSV_COLUMNS.map((column) => [column, row[column] ?? ''])));
  return stringify(records, { header: true, columns: [...CSV_COLUMNS] });
}
