// An import into a city that a running server holds (the CLI's path: importCity, no word to the
// server). Adding to the city kept nothing of its id before: the server's history writer then
// failed every flush on the foreign key, and the city's history was deleted with the old row.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MappingFile } from '../../../models/cityImport';
import { STATE_CODE } from '../../../models/components';
import { openDb, type Db } from '../../db';
import { createTwinServer, type TwinServer } from '../../app';
import { TEST_ADMIN } from '../../accounts/testSession';
import { importCity } from './index';

const dir = mkdtempSync(join(tmpdir(), 'twin-reimport-'));
let db: Db;
let app: TwinServer;

/** `n` manhole covers in a row, `k0` metres-ish apart from the first (GeoJSON, WGS84) */
function points(name: string, n: number, k0: number) {
  const features = Array.from({ length: n }, (_, k) => ({
    type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [120.1 + (k0 + k) * 0.0003, 30.9 + ((k0 + k) % 5) * 0.0003] },
  }));
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ type: 'FeatureCollection', features }));
  return { path, name };
}
const mapping = (name: string): MappingFile => ({ [name]: { class: '01001' } });
const cityRow = async () => (await db.query<{ id: number }>("select id from cities where slug = 'river'")).rows[0]!.id;
const historyRows = async (id: number) => (await db.query<{ n: number }>('select count(*)::int as n from component_history where city_id = $1', [id])).rows[0]!.n;

beforeAll(async () => {
  db = await openDb({});
  const first = await importCity(db, [points('a.geojson', 20, 0)], { city: 'river', replace: false }, mapping('a.geojson'));
  expect(first.ok, JSON.stringify(first.problems)).toBe(true);
  app = await createTwinServer({ env: { DATA_DIR: '', INGEST_TOKEN: 'test-token-123456', SIMULATOR: 'off', DEFAULT_CITY_PRESET: 'default', ...TEST_ADMIN }, db, mqtt: false });
});

afterAll(async () => {
  await app?.close();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('adding to a city a running server holds keeps its id, history and live data; the server reloads it and writes history on', async () => {
  const old = app.twin.cities.get('river')!;
  const id = await cityRow();
  expect(old.id).toBe(id);
  app.twin.applyChanges(old, 1, [0], [STATE_CODE.damaged], [1.5], Date.now(), 'api');
  await app.twin.history.flush(Infinity);
  expect(await historyRows(id)).toBe(1);

  const added = await importCity(db, [points('b.geojson', 5, 20)], { city: 'river', replace: false }, mapping('b.geojson'));
  expect(added.ok, JSON.stringify(added.problems)).toBe(true);
  expect(await cityRow()).toBe(id);
  expect(await historyRows(id)).toBe(1);
  const c0 = (await db.query<{ state: number; value: number; data_source: string; last_report_at: Date | null }>(
    'select state, value, data_source, last_report_at from components where city_id = $1 and idx = 0', [id])).rows[0]!;
  expect(c0).toMatchObject({ state: STATE_CODE.damaged, value: 1.5, data_source: 'real' });
  expect(c0.last_report_at).not.toBeNull();

  // the server has not noticed yet: its writes for the city it holds still go through
  app.twin.applyChanges(old, 1, [1], [STATE_CODE.alarm], [2], Date.now(), 'api');
  await app.twin.history.flush(Infinity);
  expect(await historyRows(id)).toBe(2);

  expect(await app.twin.reloadChanged()).toEqual(['river']);
  expect(await app.twin.reloadChanged()).toEqual([]);
  const now = app.twin.cities.get('river')!;
  expect(now).not.toBe(old);
  expect(now.live.count).toBe(25);
  expect(now.live.states[0]).toBe(STATE_CODE.damaged);
  expect(now.real[0]).toBe(1);
  app.twin.applyChanges(now, 1, [23], [STATE_CODE.alarm], [3], Date.now(), 'api');
  await app.twin.history.flush(Infinity);
  expect(await historyRows(id)).toBe(3);
});

it('a city stored afresh (--replace) has a new id: the server drops what it still had for the old one and writes on', async () => {
  const old = app.twin.cities.get('river')!;
  const fresh = await importCity(db, [points('c.geojson', 7, 0)], { city: 'river', replace: true }, mapping('c.geojson'));
  expect(fresh.ok, JSON.stringify(fresh.problems)).toBe(true);
  const id = await cityRow();
  expect(id).not.toBe(old.id);
  expect(await historyRows(id)).toBe(0);
  // written for the old city before the server noticed: no city to go to
  app.twin.applyChanges(old, 1, [2], [STATE_CODE.alarm], [1], Date.now(), 'api');
  await expect(app.twin.history.flush(Infinity)).rejects.toThrow(/foreign key/);
  const dropped = app.twin.history.stats.dropped;
  expect(await app.twin.reloadChanged()).toEqual(['river']);
  expect(app.twin.history.stats.dropped).toBe(dropped + 1);
  const now = app.twin.cities.get('river')!;
  expect(now.id).toBe(id);
  expect(now.live.count).toBe(7);
  app.twin.applyChanges(now, 1, [6], [STATE_CODE.missing], [NaN], Date.now(), 'api');
  await app.twin.history.flush(Infinity);
  expect(await historyRows(id)).toBe(1);
  expect(await historyRows(old.id)).toBe(0);
});
