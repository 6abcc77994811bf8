import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../db';
import { Retention } from './retention';

// Retention and down-sampling on a real (in-memory PGlite) database, with rows placed by hand.

const DAY = 86_400_000, HOUR = 3_600_000, FIVE_MIN = 300_000;
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
let db: Db;
let city: number;

async function addBucket(idx: number, startMs: number, b: { reports: number; readings: number; first: number; last: number; seen: number;
  min: number | null; max: number | null; mean: number | null; vlast: number | null; lastMs: number; source: string; sources: number }) {
  await db.query(
    `insert into component_history (city_id, component_idx, bucket_start, reports, readings, state_first, state_last, states_seen,
       value_min, value_max, value_mean, value_last, last_at, source, sources_seen)
     values ($1, $2, to_timestamp($3::float8 / 1000), $4, $5, $6, $7, $8, $9, $10, $11, $12, to_timestamp($13::float8 / 1000), $14, $15)`,
    [city, idx, startMs, b.reports, b.readings, b.first, b.last, b.seen, b.min, b.max, b.mean, b.vlast, b.lastMs, b.source, b.sources]);
}

const rows = async () => (await db.query<{ idx: number; t: number; reports: number; readings: number; first: number; last: number; seen: number;
  vmin: number | null; vmax: number | null; vmean: number | null; vlast: number | null; last_ms: number; source: string; sources: number }>(
  `select component_idx as idx, (extract(epoch from bucket_start) * 1000)::float8 as t, reports, readings, state_first as first,
     state_last as last, states_seen as seen, value_min as vmin, value_max as vmax, value_mean as vmean, value_last as vlast,
     (extract(epoch from last_at) * 1000)::float8 as last_ms, source, sources_seen as sources
   from component_history order by component_idx, bucket_start`)).rows;

beforeAll(async () => {
  db = await openDb({});
  city = (await db.query<{ id: number }>(`insert into cities (slug, meta, counts) values ('r', '{}', '{}') returning id`)).rows[0]!.id;
});
afterAll(async () => db?.close());

describe('history retention', () => {
  it('deletes what is past retention, folds old fine buckets into coarse ones, keeps recent ones, and a second pass changes nothing', async () => {
    const hour = Math.floor((NOW - 40 * DAY) / HOUR) * HOUR; // an hour 40 days ago: folded (after 30 days)
    // component 1: three 5-minute buckets in that hour (the first at its start), one in the next hour
    await addBucket(1, hour, { reports: 2, readings: 2, first: 0, last: 6, seen: 0b1000001, min: 0.1, max: 0.3, mean: 0.2, vlast: 0.3, lastMs: hour + 60_000, source: 'mqtt', sources: 2 });
    await addBucket(1, hour + 2 * FIVE_MIN, { reports: 1, readings: 0, first: 6, last: 6, seen: 0b1000000, min: null, max: null, mean: null, vlast: null, lastMs: hour + 11 * 60_000, source: 'simulator', sources: 4 });
    await addBucket(1, hour + 7 * FIVE_MIN, { reports: 3, readings: 3, first: 6, last: 7, seen: 0b11000000, min: 0.05, max: 0.9, mean: 0.5, vlast: 0.9, lastMs: hour + 38 * 60_000, source: 'mqtt', sources: 2 });
    await addBucket(1, hour + HOUR + FIVE_MIN, { reports: 1, readings: 1, first: 0, last: 0, seen: 1, min: 0.4, max: 0.4, mean: 0.4, vlast: 0.4, lastMs: hour + HOUR + 6 * 60_000, source: 'api', sources: 1 });
    // component 2: no bucket at the hour's start
    await addBucket(2, hour + 3 * FIVE_MIN, { reports: 1, readings: 1, first: 2, last: 2, seen: 4, min: 1, max: 1, mean: 1, vlast: 1, lastMs: hour + 16 * 60_000, source: 'mqtt', sources: 2 });
    await addBucket(2, hour + 4 * FIVE_MIN, { reports: 1, readings: 1, first: 0, last: 0, seen: 1, min: 3, max: 3, mean: 3, vlast: 3, lastMs: hour + 21 * 60_000, source: 'mqtt', sources: 2 });
    // recent (kept as it is) and past retention (deleted)
    await addBucket(3, NOW - DAY, { reports: 1, readings: 1, first: 0, last: 0, seen: 1, min: 5, max: 5, mean: 5, vlast: 5, lastMs: NOW - DAY + 1000, source: 'mqtt', sources: 2 });
    await addBucket(3, NOW - DAY + FIVE_MIN, { reports: 1, readings: 1, first: 0, last: 0, seen: 1, min: 6, max: 6, mean: 6, vlast: 6, lastMs: NOW - DAY + FIVE_MIN + 1000, source: 'mqtt', sources: 2 });
    await addBucket(4, NOW - 500 * DAY, { reports: 1, readings: 0, first: 0, last: 0, seen: 1, min: null, max: null, mean: null, vlast: null, lastMs: NOW - 500 * DAY, source: 'api', sources: 1 });
    for (const [k, ageDays] of [[0, 100], [1, 95], [2, 10], [3, 1]] as const) {
      await db.query(`insert into state_changes (city_id, component_idx, at, state, value, source) values ($1, $2, to_timestamp($3::float8 / 1000), 0, null, 'api')`,
        [city, k, NOW - ageDays * DAY]);
    }

    const settings = { stateChangesDays: 90, historyDays: 400, downsampleAfterDays: 30, coarseBucketMs: HOUR, fineBucketMs: FIVE_MIN, deleteBatch: 1, componentBatch: 1 };
    const r = await new Retention(db, settings).run(NOW);
    expect(r).toEqual({ stateChangesDeleted: 2, historyDeleted: 1, historyMerged: 5 });
    const after = await rows();
    expect(after.map((x) => [x.idx, x.t])).toEqual([
      [1, hour], [1, hour + HOUR], [2, hour], [3, NOW - DAY], [3, NOW - DAY + FIVE_MIN],
    ]);
    const [c1, , c2] = after;
    expect(c1).toMatchObject({ reports: 6, readings: 5, first: 0, last: 7, seen: 0b11000001, vlast: expect.closeTo(0.9, 5), source: 'mqtt', sources: 6, last_ms: hour + 38 * 60_000 });
    expect(c1!.vmin).toBeCloseTo(0.05, 5);
    expect(c1!.vmax).toBeCloseTo(0.9, 5);
    expect(c1!.vmean).toBeCloseTo((0.2 * 2 + 0.5 * 3) / 5, 5);
    // the window's first bucket did not exist: the fold made it, first state from the earliest bucket
    expect(c2).toMatchObject({ reports: 2, readings: 2, first: 2, last: 0, seen: 5, vmin: 1, vmax: 3, vmean: 2, vlast: 3 });
    expect((await db.query<{ n: number }>('select count(*)::int as n from state_changes')).rows[0]!.n).toBe(2);

    const again = await new Retention(db, settings).run(NOW);
    expect(again).toEqual({ stateChangesDeleted: 0, historyDeleted: 0, historyMerged: 0 });
    expect(await rows()).toEqual(after);
  });
});
