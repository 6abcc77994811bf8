import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { enableTwinHooks, firstCity, nextFrames, signIn, trpcPost, trpcQuery } from './helpers';

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

test('the administrator lists, adds, disables and resets accounts on /admin/accounts', async ({ browser, baseURL }) => {
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
  // not for other roles: the page says so, the API refuses
  expect((await trpcPost(other.request, 'account.add', { name: 'x-by-viewer', role: 'viewer', password: 'whatever password' })).status()).toBe(403);
  const viewerPage = await other.newPage();
  await viewerPage.goto('/admin/accounts');
  await expect(viewerPage.getByTestId('admin-only')).toBeVisible();
  await other.close();
  await context.close();
});
