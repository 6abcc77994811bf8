import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copySql, encodeCopyBinary } from './copyBinary';
import { openDb, type Db } from './index';
import { generateCity } from '../city/generate';
import { loadCity, saveCity } from '../city/store';

// The binary COPY writer against PGlite (the PostgreSQL path: postgres.test.ts). One database for
// the file: opening PGlite takes seconds.
let db: Db;
beforeAll(async () => {
  db = await openDb({});
  await db.exec(`create table kinds (i2 smallint, i4 integer not null, f4 real, f8 double precision, t text, c char(5), b bytea, j jsonb)`);
}, 120_000);
afterAll(async () => { await db?.close(); });

const COLS = ['i2', 'i4', 'f4', 'f8', 't', 'c', 'b', 'j'];

describe('binary COPY', () => {
  it('loads every type it writes, with NULLs, constants and non-ASCII text, exactly', async () => {
    const data = encodeCopyBinary([
      { type: 'int2', values: [-32768, 32767, null] },
      { type: 'int4', constant: 7 },
      { type: 'float4', values: Float32Array.from([1.5, -0.1, 3e38]) },
      { type: 'float8', values: [Math.PI, null, -1e-300] },
      { type: 'text', values: ['路灯 street light', '', null] },
      { type: 'text', values: ['01037', '03005', '02004'] },
      { type: 'bytea', values: [Uint8Array.from([0, 1, 255]), new Uint8Array(0), null] },
      { type: 'jsonb', values: ['{"ring":[1.25,2]}', '"名"', null] },
    ], 3);
    await db.copyFrom('kinds', COLS, data);
    expect(data.byteLength).toBe(0); // handed to the database thread, not copied
    const { rows } = await db.query<Record<string, unknown>>('select * from kinds order by i2 nulls last');
    // real comes back as its shortest decimal text: compared as the float32 it names
    expect(rows.map((r) => ({ ...r, f4: Math.fround(r.f4 as number), b: r.b === null ? null : [...(r.b as Uint8Array)] }))).toEqual([
      { i2: -32768, i4: 7, f4: 1.5, f8: Math.PI, t: '路灯 street light', c: '01037', b: [0, 1, 255], j: { ring: [1.25, 2] } },
      { i2: 32767, i4: 7, f4: Math.fround(-0.1), f8: null, t: '', c: '03005', b: [], j: '名' },
      { i2: null, i4: 7, f4: Math.fround(3e38), f8: -1e-300, t: null, c: '02004', b: null, j: null },
    ]);
  });

  it('refuses a column too short for the rows, and names that are not plain identifiers', () => {
    expect(() => encodeCopyBinary([{ type: 'int4', values: [1] }], 2)).toThrow(/1 values for 2 rows/);
    expect(() => encodeCopyBinary([{ type: 'text' }], 1)).toThrow(/neither values nor a constant/);
    expect(() => copySql('kinds; drop table kinds', ['i4'], 'stdin')).toThrow(/not a plain identifier/);
  });

  it('a COPY that fails inside a transaction leaves nothing of it (a NOT NULL broken in the second chunk)', async () => {
    const before = (await db.query<{ n: number }>('select count(*)::int as n from kinds')).rows[0]!.n;
    await expect(db.transaction(async (tx) => {
      await tx.copyFrom('kinds', ['i4'], encodeCopyBinary([{ type: 'int4', values: [1, 2, 3] }], 3));
      await tx.copyFrom('kinds', ['i4'], encodeCopyBinary([{ type: 'int4', values: [4, null] }], 2));
    })).rejects.toThrow(/null value in column "i4"/);
    expect((await db.query<{ n: number }>('select count(*)::int as n from kinds')).rows[0]!.n).toBe(before);
  });

  it('saveCity: a replace that fails in its last component chunk leaves the stored city as it was', async () => {
    const city = generateCity({ preset: 'default' });
    await saveCity(db, city);
    const broken = { ...city, components: { ...city.components, codes: city.components.codes.slice() } };
    const n = broken.components.count;
    broken.components.codes[n - 1] = broken.components.codes[0]!; // unique (city_id, code) breaks at the very end
    await expect(saveCity(db, broken, { replace: true })).rejects.toThrow(/duplicate key/);
    const back = await loadCity(db, city.meta.slug);
    expect(back.components.count).toBe(n);
    expect(back.components.codes).toEqual(city.components.codes);
    expect(back.unitGrids.length).toBe(city.unitGrids.length);
    // saveCity skips the foreign-key triggers for its own loads only (PGlite is one connection)
    await expect(db.query(`insert into departments (city_id, idx, name_zh, name_en) values (999999, 0, 'a', 'b')`)).rejects.toThrow(/foreign key/);
    expect((await db.query<{ r: string }>('show session_replication_role')).rows[0]).toEqual({ session_replication_role: 'origin' });
  }, 120_000);
});
