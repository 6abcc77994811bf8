import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { enuToGeodetic } from '../models/geo';
import { E2E_ADMIN, around, diffFraction, grab, nextFrames, openTwin, signIn, trpcQuery } from './helpers';

// An imported 3D Tiles 1.0 tileset (Amsterdam, b3dm, read in place from ../shared/data): through
// the /import page's folder picker, stored under DATA_DIR, served same-origin and drawn in the
// twin's Three scene, where it hides a component inside one of its buildings. Dropping files on
// the twin opens the import check for that city. SHOTS_DIR=<dir> keeps screenshots.
const dir = join(process.cwd(), '../shared/data/3dtiles-amsterdam');
const shots = process.env.SHOTS_DIR;
if (shots) mkdirSync(shots, { recursive: true });
const shot = async (page: Page, name: string) => { if (shots) await page.screenshot({ path: join(shots, name) }); };
const CITY = 'amsterdam-3d';

test.skip(!existsSync(dir), 'needs ../shared/data/3dtiles-amsterdam');
test.describe.configure({ mode: 'serial', timeout: 600_000 });

async function tilesLoaded(page: Page) {
  await page.waitForFunction(() => {
    const t = window.__twin!;
    t.redraw();
    return t.tilesets().meshes > 0;
  }, null, { timeout: 90_000, polling: 500 });
  await nextFrames(page, 2);
}

/** a point inside the tallest tileset building (the centre of its highest flat roof triangle), and its ground */
async function findRoof(page: Page) {
  return page.evaluate(() => {
    const t = window.__twin!;
    const r = t.tilesetRoof();
    if (!r) return null;
    // a roof, not a floor: the model's top there is this roof, well above the ground
    const top = t.tilesetTop(r.x, r.y), ground = t.groundZ(r.x, r.y);
    return top !== null && Math.abs(top - r.top) < 0.5 && r.top - ground > 8 ? { ...r, ground } : null;
  });
}

async function waitJob(request: APIRequestContext, id: string) {
  await expect.poll(async () => (await (await request.get(`/api/import/jobs/${id}`)).json()).state, { timeout: 90_000 }).not.toBe('running');
  return (await request.get(`/api/import/jobs/${id}`)).json();
}

test('a 3D Tiles folder imports through the page; the twin draws the tiles', async ({ page }) => {
  await signIn(page, 'administrator', E2E_ADMIN.name);
  await page.goto('/import');
  await page.getByTestId('import-folder').setInputFiles(dir);
  await page.getByTestId('import-city').fill(CITY);
  await page.getByTestId('import-name').fill('阿姆斯特丹 3D Tiles');
  await page.getByTestId('import-check').click();
  await expect(page.getByTestId('import-ok')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('import-file-3dtiles-amsterdam/tileset.json')).toContainText('3D Tiles');
  await page.getByTestId('import-store').click();
  await expect(page.getByTestId('import-stored')).toBeVisible({ timeout: 120_000 });
  const city = await trpcQuery<{ tilesets?: { id: string; groundM: number; bounds: number[] }[] }>(page.request, 'city.get', { city: CITY });
  expect(city.tilesets).toHaveLength(1);
  // Amsterdam-Noord, ground about NAP - 1 m + 43 m geoid above the ellipsoid
  expect(city.tilesets![0]!.bounds[0]).toBeGreaterThan(4.85);
  expect(city.tilesets![0]!.bounds[3]).toBeLessThan(52.45);
  expect(city.tilesets![0]!.groundM).toBeGreaterThan(38);
  expect(city.tilesets![0]!.groundM).toBeLessThan(48);
  // served same-origin: the entry and a tile
  const ts = await page.request.get(`/api/tilesets/${CITY}/${city.tilesets![0]!.id}/tileset.json`);
  expect(ts.status()).toBe(200);
  expect((await ts.json()).asset.version).toBe('1.0');
  expect((await page.request.get(`/api/tilesets/${CITY}/${city.tilesets![0]!.id}/tiles/1.b3dm`)).status()).toBe(200);
  expect((await page.request.get(`/api/tilesets/${CITY}/${city.tilesets![0]!.id}/..%2F..%2Fpglite`)).status()).toBe(400);

  await openTwin(page, CITY);
  await tilesLoaded(page);
  // the whole set is 5 x 4 km of scattered buildings: look at its tallest from 500 m
  const roof = await findRoof(page);
  expect(roof, 'a tileset building with a flat roof').not.toBeNull();
  await page.evaluate((s) => window.__twin!.flyToPoint(s.x, s.y, 300), roof!);
  await tilesLoaded(page);
  await shot(page, 'twin-amsterdam-3dtiles-zh.png');
  // the model's pixels: the whole view, and a window on the roof, each with the tiles and without
  const p = await page.evaluate((s) => window.__twin!.projectPoint(s.x, s.y, s.top), roof!);
  const on = await grab(page), onRoof = await grab(page, around(p.x, p.y, 6));
  await page.evaluate(() => window.__twin!.debugHide('tilesets', true));
  await nextFrames(page, 2);
  const off = await grab(page), offRoof = await grab(page, around(p.x, p.y, 6));
  await page.evaluate(() => window.__twin!.debugHide('tilesets', false));
  const changed = diffFraction(on, off), roofChanged = diffFraction(onRoof, offRoof);
  console.log(`tileset: ${(100 * changed).toFixed(1)}% of the view and ${(100 * roofChanged).toFixed(0)}% of a 13x13 window on its tallest roof change when it is hidden`);
  expect(changed).toBeGreaterThan(0.005);
  expect(roofChanged).toBeGreaterThan(0.8);
});

