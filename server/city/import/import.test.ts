// The importer on real data, read in place from ../shared/data (never copied): Cambridge's
// street furniture with a class mapping, Den Haag's CityJSON (EPSG:7415), the Merewether DEM
// (UTM 56 S) and a flood run on it; and malformed inputs, each refused with nothing changed.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MappingFile } from '../../../models/cityImport';
import { COMPONENT_CLASSES } from '../../../models/components';
import { enuToGeodetic, geodeticToEnu } from '../../../models/geo';
import { Scenario } from '../../../models/scenario';
import { openDb, type Db } from '../../db';
import { prepare } from '../../sim/prepare';
import { simulate } from '../../sim/runner';
import { componentCountsByClass } from '../generate';
import { listCities, loadCity } from '../store';
import { crsTransform } from './crs';
import { importCity } from './index';

const data = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
const cam = (f: string) => ({ path: join(data, 'assets-cambridge-ma', f), name: f });
const tmp = mkdtempSync(join(tmpdir(), 'twin-import-'));
let db: Db;

beforeAll(async () => { db = await openDb({}); }, 120_000);
afterAll(async () => { await db?.close(); rmSync(tmp, { recursive: true, force: true }); });

/** metres between two lon/lat points (local tangent plane, fine under a few km) */
function metres(a: [number, number], b: [number, number]): number {
  const p = geodeticToEnu({ lonDeg: b[0], latDeg: b[1], heightM: 0 }, { lonDeg: a[0], latDeg: a[1], heightM: 0 });
  return Math.hypot(p[0], p[1]);
}

/** everything stored, hashed: an import that fails must leave it exactly as it was */
async function snapshot(): Promise<string> {
  const h = createHash('sha256');
  for (const t of ['cities', 'city_blobs', 'components', 'unit_grids', 'responsibility_grids', 'prone_points', 'departments']) {
    const { rows } = await db.query<{ h: string | null; n: number }>(`select md5(string_agg(md5(t::text), '' order by md5(t::text))) as h, count(*)::int as n from ${t} t`);
    h.update(`${t}:${rows[0]!.n}:${rows[0]!.h}`);
  }
  return h.digest('hex');
}

describe('bundled coordinate systems', () => {
  it('puts the RD New origin (Amersfoort) and a UTM 56 S central-meridian point where they are', () => {
    // Amersfoort's tower, the RD origin: 52.15517440 N, 5.38720621 E (Kadaster's published value)
    expect(metres(crsTransform(28992).toLonLat(155000, 463000), [5.38720621, 52.1551744])).toBeLessThan(1);
    expect(metres(crsTransform(7415).toLonLat(155000, 463000), [5.38720621, 52.1551744])).toBeLessThan(1);
    // UTM: easting 500 km is the central meridian (153 E in zone 56); 10,000 km north of the south origin is the equator
    expect(metres(crsTransform(32756).toLonLat(500000, 10000000), [153, 0])).toBeLessThan(0.01);
    // CGCS2000 Gauss-Krüger 3-degree zone 40 (EPSG:4528): central meridian 120 E, zone prefix 40
    expect(metres(crsTransform(4528).toLonLat(40500000, 0), [120, 0])).toBeLessThan(0.01);
    expect(metres(crsTransform(4549).toLonLat(500000, 0), [120, 0])).toBeLessThan(0.01);
  });
});

