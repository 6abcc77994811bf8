import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HistoryWriter, readHistory, writeChanges } from './history';
import { openDb, type Db } from '../db';
import { historyDropped } from '../metrics';

// Real PGlite in memory, opened once for the file (about 5 s).
let db: Db;
let cityId: number;
const N = 3_500;
const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0); // a bucket boundary

beforeAll(async () => {
  db = await openDb({});
  cityId = (await db.query<{ id: number }>(
    `insert into cities (slug, meta, counts) values ('hist', '{}', '{}') returning id`)).rows[0]!.id;
  await db.query(
    `insert into components (city_id, idx, code, class_code, x, y, z, heading, unit_grid_idx, owner_dept, maintainer_dept, state)
     select $1, i, lpad(i::text, 17, '0'), '01037', 0, 0, 0, 0, 0, 0, 0, 0 from generate_series(0, $2 - 1) i`,
    [cityId, N],
  );
}, 60_000);

afterAll(async () => {
  await db?.close();
});

beforeEach(async () => {
  await db.exec('delete from component_history; delete from state_changes; update components set state = 0, value = null, last_report_at = null');
});

const rows = async (where = 'true') =>
  (await db.query<{
    component_idx: number; bucket_ms: number; reports: number; readings: number; state_first: number; state_last: number;
    states_seen: number; value_min: number | null; value_max: number | null; value_mean: number | null; value_last: number | null;
    last_ms: number; source: string; sources_seen: number;
  }>(`select component_idx, (extract(epoch from bucket_start) * 1000)::float8 as bucket_ms, reports, readings, state_first,
        state_last, states_seen, value_min, value_max, value_mean, value_last, (extract(epoch from last_at) * 1000)::float8 as last_ms,
        source, sources_seen
      from component_history where ${where} order by bucket_start, component_idx`)).rows;

/** The same database; a statement for which `fail(sql, transaction number)` is true throws instead. */
function flaky(real: Db) {
  let transactions = 0;
  let failAt: ((sql: string, tx: number) => boolean) | null = null;
  const insertSizes: number[] = [];
  const wrapped: Db = {
    ...real,
    transaction: (fn) => {
      const t = transactions++;
      return real.transaction((tx) => fn({
        exec: tx.exec,
        copyFrom: tx.copyFrom,
        query: async (sql, params) => {
          if (failAt?.(sql, t)) throw new Error('database unavailable');
          if (/insert into component_history/.test(sql)) insertSizes.push((params![2] as unknown[]).length);
          return tx.query(sql, params);
        },
      }));
    },
  };
  return {
    db: wrapped, insertSizes,
    fail(f: ((sql: string, tx: number) => boolean) | null) { failAt = f; },
    get transactions() { return transactions; },
  };
}