test('a component inside a tileset building is hidden by it, seen when the tiles are hidden; English; a drop on the twin opens the import check', async ({ page }) => {
  await signIn(page, 'administrator', E2E_ADMIN.name);
  await openTwin(page, CITY);
  await tilesLoaded(page);
  const spot = await findRoof(page);
  expect(spot, 'a tileset building with a flat roof').not.toBeNull();
  console.log(`tileset roof at (${spot!.x.toFixed(1)}, ${spot!.y.toFixed(1)}): ${(spot!.top - spot!.ground).toFixed(1)} m above the ground`);
  const meta = await trpcQuery<{ originLonDeg: number; originLatDeg: number; originHeightM: number }>(page.request, 'city.get', { city: CITY });
  const g = enuToGeodetic([spot!.x, spot!.y, 0], { lonDeg: meta.originLonDeg, latDeg: meta.originLatDeg, heightM: meta.originHeightM });
  // one litter bin inside that building, added to the city (it grows: the tileset stays)
  const session = 'e2e-tileset-bin';
  const bin = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'bin' }, geometry: { type: 'Point', coordinates: [g.lonDeg, g.latDeg] } }] };
  expect((await page.request.post(`/api/import/files?session=${session}&name=bin.geojson`, { data: Buffer.from(JSON.stringify(bin)) })).status()).toBe(200);
  const job = await (await page.request.post('/api/import/jobs', { data: { city: CITY, session, files: ['bin.geojson'], mapping: { 'bin.geojson': { class: '03005' } }, commit: true } })).json();
  const status = await waitJob(page.request, job.id);
  expect(status.check).toMatchObject({ ok: true, summary: { components: 1, tilesets: 0 } });
  expect((await trpcQuery<{ tilesets?: unknown[] }>(page.request, 'city.get', { city: CITY })).tilesets).toHaveLength(1);

  await openTwin(page, CITY);
  await tilesLoaded(page);
  // from outside the building, above its roof edge, looking at the bin
  await page.evaluate((s) => window.__twin!.lookFrom(s.x + 22, s.y - 22, s.top + 14, 0), spot!);
  await tilesLoaded(page);
  const binDiff = async () => {
    const p = await page.evaluate(() => window.__twin!.project(0));
    const a = await grab(page, around(p.x, p.y, 3));
    await page.evaluate(() => window.__twin!.setLayer('components', false));
    await nextFrames(page);
    const b = await grab(page, around(p.x, p.y, 3));
    await page.evaluate(() => window.__twin!.setLayer('components', true));
    await nextFrames(page);
    return { p, f: diffFraction(a, b) };
  };
  const hidden = await binDiff();
  await shot(page, 'twin-amsterdam-occlusion-zh.png');
  await page.evaluate(() => window.__twin!.debugHide('tilesets', true));
  await nextFrames(page, 2);
  const shown = await binDiff();
  await page.evaluate(() => window.__twin!.debugHide('tilesets', false));
  console.log(`tileset occlusion: the bin changes ${(100 * hidden.f).toFixed(0)}% of its 7x7 pixels inside the model, ${(100 * shown.f).toFixed(0)}% with the model hidden`);
  expect(hidden.p.inFront).toBe(true);
  expect(hidden.f).toBeLessThan(0.05);
  expect(shown.f).toBeGreaterThan(0.3);

  // the same twin in English, from 300 m
  await page.getByTestId('lang-switch').click();
  await page.evaluate((r) => window.__twin!.flyToPoint(r.x, r.y, 300), spot!);
  await tilesLoaded(page);
  await expect(page.getByTestId('lang-switch')).toHaveText('中文');
  await shot(page, 'twin-amsterdam-3dtiles-en.png');

  // a GeoJSON dropped on the twin opens the import check for this city
  const geo = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [4.92, 52.39] } }] });
  const dt = await page.evaluateHandle((text) => {
    const d = new DataTransfer();
    d.items.add(new File([text], 'hydrant.geojson', { type: 'application/geo+json' }));
    return d;
  }, geo);
  await page.dispatchEvent('.twin', 'dragover', { dataTransfer: dt });
  await expect(page.getByTestId('twin-drop')).toContainText(CITY);
  await page.dispatchEvent('.twin', 'drop', { dataTransfer: dt });
  await expect(page).toHaveURL(new RegExp(`/import\\?city=${CITY}`));
  await expect(page.getByTestId('import-city')).toHaveValue(CITY);
  // the check runs at once: the point has no class yet, so it fails and nothing is stored
  await expect(page.getByTestId('import-failed')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('import-file-hydrant.geojson')).toBeVisible();
  await shot(page, 'twin-drop-import-check-en.png');
  await page.getByTestId('lang-switch').click();
});

