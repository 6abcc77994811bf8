import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { COMPONENT_CLASSES, COMPONENT_STATES } from '../models/components';
import { around, diffFraction, firstCity, grab, ingest, mean, nextFrames, openTwin, trpcQuery } from './helpers';

// One browser page for the whole file (the twin takes a while to load under SwiftShader); the
// tests run in order on it. Every request the page (and its workers) makes is recorded.

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;
let city: string;
const requested: string[] = [];

const HYDRANT = COMPONENT_CLASSES.find((c) => c.shape === 'hydrant')!.index;
const BIN = COMPONENT_CLASSES.find((c) => c.shape === 'bin')!.index;

test.beforeAll(async ({ browser, request, baseURL }) => {
  city = await firstCity(request);
  context = await browser.newContext({ baseURL, viewport: { width: 960, height: 600 }, locale: 'zh-CN', hasTouch: true });
  context.on('request', (r) => requested.push(r.url()));
  page = await context.newPage();
  page.on('websocket', (ws) => requested.push(ws.url()));
  page.on('pageerror', (e) => console.log('pageerror:', e.message));
  await openTwin(page, city);
});

test.afterAll(async () => {
  await context?.close();
});

/** Components of a class, nearest the city centre first (the most built-up streets). */
async function candidates(classIndex: number, limit = 12): Promise<number[]> {
  return page.evaluate(([k, lim]) => {
    const t = window.__twin!;
    const out: { i: number; d: number }[] = [];
    for (let i = 0; i < t.componentCount; i++) {
      const p = t.componentPos(i);
      if (p.classIndex === k) out.push({ i, d: Math.hypot(p.x, p.y) });
    }
    return out.sort((a, b) => a.d - b.d).slice(0, lim).map((o) => o.i);
  }, [classIndex, limit] as const);
}

/** Flies to the first candidate that ends up visible (not occluded by a tree or a building). */
async function flyToVisible(list: number[], distanceM: number) {
  for (const i of list) {
    await page.evaluate(([k, d]) => window.__twin!.flyToComponent(k, d), [i, distanceM] as const);
    await nextFrames(page);
    const p = await page.evaluate((k) => window.__twin!.project(k), i);
    if (p.visible) return { index: i, ...p };
  }
  throw new Error('no visible candidate');
}

test('the twin renders the city: pixels differ from the empty globe', async () => {
  const stage = await page.locator('.stage-wrap').boundingBox();
  const clip = { x: stage!.x + 230, y: stage!.y + 60, width: stage!.width - 240, height: stage!.height - 100 };
  const withCity = await grab(page, clip);
  await page.evaluate(() => { (document.querySelector('.twin-three') as HTMLElement).style.visibility = 'hidden'; });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const globeOnly = await grab(page, clip);
  await page.evaluate(() => { (document.querySelector('.twin-three') as HTMLElement).style.visibility = ''; });
  const f = diffFraction(withCity, globeOnly);
  console.log(`city vs empty globe: ${(100 * f).toFixed(1)}% of pixels differ`);
  expect(f).toBeGreaterThan(0.3);
  const stats = await page.evaluate(() => ({ calls: window.__twin!.drawCalls, n: window.__twin!.componentCount, ms: window.__twin!.frameMs, t: window.__twin!.timings }));
  console.log('three layer:', JSON.stringify({ drawCalls: stats.calls, components: stats.n, frameMs: stats.ms }));
  console.log('timings ms:', JSON.stringify(stats.t));
  expect(stats.n).toBeGreaterThan(0);
  // terrain, buildings, water, prone points, middle-distance components (one point draw) + one per
  // shape with near instances (+ the selection ring): never one per object
  const shapes = new Set(COMPONENT_CLASSES.map((c) => c.shape)).size;
  expect(stats.calls).toBeGreaterThanOrEqual(4);
  expect(stats.calls).toBeLessThanOrEqual(6 + shapes);
  const bench = await page.evaluate(() => window.__twin!.bench(5));
  console.log(`frame time at the home view (SwiftShader, ${clip.width}x${clip.height} clip of 960x600): Three layer ${bench.threeMs.toFixed(1)} ms, Cesium + Three ${bench.fullMs.toFixed(1)} ms`);
});

