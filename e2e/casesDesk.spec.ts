import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { enableTwinHooks, firstCity, nextFrames, signIn, trpcPost, trpcQuery } from './helpers';
import { enuToGeodetic } from '../models/geo';

// The dispatcher's desk beyond one case: the case map in the 3D twin (discs by time-limit state,
// clustered when far, a click selects the case, a case page flies there), bulk dispatch with a
// refusal that says why, and the indicators with their CSV.

const SHOTS = process.env.E2E_SHOTS;
type Rec = { id: string; version: number; number: string };

async function post<T>(req: APIRequestContext, path: string, input: unknown): Promise<T> {
  const r = await trpcPost(req, path, input);
  expect(r.ok(), `${path}: ${r.status()} ${await r.text()}`).toBeTruthy();
  return ((await r.json()) as { result: { data: T } }).result.data;
}

test('case map with clusters, bulk dispatch with a refusal, indicators and CSV', async ({ browser, baseURL }) => {
  const ctx = (role: Parameters<typeof signIn>[1]) => browser.newContext({ baseURL, locale: 'zh-CN', viewport: { width: 1280, height: 800 } }).then(async (c) => {
    const p = await c.newPage();
    await signIn(p, role);
    return p;
  });
  const inspector = await ctx('inspector'), intake = await ctx('intake'), page = await ctx('dispatcher');
  const city = await firstCity(page.context().request);
  const info = await trpcQuery<{ originLonDeg: number; originLatDeg: number }>(page.context().request, 'city.get', { city });
  // two cases 20 m apart, one 700 m away; the first two filed, the far one only verified
  const at = [[0.0004, 0.0003], [0.0006, 0.0004], [0.006, 0.004]];
  const cases: Rec[] = [];
  for (const [i, [dx, dy]] of at.entries()) {
    let c = await post<Rec>(inspector.context().request, 'case.report', { city, kind: 'event', classCode: '06010', description: `e2e desk ${i}`, lonDeg: info.originLonDeg + dx!, latDeg: info.originLatDeg + dy! });
    c = await post<Rec>(inspector.context().request, 'case.step', { id: c.id, version: c.version, action: 'verify' });
    if (i < 2) c = await post<Rec>(intake.context().request, 'case.step', { id: c.id, version: c.version, action: 'file' });
    cases.push(c);
  }
  const [a, b, far] = cases as [Rec, Rec, Rec];

  await enableTwinHooks(page);
  await page.goto(`/cases`);
  await page.getByTestId('queue-all').click();
  // the map opens when asked (and is remembered)
  await expect(page.getByTestId('case-map')).toHaveCount(0);
  await page.getByTestId('map-toggle').click();
  await expect(page.getByTestId('case-map')).toHaveAttribute('data-ready', 'yes', { timeout: 150_000 });
  await page.waitForFunction((id) => window.__twin?.ready === true && !!window.__twin.cases.marker(id), a.id, { timeout: 60_000, polling: 250 });
  const ma = (await page.evaluate((id) => window.__twin!.cases.marker(id), a.id))!;
  expect(ma.colour).toMatch(/green|yellow|red/);
  // far: the two near cases share one disc; near: each has its own
  await page.evaluate(({ x, y }) => window.__twin!.flyToPoint(x, y, 3000), ma);
  await nextFrames(page, 2);
  const farDrawn = await page.evaluate(() => window.__twin!.cases.drawn());
  expect(farDrawn.some((d) => d.count >= 2)).toBe(true);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/desk-map-zh.png` });
  await page.evaluate(({ x, y }) => window.__twin!.flyToPoint(x, y, 120), ma);
  await nextFrames(page, 2);
  const near = await page.evaluate(() => window.__twin!.cases.drawn());
  expect(near.every((d) => d.count === 1)).toBe(true);
  // a click on the disc opens the case
  const p = await page.evaluate(({ x, y }) => window.__twin!.projectPoint(x, y, window.__twin!.groundZ(x, y) + 3), ma);
  await page.mouse.click(p.x, p.y);
  await expect(page.getByTestId('case-view').locator('h2')).toHaveText(a.number);
  // the far case's page flies the map to it
  await page.getByTestId('case-item').filter({ hasText: far.number }).click();
  await expect(page.getByTestId('case-view').locator('h2')).toHaveText(far.number);
  await page.getByTestId('case-fly').click();
  const mf = (await page.evaluate((id) => window.__twin!.cases.marker(id), far.id))!;
  await expect.poll(async () => {
    const q = await page.evaluate(({ x, y }) => window.__twin!.projectPoint(x, y, window.__twin!.groundZ(x, y)), mf);
    const box = (await page.getByTestId('case-map').boundingBox())!;
    return q.inFront && Math.abs(q.x - (box.x + box.width / 2)) < box.width / 4 && Math.abs(q.y - (box.y + box.height / 2)) < box.height / 3;
  }, { timeout: 20_000 }).toBe(true);

  // bulk dispatch: a and b picked; b is dispatched elsewhere meanwhile; the far one cannot be picked
  await page.getByTestId('case-item').filter({ hasText: a.number }).getByTestId('case-pick').check();
  await page.getByTestId('case-item').filter({ hasText: b.number }).getByTestId('case-pick').check();
  await expect(page.getByTestId('case-item').filter({ hasText: far.number }).getByTestId('case-pick')).toBeDisabled();
  await post(page.context().request, 'case.step', { id: b.id, version: b.version, action: 'dispatch', department: 'e2e 市政养护' });
  await page.getByTestId('bulk-department').fill('e2e 园林');
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/desk-bulk-zh.png` });
  await page.getByTestId('bulk-go').click();
  await expect(page.getByTestId('bulk-result')).toContainText('已派遣 1 件');
  await expect(page.getByTestId('bulk-refused')).toHaveCount(1);
  await expect(page.getByTestId('bulk-refused')).toContainText(`${b.number}：未派遣`);
  await expect(page.getByTestId('bulk-refused')).toContainText(/changed since you saw it|this case is dispatched/);
  await page.getByTestId('case-item').filter({ hasText: a.number }).click();
  await expect(page.getByTestId('case-view')).toHaveAttribute('data-state', 'dispatched');

  // a case about a component shows the component's history on its page
  const comp = await trpcQuery<{ code: string }>(page.context().request, 'component.get', { city, index: 0 });
  const withComp = await post<Rec>(inspector.context().request, 'case.report', { city, kind: 'event', classCode: '06010', description: 'e2e desk component', componentCode: comp.code });
  await page.reload();
  await page.getByTestId('queue-all').click();
  await page.getByTestId('case-item').filter({ hasText: withComp.number }).click();
  await expect(page.getByTestId('case-component-history').locator('svg').first()).toBeVisible({ timeout: 30_000 });

  // indicators: the departments of today's filed cases, and the CSV
  await page.getByTestId('desk-indicators').click();
  const row = page.getByTestId('ind-row').filter({ hasText: 'e2e 园林' });
  await expect(row).toBeVisible();
  await expect(row.locator('td').nth(1)).toHaveText('1');
  await expect(row.getByTestId('ind-score')).toHaveText(/\d+\.\d/);
  const href = (await page.getByTestId('ind-csv').getAttribute('href'))!;
  const csv = await page.context().request.get(href);
  expect(csv.status()).toBe(200);
  const text = (await csv.text()).replace(/^\ufeff/, '');
  expect(text.split(/\r?\n/)[0]).toMatch(/^key,due,closed,/);
  expect(text).toContain('e2e 园林,1,0,0,1,');
  if (SHOTS) {
    await page.screenshot({ path: `${SHOTS}/indicators-zh.png` });
    await page.getByTestId('lang-switch').click();
    await page.screenshot({ path: `${SHOTS}/indicators-en.png` });
    await page.getByTestId('desk-cases').click();
    await nextFrames(page, 1);
    await page.screenshot({ path: `${SHOTS}/desk-map-en.png` });
  }
  for (const x of [inspector, intake, page] as Page[]) await x.context().close();
});

