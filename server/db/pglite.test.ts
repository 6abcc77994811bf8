import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDb, type Db } from './index';
import { generateCity } from '../city/generate';
import { loadCity, saveCity } from '../city/store';

// PGlite on its worker thread, through the Db interface. One database for the file: opening
// PGlite takes seconds.
let db: Db;
const tmp = mkdtempSync(join(tmpdir(), 'twin-pglite-'));

beforeAll(async () => {
  db = await openDb({}); // in memory, migrated
  await db.exec('create table t (id int primary key, note text)');
}, 120_000);

afterAll(async () => {
  await db?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const count = async (d: Pick<Db, 'query'> = db) => (await d.query<{ n: number }>('select count(*)::int as n from t')).rows[0]!.n;

describe('PGlite on a worker thread', () => {
  it('runs queries with parameters and returns rows with their types', async () => {
    expect(db.kind).toBe('pglite');
    const { rows } = await db.query<{ i: number; f: number | null; s: string; at: Date; b: Uint8Array; j: { a: number[] }; arr: number[] }>(
      `select $1::int as i, nullif($2::float8, 0) as f, $3::text as s, $4::timestamptz as at, $5::bytea as b, $6::jsonb as j, $7::int[] as arr`,
      [42, 0, 'π', '2024-05-06T07:08:09.123Z', Uint8Array.from([0, 1, 255]), JSON.stringify({ a: [1, 2] }), [3, 4]],
    );
    expect(rows).toHaveLength(1);
    const r = rows[0]!;
    expect(r.i).toBe(42);
    expect(r.f).toBeNull();
    expect(r.s).toBe('π');
    expect(r.at).toBeInstanceOf(Date);
    expect(r.at.toISOString()).toBe('2024-05-06T07:08:09.123Z');
    expect(r.b).toBeInstanceOf(Uint8Array);
    expect([...r.b]).toEqual([0, 1, 255]);
    expect(r.j).toEqual({ a: [1, 2] });
    expect(r.arr).toEqual([3, 4]);
    expect((await db.query('select 1 as x where false')).rows).toEqual([]);
  });

  it('keeps numbers, nulls and column order across many rows', async () => {
    const n = 50_000;
    const { rows } = await db.query<{ k: number; half: number | null; label: string }>(
      `select k, case when k % 7 = 0 then null else k / 2.0 end::float8 as half, 'r' || k as label
       from generate_series(1, $1::int) k order by k`,
      [n],
    );
    expect(rows).toHaveLength(n);
    expect(Object.keys(rows[0]!)).toEqual(['k', 'half', 'label']);
    expect(rows[6]).toEqual({ k: 7, half: null, label: 'r7' });
    expect(rows[n - 1]).toEqual({ k: n, half: n / 2, label: `r${n}` });
    expect(rows.reduce((s, r) => s + r.k, 0)).toBe((n * (n + 1)) / 2);
  });

  it('commits a transaction', async () => {
    const back = await db.transaction(async (tx) => {
      await tx.query('insert into t values ($1, $2)', [1, 'one']);
      await tx.exec("insert into t values (2, 'two')");
      return (await tx.query<{ n: number }>('select count(*)::int as n from t')).rows[0]!.n;
    });
    expect(back).toBe(2);
    expect(await count()).toBe(2);
  });

  it('rolls back when fn throws, and re-throws its error', async () => {
    const boom = new Error('boom');
    await expect(db.transaction(async (tx) => {
      await tx.query('insert into t values ($1, $2)', [3, 'three']);
      expect(await count(tx)).toBe(3);
      throw boom;
    })).rejects.toBe(boom);
    expect(await count()).toBe(2);
    // a PG error inside the transaction rolls it back too
    await expect(db.transaction(async (tx) => {
      await tx.query('insert into t values ($1, $2)', [4, 'four']);
      await tx.query('insert into t values ($1, $2)', [1, 'again']);
    })).rejects.toThrow(/duplicate key value violates unique constraint/);
    expect(await count()).toBe(2);
  });

  it('runs a query issued while a transaction is open after it, seeing its commit', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const txDone = db.transaction(async (tx) => {
      await tx.query('insert into t values ($1, $2)', [5, 'five']);
      order.push('tx inserted');
      await gate;
      await tx.query('insert into t values ($1, $2)', [6, 'six']);
      order.push('tx end');
    });
    await vi.waitFor(() => expect(order).toContain('tx inserted'));
    const seen = count().then((n) => { order.push('query'); return n; });
    await sleep(100);
    expect(order).toEqual(['tx inserted']); // the query waits for the open transaction
    release();
    await txDone;
    expect(await seen).toBe(4);
    expect(order).toEqual(['tx inserted', 'tx end', 'query']);
  });

  it('queues concurrent transactions one after the other', async () => {
    await db.exec('create table counter (v int); insert into counter values (0)');
    // read-sleep-write: two interleaved transactions would both read 0 and store 1
    const bump = () => db.transaction(async (tx) => {
      const v = (await tx.query<{ v: number }>('select v from counter')).rows[0]!.v;
      await sleep(30);
      await tx.query('update counter set v = $1', [v + 1]);
    });
    await Promise.all([bump(), bump(), bump()]);
    expect((await db.query<{ v: number }>('select v from counter')).rows[0]!.v).toBe(3);
  });

  it('reports PostgreSQL errors with their message, fields and the caller\'s stack', async () => {
    const err = await db.query('insert into t values ($1, $2)', [1, 'dup']).catch((e: unknown) => e) as Error & Record<string, unknown>;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/duplicate key value violates unique constraint "t_pkey"/);
    expect(err.code).toBe('23505');
    expect(err.detail).toMatch(/Key \(id\)=\(1\) already exists/);
    expect(err.constraint).toBe('t_pkey');
    expect(err.params).toBeUndefined(); // bulk parameters are not shipped back
    expect(err.stack).toContain('pglite.test.ts');
    const syntax = await db.query('select from from t').catch((e: unknown) => e) as Error & Record<string, unknown>;
    expect(syntax.message).toMatch(/syntax error at or near "from"/);
    expect(syntax.code).toBe('42601');
    expect(syntax.position).toBe('13');
    await expect(db.exec('select nope')).rejects.toThrow(/column "nope" does not exist/);
  });

  it('refuses tx.query after its transaction has ended', async () => {
    let leaked!: Pick<Db, 'query'>;
    await db.transaction(async (tx) => { leaked = tx; });
    await expect(leaked.query('select 1')).rejects.toThrow(/not open/);
  });

  it('stores and loads a city unchanged', async () => {
    const city = generateCity({ preset: 'default' });
    await saveCity(db, city);
    const back = await loadCity(db, city.meta.slug);
    expect(back.meta).toEqual(city.meta);
    expect(back.components.codes).toEqual(city.components.codes);
    expect(back.components.x).toEqual(city.components.x);
    expect(back.components.state).toEqual(city.components.state);
    expect(back.dem.heights).toEqual(city.dem.heights);
    // heights and areas are stored as float32 (real) by design; codes, ids and rings exactly
    expect(back.buildings.map((b) => [b.id, b.ring])).toEqual(city.buildings.map((b) => [b.id, b.ring]));
    expect(back.unitGrids.map((u) => [u.code, u.ring])).toEqual(city.unitGrids.map((u) => [u.code, u.ring]));
  });

  it('says why when the worker cannot start', async () => {
    const file = join(tmp, 'not-a-dir');
    writeFileSync(file, '');
    await expect(openDb({ dataDir: join(file, 'pglite') })).rejects.toThrow(/PGlite worker did not start: .*(ENOTDIR|not a directory|EEXIST)/);
  });

  it('runs under tsx, keeps data in its directory, and close() ends the worker (the process exits)', () => {
    // A separate process: a worker left running would keep it alive until the timeout.
    const dataDir = join(tmp, 'data');
    const script = `
      import { openDb } from ${JSON.stringify(fileURLToPath(new URL('./index.ts', import.meta.url)))};
      const a = await openDb({ dataDir: ${JSON.stringify(dataDir)}, migrate: false });
      await a.exec('create table kept (v text)');
      await a.query('insert into kept values ($1)', ['still here']);
      await a.close();
      await a.close(); // twice is harmless
      const closed = await a.query('select 1').then(() => 'open', (e) => e.message);
      const b = await openDb({ dataDir: ${JSON.stringify(dataDir)}, migrate: false });
      const { rows } = await b.query('select v from kept');
      await b.close();
      console.log(JSON.stringify({ closed, rows }));
    `;
    const file = join(tmp, 'child.mts');
    writeFileSync(file, script);
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const r = spawnSync(tsx, [file], { encoding: 'utf8', timeout: 90_000 });
    expect(r.error).toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({ closed: 'the database is closed', rows: [{ v: 'still here' }] });
  }, 120_000);

  it('one process at a time per directory: a second opener is refused with the holder; a killed holder leaves nothing that blocks the next start', async () => {
    const dataDir = join(tmp, 'locked');
    const a = await openDb({ dataDir, migrate: false });
    try {
      await expect(openDb({ dataDir, migrate: false })).rejects.toThrow(new RegExp(`in use by process ${process.pid}.*one process at a time`));
      await a.exec('create table kept (v text)');
      await a.query('insert into kept values ($1)', ['before']);
    } finally {
      await a.close();
    }
    // another process opens it, writes, and is killed (SIGKILL: no close, no exit handlers)
    const script = `
      import { openDb } from ${JSON.stringify(fileURLToPath(new URL('./index.ts', import.meta.url)))};
      const d = await openDb({ dataDir: ${JSON.stringify(dataDir)}, migrate: false });
      await d.query('insert into kept values ($1)', ['from the killed one']);
      console.log('written');
      process.kill(process.pid, 'SIGKILL');
    `;
    const file = join(tmp, 'killed.mts');
    writeFileSync(file, script);
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const r = spawnSync(tsx, [file], { encoding: 'utf8', timeout: 90_000 });
    expect(r.stdout).toContain('written');
    expect(r.signal === 'SIGKILL' || r.status === 137, `killed: ${r.signal} ${r.status}`).toBe(true); // tsx relays the child's death as 137
    // its lock holds a dead pid: stale, the next open takes over and finds what it committed
    const b = await openDb({ dataDir, migrate: false });
    try {
      const { rows } = await b.query<{ v: string }>('select v from kept order by v');
      expect(rows.map((x) => x.v)).toEqual(['before', 'from the killed one']);
    } finally {
      await b.close();
    }
  }, 180_000);
});