let picked = -1;
let pickedCode = '';

test('clicking a known component opens its inspector with the right code', async () => {
  const target = await flyToVisible(await candidates(HYDRANT), 35);
  picked = target.index;
  const detail = await trpcQuery<{ code: string; unitGridCode: string }>(page.request, 'component.get', { city, index: picked });
  pickedCode = detail.code;
  expect(pickedCode).toMatch(/^\d{17}$/);
  console.log('street view:', JSON.stringify(await page.evaluate(() => ({ drawCalls: window.__twin!.drawCalls, nearInstances: window.__twin!.nearCount(), bench: window.__twin!.bench(3) }))));
  await page.mouse.click(target.x, target.y);
  await expect(page.getByTestId('component-code')).toHaveText(pickedCode);
  await expect(page.getByTestId('component-grid')).toHaveText(detail.unitGridCode);
  expect(await page.evaluate(() => window.__twin!.selection())).toEqual({ kind: 'component', index: picked });
});

test('an ingested state change recolours the component in the page', async () => {
  expect(picked).toBeGreaterThanOrEqual(0);
  const before = await page.evaluate((i) => window.__twin!.stateOf(i), picked);
  const to = before === 1 ? COMPONENT_STATES[2]! : COMPONENT_STATES[1]!; // damaged (or missing if already damaged)
  const p = await page.evaluate((i) => window.__twin!.project(i), picked);
  const pxBefore = mean(await grab(page, around(p.x, p.y, 1)));
  const seqBefore = await page.evaluate(() => window.__twin!.seq);
  const t0 = Date.now();
  const res = await ingest(page.request, city, [{ componentCode: pickedCode, state: to.key }]);
  expect(res.ok(), await res.text()).toBeTruthy();
  await page.waitForFunction(([i, hex]) => window.__twin!.colorOf(i) === hex, [picked, to.color] as const, { timeout: 5_000, polling: 20 });
  const ms = Date.now() - t0;
  console.log(`ingest -> instance colour in the page: ${ms} ms (seq ${seqBefore} -> ${await page.evaluate(() => window.__twin!.seq)})`);
  expect(ms).toBeLessThan(2_000);
  expect(await page.evaluate((i) => window.__twin!.stateOf(i), picked)).toBe(to.code);
  await nextFrames(page);
  const pxAfter = mean(await grab(page, around(p.x, p.y, 1)));
  console.log('pixel before/after', pxBefore.map(Math.round), pxAfter.map(Math.round));
  const changed = Math.abs(pxAfter[0] - pxBefore[0]) + Math.abs(pxAfter[1] - pxBefore[1]) + Math.abs(pxAfter[2] - pxBefore[2]);
  expect(changed).toBeGreaterThan(30);
  // damaged / missing are red-orange: red clearly above blue on screen
  expect(pxAfter[0]).toBeGreaterThan(pxAfter[2] + 40);
  // the open inspector follows: live state badge and the new history row (source "api")
  await expect(page.getByTestId('inspector-component').getByTestId('state-badge').first()).toContainText(to.zh);
  await expect(page.getByTestId('history')).toContainText('api');
});

