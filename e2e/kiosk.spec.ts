import { mkdirSync } from 'node:fs';
import { expect, test, type BrowserContext, type CDPSession, type Page } from '@playwright/test';
import { around, diffFraction, E2E_ADMIN, enableTwinHooks, firstCity, grab, INGEST_TOKEN, nextFrames, plannerPage, signIn, trpcPost, trpcQuery } from './helpers';
import { mutate, quickScenario, runScenario, type E2eRun } from './runs';

// The exhibition kiosk (issue 14) on a touch screen (hasTouch; a large touch monitor, not a phone,
// so no isMobile): a drag orbits, a pinch zooms, a tap floods the street at the city's deepest prone
// point; the attract loop after the (shortened) idle time resets everything and a touch stops it;
// 30 idle-reset cycles keep the JS heap within 10 %; the kiosk's session is refused every change;
// no request leaves the app's origin. KIOSK_SHOTS=<dir> saves the note's screenshots.

test.describe.configure({ mode: 'serial' });

const SHOTS = process.env.KIOSK_SHOTS;
let city: string;
let heavy: E2eRun;
let summer: E2eRun;
let low: { x: number; y: number; maxDepth_m: number };
let admin: BrowserContext;
let planner: { context: BrowserContext; page: Page };
let kctx: BrowserContext;
let page: Page;
let cdp: CDPSession;
let origin: string;
const requests: string[] = [];

const shot = async (name: string) => {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
};

async function settings(kiosk: Record<string, unknown>) {
  const r = await trpcPost(admin.request, 'account.updateSettings', { kiosk });
  expect(r.ok(), await r.text()).toBeTruthy();
}

type Pt = [number, number];
async function touches(type: 'touchStart' | 'touchMove' | 'touchEnd', pts: Pt[]) {
  await cdp.send('Input.dispatchTouchEvent', { type, touchPoints: pts.map(([x, y], id) => ({ x, y, id })) });
}
/** fingers from `a` to `b` (one point per finger) in steps, as CDP touch events */
async function gesture(a: Pt[], b: Pt[], steps = 10) {
  await touches('touchStart', a);
  for (let s = 1; s <= steps; s++) {
    await touches('touchMove', a.map(([x, y], i) => [x + ((b[i]![0] - x) * s) / steps, y + ((b[i]![1] - y) * s) / steps] as Pt));
    await page.waitForTimeout(40);
  }
  await touches('touchEnd', []);
}
const camera = () => page.evaluate(() => window.__twin!.cameraView());
/** the camera after it has come to rest (inertia, flights): the same over three samples (a loaded machine draws slowly) */
async function restingCamera() {
  let last = await camera(), same = 0;
  for (;;) {
    await page.waitForTimeout(400);
    const c = await camera();
    same = Math.abs(c.headingDeg - last.headingDeg) < 0.01 && Math.abs(c.heightM - last.heightM) < 0.01 && Math.abs(c.pitchDeg - last.pitchDeg) < 0.01 ? same + 1 : 0;
    if (same >= 2) return c;
    last = c;
  }
}

/** opens the kiosk and waits for the city's first frame and the kiosk's storms (n of them, or any) */
async function openKiosk(query = '', n: number | null = 2) {
  await page.goto(`/kiosk/${city}${query}`);
  await page.waitForFunction((k) => window.__twin?.ready === true && !!window.__kiosk && (k === null || window.__kiosk.storms().length === k), n, { timeout: 150_000, polling: 250 });
}

