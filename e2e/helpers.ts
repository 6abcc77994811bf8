import { expect, type APIRequestContext, type Browser, type BrowserContext, type Page } from '@playwright/test';

/** GET a tRPC 11 query over HTTP (no transformer: the input is plain JSON). */
export async function trpcQuery<T>(request: APIRequestContext, path: string, input?: unknown): Promise<T> {
  const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const res = await request.get(`/api/trpc/${path}${qs}`);
  expect(res.ok(), `${path}: HTTP ${res.status()} ${await res.text()}`).toBeTruthy();
  return ((await res.json()) as { result: { data: T } }).result.data;
}

/** The ingest token of the server under test (playwright.config.ts starts it with this one). */
export const INGEST_TOKEN = process.env.E2E_INGEST_TOKEN ?? 'e2e-token-123';

/** POST a batch of component state changes to the ingest API. */
export function ingest(request: APIRequestContext, city: string, changes: { componentCode: string; state: string }[]) {
  return request.post('/api/trpc/ingest.batch', {
    headers: { Authorization: `Bearer ${INGEST_TOKEN}`, 'content-type': 'application/json' },
    data: { city, changes },
  });
}

/**
 * The administrator the server under test starts with (playwright.config.ts makes its password
 * per run; against E2E_BASE_URL set E2E_ADMIN and E2E_ADMIN_PASSWORD).
 */
export const E2E_ADMIN = { name: process.env.E2E_ADMIN ?? 'e2e-admin', get password() { return process.env.E2E_ADMIN_PASSWORD ?? ''; } };

export type E2eRole = 'administrator' | 'planner' | 'intake' | 'dispatcher' | 'shift_lead' | 'department' | 'inspector' | 'viewer' | 'presenter' | 'kiosk';

/** POST a tRPC mutation with the cookies of `request` (a page's request shares its context's cookies). */
export async function trpcPost(request: APIRequestContext, path: string, input: unknown) {
  return request.post(`/api/trpc/${path}`, { data: input ?? {}, headers: { 'content-type': 'application/json' } });
}

/**
 * Signs the page's browser context in as a user of this role: the administrator creates the user
 * (once per name) through the account API, then the user signs in. Returns the user's name.
 */
export async function signIn(page: Page, role: E2eRole, name = `e2e-${role}`, department = role === 'department' ? 'e2e 市政养护' : undefined): Promise<string> {
  const req = page.context().request;
  const password = `${E2E_ADMIN.password}-${role}`;
  if (role !== 'administrator' || name !== E2E_ADMIN.name) {
    const a = await trpcPost(req, 'account.signIn', { name: E2E_ADMIN.name, password: E2E_ADMIN.password });
    expect(a.ok(), `admin sign-in: HTTP ${a.status()} ${await a.text()}`).toBeTruthy();
    const add = await trpcPost(req, 'account.add', { name, role, password, department });
    expect(add.ok() || /exists already/.test(await add.text()), `account.add ${name}: HTTP ${add.status()}`).toBeTruthy();
  }
  const res = await trpcPost(req, 'account.signIn', { name, password: name === E2E_ADMIN.name ? E2E_ADMIN.password : password });
  expect(res.ok(), `sign-in of ${name}: HTTP ${res.status()} ${await res.text()}`).toBeTruthy();
  return name;
}

/** A planner's page for a serial spec: its own context (zh-CN, 1280 x 720), page errors logged, signed in. */
export async function plannerPage(browser: Browser, baseURL: string | undefined): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 720 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log('pageerror:', e.message));
  // scenario and run changes need a planner (or an administrator); the page's requests share its session
  await signIn(page, 'planner');
  return { context, page };
}

export async function firstCity(request: APIRequestContext): Promise<string> {
  const list = await trpcQuery<{ slug: string }[]>(request, 'city.list');
  expect(list.length).toBeGreaterThan(0);
  return list[0]!.slug;
}

/**
 * The twin loads its test hooks (window.__twin, scene/testHooks.ts) only when the page asks:
 * this flag, set before any page script runs, on every navigation of the page (reloads too).
 */
export async function enableTwinHooks(page: Page) {
  await page.addInitScript(() => { (window as unknown as { __TWIN_TEST__: boolean }).__TWIN_TEST__ = true; });
}

/** Opens the twin and waits for the first Three frame with every layer, and the live snapshot. */
export async function openTwin(page: Page, city: string) {
  await enableTwinHooks(page);
  await page.goto(`/twin/${city}`);
  await page.waitForFunction(() => window.__twin?.ready === true, null, { timeout: 150_000, polling: 250 });
  await page.waitForFunction(() => (window.__twin?.seq ?? -1) >= 0, null, { timeout: 60_000, polling: 250 });
}

/**
 * Waits until the Three layer has drawn at least n more frames (after a camera, layer or flood
 * time change). The twin draws on demand: a change of the Three layer alone (a flood frame, a
 * colour) draws one frame, so the later frames are asked for here (__twin.redraw()).
 */
export async function nextFrames(page: Page, n = 1) {
  const start = await page.evaluate(() => window.__twin!.renderedFrames);
  await page.waitForFunction((s) => {
    const t = window.__twin!;
    if (t.renderedFrames >= s) return true;
    t.redraw();
    return false;
  }, start + n, { timeout: 30_000, polling: 100 });
  // the compositor shows the frame on the next animation frame
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

export interface Pixels { width: number; height: number; data: Uint8ClampedArray }

/** A screenshot (viewport or clip) decoded to RGBA, decoded inside the page (no extra dependency). */
export async function grab(page: Page, clip?: { x: number; y: number; width: number; height: number }): Promise<Pixels> {
  const png = await page.screenshot({ clip, animations: 'disabled' });
  const arr = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const cv = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = cv.getContext('2d')!;
    ctx.drawImage(bmp, 0, 0);
    return { width: bmp.width, height: bmp.height, data: Array.from(ctx.getImageData(0, 0, bmp.width, bmp.height).data) };
  }, png.toString('base64'));
  return { width: arr.width, height: arr.height, data: Uint8ClampedArray.from(arr.data) };
}

/** Fraction of pixels whose colour differs by more than `tol` in any channel. */
export function diffFraction(a: Pixels, b: Pixels, tol = 24): number {
  let n = 0;
  const total = a.width * a.height;
  for (let i = 0; i < total; i++) {
    const o = 4 * i;
    if (Math.abs(a.data[o]! - b.data[o]!) > tol || Math.abs(a.data[o + 1]! - b.data[o + 1]!) > tol || Math.abs(a.data[o + 2]! - b.data[o + 2]!) > tol) n++;
  }
  return n / total;
}

/** Mean colour of a pixel window. */
export function mean(p: Pixels): [number, number, number] {
  let r = 0, g = 0, b = 0;
  const n = p.width * p.height;
  for (let i = 0; i < n; i++) { r += p.data[4 * i]!; g += p.data[4 * i + 1]!; b += p.data[4 * i + 2]!; }
  return [r / n, g / n, b / n];
}

export function around(x: number, y: number, r: number) {
  return { x: Math.round(x - r), y: Math.round(y - r), width: 2 * r + 1, height: 2 * r + 1 };
}
