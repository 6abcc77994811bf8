// PostgreSQL's binary COPY format (https://www.postgresql.org/docs/current/sql-copy.html, "Binary
// Format"), written from columns. Bulk loads go through COPY ... FROM (PGlite's '/dev/blob',
// PostgreSQL's STDIN): binary needs no text parsing of numbers on the server and no hex for bytea,
// which made the unnest inserts of a city's 462,894 components the slowest part of an import.

export type CopyType = 'int2' | 'int4' | 'float4' | 'float8' | 'text' | 'bytea' | 'jsonb';

/** One column: a value per row, or `constant` for all rows (e.g. the city id). null = SQL NULL. */
export type CopyColumn =
  | { type: 'int2' | 'int4' | 'float4' | 'float8'; values?: ArrayLike<number | null>; constant?: number }
  | { type: 'text' | 'jsonb'; values?: ArrayLike<string | null>; constant?: string }
  | { type: 'bytea'; values?: ArrayLike<Uint8Array | null>; constant?: Uint8Array };

const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]; // "PGCOPY\n\377\r\n\0"
const FIXED: Record<string, number> = { int2: 2, int4: 4, float4: 4, float8: 8 };
const utf8 = new TextEncoder();

/**
 * `n` rows of `columns` as one binary COPY stream (header, tuples, trailer). Strings are sized
 * first (UTF-8 length) so the whole buffer is allocated once.
 */
export function encodeCopyBinary(columns: CopyColumn[], n: number): Uint8Array {
  for (const c of columns) {
    if (c.values === undefined && c.constant === undefined) throw new Error(`copy: a ${c.type} column has neither values nor a constant`);
    if (c.values !== undefined && c.values.length < n) throw new Error(`copy: a ${c.type} column has ${c.values.length} values for ${n} rows`);
  }
  // strings encoded once; their bytes are copied into place below
  const bytes: ((Uint8Array | null)[] | null)[] = columns.map((c) => {
    if (c.type !== 'text' && c.type !== 'jsonb') return null;
    if (c.values === undefined) return null;
    const out = new Array<Uint8Array | null>(n);
    for (let i = 0; i < n; i++) { const v = c.values[i]; out[i] = v === null || v === undefined ? null : utf8.encode(v); }
    return out;
  });
  const constBytes = columns.map((c) => (c.constant === undefined ? null : typeof c.constant === 'string' ? utf8.encode(c.constant) : c.constant instanceof Uint8Array ? c.constant : null));
  const extra = (c: CopyColumn) => (c.type === 'jsonb' ? 1 : 0); // jsonb's binary form: version byte 1, then the text
  let size = SIGNATURE.length + 8 + n * 2 + 2;
  columns.forEach((c, j) => {
    const fixed = FIXED[c.type];
    if (fixed !== undefined) {
      if (c.values === undefined) size += n * (4 + fixed);
      else for (let i = 0; i < n; i++) size += c.values[i] === null ? 4 : 4 + fixed;
      return;
    }
    const per = bytes[j] ?? (c.type === 'bytea' ? (c.values as ArrayLike<Uint8Array | null> | undefined) : undefined);
    if (per) for (let i = 0; i < n; i++) { const b = per[i]; size += b === null || b === undefined ? 4 : 4 + b.length + extra(c); }
    else size += n * (4 + constBytes[j]!.length + extra(c));
  });

  const buf = new Uint8Array(size);
  const dv = new DataView(buf.buffer);
  buf.set(SIGNATURE, 0);
  let o = SIGNATURE.length + 8; // flags (0) and header extension length (0)
  for (let i = 0; i < n; i++) {
    dv.setInt16(o, columns.length); o += 2;
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j]!;
      const fixed = FIXED[c.type];
      if (fixed !== undefined) {
        const v = c.values === undefined ? (c.constant as number) : (c.values[i] as number | null);
        if (v === null || v === undefined) { dv.setInt32(o, -1); o += 4; continue; }
        dv.setInt32(o, fixed); o += 4;
        switch (c.type) {
          case 'int2': dv.setInt16(o, v); break;
          case 'int4': dv.setInt32(o, v); break;
          case 'float4': dv.setFloat32(o, v); break;
          default: dv.setFloat64(o, v);
        }
        o += fixed;
        continue;
      }
      const b = c.values === undefined ? constBytes[j]! : (bytes[j] ? bytes[j]![i] : (c.values[i] as Uint8Array | null));
      if (b === null || b === undefined) { dv.setInt32(o, -1); o += 4; continue; }
      const x = extra(c);
      dv.setInt32(o, b.length + x); o += 4;
      if (x) buf[o++] = 1;
      buf.set(b, o); o += b.length;
    }
  }
  dv.setInt16(o, -1); o += 2;
  if (o !== size) throw new Error(`copy: wrote ${o} bytes of ${size}`); // a sizing bug, never bad data
  return buf;
}

/** The COPY statement for a binary stream; `source` is PGlite's '/dev/blob' or STDIN. */
export function copySql(table: string, columns: string[], source: "'/dev/blob'" | 'stdin'): string {
  const ident = /^[a-z_][a-z0-9_]*$/;
  for (const name of [table, ...columns]) if (!ident.test(name)) throw new Error(`copy: "${name}" is not a plain identifier`);
  return `copy ${table} (${columns.join(', ')}) from ${source} with (format binary)`;
}