test('seen from far away the components are a state map on the ground: an alarm shows in its cell', async () => {
  const alarm = COMPONENT_STATES.find((st) => st.key === 'alarm')!;
  const intact = COMPONENT_STATES.find((st) => st.key === 'intact')!;
  // alarm red, at full strength or darkened at a disc's rim: red well above green and blue, green
  // close to blue (damaged orange has far more green than blue)
  const alarmPixels = (p: { width: number; height: number; data: Uint8ClampedArray }) => {
    let n = 0;
    for (let k = 0; k < p.width * p.height; k++) {
      const r = p.data[4 * k]!, g = p.data[4 * k + 1]!, b = p.data[4 * k + 2]!;
      if (r > 100 && r > 2.2 * g && r > 2.2 * b && Math.abs(g - b) < 25) n++;
    }
    return n;
  };
  await page.evaluate(() => window.__twin!.select(null)); // no selection ring: its draw call is not counted below
  let tried = 0;
  // a class that sends no telemetry: the simulator leaves its state alone while the test looks
  const silent = COMPONENT_CLASSES.find((k) => k.telemetry === 'none')!.index;
  for (const i of await candidates(silent, 12)) {
    const pos = await page.evaluate((k) => window.__twin!.componentPos(k), i);
    // 3.5 km up, looking almost straight down: several metres a pixel, so no point is drawn
    await page.evaluate(([x, y, z, k]) => window.__twin!.lookFrom(x, y - 400, z + 3500, k), [pos.x, pos.y, pos.z, i] as const);
    await nextFrames(page);
    const drawCalls = await page.evaluate(() => window.__twin!.drawCalls);
    expect(drawCalls, 'terrain, buildings, water, prone points: no point draw for 17,606 components').toBeLessThanOrEqual(4);
    const p = await page.evaluate((k) => window.__twin!.project(k), i);
    if (!p.inFront) continue;
    const box = around(p.x, p.y, 3);
    if (alarmPixels(await grab(page, box)) > 0) continue; // an alarm nearby already: try another
    tried++;
    const code = (await trpcQuery<{ code: string }>(page.request, 'component.get', { city, index: i })).code;
    expect((await ingest(page.request, city, [{ componentCode: code, state: 'alarm' }])).ok()).toBeTruthy();
    await page.waitForFunction(([k, hex]) => window.__twin!.colorOf(k) === hex, [i, alarm.color] as const, { timeout: 5_000, polling: 20 });
    await nextFrames(page, 2);
    const after = alarmPixels(await grab(page, box));
    expect(await page.evaluate((k) => window.__twin!.colorOf(k), i)).toBe(alarm.color);
    console.log(`state map: component ${i} seen from 3.5 km, alarm-coloured pixels around it 0 -> ${after}`);
    expect(after).toBeGreaterThan(0);
    expect((await ingest(page.request, city, [{ componentCode: code, state: intact.key }])).ok()).toBeTruthy();
    break;
  }
  expect(tried, 'a component with no alarm around it').toBe(1);
});

test('a client that misses a frame asks for a snapshot, then applies deltas again', async () => {
  const s0 = await page.evaluate(() => window.__twin!.liveStats());
  await page.evaluate(() => window.__twin!.loseFrames(1));
  // the simulator keeps frames coming; nudge with an ingest so the test does not depend on it
  const other = (await candidates(BIN, 3))[1]!;
  const code = (await trpcQuery<{ code: string }>(page.request, 'component.get', { city, index: other })).code;
  const setState = (state: string) => ingest(page.request, city, [{ componentCode: code, state }]);
  expect((await setState('removed')).ok()).toBeTruthy(); // this delta (or a simulator one before it) is "lost"
  await page.waitForFunction((n) => window.__twin!.liveStats().lost > n, s0.lost, { timeout: 10_000 });
  expect((await setState('abandoned')).ok()).toBeTruthy(); // the next frame shows a seq gap -> snapshot request
  await page.waitForFunction((n) => window.__twin!.liveStats().snapshots > n, s0.snapshots, { timeout: 10_000 });
  const s1 = await page.evaluate(() => window.__twin!.liveStats());
  expect(s1.gaps).toBeGreaterThan(s0.gaps);
  // the snapshot carries the latest state even though its delta was lost
  await page.waitForFunction(([i, hex]) => window.__twin!.colorOf(i) === hex, [other, COMPONENT_STATES[3]!.color] as const, { timeout: 5_000 });
  // and deltas apply again after it
  expect((await setState('intact')).ok()).toBeTruthy();
  await page.waitForFunction(([i, hex]) => window.__twin!.colorOf(i) === hex, [other, COMPONENT_STATES[0]!.color] as const, { timeout: 5_000 });
  const s2 = await page.evaluate(() => window.__twin!.liveStats());
  expect(s2.deltas).toBeGreaterThan(s1.deltas);
  console.log('live:', JSON.stringify({ before: s0, after: s2 }));
});

