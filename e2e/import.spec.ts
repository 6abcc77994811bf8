import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { E2E_ADMIN, openTwin, signIn, trpcQuery } from './helpers';

// The /import page on the real data under ../shared/data (read in place): the check before
// storing, a class mapping fixed in the page, the confirm, and the imported city in its twin.
// SHOTS_DIR=<dir> keeps screenshots of the page and the twins.
const data = join(process.cwd(), '../shared/data');
const shots = process.env.SHOTS_DIR;
if (shots) mkdirSync(shots, { recursive: true });
const shot = async (page: import('@playwright/test').Page, name: string) => { if (shots) await page.screenshot({ path: join(shots, name) }); };

test.skip(!existsSync(data), 'needs ../shared/data');

test('components: the check lists the unmapped class, the mapping fixes it, the city opens in the twin', async ({ page, request }) => {
  await signIn(page, 'administrator', E2E_ADMIN.name);
  await page.goto('/import');
  await page.getByTestId('import-files').setInputFiles(join(data, 'assets-cambridge-ma/DPW_LitterBarrels.geojson'));
  await page.getByTestId('import-city').fill('cambridge-bins');
  await page.getByTestId('import-name').fill('Cambridge litter bins');
  await page.getByTestId('import-check').click();
  // no class yet: every feature is reported, nothing stored
  await expect(page.getByTestId('import-failed')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('import-problems')).toContainText('要素 0');
  // the importer's message in the page's language
  await expect(page.getByTestId('import-problems')).toContainText('没有类别：请为文件指定部件类');
  await expect(page.getByTestId('import-store')).toBeDisabled();
  await shot(page, 'import-check-failed-zh.png');
  // map the whole file to 03005 litter bin, check again, confirm
  await page.getByTestId('map-class').selectOption('03005');
  await page.getByTestId('import-check').click();
  await expect(page.getByTestId('import-ok')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('import-file-DPW_LitterBarrels.geojson')).toContainText('990');
  await expect(page.getByTestId('import-footprint')).toBeVisible();
  await shot(page, 'import-check-ok-zh.png');
  expect((await trpcQuery<{ slug: string }[]>(request, 'city.list')).some((c) => c.slug === 'cambridge-bins')).toBe(false);
  await page.getByTestId('import-store').click();
  await expect(page.getByTestId('import-stored')).toBeVisible({ timeout: 120_000 });
  const list = await trpcQuery<{ slug: string; preset: string; counts: { components: number } }[]>(request, 'city.list');
  expect(list.find((c) => c.slug === 'cambridge-bins')).toMatchObject({ preset: 'imported', counts: { components: 990 } });
  await openTwin(page, 'cambridge-bins');
  await shot(page, 'twin-cambridge-bins-zh.png');
});

test('CityJSON buildings (EPSG:7415) import and open in the twin; the page in English', async ({ browser, baseURL, request }) => {
  const ctx = await browser.newContext({ baseURL, locale: 'en-US', viewport: { width: 960, height: 600 } });
  const page = await ctx.newPage();
  await signIn(page, 'administrator', E2E_ADMIN.name);
  await page.goto('/import');
  await expect(page.locator('h1')).toHaveText('Import city data');
  await page.getByTestId('import-files').setInputFiles(join(data, 'cityjson-denhaag/DenHaag_01.city.json'));
  await page.getByTestId('import-city').fill('denhaag');
  await page.getByTestId('import-check').click();
  await expect(page.getByTestId('import-ok')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('import-file-DenHaag_01.city.json')).toContainText('EPSG:7415');
  await shot(page, 'import-check-ok-en.png');
  await page.getByTestId('import-store').click();
  await expect(page.getByTestId('import-stored')).toBeVisible({ timeout: 120_000 });
  const city = (await trpcQuery<{ slug: string; counts: { buildings: number } }[]>(request, 'city.list')).find((c) => c.slug === 'denhaag');
  expect(city?.counts.buildings).toBeGreaterThan(1800);
  await ctx.close();
});

test('the twin draws an imported CityJSON city', async ({ page }) => {
  await openTwin(page, 'denhaag');
  await shot(page, 'twin-denhaag-zh.png');
  const drawn = await page.evaluate(() => window.__twin!.renderedFrames);
  expect(drawn).toBeGreaterThan(0);
});