describe.skipIf(!existsSync(data))('import of real data', () => {
  it('imports Cambridge street furniture with a class mapping: counts, and a street light within 1 m', async () => {
    const mapping: MappingFile = {
      'INFRA_StreetLights.geojson': { class: '01037' },
      'INFRA_Hydrants.geojson': { class: '01013' },
      'DPW_LitterBarrels.geojson': { class: '03005' },
      'TRANS_BusShelters.geojson': { as: 'components', class: '02004' },
      // the twin's class table (GB/T 47678.5 subset) has no traffic-signal class: left out, reported
      'TRAFFIC_Signals.geojson': { classField: 'Location', classes: { '*': null } },
    };
    const files = ['INFRA_StreetLights.geojson', 'INFRA_Hydrants.geojson', 'DPW_LitterBarrels.geojson', 'TRANS_BusShelters.geojson', 'TRAFFIC_Signals.geojson'].map(cam);
    const check = await importCity(db, files, { city: 'cambridge', name: 'Cambridge MA', adminCode: '250000', replace: false }, mapping);
    expect(check.ok).toBe(true);
    expect(check.summary).toMatchObject({ city: 'cambridge', created: true, components: 6117 + 1960 + 990 + 68, buildings: 0, pronePoints: 0, tilesets: 0 });
    expect(check.summary.terrain.source).toBe('flat');
    expect(check.problems.filter((p) => p.file === 'TRAFFIC_Signals.geojson' && p.severity === 'warning')).toHaveLength(785);
    // STANDARDS.md's class list (GB/T 47678.5) has no traffic-signal class: counted as left out, not given an invented code
    expect(check.files.find((f) => f.file === 'TRAFFIC_Signals.geojson')).toMatchObject({ features: 785, accepted: 0, leftOut: 785 });
    expect(check.files.find((f) => f.file === 'INFRA_StreetLights.geojson')?.leftOut).toBeUndefined();
    const city = await loadCity(db, 'cambridge');
    const byClass = componentCountsByClass(city.components);
    expect(byClass).toMatchObject({ '01037': 6117, '01013': 1960, '03005': 990, '02004': 68 });
    // generated codes in the standard's form: admin + class + 6-digit serial
    expect(city.components.codes[0]).toBe('25000001037000001');
    expect(new Set(city.components.codes).size).toBe(city.components.count);
    // the first street light (PoleID 791-2) is at -71.13874888584428, 42.399610761400275
    const origin = { lonDeg: city.meta.originLonDeg, latDeg: city.meta.originLatDeg, heightM: city.meta.originHeightM };
    const g = enuToGeodetic([city.components.x[0]!, city.components.y[0]!, 0], origin);
    expect(COMPONENT_CLASSES[city.components.classIndex[0]!]!.code).toBe('01037');
    expect(metres([g.lonDeg, g.latDeg], [-71.13874888584428, 42.399610761400275])).toBeLessThan(1);
    expect(city.unitGrids[0]!.code).toMatch(/^250000001001001$/);
    expect(city.unitGrids.every((u) => /^\d{15}$/.test(u.code))).toBe(true);
  }, 120_000);

  it('imports Den Haag CityJSON (EPSG:7415) buildings over the ground level its terrain implies', async () => {
    const check = await importCity(db, [{ path: join(data, 'cityjson-denhaag/DenHaag_01.city.json'), name: 'DenHaag_01.city.json' }], { city: 'denhaag', replace: false });
    expect(check.ok).toBe(true);
    expect(check.files[0]).toMatchObject({ format: 'cityjson', role: 'buildings', crs: 7415, crsSource: 'file' });
    expect(check.summary.buildings).toBeGreaterThan(1800);
    const city = await loadCity(db, 'denhaag');
    // the tile is at about 4.2726 E, 52.1044 N (SOURCE.md)
    expect(metres([city.meta.originLonDeg, city.meta.originLatDeg], [4.2726, 52.1044])).toBeLessThan(150);
    // ground from the TIN: buildings stand on it, up to the tallest roof (37.48 m NAP)
    const top = Math.max(...city.buildings.map((b) => b.baseM + b.heightM));
    expect(top).toBeCloseTo(37.48, 1);
    expect(city.buildings.every((b) => b.heightM >= 1 && b.ring.length >= 6)).toBe(true);
    // the extent is the tile's, about 0.8 x 0.7 km
    const [x0, y0, x1, y1] = city.meta.extent;
    expect(x1 - x0).toBeGreaterThan(700); expect(x1 - x0).toBeLessThan(900);
    expect(y1 - y0).toBeGreaterThan(600); expect(y1 - y0).toBeLessThan(800);
  }, 60_000);

  it('imports the Merewether DEM (UTM 56 S) as a city terrain, then floods it', async () => {
    const check = await importCity(db, [{ path: join(data, 'merewether/topography1.asc'), name: 'topography1.asc' }], { city: 'merewether', replace: false });
    expect(check.ok).toBe(true);
    expect(check.files[0]).toMatchObject({ format: 'ascii-grid', role: 'terrain', crs: 32756, crsSource: 'file' });
    const city = await loadCity(db, 'merewether');
    expect(city.dem.cellSize).toBeCloseTo(1, 3);
    expect(city.dem.cols * city.dem.rows).toBeGreaterThan(321 * 416);
    // the benchmark's inflow point (382265, 6354280) in the city's frame, and the DEM under it
    const [lon, lat] = crsTransform(32756).toLonLat(382265, 6354280);
    const [x, y] = geodeticToEnu({ lonDeg: lon, latDeg: lat, heightM: 0 }, { lonDeg: city.meta.originLonDeg, latDeg: city.meta.originLatDeg, heightM: 0 });
    const s = Scenario.parse({
      name: 'merewether-imported', terrain: { source: 'city', preset: 'default', fillWater: false },
      inflows: [{ name: 'culvert', at: [x, y], radius: 10, hydrograph: [{ time: 0, flow: 19.7 }] }],
      boundaries: { north: 'open', east: 'open', south: 'closed', west: 'closed' },
      duration: 20, outputInterval: 10, probes: [{ name: 'inlet', at: [x, y] }],
    });
    const p = await prepare(s, tmp, { city });
    const r = await simulate(p, { workers: 0 });
    expect(r.volumes.inflow).toBeCloseTo(19.7 * 20, 3);
    expect(Math.abs(r.volumes.relativeError)).toBeLessThan(1e-5);
    expect(r.probes[0]!.maxDepth).toBeGreaterThan(0.1);
  }, 120_000);
});