describe('HistoryWriter down-sampling', () => {
  it('turns many reports of a component in one bucket into one row with the right aggregates', async () => {
    const h = new HistoryWriter(db);
    h.register(cityId, N);
    // component 7: the readings 0..999 in shuffled order (first 500, last 463), states cycling 0,5,6; one report without a reading
    for (let k = 0; k < 1000; k++) h.record(cityId, 7, T0 + k * 10, [0, 5, 6][k % 3]!, (k * 37 + 500) % 1000, 'simulator');
    h.record(cityId, 7, T0 + 20_000, 7, NaN, 'api');
    // component 8: reports without readings only
    h.record(cityId, 8, T0 + 1, 2, NaN, 'mqtt');
    h.record(cityId, 8, T0 + 2, 1, NaN, 'mqtt');
    expect(h.pending).toBe(0); // the bucket is still open
    expect(await h.flush(T0 + MIN)).toBe(2);
    const [a, b] = await rows();
    expect(a).toMatchObject({
      component_idx: 7, bucket_ms: T0, reports: 1001, readings: 1000, state_first: 0, state_last: 7,
      states_seen: (1 << 0) | (1 << 5) | (1 << 6) | (1 << 7), value_min: 0, value_max: 999, value_last: 463,
      last_ms: T0 + 20_000, source: 'api', sources_seen: 0b0101,
    });
    expect(a!.value_mean).toBeCloseTo(499.5, 3);
    expect(b).toMatchObject({
      component_idx: 8, reports: 2, readings: 0, state_first: 2, state_last: 1, states_seen: 0b110,
      value_min: null, value_max: null, value_mean: null, value_last: null, source: 'mqtt', sources_seen: 0b0010,
    });
    expect(h.pending).toBe(0);
  });

  it('closes a bucket when time passes its end, by a later report or by flush(now)', async () => {
    const h = new HistoryWriter(db);
    h.register(cityId, N);
    h.record(cityId, 1, T0 + 5_000, 1, 0.25, 'simulator');
    h.record(cityId, 2, T0 + 59_999, 0, NaN, 'simulator');
    h.record(cityId, 1, T0 + MIN + 1, 0, 0.5, 'simulator'); // next bucket: the first one closes
    expect(h.pending).toBe(2);
    expect(h.openBucket(cityId, 1)).toMatchObject({ startMs: T0 + MIN, reports: 1, last: 0.5, open: true });
    expect(h.unwritten(cityId, 1)).toMatchObject([{ startMs: T0, reports: 1, last: 0.25, open: false }]);
    expect(await h.flush(T0 + MIN + 2)).toBe(2); // the second bucket stays open
    expect((await rows()).map((r) => [r.component_idx, r.bucket_ms])).toEqual([[1, T0], [2, T0]]);
    expect(await h.flush(T0 + 2 * MIN)).toBe(1);
    expect((await rows()).map((r) => [r.component_idx, r.bucket_ms])).toEqual([[1, T0], [2, T0], [1, T0 + MIN]]);
    expect(h.openBucket(cityId, 1)).toBeNull();
    expect(await h.flush(T0 + 3 * MIN)).toBe(0);
  });

  it('puts a report just behind the minute into its closed bucket while that is in memory, an older one into the open bucket', async () => {
    const h = new HistoryWriter(db);
    h.register(cityId, N);
    h.record(cityId, 5, T0 + 100, 0, 1, 'mqtt');
    h.record(cityId, 5, T0 + MIN + 5, 0, 3, 'mqtt'); // bucket 0 closes
    h.record(cityId, 6, T0 + 59_990, 1, NaN, 'mqtt'); // in flight at the boundary: bucket 0
    h.record(cityId, 5, T0 + 50, 0, 2, 'mqtt'); // bucket 0 too
    expect(h.stats.late).toBe(0);
    expect(await h.flush(T0 + MIN + 10)).toBe(2);
    expect((await rows()).map((r) => [r.component_idx, r.bucket_ms, r.reports, r.value_last, r.last_ms])).toEqual([
      [5, T0, 2, 2, T0 + 100], [6, T0, 1, null, T0 + 59_990],
    ]);
    h.record(cityId, 5, T0 + 10, 1, 9, 'mqtt'); // bucket 0 is written: counted into the open one, in arrival order
    expect(h.stats.late).toBe(1);
    expect(h.openBucket(cityId, 5)).toMatchObject({ startMs: T0 + MIN, reports: 2, stateLast: 1, last: 9, lastAtMs: T0 + MIN + 5 });
  });

  it('ignores reports for a city not registered and indices out of range, counting them', () => {
    const h = new HistoryWriter(db);
    h.register(cityId, N);
    h.record(cityId + 99, 3, T0, 0, 1, 'load');
    h.record(cityId, N, T0, 0, 1, 'load');
    h.record(cityId, -1, T0, 0, 1, 'load');
    expect(h.stats).toMatchObject({ unregistered: 1, outOfRange: 2 });
    expect(h.pending).toBe(0);
    expect(h.openBucket(cityId + 99, 3)).toBeNull();
  });

  it('merges a bucket written twice (closed at shutdown, then reported in again after a restart)', async () => {
    const h1 = new HistoryWriter(db);
    h1.register(cityId, N);
    h1.record(cityId, 4, T0 + 1_000, 0, 10, 'simulator');
    h1.record(cityId, 4, T0 + 2_000, 0, 20, 'simulator');
    expect(await h1.flush(Infinity)).toBe(1); // shutdown: the open bucket is written too
    const h2 = new HistoryWriter(db);
    h2.register(cityId, N);
    h2.record(cityId, 4, T0 + 30_000, 1, 60, 'api');
    await h2.flush(Infinity);
    const [r] = await rows();
    expect(r).toMatchObject({ reports: 3, readings: 3, value_min: 10, value_max: 60, value_last: 60, state_first: 0, state_last: 1, states_seen: 0b11, source: 'api', sources_seen: 0b101 });
    expect(r!.value_mean).toBeCloseTo(30, 4);
  });
});