test('an upload over the size cap is refused with a clear error and nothing stored', async ({ page, request }) => {
  // importing is for administrators: refused before anything is read for anyone else
  const anonymous = await request.post('/api/import/jobs', { data: { city: 'x', session: 's', files: ['a.geojson'] } });
  expect(anonymous.status()).toBe(401);
  await signIn(page, 'planner');
  const planner = await page.request.post('/api/import/jobs', { data: { city: 'x', session: 's', files: ['a.geojson'] } });
  expect(planner.status()).toBe(403);
  expect((await planner.json()).error).toMatch(/needs the role administrator/);
  await signIn(page, 'administrator', E2E_ADMIN.name);
  request = page.request;
  const res = await request.post('/api/import/files?session=e2e-session-big&name=big.geojson', { data: Buffer.alloc(200 * 1024 * 1024, 32), timeout: 120_000 });
  expect(res.status()).toBe(413);
  expect((await res.json()).error).toMatch(/limited to 100 MB/);
  const bad = await request.post('/api/import/jobs', { data: { city: 'x', session: 'e2e-session-big', files: [] } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error).toMatch(/files: choose at least one file/);
});

test('a DEM alone (Merewether, ASCII grid + .prj, UTM 56 S) makes a city the twin opens', async ({ page }) => {
  await signIn(page, 'administrator', E2E_ADMIN.name);
  const request = page.request;
  const session = 'e2e-merewether';
  for (const f of ['topography1.asc', 'topography1.prj']) {
    const res = await request.post(`/api/import/files?session=${session}&name=${f}`, { data: readFileSync(join(data, 'merewether', f)) });
    expect(res.status()).toBe(200);
  }
  const job = await (await request.post('/api/import/jobs', { data: { city: 'merewether', name: 'Merewether', session, files: ['topography1.asc'], commit: true } })).json();
  await expect.poll(async () => (await (await request.get(`/api/import/jobs/${job.id}`)).json()).state, { timeout: 60_000 }).toBe('done');
  const status = await (await request.get(`/api/import/jobs/${job.id}`)).json();
  expect(status.check).toMatchObject({ ok: true, files: [{ format: 'ascii-grid', crs: 32756, crsSource: 'file' }], summary: { terrain: { source: 'dem' } } });
  await openTwin(page, 'merewether');
  await shot(page, 'twin-merewether-zh.png');
});

test('traffic signals: no GB/T 47678.5 class for them, so the page offers "leave out" for every other value and counts them; zh and en', async ({ page }) => {
  await signIn(page, 'administrator', E2E_ADMIN.name);
  await page.goto('/import');
  const cam = (f: string) => join(data, 'assets-cambridge-ma', f);
  await page.getByTestId('import-files').setInputFiles([cam('DPW_LitterBarrels.geojson'), cam('TRAFFIC_Signals.geojson')]);
  await page.getByTestId('import-city').fill('cambridge-signals');
  await page.getByTestId('import-check').click();
  await expect(page.getByTestId('import-failed')).toBeVisible({ timeout: 60_000 });
  const bins = page.getByTestId('import-file-DPW_LitterBarrels.geojson'), signals = page.getByTestId('import-file-TRAFFIC_Signals.geojson');
  await bins.getByTestId('map-class').selectOption('03005');
  await signals.getByTestId('map-class-field').selectOption('Location');
  await page.getByTestId('import-check').click();
  // the class field's values are known now; none maps to a class: "every other value" -> leave out
  await signals.getByTestId('map-other-values').selectOption('-', { timeout: 60_000 });
  await expect(signals.getByTestId('class-note')).toContainText('交通信号灯');
  await page.getByTestId('import-check').click();
  await expect(page.getByTestId('import-ok')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('import-left-out')).toHaveText('TRAFFIC_Signals.geojson：785 个要素按类别映射略去（孪生体中没有对应的 GB/T 47678.5 类别：不存储）');
  await expect(bins).toContainText('990');
  if (shots) await page.screenshot({ path: join(shots, 'import-traffic-signals-left-out-zh.png'), fullPage: true });
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('import-left-out')).toContainText('785 features left out by the class mapping');
  await expect(signals.getByTestId('class-note')).toContainText('traffic signals');
  if (shots) await page.screenshot({ path: join(shots, 'import-traffic-signals-left-out-en.png'), fullPage: true });
});
