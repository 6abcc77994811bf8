import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres } from './testPostgres';
import { migrate, openDb, type Db } from './index';
import { generateCity } from '../city/generate';
import { listCities, loadCity, saveCity } from '../city/store';
import { Twin } from '../twin';
import { HistoryWriter } from '../live/history';
import type { CityData } from '../../models/city';

// The same migrations and queries as on PGlite, against a real PostgreSQL server.
let pg: Awaited<ReturnType<typeof startTestPostgres>>;
let db: Db;
let city: CityData;

beforeAll(async () => {
  pg = await startTestPostgres();
  db = await openDb({ url: pg.url });
  city = generateCity({ preset: 'default' });
}, 120_000);

afterAll(async () => {
  await db?.close();
  pg?.stop();
});

describe('PostgreSQL', () => {
  it('runs the migrations once', async () => {
    expect(db.kind).toBe('postgres');
    expect(await migrate(db)).toEqual([]);
    const { rows } = await db.query<{ name: string }>('select name from schema_migrations');
    expect(rows.map((r) => r.name)).toContain('001_init.sql');
  });

  it('stores and loads a city unchanged', async () => {
    await saveCity(db, city);
    const list = await listCities(db);
    expect(list.map((c) => c.slug)).toEqual([city.meta.slug]);
    const back = await loadCity(db, city.meta.slug);
    expect(back.meta).toEqual(city.meta);
    expect(back.components.count).toBe(city.components.count);
    expect(back.components.codes).toEqual(city.components.codes);
    expect([...back.components.classIndex]).toEqual([...city.components.classIndex]);
    expect(back.components.x).toEqual(city.components.x);
    expect(back.components.heading).toEqual(city.components.heading);
    expect(back.components.state).toEqual(city.components.state);
    expect(back.dem.heights).toEqual(city.dem.heights);
    expect(back.unitGrids.map((u) => u.ring)).toEqual(city.unitGrids.map((u) => u.ring));
    expect(back.unitGrids.map((u) => u.code)).toEqual(city.unitGrids.map((u) => u.code));
    expect(back.buildings.length).toBe(city.buildings.length);
    expect(back.dem.heights.length).toBe(city.dem.heights.length);
    expect(back.roads.length).toBe(city.roads.length);
  });

  it('refuses to overwrite a city unless asked, and leaves it whole', async () => {
    await expect(saveCity(db, city)).rejects.toThrow(/already exists/);
    expect((await loadCity(db, city.meta.slug)).components.count).toBe(city.components.count);
  });

  it('a replace whose COPY fails (a duplicate code in the last rows) rolls back: the stored city is unchanged', async () => {
    const codes = city.components.codes.slice();
    codes[codes.length - 1] = codes[0]!;
    await expect(saveCity(db, { ...city, components: { ...city.components, codes } }, { replace: true })).rejects.toThrow(/duplicate key/);
    const back = await loadCity(db, city.meta.slug);
    expect(back.components.codes).toEqual(city.components.codes);
    expect(back.unitGrids.length).toBe(city.unitGrids.length);
  });

  it('ingest writes history and state atomically; a bad batch writes nothing', async () => {
    const twin = new Twin(db);
    const code = city.components.codes[7]!;
    await twin.ingest({ city: city.meta.slug, changes: [{ componentCode: code, state: 'damaged', value: 0.5 }] }, 'api');
    const detail = await twin.component(city.meta.slug, 7);
    expect(detail.state).toBe('damaged');
    expect(detail.history[0]).toMatchObject({ state: 'damaged', source: 'api' });
    const n0 = (await db.query<{ n: number }>('select count(*)::int as n from state_changes')).rows[0]!.n;
    await expect(twin.ingest({ city: city.meta.slug, changes: [{ componentCode: code, state: 'intact' }, { componentCode: '33050201037999999', state: 'intact' }] }, 'api')).rejects.toThrow(/unknown component/);
    expect((await db.query<{ n: number }>('select count(*)::int as n from state_changes')).rows[0]!.n).toBe(n0);
    const row = (await db.query<{ state: number }>('select state from components where city_id = (select id from cities limit 1) and idx = 7')).rows[0]!;
    expect(row.state).toBe(1);
  });

  it('component_history: down-sampled buckets, merged when written twice, read back per step', async () => {
    const twin = new Twin(db);
    const slug = city.meta.slug;
    const rt = await twin.city(slug); // registers the city with the history writer
    const MIN = 60_000, HALF_HOUR = 30 * MIN;
    const base = Math.floor(Date.now() / HALF_HOUR) * HALF_HOUR - HALF_HOUR; // three minutes inside one half hour
    for (let m = 0; m < 3; m++) {
      for (let k = 0; k < 10; k++) twin.history.record(rt.id, 9, base + m * MIN + k * 1000, k === 5 ? 6 : 0, m * 10 + k, 'mqtt');
    }
    expect(await twin.history.flush(base + 3 * MIN)).toBe(3);
    const rows = async () => (await db.query<{ reports: number; value_min: number; value_max: number; value_mean: number; states_seen: number; source: string }>(
      'select reports, value_min, value_max, value_mean, states_seen, source from component_history where city_id = $1 and component_idx = 9 order by bucket_start', [rt.id])).rows;
    expect((await rows()).map((r) => [r.reports, r.value_min, r.value_max, r.states_seen, r.source])).toEqual([
      [10, 0, 9, 0b1000001, 'mqtt'], [10, 10, 19, 0b1000001, 'mqtt'], [10, 20, 29, 0b1000001, 'mqtt'],
    ]);
    const comp = (await db.query<{ state: number; value: number }>('select state, value from components where city_id = $1 and idx = 9', [rt.id])).rows[0]!;
    expect(comp).toEqual({ state: 0, value: 29 });
    // a second writer (a restart) writes into the last minute again: merged, not duplicated
    const again = new HistoryWriter(db);
    again.register(rt.id, rt.data.components.count);
    again.record(rt.id, 9, base + 2 * MIN + 30_000, 7, 100, 'api');
    await again.flush(Infinity);
    const last = (await rows())[2]!;
    expect(last).toMatchObject({ reports: 11, value_min: 20, value_max: 100, states_seen: 0b11000001, source: 'api' });
    expect(last.value_mean).toBeCloseTo((245 + 100) / 11, 3);
    const hour = await twin.componentHistory(slug, 9, 1);
    expect(hour.map((p) => [p.startMs, p.reports, p.worst, p.state])).toEqual([
      [base, 10, 'warning', 'intact'], [base + MIN, 10, 'warning', 'intact'], [base + 2 * MIN, 11, 'alarm', 'alarm'],
    ]);
    const week = await twin.componentHistory(slug, 9, 168);
    expect(week.map((p) => [p.startMs, p.endMs, p.reports, p.min, p.max, p.last])).toEqual([[base, base + HALF_HOUR, 31, 0, 100, 100]]);
    expect((await twin.component(slug, 9)).history[0]).toMatchObject({ state: 'alarm', value: 100, source: 'api' });
  });
});