test('occlusion: a component behind a building is hidden, one in front is visible', async () => {
  await page.evaluate(() => window.__twin!.select(null));
  // set-ups: a tall building with a bin or hydrant next to it, the camera on the far side
  const setups = await page.evaluate(([classes]) => {
    const t = window.__twin!;
    const out: { index: number; cam: { x: number; y: number; z: number } }[] = [];
    const blds = Array.from({ length: t.buildingCount() }, (_, k) => t.building(k)!).filter((b) => b.height > 18);
    blds.sort((a, b) => b.height - a.height);
    for (const b of blds.slice(0, 80)) {
      const R = Math.max(b.halfX, b.halfY);
      for (let i = 0; i < t.componentCount && out.length < 6; i++) {
        const c = t.componentPos(i);
        if (!classes.includes(c.classIndex)) continue;
        const dx = b.x - c.x, dy = b.y - c.y, D = Math.hypot(dx, dy);
        if (D < R + 2 || D > R + 15) continue;
        const ux = dx / D, uy = dy / D, far = D + R + 25;
        const cam = { x: c.x + ux * far, y: c.y + uy * far, z: b.base + 0.45 * b.height };
        t.lookFrom(cam.x, cam.y, cam.z, i);
        const p = t.project(i);
        if (p.inFront && !p.visible) { out.push({ index: i, cam }); break; }
      }
      if (out.length >= 6) break;
    }
    return out;
  }, [[HYDRANT, BIN]] as const);
  expect(setups.length, 'an occluded set-up exists').toBeGreaterThan(0);

  /** fraction of a small window around component i that changes when the components layer is off */
  const layerDiff = async (i: number) => {
    const p = await page.evaluate((k) => window.__twin!.project(k), i);
    const on = await grab(page, around(p.x, p.y, 3));
    await page.evaluate(() => window.__twin!.setLayer('components', false));
    await nextFrames(page);
    const off = await grab(page, around(p.x, p.y, 3));
    await page.evaluate(() => window.__twin!.setLayer('components', true));
    await nextFrames(page);
    return { p, f: diffFraction(on, off) };
  };

  let checked = false;
  for (const s of setups) {
    // behind the building
    await page.evaluate(({ index, cam }) => window.__twin!.lookFrom(cam.x, cam.y, cam.z, index), s);
    await nextFrames(page);
    const hidden = await layerDiff(s.index);
    // the same component from its street side
    await page.evaluate((i) => window.__twin!.flyToComponent(i, 30), s.index);
    await nextFrames(page);
    const front = await page.evaluate((i) => window.__twin!.project(i), s.index);
    if (!front.visible) continue;
    const shown = await layerDiff(s.index);
    console.log(`occlusion: component #${s.index} behind a building changes ${(100 * hidden.f).toFixed(0)}% of its 7x7 pixels, seen from the street ${(100 * shown.f).toFixed(0)}%`);
    expect(hidden.p.inFront).toBe(true);
    expect(hidden.p.visible).toBe(false);
    expect(hidden.f).toBeLessThan(0.05);
    expect(shown.f).toBeGreaterThan(0.3);
    checked = true;
    break;
  }
  expect(checked, 'a set-up whose component is visible from the street').toBe(true);
});

test('clicking the ground inside a unit grid shows its 15-digit code and counts', async () => {
  await page.evaluate(() => {
    const t = window.__twin!;
    t.select(null);
    t.setLayer('components', false);
    t.setLayer('buildings', false);
    t.setLayer('prone', false);
    t.home();
  });
  await nextFrames(page);
  const target = await page.evaluate(() => {
    const t = window.__twin!;
    const g = Math.floor(t.gridCount() / 2);
    const c = t.gridCentroid(g);
    return { g, ...t.projectPoint(c.x, c.y, t.groundZ(c.x, c.y)) };
  });
  await page.mouse.click(target.x, target.y);
  await expect(page.getByTestId('inspector-grid')).toBeVisible();
  const sel = await page.evaluate(() => window.__twin!.selection());
  expect(sel).toEqual({ kind: 'grid', index: target.g });
  const detail = await trpcQuery<{ code: string; countsByState: Record<string, number>; responsibilityGrid: { code: string } }>(page.request, 'grid.get', { city, index: target.g });
  expect(detail.code).toMatch(/^\d{15}$/);
  await expect(page.getByTestId('grid-code')).toHaveText(detail.code);
  await expect(page.getByTestId('grid-responsibility')).toHaveText(detail.responsibilityGrid.code);
  const serverTotal = Object.values(detail.countsByState).reduce((a, b) => a + b, 0);
  await expect(page.getByTestId('grid-count-total')).toHaveText(String(serverTotal));
  await page.evaluate(() => {
    const t = window.__twin!;
    t.setLayer('components', true);
    t.setLayer('buildings', true);
    t.setLayer('prone', true);
  });
});