describe.skipIf(!existsSync(data))('malformed inputs are refused and change nothing', () => {
  const write = (name: string, text: string) => { const p = join(tmp, name); writeFileSync(p, text); return { path: p, name }; };
  const cases: [string, () => Parameters<typeof importCity>, RegExp][] = [
    ['a truncated file', () => {
      const text = readFileSync(join(data, 'assets-cambridge-ma/DPW_LitterBarrels.geojson'), 'utf8');
      return [db, [write('truncated.geojson', text.slice(0, Math.floor(text.length / 2)))], { city: 'cambridge', replace: false }, { '*': { class: '03005' } }];
    }, /truncated/],
    ['a wrong CRS (RD New coordinates in a file that says nothing: read as WGS84)', () => [db,
      [write('rd.geojson', JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [78500, 457900] } }] }))],
      { city: 'cambridge', replace: false }, { '*': { class: '03005' } }], /not a place .*wrong CRS/],
    ['an unknown EPSG code', () => [db, [cam('DPW_LitterBarrels.geojson')], { city: 'cambridge', replace: false }, { '*': { class: '03005', crs: 99999 } }], /EPSG:99999 is not among the bundled/],
    ['a bad component code', () => [db,
      [write('badcode.geojson', JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: '250000030050000011' }, geometry: { type: 'Point', coordinates: [-71.1, 42.37] } }] }))],
      { city: 'cambridge', replace: false }, { '*': { class: '03005', codeField: 'code' } }], /must be 17 digits .* it has 18/],
    ['an empty collection', () => [db, [write('empty.geojson', '{"type":"FeatureCollection","features":[]}')], { city: 'cambridge', replace: false }, {}], /empty/],
    ['a class that maps to nothing', () => [db, [cam('DPW_LitterBarrels.geojson')], { city: 'cambridge', replace: false }, { '*': { classField: 'TYPE', classes: {} } }], /class "BB" maps to nothing/],
  ];
  for (const [what, args, message] of cases) {
    it(`${what}: a clear error, nothing stored`, async () => {
      const before = await snapshot();
      const check = await importCity(...args());
      expect(check.ok).toBe(false);
      const errors = check.problems.filter((p) => p.severity === 'error');
      expect(errors.length).toBeGreaterThan(0);
      expect(errors[0]!.message).toMatch(message);
      expect(await snapshot()).toBe(before);
      expect((await listCities(db, 'cambridge'))[0]?.counts.components ?? 0).toBe(existsSync(data) ? 9135 : 0);
    }, 60_000);
  }
});