test.beforeAll(async ({ browser, baseURL }) => {
  test.setTimeout(300_000);
  origin = new URL(baseURL!).origin;
  planner = await plannerPage(browser, baseURL);
  city = await firstCity(planner.page.request);
  heavy = await runScenario(planner.page, city, 'e2e kiosk 100-year', quickScenario());
  summer = await runScenario(planner.page, city, 'e2e kiosk summer', quickScenario({ rainfall: { type: 'design', formula: 'beijing', returnPeriodYears: 3, durationMin: 60, peakCoefficient: 0.355, stepMin: 5 } }));
  const impact = await trpcQuery<{ pronePoints: { x: number; y: number; maxDepth_m: number }[] }>(planner.page.request, 'run.impact', { id: heavy.id });
  low = [...impact.pronePoints].sort((a, b) => b.maxDepth_m - a.maxDepth_m)[0]!;
  expect(low.maxDepth_m, 'the deepest prone point floods').toBeGreaterThan(0.15);
  // the administrator: two storms (one named by the setting, one by its rain) and a long idle time for now
  admin = await browser.newContext({ baseURL });
  const a = await trpcPost(admin.request, 'account.signIn', { name: E2E_ADMIN.name, password: E2E_ADMIN.password });
  expect(a.ok()).toBeTruthy();
  await settings({ idleS: 600, storms: [{ runId: summer.id }, { runId: heavy.id, label: { zh: '百年一遇暴雨', en: 'The 100-year storm' } }] });

  kctx = await browser.newContext({ baseURL, viewport: { width: 960, height: 600 }, hasTouch: true, locale: 'zh-CN' });
  page = await kctx.newPage();
  page.on('pageerror', (e) => console.log('pageerror:', e.message));
  kctx.on('request', (r) => requests.push(r.url()));
  await signIn(page, 'kiosk');
  await enableTwinHooks(page);
  cdp = await kctx.newCDPSession(page);
  await openKiosk();
});

test.afterAll(async () => {
  await planner?.context.close();
  await kctx?.close();
  await admin?.close();
});

test('touch: a drag orbits, a pinch zooms, a tap floods the street at the deepest prone point', async () => {
  test.setTimeout(120_000);
  await expect(page.getByTestId('kiosk-hint')).toBeVisible();
  expect(await page.evaluate(() => window.__kiosk!.storms().map((s) => s.en))).toEqual(['A heavy summer storm', 'The 100-year storm']);
  await shot('kiosk-idle-zh');
  const c0 = await restingCamera();
  await gesture([[420, 330]], [[620, 330]]);
  const c1 = await restingCamera();
  expect(Math.abs(c1.headingDeg - c0.headingDeg), 'one finger across turns the view').toBeGreaterThan(3);
  await gesture([[430, 300], [530, 300]], [[280, 300], [680, 300]]);
  const c2 = await restingCamera();
  expect(c2.heightM, 'fingers apart come closer').toBeLessThan(c1.heightM * 0.95);

  // a tap on the deepest prone point: the figure stands there, the camera comes down to eye level
  await page.evaluate(({ x, y }) => window.__twin!.flyToPoint(x, y, 260, 0), low);
  await nextFrames(page, 2);
  const p = await page.evaluate(({ x, y }) => window.__twin!.projectPoint(x, y, window.__twin!.groundZ(x, y)), low);
  await page.touchscreen.tap(p.x, p.y);
  await page.waitForFunction(() => window.__kiosk!.person() !== null, null, { timeout: 10_000 });
  const person = (await page.evaluate(() => window.__kiosk!.person()))!;
  expect(Math.hypot(person.x - low.x, person.y - low.y), 'the figure stands where the visitor tapped').toBeLessThan(40);
  const info = await trpcQuery<{ originHeightM: number }>(page.request, 'city.get', { city });
  await page.waitForTimeout(2200); // the 2 s flight down
  const eye = await restingCamera();
  expect(Math.abs(eye.heightM - info.originHeightM - (person.z + 1.6)), 'eye level').toBeLessThan(2.5);

  // the 100-year storm: its water rises against the figure
  await page.getByTestId('kiosk-storm-1').tap();
  await page.waitForFunction((id) => { const r = window.__kiosk!.readout(); return r.runId === id && r.peakM > 0.1 && r.depthM >= r.peakM - 1e-3; }, heavy.id, { timeout: 40_000, polling: 100 });
  const r = await page.evaluate(() => window.__kiosk!.readout());
  expect(r.t, 'the time in the storm').toBeGreaterThan(0);
  expect(await page.evaluate(({ x, y }) => window.__twin!.flood.depthAt(x, y), person)).toBeGreaterThan(0.1);
  await expect(page.getByTestId('kiosk-depth')).toContainText('厘米');
  await expect(page.getByTestId('kiosk-time')).toContainText('暴雨开始后');
  await nextFrames(page, 1);
  const foot = await page.evaluate((q) => window.__twin!.projectPoint(q.x, q.y, q.z + 0.3), person);
  const clip = around(foot.x, foot.y, 40);
  const wet = await grab(page, clip);
  await shot('kiosk-flood-zh');
  // the same view dry (the first frame; the rise holds its deepest frame for 5 s)
  await page.evaluate(() => window.__twin!.flood.setTime(window.__twin!.flood.times()[0]!));
  await nextFrames(page, 2);
  const dry = await grab(page, clip);
  expect(diffFraction(wet, dry), 'the water shows against the figure').toBeGreaterThan(0.1);
  await page.getByTestId('kiosk-lang').tap();
  await expect(page.getByTestId('kiosk-time')).toContainText('into the storm', { timeout: 15_000 });
  // the rise starts again from dry and comes back to the deepest frame
  await page.waitForFunction(() => { const k = window.__kiosk!.readout(); return k.depthM < k.peakM / 2; }, null, { timeout: 20_000, polling: 100 });
  await page.waitForFunction(() => { const k = window.__kiosk!.readout(); return k.depthM >= k.peakM - 1e-3; }, null, { timeout: 20_000, polling: 100 });
  await nextFrames(page, 1);
  await shot('kiosk-flood-en');
});