test('the language switch changes the whole UI between Chinese and English', async () => {
  const panel = page.getByTestId('layers-panel');
  const lang0 = await page.evaluate(() => document.documentElement.lang);
  expect(lang0).toBe('zh-CN');
  await expect(panel).toContainText('建筑');
  await expect(panel).toContainText('行道树');
  await page.getByTestId('lang-switch').click();
  await expect(panel).toContainText('Buildings');
  await expect(panel).toContainText('Street tree');
  await expect(page.getByTestId('status-line')).toContainText(/Live|Connecting/);
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
  await expect(page.getByTestId('grid-code')).toBeVisible();
  await expect(page.getByTestId('inspector-grid')).toContainText('Components by state');
  // remembered across a reload
  await page.reload();
  await page.waitForFunction(() => window.__twin?.ready === true, null, { timeout: 150_000, polling: 250 });
  await expect(page.getByTestId('layers-panel')).toContainText('Buildings');
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('layers-panel')).toContainText('建筑');
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
});

test('mouse pan and zoom move the camera, the home button frames the city again', async () => {
  await page.evaluate(() => window.__twin!.select(null));
  await page.getByTestId('home').click();
  await page.waitForTimeout(1800); // the home flight lasts 1.2 s
  await nextFrames(page);
  const probe = await page.evaluate(() => { const t = window.__twin!; const c = t.gridCentroid(0); return { x: c.x, y: c.y, z: t.groundZ(c.x, c.y) }; });
  const at = () => page.evaluate((p) => window.__twin!.projectPoint(p.x, p.y, p.z), probe);
  const home = await at();
  const stage = (await page.locator('.stage-wrap').boundingBox())!;
  const cx = stage.x + stage.width / 2, cy = stage.y + stage.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  await page.mouse.move(cx + 120, cy + 60, { steps: 6 });
  await page.mouse.up();
  await nextFrames(page);
  const panned = await at();
  expect(Math.hypot(panned.x - home.x, panned.y - home.y)).toBeGreaterThan(30);
  await page.mouse.move(cx, cy);
  await page.mouse.wheel(0, -600);
  await page.waitForTimeout(800);
  await nextFrames(page);
  const zoomed = await at();
  expect(Math.hypot(zoomed.x - panned.x, zoomed.y - panned.y)).toBeGreaterThan(10);
  await page.getByTestId('home').click();
  await page.waitForTimeout(1800);
  await nextFrames(page);
  const back = await at();
  expect(Math.hypot(back.x - home.x, back.y - home.y)).toBeLessThan(3);
});

test('a finger tap on a component opens its inspector (touch screens)', async () => {
  const target = await flyToVisible(await candidates(BIN), 30);
  const code = (await trpcQuery<{ code: string }>(page.request, 'component.get', { city, index: target.index })).code;
  await page.touchscreen.tap(target.x, target.y);
  await expect(page.getByTestId('component-code')).toHaveText(code);
  await page.evaluate(() => window.__twin!.select(null));
});

test('the page makes no request outside its own origin', async ({ baseURL }) => {
  const origin = new URL(baseURL!);
  const outside = requested.filter((u) => {
    if (u.startsWith('data:') || u.startsWith('blob:')) return false;
    const p = new URL(u);
    return p.host !== origin.host;
  });
  console.log(`${requested.length} requests, ${requested.filter((u) => u.startsWith('ws')).length} websockets; outside the origin: ${outside.length}`);
  expect(requested.some((u) => u.includes('/api/layers/'))).toBe(true);
  expect(requested.some((u) => u.startsWith('ws://') && u.includes('/socket.io/'))).toBe(true);
  expect(outside).toEqual([]);
});