test('a planner gets no drop onto the twin', async ({ page }) => {
  await signIn(page, 'planner');
  await openTwin(page, CITY);
  const dt = await page.evaluateHandle(() => { const d = new DataTransfer(); d.items.add(new File(['{}'], 'x.geojson')); return d; });
  await page.dispatchEvent('.twin', 'dragover', { dataTransfer: dt });
  await page.waitForTimeout(300);
  await expect(page.getByTestId('twin-drop')).toHaveCount(0);
});

test('a tileset whose tile is missing is refused with the file named, nothing stored', async ({ page }) => {
  await signIn(page, 'administrator', E2E_ADMIN.name);
  const session = 'e2e-tileset-broken';
  const tiles = readdirSync(join(dir, 'tiles')).filter((f) => f !== '3.b3dm');
  for (const f of ['tileset.json', ...tiles.map((t) => `tiles/${t}`)]) {
    expect((await page.request.post(`/api/import/files?session=${session}&name=${encodeURIComponent(`ams/${f}`)}`, { data: readFileSync(join(dir, f)) })).status()).toBe(200);
  }
  const job = await (await page.request.post('/api/import/jobs', { data: { city: 'ams-broken', session, files: ['ams/tileset.json'], commit: true } })).json();
  const status = await waitJob(page.request, job.id);
  expect(status.check.ok).toBe(false);
  expect(JSON.stringify(status.check.problems)).toMatch(/tiles\/3\.b3dm.*missing/);
  const list = await trpcQuery<{ slug: string }[]>(page.request, 'city.list');
  expect(list.some((c) => c.slug === 'ams-broken')).toBe(false);
  expect((await page.request.post('/api/import/files?session=e2e-x-escape&name=..%2Fescape.json', { data: '{}' })).status()).toBe(400);
});
