// Flood warnings in the browser: the public subscribe page (subscribe, the code from a local
// webhook sink, confirm) in zh and en, bad input shown with where; a real forecast that floods
// the subscribed grid: the warning reaches the sink, the duty view lists it, and the twin draws
// the red evacuation grid. Screenshots go to WARN_SHOTS when set (the helper's note).
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { E2E_ADMIN, enableTwinHooks, firstCity, nextFrames, signIn, trpcPost, trpcQuery } from './helpers';

test.describe.configure({ mode: 'serial' });

const SHOTS = process.env.WARN_SHOTS;
const shot = async (page: Page, name: string) => {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
};

let sink: Server;
let sinkBase: string;
const got: { path: string; type: string; code?: string; grid: string }[] = [];
let city: string;
/** the grid subscribed in zh (flooded by the forecast below) */
let gridCode = '';

test.beforeAll(async ({ request }) => {
  sink = createServer((req, res) => {
    let s = '';
    req.on('data', (c) => (s += c));
    req.on('end', () => {
      const b = JSON.parse(s) as { type: string; code?: string; grid: { code: string } };
      got.push({ path: req.url ?? '', type: b.type, code: b.code, grid: b.grid.code });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  sinkBase = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  await adminSignIn(request);
  city = await firstCity(request);
});
test.afterAll(async () => { await new Promise((r) => sink?.close(r)); });

const adminSignIn = async (request: APIRequestContext) =>
  expect((await trpcPost(request, 'account.signIn', { name: E2E_ADMIN.name, password: E2E_ADMIN.password })).ok()).toBeTruthy();

async function subscribeAndConfirm(page: Page, lang: 'zh' | 'en', path: string, place: { by: 'address' | 'grid'; value: string }) {
  await page.goto(`/warnings/${city}`);
  if (lang === 'en') await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('warn-form')).toBeVisible();
  await page.getByTestId(`warn-by-${place.by}`).check();
  await page.getByTestId(place.by === 'address' ? 'warn-address' : 'warn-grid').fill(place.value);
  // a bad phone first: the error says what and where
  await page.getByTestId('warn-phone').fill('12345');
  await page.getByTestId('warn-submit').click();
  await expect(page.getByTestId('warn-error')).toContainText('channel.phone: a mobile number');
  await shot(page, `subscribe-form-${lang}`);
  await page.getByTestId('warn-channel-webhook').check();
  await page.getByTestId('warn-url').fill(`${sinkBase}${path}`);
  await page.getByTestId('warn-label').fill(lang === 'zh' ? '社区居委会' : 'Riverside School');
  await page.getByTestId('warn-submit').click();
  await expect(page.getByTestId('warn-code-sent')).toBeVisible();
  await expect.poll(() => got.find((g) => g.path === path && g.type === 'subscription.confirm')?.code, { timeout: 15_000 }).toMatch(/^\d{6}$/);
  const code = got.find((g) => g.path === path)!.code!;
  await shot(page, `subscribe-code-${lang}`);
  // a wrong code is refused, the right one confirms
  await page.getByTestId('warn-code').fill(code === '000000' ? '111111' : '000000');
  await page.getByTestId('warn-confirm').click();
  await expect(page.getByTestId('warn-error')).toContainText('code: wrong code');
  await page.getByTestId('warn-code').fill(code);
  await page.getByTestId('warn-confirm').click();
  await expect(page.getByTestId('warn-done')).toContainText(lang === 'zh' ? '订阅成功' : 'Subscribed');
  return got.find((g) => g.path === path)!.grid;
}

test('a citizen subscribes by place name and confirms with the code from the webhook (zh), an organisation by grid code (en)', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log('pageerror:', e.message));
  // a prone point of the sample city (易积水点 are named after places people know)
  gridCode = await subscribeAndConfirm(page, 'zh', '/zh', { by: 'address', value: '升山路低洼路段' });
  expect(gridCode).toMatch(/^\d{15}$/);
  await shot(page, 'subscribe-done-zh');
  await subscribeAndConfirm(page, 'en', '/en', { by: 'grid', value: gridCode });
  await shot(page, 'subscribe-done-en');
  // a point picked on the map resolves to the grid under it (an SMS: the code goes to the log gateway)
  await page.getByRole('button', { name: 'Subscribe another' }).click();
  await page.getByTestId('warn-by-map').check();
  const map = page.getByTestId('report-map');
  const box = (await map.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect(page.getByTestId('report-map-pin')).toBeVisible();
  await page.getByTestId('warn-channel-sms').check();
  await page.getByTestId('warn-phone').fill('139 1234 5678');
  await shot(page, 'subscribe-map-en');
  await page.getByTestId('warn-submit').click();
  await expect(page.getByTestId('warn-code-sent')).toContainText(/phone\. Grid \d{15} \(the point \d+\.\d{5}, \d+\.\d{5}\)/);
  await context.close();
});

test('a forecast that floods the grid warns both subscribers; the duty view and the twin show the red grid', async ({ browser, request }) => {
  await adminSignIn(request);
  const sc = await trpcPost(request, 'scenario.createForecast', { city, name: '暴雨预报 e2e', rows: [{ minutes: 0, rainMmPerH: 130 }], horizonH: 0.5 });
  expect(sc.ok(), await sc.text()).toBeTruthy();
  const rec = ((await sc.json()) as { result: { data: { id: string; scenario: Record<string, unknown> } } }).result.data;
  expect((await trpcPost(request, 'scenario.update', { id: rec.id, scenario: { ...rec.scenario, cellSize: 25, outputInterval: 900 } })).ok()).toBeTruthy();
  const st = await trpcPost(request, 'run.start', { scenarioId: rec.id, force: true });
  expect(st.ok(), await st.text()).toBeTruthy();
  await expect.poll(() => got.filter((g) => g.type === 'flood.warning').map((g) => g.path).sort(), { timeout: 150_000, intervals: [1000] }).toEqual(['/en', '/zh']);
  const ev = await trpcQuery<{ grids: { index: number; code: string; colour: string }[] }>(request, 'warnings.evacuation', { city });
  const red = ev.grids.find((g) => g.code === gridCode);
  expect(red?.colour).toBe('red');

  {
    // the duty view, then the same page in English (the language button)
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await signIn(page, 'shift_lead', 'e2e-warn-lead');
    await page.goto(`/warnings/${city}/duty`);
    await expect(page.getByTestId('warn-active')).toContainText(gridCode);
    await expect(page.getByTestId('warn-deliveries')).toContainText('已送达');
    await shot(page, 'duty-zh');
    await page.getByTestId('lang-switch').click();
    await expect(page.getByTestId('warn-deliveries')).toContainText('delivered');
    await shot(page, 'duty-en');
    await context.close();
  }
  // the public page lists the warnings now
  for (const lang of ['zh', 'en'] as const) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: lang === 'zh' ? 'zh-CN' : 'en-GB', isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`/warnings/${city}`);
    await expect(page.getByTestId('warn-now')).toContainText(gridCode);
    await shot(page, `subscribe-warnings-now-${lang}`);
    await context.close();
  }
  // a viewer may not see the duty view
  const vctx = await browser.newContext();
  const vpage = await vctx.newPage();
  await signIn(vpage, 'viewer');
  await vpage.goto(`/warnings/${city}/duty`);
  await expect(vpage.getByTestId('warn-duty-refused')).toBeVisible();
  await vctx.close();

  {
    // the twin draws the red grids over the five colours, with a legend; the same view in English
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await signIn(page, 'planner');
    await enableTwinHooks(page);
    await page.goto(`/twin/${city}`);
    await page.waitForFunction(() => window.__twin?.ready === true, null, { timeout: 150_000, polling: 250 });
    await expect(page.getByTestId('evac-legend')).toContainText(`(${ev.grids.filter((g) => g.colour === 'red').length})`);
    await page.waitForFunction(() => window.__twin!.objects().some((o) => o.name === 'evacuation-red' && o.vertices > 0), null, { timeout: 20_000 });
    await page.evaluate((g) => { const c = window.__twin!.gridCentroid(g); window.__twin!.flyToPoint(c.x, c.y, 700, 0); }, red!.index);
    await nextFrames(page, 2);
    await shot(page, 'twin-evacuation-zh');
    await page.getByTestId('lang-switch').click();
    await expect(page.getByTestId('evac-legend')).toContainText('Red: evacuate now');
    await shot(page, 'twin-evacuation-en');
    await context.close();
  }
  {
    // the briefing room's cockpit counts the red grids on a card and draws them in its twin
    const reds = ev.grids.filter((g) => g.colour === 'red').length;
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await enableTwinHooks(page);
    await page.goto(`/cockpit/${city}`);
    await expect(page.getByTestId('kpi-evacuate')).toContainText(String(reds), { timeout: 30_000 });
    await expect(page.getByTestId('kpi-evacuate')).toHaveClass(/bad/);
    // the flood outlook reads the same forecast run: its name, and prone points past 27 cm
    await expect(page.getByTestId('outlook')).toContainText('暴雨预报 e2e');
    await expect(page.getByTestId('outlook').locator('li.th27').first()).toBeVisible();
    await page.waitForFunction(() => window.__twin?.ready === true, null, { timeout: 150_000, polling: 250 });
    await page.waitForFunction(() => window.__twin!.objects().some((o) => o.name === 'evacuation-red' && o.vertices > 0), null, { timeout: 20_000 });
    await shot(page, 'cockpit-evacuation-zh');
    await context.close();
  }
});