describe('HistoryWriter writes', () => {
  it('writes in chunks of chunkRows, one transaction each, rows sorted by component', async () => {
    const f = flaky(db);
    const h = new HistoryWriter(f.db, { chunkRows: 1_000 });
    h.register(cityId, N);
    for (let i = N - 1; i >= 0; i--) h.record(cityId, i, T0 + i, i % 9, i, 'load');
    expect(await h.flush(T0 + MIN)).toBe(N);
    expect(f.insertSizes).toEqual([1000, 1000, 1000, 500]);
    expect(f.transactions).toBe(4);
    const r = await rows();
    expect(r.length).toBe(N);
    expect(r.every((x, i) => x.component_idx === i && x.value_last === i && x.reports === 1)).toBe(true);
  });

  it('each chunk is atomic: a failure inside one leaves it unwritten and kept, the next flush finishes without duplicates', async () => {
    const f = flaky(db);
    const h = new HistoryWriter(f.db, { chunkRows: 1_000 });
    h.register(cityId, N);
    for (let i = 0; i < N; i++) h.record(cityId, i, T0 + 5, 5, 1, 'simulator');
    // fail the third chunk's components update, after its insert ran in the same transaction
    f.fail((sql, tx) => tx === 2 && /update components/.test(sql));
    await expect(h.flush(T0 + MIN)).rejects.toThrow(/unavailable/);
    expect((await rows()).length).toBe(2000);
    const updated = async () => Number((await db.query<{ n: number }>(`select count(*)::int as n from components where city_id = $1 and state = 5`, [cityId])).rows[0]!.n);
    expect(await updated()).toBe(2000);
    expect(h.pending).toBe(1500);
    f.fail(null);
    expect(await h.flush(T0 + MIN)).toBe(1500);
    const r = await rows();
    expect(r.length).toBe(N);
    expect(r.every((x) => x.reports === 1)).toBe(true); // nothing written twice
    expect(await updated()).toBe(N);
    expect(h.pending).toBe(0);
  });

  it('keeps rows while the database is down, bounded: the oldest go and are counted', async () => {
    const f = flaky(db);
    const h = new HistoryWriter(f.db, { chunkRows: 500, maxPending: 2_500 });
    h.register(cityId, N);
    const dropped0 = (await historyDropped.get()).values[0]?.value ?? 0;
    f.fail(() => true);
    for (let m = 0; m < 3; m++) {
      for (let i = 0; i < 1_000; i++) h.record(cityId, i, T0 + m * MIN, m, m, 'simulator');
      await expect(h.flush(T0 + (m + 1) * MIN)).rejects.toThrow(/unavailable/);
    }
    // 3,000 rows closed, 2,500 kept: the first 500 of the first bucket went
    expect(h.pending).toBe(2_500);
    expect(h.stats.dropped).toBe(500);
    const dropped1 = (await historyDropped.get()).values[0]!.value;
    expect(dropped1 - dropped0).toBe(500);
    f.fail(null);
    expect(await h.flush(T0 + 3 * MIN)).toBe(2_500);
    const r = await rows();
    expect(r.length).toBe(2_500);
    expect(r.filter((x) => x.bucket_ms === T0).map((x) => x.component_idx)).toEqual(Array.from({ length: 500 }, (_, k) => 500 + k));
    expect(r.filter((x) => x.bucket_ms === T0 + 2 * MIN).length).toBe(1000);
  });

  it('stores each component\'s last state, reading and time (what Twin.load restores), never older over newer', async () => {
    const h = new HistoryWriter(db);
    h.register(cityId, N);
    h.record(cityId, 10, T0 + 1_000, 1, 0.4, 'simulator');
    h.record(cityId, 10, T0 + 2_000, 7, 0.9, 'simulator');
    h.record(cityId, 11, T0 + 1_000, 3, 3, 'simulator');
    h.record(cityId, 11, T0 + 2_000, 8, NaN, 'simulator'); // last report without a reading
    h.record(cityId, 12, T0 + 1_000, 2, NaN, 'simulator');
    // component 12 has a newer durable report already
    await writeChanges(db, [cityId], [12], [new Date(T0 + 50_000).toISOString()], [4], [null], ['api']);
    await h.flush(T0 + MIN);
    const c = (await db.query<{ idx: number; state: number; value: number | null; t: number }>(
      `select idx, state, value, (extract(epoch from last_report_at) * 1000)::float8 as t from components
       where city_id = $1 and idx in (10, 11, 12) order by idx`, [cityId])).rows;
    expect(c[0]).toMatchObject({ idx: 10, state: 7, t: T0 + 2_000 });
    expect(c[0]!.value).toBeCloseTo(0.9, 6);
    expect(c[1]).toMatchObject({ idx: 11, state: 8, value: null, t: T0 + 2_000 });
    expect(c[2]).toMatchObject({ idx: 12, state: 4, value: null, t: T0 + 50_000 });
  });
});