test('the kiosk session changes nothing: every change is refused by the server', async () => {
  const statuses = await page.evaluate(async (token) => {
    const post = (url: string, body: BodyInit, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
      fetch(url, { method: 'POST', headers, body }).then((r) => r.status);
    const paths = ['scenario.create', 'scenario.delete', 'run.start', 'run.cancel', 'run.preview', 'account.add', 'account.updateSettings',
      'account.changePassword', 'account.signOut', 'account.signIn', 'case.report', 'case.step', 'case.setCalendar', 'ingest.batch'];
    const out: Record<string, number> = {};
    for (const p of paths) out[p] = await post(`/api/trpc/${p}`, '{}', { 'content-type': 'application/json', authorization: `Bearer ${token}` });
    out.open311 = await post('/open311/v2/requests.json', 'service_code=06010&description=x&lat=30&long=120', { 'content-type': 'application/x-www-form-urlencoded' });
    out.photo = await post('/api/cases/00000000-0000-4000-8000-000000000000/photos?phase=before', 'x', { 'content-type': 'image/jpeg' });
    out.import = await post('/api/import/x', '{}');
    return out;
  }, INGEST_TOKEN);
  for (const [what, status] of Object.entries(statuses)) expect(status, what).toBe(403);
  // and the session is still there (sign-out was refused too)
  const me = await trpcQuery<{ user: { role: string } | null }>(page.request, 'account.me');
  expect(me.user?.role).toBe('kiosk');
});

test('the attract loop: after the idle time it resets everything within 3 s and orbits; a touch hands control back', async () => {
  test.setTimeout(90_000);
  await settings({ idleS: 5, storms: [{ runId: summer.id }, { runId: heavy.id, label: { zh: '百年一遇暴雨', en: 'The 100-year storm' } }] });
  await openKiosk();
  // the idle time counts from the city's first frame; a slow machine may have got there already
  if (await page.evaluate(() => window.__kiosk!.attract())) await page.touchscreen.tap(480, 300);
  // a visitor: English, large text, a flooded street
  await page.getByTestId('kiosk-lang').tap();
  await page.evaluate(({ x, y }) => window.__kiosk!.floodAt(x, y), low);
  await page.getByTestId('kiosk-large').tap();
  const lastTouch = Date.now();
  await page.locator('[data-attract="1"]').waitFor({ timeout: 20_000 });
  const idleMs = Date.now() - lastTouch;
  expect(idleMs, 'not before the idle time').toBeGreaterThanOrEqual(5000);
  expect(idleMs).toBeLessThan(10_000);
  await page.waitForTimeout(1800);
  const reset = await page.evaluate(() => ({
    lang: document.querySelector('.kiosk')!.getAttribute('lang'), large: window.__kiosk!.large(), spot: window.__kiosk!.spot(),
    person: window.__kiosk!.person(), run: window.__kiosk!.readout().runId, selection: window.__twin!.selection(), floodTimes: window.__twin!.flood.times().length,
  }));
  expect(reset).toEqual({ lang: 'zh-CN', large: false, spot: null, person: null, run: null, selection: null, floodTimes: 0 });
  const a = await camera();
  expect(a.pitchDeg, 'back to the whole city').toBeLessThan(-40);
  await page.waitForTimeout(1500);
  const b = await camera();
  expect(Math.abs(b.headingDeg - a.headingDeg), 'the orbit turns').toBeGreaterThan(1);
  await shot('kiosk-attract-zh');
  await page.touchscreen.tap(480, 300);
  await expect(page.locator('[data-attract="0"]')).toBeVisible();
  const c = await restingCamera();
  await page.waitForTimeout(800);
  const d = await camera();
  expect(Math.abs(d.headingDeg - c.headingDeg), 'the orbit stopped').toBeLessThan(0.05);
});

test('30 idle-reset cycles leave the JS heap within 10 % of the first', async () => {
  test.setTimeout(150_000);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  // the cycles are driven by the test; the idle time itself was tested above
  await settings({ idleS: 600, storms: [{ runId: summer.id }, { runId: heavy.id }] });
  await page.evaluate(() => window.__kiosk!.reloadConfig());
  const sizes: number[] = [];
  for (let i = 0; i < 30; i++) {
    await page.evaluate(({ x, y }) => window.__kiosk!.floodAt(x, y), low);
    await page.waitForFunction(() => window.__kiosk!.readout().t >= 0, null, { timeout: 20_000, polling: 100 });
    const n = await page.evaluate(() => window.__kiosk!.resets());
    await page.evaluate(() => window.__kiosk!.idleNow());
    await page.waitForFunction((k) => window.__kiosk!.resets() > k && window.__kiosk!.attract(), n, { timeout: 10_000, polling: 50 });
    await page.touchscreen.tap(480, 300);
    await page.waitForFunction(() => !window.__kiosk!.attract(), null, { timeout: 10_000, polling: 50 });
    if (i === 0 || i === 29) sizes.push(await heap());
  }
  console.log(`kiosk heap after cycle 1: ${(sizes[0]! / 1e6).toFixed(1)} MB, after cycle 30: ${(sizes[1]! / 1e6).toFixed(1)} MB`);
  expect(sizes[1]!).toBeLessThan(sizes[0]! * 1.1);
});

test('published stories play in the attract loop, one after another; a touch stops them', async () => {
  test.setTimeout(90_000);
  // two scenes: the whole city, then the deepest prone point close up with the storm's water rising
  await page.evaluate(() => window.__twin!.home());
  const whole = await restingCamera();
  await page.evaluate(({ x, y }) => window.__twin!.flyToPoint(x, y, 450, 0), low);
  const close = await restingCamera();
  const story = await mutate<{ id: string }>(planner.page, 'stories.save', {
    city, title: { zh: '暴雨中的城市', en: 'The city in a storm' }, scenes: [
      { view: { camera: whole }, caption: { zh: '这是我们的城市', en: 'This is our city' }, durationS: 3, flightS: 1 },
      { view: { camera: close, run: heavy.id, timeS: 0 }, timeToS: 3600,
        caption: { zh: '百年一遇的暴雨来了，水慢慢涨起来', en: 'The 100-year storm comes and the water rises' }, durationS: 4, flightS: 1 },
    ],
  });
  await mutate(planner.page, 'stories.publish', { id: story.id, published: true });
  try {
    await page.evaluate(() => window.__kiosk!.reloadConfig());
    await page.evaluate(() => window.__kiosk!.idleNow());
    await expect(page.locator(`[data-story="${story.id}"]`)).toBeVisible({ timeout: 10_000 });
    await expect(page.locator('[data-testid="story-player"][data-scene="1"]')).toBeVisible({ timeout: 30_000 });
    await page.waitForFunction(() => window.__twin!.flood.times().length > 0 && window.__twin!.flood.time() > 0, null, { timeout: 20_000 });
    await shot('kiosk-attract-story-zh');
    // one story loops: its first scene again
    await expect(page.locator('[data-testid="story-player"][data-scene="0"]')).toBeVisible({ timeout: 30_000 });
    await page.touchscreen.tap(480, 300);
    await expect(page.getByTestId('story-player')).toHaveCount(0);
    const after = await page.evaluate(() => ({ attract: window.__kiosk!.attract(), water: window.__twin!.flood.times().length }));
    expect(after).toEqual({ attract: false, water: 0 });
  } finally {
    await mutate(planner.page, 'stories.publish', { id: story.id, published: false });
  }
});

test('the server away: the kiosk keeps its city, its attract loop and the storms it has shown', async () => {
  test.setTimeout(90_000);
  await settings({ idleS: 600, storms: [{ runId: summer.id }, { runId: heavy.id }] });
  await openKiosk();
  // both storms shown while the server is there
  await page.evaluate(({ x, y }) => window.__kiosk!.floodAt(x, y), low);
  await page.waitForFunction((id) => { const r = window.__kiosk!.readout(); return r.runId === id && !Number.isNaN(r.t); }, summer.id, { timeout: 30_000, polling: 100 });
  await page.getByTestId('kiosk-storm-1').tap();
  await page.waitForFunction((id) => { const r = window.__kiosk!.readout(); return r.runId === id && r.peakM > 0.1; }, heavy.id, { timeout: 30_000, polling: 100 });
  await page.getByTestId('kiosk-home').tap();
  // no answer from the server from now on (every request of the app refused at the network)
  await page.route('**/api/**', (r) => r.abort('connectionrefused'));
  await page.evaluate(() => window.__kiosk!.idleNow());
  await page.locator('[data-attract="1"]').waitFor({ timeout: 10_000 });
  await page.waitForTimeout(2000);
  const a = await camera();
  await page.waitForTimeout(1000);
  expect(Math.abs((await camera()).headingDeg - a.headingDeg), 'the attract loop goes on').toBeGreaterThan(0.3);
  await page.touchscreen.tap(480, 300);
  await page.evaluate(({ x, y }) => window.__kiosk!.floodAt(x, y), low);
  // both storms were shown before the server went away: they still show (the reset chose the first)
  await page.waitForFunction((id) => { const r = window.__kiosk!.readout(); return r.runId === id && !Number.isNaN(r.t); }, summer.id, { timeout: 30_000, polling: 100 });
  await page.getByTestId('kiosk-storm-1').tap();
  await page.waitForFunction((id) => { const r = window.__kiosk!.readout(); return r.runId === id && r.depthM > 0.05; }, heavy.id, { timeout: 30_000, polling: 100 });
  await expect(page.getByTestId('kiosk-readout')).not.toContainText('暂时取不到');
  await page.unroute('**/api/**');
});

test('English at rest, and no request ever left the app\'s origin', async () => {
  await settings({ idleS: 600, storms: [] });
  await openKiosk('?lang=en', null); // storms now by default: whatever the city has run
  await expect(page.getByTestId('kiosk-hint')).toContainText('Tap any place');
  await shot('kiosk-idle-en');
  expect(await page.locator('a[href]').count(), 'no link out').toBe(0);
  const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
  expect(foreign).toEqual([]);
  expect(requests.length).toBeGreaterThan(20);
});
