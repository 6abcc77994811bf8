import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres } from './testPostgres';
import { migrate, openDb, type Db } from './index';
import { generateCity } from '../city/generate';
import { listCities, loadCity, saveCity } from '../city/store';
import { Twin } from '../twin';
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
    expect(back.unitGrids.map((u) => u.code)).toEqual(city.unitGrids.map((u) => u.code));
    expect(back.buildings.length).toBe(city.buildings.length);
    expect(back.dem.heights.length).toBe(city.dem.heights.length);
    expect(back.roads.length).toBe(city.roads.length);
  });

  it('refuses to overwrite a city unless asked, and leaves it whole', async () => {
    await expect(saveCity(db, city)).rejects.toThrow(/already exists/);
    expect((await loadCity(db, city.meta.slug)).components.count).toBe(city.components.count);
  });

  it('ingest writes history and state atomically; a bad batch writes nothing', async () => {
    const twin = new Twin(db);
    const code = city.components.codes[7]!;
    await twin.ingest({ city: city.meta.slug, changes: [{ componentCode: code, state: 'damaged', value: 0.5 }] }, 'test');
    const detail = await twin.component(city.meta.slug, 7);
    expect(detail.state).toBe('damaged');
    expect(detail.history[0]).toMatchObject({ state: 'damaged', source: 'test' });
    const n0 = (await db.query<{ n: number }>('select count(*)::int as n from state_changes')).rows[0]!.n;
    await expect(twin.ingest({ city: city.meta.slug, changes: [{ componentCode: code, state: 'intact' }, { componentCode: '33050201037999999', state: 'intact' }] }, 'test')).rejects.toThrow(/unknown component/);
    expect((await db.query<{ n: number }>('select count(*)::int as n from state_changes')).rows[0]!.n).toBe(n0);
    const row = (await db.query<{ state: number }>('select state from components where city_id = (select id from cities limit 1) and idx = 7')).rows[0]!;
    expect(row.state).toBe(1);
  });
});