describe('readHistory', () => {
  it('gives stored buckets in time order, then the unwritten and the open one', async () => {
    const h = new HistoryWriter(db);
    h.register(cityId, N);
    for (let m = 0; m < 5; m++) {
      h.record(cityId, 20, T0 + m * MIN + 100, m % 2 ? 6 : 0, m, 'simulator');
      if (m === 3) await h.flush(T0 + 3 * MIN + 1); // writes minutes 0..2; minute 3 stays open
    }
    h.record(cityId, 20, T0 + 4 * MIN + 200, 0, 4.5, 'simulator'); // minute 4 is open, minute 3 closed but unwritten
    expect(h.pending).toBe(1);
    const p = await readHistory(db, cityId, 20, { writer: h });
    expect(p.map((x) => x.startMs)).toEqual([0, 1, 2, 3, 4].map((m) => T0 + m * MIN));
    expect(p.map((x) => x.open)).toEqual([false, false, false, false, true]);
    expect(p[1]).toMatchObject({ state: 'warning', worst: 'warning', statesSeen: ['warning'], min: 1, max: 1, last: 1, endMs: T0 + 2 * MIN });
    expect(p[4]).toMatchObject({ reports: 2, min: 4, max: 4.5, mean: 4.25, last: 4.5, lastAt: new Date(T0 + 4 * MIN + 200).toISOString() });
    // the most recent `limit`, still oldest first; a window
    expect((await readHistory(db, cityId, 20, { writer: h, limit: 2 })).map((x) => x.startMs)).toEqual([T0 + 3 * MIN, T0 + 4 * MIN]);
    expect((await readHistory(db, cityId, 20, { writer: h, fromMs: T0 + MIN, toMs: T0 + 3 * MIN })).map((x) => x.startMs)).toEqual([T0 + MIN, T0 + 2 * MIN]);
  });

  it('merges buckets into coarser steps, stored and in memory alike', async () => {
    const h = new HistoryWriter(db);
    h.register(cityId, N);
    for (let m = 0; m < 10; m++) h.record(cityId, 21, T0 + m * MIN, m === 3 ? 7 : 0, m, 'simulator');
    await h.flush(T0 + 8 * MIN); // 0..8 stored, 9 open
    const p = await readHistory(db, cityId, 21, { writer: h, stepMs: 5 * MIN });
    expect(p.map((x) => [x.startMs, x.endMs, x.reports, x.min, x.max, x.last, x.worst, x.state, x.open])).toEqual([
      [T0, T0 + 5 * MIN, 5, 0, 4, 4, 'alarm', 'intact', false],
      [T0 + 5 * MIN, T0 + 10 * MIN, 5, 5, 9, 9, 'intact', 'intact', true],
    ]);
    expect(p[0]!.mean).toBeCloseTo(2, 5);
    expect(p[1]!.mean).toBeCloseTo(7, 5);
  });

  it('adds durable ingest rows no bucket of their source holds, merged or as separate points', async () => {
    const h = new HistoryWriter(db);
    h.register(cityId, N);
    const at = (ms: number) => new Date(ms).toISOString();
    // minute 0: a simulator bucket and an api change the writer never saw (it did not change the state)
    h.record(cityId, 30, T0 + 1_000, 0, 0.1, 'simulator');
    await writeChanges(db, [cityId], [30], [at(T0 + 2_000)], [1], [null], ['api']);
    // minute 1: an api change the writer recorded too
    await writeChanges(db, [cityId], [30], [at(T0 + MIN + 5)], [2], [null], ['api']);
    h.record(cityId, 30, T0 + MIN + 5, 2, NaN, 'api');
    await h.flush(T0 + 2 * MIN);
    // minute 2: an api change recorded, still open in memory
    await writeChanges(db, [cityId], [30], [at(T0 + 2 * MIN + 5)], [1], [null], ['api']);
    h.record(cityId, 30, T0 + 2 * MIN + 5, 1, NaN, 'api');
    const sep = await readHistory(db, cityId, 30, { writer: h, changes: 'separate' });
    expect(sep.map((x) => [x.startMs, x.state, x.source, x.reports])).toEqual([
      [T0, 'intact', 'simulator', 1], [T0, 'damaged', 'api', 1], [T0 + MIN, 'missing', 'api', 1], [T0 + 2 * MIN, 'damaged', 'api', 1],
    ]);
    const merged = await readHistory(db, cityId, 30, { writer: h });
    expect(merged.map((x) => [x.startMs, x.state, x.worst, x.reports])).toEqual([
      [T0, 'damaged', 'damaged', 2], [T0 + MIN, 'missing', 'missing', 1], [T0 + 2 * MIN, 'damaged', 'damaged', 1],
    ]);
    expect((await readHistory(db, cityId, 30, { writer: h, changes: 'none' })).length).toBe(3);
  });
});
