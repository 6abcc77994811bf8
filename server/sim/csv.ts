// CSV as the project writes it: csv-stringify (RFC 4180: fields with a comma, quote or newline
// are quoted, quotes doubled), a header row, numbers as JavaScript prints them, null as empty.
// Reading is csv-parse (geometry.ts parseCsvRing), from the same project.
import { stringify } from 'csv-stringify/sync';

export type CsvCell = string | number | null;

export function csvTable(columns: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return stringify(rows as CsvCell[][], { header: true, columns: [...columns], cast: { number: (v) => String(v) } });
}