test('the administrator lists, adds, disables and resets accounts, and sets the public twin and the working calendar, on /admin/accounts', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await signIn(page, 'administrator', process.env.E2E_ADMIN ?? 'e2e-admin');
  await page.goto('/admin/accounts');
  await page.getByTestId('account-name').fill('e2e-desk-viewer');
  await page.getByTestId('account-role').selectOption('viewer');
  await page.getByTestId('account-password').fill('short');
  await page.getByTestId('account-add-go').click();
  await expect(page.getByTestId('account-add').getByRole('alert')).toContainText('password: at least 10 characters');
  await page.getByTestId('account-password').fill('a viewer password 1');
  await page.getByTestId('account-add-go').click();
  const row = page.getByTestId('account-row').filter({ hasText: 'e2e-desk-viewer' });
  await expect(row).toContainText('浏览者');
  await row.getByTestId('account-disable').click();
  await expect(row).toContainText('已停用');
  const other = await browser.newContext({ baseURL });
  expect((await trpcPost(other.request, 'account.signIn', { name: 'e2e-desk-viewer', password: 'a viewer password 1' })).ok()).toBe(false);
  await row.getByTestId('account-disable').click();
  await expect(row).toContainText('正常');
  await row.getByTestId('account-reset').click();
  await row.getByTestId('account-reset-password').fill('a new viewer password 2');
  await row.getByTestId('account-reset-save').click();
  await expect(row.getByTestId('account-reset')).toBeVisible();
  expect((await trpcPost(other.request, 'account.signIn', { name: 'e2e-desk-viewer', password: 'a new viewer password 2' })).ok()).toBe(true);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/accounts-zh.png` });
  // the settings: the twin public or not (an anonymous visitor's view follows), and the working calendar
  const anon = await browser.newContext({ baseURL });
  const twinPublic = async () => ((await (await anon.request.get('/api/trpc/account.me')).json()) as { result: { data: { twinPublic: boolean } } }).result.data.twinPublic;
  const box = page.getByTestId('setting-twin-public');
  await expect(box).toBeChecked();
  try {
    await box.uncheck();
    await expect.poll(twinPublic, { timeout: 10_000 }).toBe(false);
    expect((await anon.request.get('/api/trpc/city.list')).status()).toBe(401);
  } finally {
    await box.check();
    await expect.poll(twinPublic, { timeout: 10_000 }).toBe(true);
  }
  await expect(page.getByTestId('calendar-periods')).toHaveValue('09:00-12:00, 13:00-18:00');
  await page.getByTestId('calendar-holidays').fill('2027-01-01\n2027-1-5');
  await page.getByTestId('calendar-save').click();
  await expect(page.getByTestId('calendar-error')).toContainText('holidays.1: a date as YYYY-MM-DD');
  await page.getByTestId('calendar-holidays').fill('2027-01-01\n2027-13-40');
  await page.getByTestId('calendar-save').click();
  await expect(page.getByTestId('calendar-error')).toContainText('holidays.1: no such date');
  await page.getByTestId('calendar-holidays').fill('2027-01-01, 2027-01-02');
  await page.getByTestId('calendar-save').click();
  await expect(page.getByTestId('calendar-saved')).toBeVisible();
  const cal = await trpcQuery<{ holidays: string[]; weekdays: number[] }>(page.context().request, 'case.calendar');
  expect(cal).toMatchObject({ holidays: ['2027-01-01', '2027-01-02'], weekdays: [1, 2, 3, 4, 5] });
  if (SHOTS) { await page.getByTestId('admin-settings').scrollIntoViewIfNeeded(); await page.screenshot({ path: `${SHOTS}/accounts-settings-zh.png` }); }
  await page.getByTestId('calendar-holidays').fill('');
  await page.getByTestId('calendar-save').click();
  await expect.poll(async () => (await trpcQuery<{ holidays: string[] }>(page.context().request, 'case.calendar')).holidays).toEqual([]);
  await anon.close();
  // not for other roles: the page says so, the API refuses
  expect((await trpcPost(other.request, 'account.add', { name: 'x-by-viewer', role: 'viewer', password: 'whatever password' })).status()).toBe(403);
  const viewerPage = await other.newPage();
  await viewerPage.goto('/admin/accounts');
  await expect(viewerPage.getByTestId('admin-only')).toBeVisible();
  await other.close();
  await context.close();
});

test('the inspector sets the place of a report with a tap on the map of the phone page', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, locale: 'zh-CN', viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  await signIn(page, 'inspector');
  const city = await firstCity(context.request);
  const info = await trpcQuery<{ extent: [number, number, number, number]; originLonDeg: number; originLatDeg: number; originHeightM: number }>(context.request, 'city.get', { city });
  await page.goto('/m/report');
  const map = page.getByTestId('report-map');
  await expect(map).toBeVisible();
  const box = (await map.boundingBox())!;
  // the middle of the map is the middle of the city's extent
  await map.tap({ position: { x: box.width / 2, y: box.height / 2 } });
  const [x0, y0, x1, y1] = info.extent;
  const mid = enuToGeodetic([(x0 + x1) / 2, (y0 + y1) / 2, 0], { lonDeg: info.originLonDeg, latDeg: info.originLatDeg, heightM: info.originHeightM });
  await expect.poll(async () => Math.abs(Number(await page.getByTestId('report-lon').inputValue()) - mid.lonDeg)).toBeLessThan(2e-4);
  expect(Math.abs(Number(await page.getByTestId('report-lat').inputValue()) - mid.latDeg)).toBeLessThan(2e-4);
  // a tap further right and lower: east and south; the pin stands where the finger was
  await map.tap({ position: { x: box.width * 0.7, y: box.height * 0.7 } });
  await expect.poll(async () => Number(await page.getByTestId('report-lon').inputValue())).toBeGreaterThan(mid.lonDeg);
  expect(Number(await page.getByTestId('report-lat').inputValue())).toBeLessThan(mid.latDeg);
  const pin = (await page.getByTestId('report-map-pin').boundingBox())!;
  expect(Math.abs(pin.x + pin.width / 2 - (box.x + box.width * 0.7))).toBeLessThan(3);
  expect(Math.abs(pin.y + pin.height / 2 - (box.y + box.height * 0.7))).toBeLessThan(3);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/report-map-zh.png`, fullPage: true });
  await page.getByTestId('report-description').fill('e2e 地图点选');
  const lon = Number(await page.getByTestId('report-lon').inputValue()), lat = Number(await page.getByTestId('report-lat').inputValue());
  await page.getByTestId('report-submit').click();
  await expect(page.getByTestId('report-done')).toBeVisible();
  const listed = await trpcQuery<{ description: string; lonDeg: number | null; latDeg: number | null; unitGridCode: string | null }[]>(context.request, 'case.list', { city });
  const c = listed.find((x) => x.description === 'e2e 地图点选')!;
  expect([c.lonDeg, c.latDeg]).toEqual([lon, lat]);
  expect(c.unitGridCode).toMatch(/^\d{15}$/); // inside the city: the unit grid is filled in from the place
  await context.close();
});
