import { readFile, writeFile } from 'node:fs/promises';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { decodeViewState, type CameraView } from '../models/viewState';
import { pdfPages } from '../server/report/pdfText';
import { enableTwinHooks, firstCity, nextFrames, openTwin, plannerPage, trpcQuery } from './helpers';
import { quickScenario, runScenario, type E2eRun } from './runs';

// The planner shares what they see: a link copied from the address bar opens the same run, time,
// camera, layers and comparison in another browser; run A beside run B (split, swipe) with the
// cameras locked; the PDF report of the comparison and of the run, read back page by page.

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;
let city: string;
let today: E2eRun;
let wall: E2eRun;
let target: { id: string; x: number; y: number; maxDepth_m: number };

test.beforeAll(async ({ browser, request, baseURL }) => {
  city = await firstCity(request);
  ({ context, page } = await plannerPage(browser, baseURL));
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
});

test.afterAll(async () => {
  await context?.close();
});

test('a share link opens the same camera and selection in a new browser context', async ({ browser, baseURL }) => {
  test.setTimeout(300_000);
  await openTwin(page, city);
  // a component, looked at from its road side, and selected: the inspector shows it
  const i = await page.evaluate(() => Math.floor(window.__twin!.componentCount / 3));
  await page.evaluate((k) => { window.__twin!.flyToComponent(k, 90); window.__twin!.select({ kind: 'component', index: k }); }, i);
  const code = (await page.getByTestId('component-code').textContent())!;
  expect(code).toMatch(/^\d{17}$/);
  const camA = await page.evaluate(() => window.__twin!.cameraView());
  // the address bar follows (within about half a second)
  await expect.poll(() => page.url(), { timeout: 5000 }).toContain(`sel=c:${i}`);
  await expect.poll(() => { const c = decodeViewState(new URL(page.url()).search).state.camera; return !!c && near(c, camA); }, { timeout: 5000 }).toBe(true);
  const url = page.url();

  // another browser context, not signed in: the same camera, the same selected component
  const other = await browser.newContext({ baseURL, viewport: { width: 1280, height: 720 }, locale: 'zh-CN' });
  try {
    const p2 = await other.newPage();
    await enableTwinHooks(p2);
    await p2.goto(url);
    await p2.waitForFunction(() => window.__twin?.ready === true, null, { timeout: 150_000, polling: 250 });
    await expect.poll(() => p2.evaluate(() => window.__twin!.selection()), { timeout: 30_000 }).toEqual({ kind: 'component', index: i });
    const camB = await p2.evaluate(() => window.__twin!.cameraView());
    expect(near(camB, camA), `${JSON.stringify(camB)} vs ${JSON.stringify(camA)}`).toBe(true);
    await expect(p2.getByTestId('component-code')).toHaveText(code);
    // the reopened page's own link is the same view
    await expect.poll(() => p2.url(), { timeout: 5000 }).toContain(`sel=c:${i}`);
    expect(near(decodeViewState(new URL(p2.url()).search).state.camera!, camA)).toBe(true);
  } finally {
    await other.close();
  }
});

test('two runs: today, and a wall around the prone point that floods deepest', async () => {
  test.setTimeout(300_000);
  today = await runScenario(page, city, 'e2e share today', quickScenario());
  const impact = await trpcQuery<{ pronePoints: typeof target[] }>(page.request, 'run.impact', { id: today.id });
  target = [...impact.pronePoints].sort((a, b) => b.maxDepth_m - a.maxDepth_m)[0]!;
  const { x, y } = target, r = 90;
  const ring = [[x - r, y - r], [x + r, y - r], [x + r, y + r], [x - r, y + r], [x - r, y - r]];
  wall = await runScenario(page, city, 'e2e share wall', quickScenario({ barriers: [{ name: 'wall', line: ring, height: 1.5 }], probes: [{ name: 'P inside', at: [x, y] }] }));
});

const near = (a: CameraView, b: CameraView) =>
  Math.abs(a.lonDeg - b.lonDeg) < 2e-7 && Math.abs(a.latDeg - b.latDeg) < 2e-7 && Math.abs(a.heightM - b.heightM) < 0.2
  && Math.abs(a.headingDeg - b.headingDeg) < 0.02 && Math.abs(a.pitchDeg - b.pitchDeg) < 0.02;

test('a share link opens the same run, time, camera, layers and side-by-side comparison in a new browser context', async ({ browser, baseURL }) => {
  test.setTimeout(540_000);
  await openTwin(page, city);
  await page.locator('.run-list summary').click();
  await page.getByTestId('run-item').filter({ hasText: 'e2e share wall' }).first().click();
  await expect(page.getByTestId('impact-panel')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('results-tab-compare').click();
  await expect(page.getByTestId('compare-baseline')).toHaveValue(today.id);
  await page.waitForFunction(() => window.__twin!.flood.times().length >= 7, null, { timeout: 60_000 });
  await page.evaluate(() => window.__twin!.flood.setTime(1800));
  await page.evaluate(([x, y]) => window.__twin!.lookAt(x! - 260, y! - 320, 300, x!, y!, 0), [target.x, target.y]);
  await page.evaluate(() => window.__twin!.setLayer('grids', false));
  // one view first, to measure a frame of it alone
  await nextFrames(page, 2);
  const single = await page.evaluate(() => window.__twin!.bench(3).fullMs);
  await page.getByTestId('compare-mode-split').click();
  await expect(page.getByTestId('compare-views')).toHaveAttribute('data-mode', 'split');
  await page.waitForFunction((t) => window.__twin!.peer.runId() === t && window.__twin!.peer.time() === 1800, today.id, { timeout: 120_000 });
  await page.waitForFunction(() => { const a = window.__twin!.cameraView(), b = window.__twin!.peer.cameraView(); return !!b && Math.abs(a.lonDeg - b.lonDeg) < 1e-9 && Math.abs(a.heightM - b.heightM) < 1e-3; });
  const split = await page.evaluate(() => window.__twin!.peer.frameCost(3));
  console.log(`frame cost (globe + Three, forced to finish): one view ${single.toFixed(1)} ms; split: B ${split.mainMs.toFixed(1)} ms + A ${split.peerMs.toFixed(1)} ms`);
  test.info().annotations.push({ type: 'frame-ms', description: JSON.stringify({ single, split }) });
  await nextFrames(page, 2);
  await page.screenshot({ path: 'test-results/share-split-zh.png' });

  // the address bar holds the view (written within about half a second)
  await expect.poll(() => page.url(), { timeout: 5000 }).toContain('cv=split');
  // the planner copies the link with the top bar's button
  await page.getByTestId('share-copy').click();
  await expect(page.getByTestId('share-copy')).toContainText('链接已复制');
  const url = await page.evaluate(() => navigator.clipboard.readText());
  expect(url).toBe(page.url());
  const { state, errors } = decodeViewState(new URL(url).search);
  expect(errors).toEqual([]);
  expect(state).toMatchObject({ run: wall.id, compare: today.id, compareView: 'split', timeS: 1800, layersOff: ['grids'] });
  const camA = await page.evaluate(() => window.__twin!.cameraView());
  expect(near(state.camera!, camA)).toBe(true);

  // another browser context (another screen): the same view
  const other = await plannerPage(browser, baseURL);
  try {
    const p2 = other.page;
    await enableTwinHooks(p2);
    await p2.goto(url);
    await p2.waitForFunction(() => window.__twin?.ready === true, null, { timeout: 150_000, polling: 250 });
    await expect(p2.getByTestId('impact-panel').locator('h2')).toHaveText('e2e share wall', { timeout: 60_000 });
    await expect(p2.getByTestId('results-tab-compare')).toHaveAttribute('aria-selected', 'true');
    await expect(p2.getByTestId('compare-baseline')).toHaveValue(today.id);
    await expect(p2.getByTestId('compare-views')).toHaveAttribute('data-mode', 'split', { timeout: 60_000 });
    await p2.waitForFunction(() => window.__twin!.flood.time() === 1800, null, { timeout: 60_000 });
    await p2.waitForFunction((t) => window.__twin!.peer.runId() === t && window.__twin!.peer.time() === 1800, today.id, { timeout: 120_000 });
    const camB = await p2.evaluate(() => window.__twin!.cameraView());
    expect(near(camB, camA), `${JSON.stringify(camB)} vs ${JSON.stringify(camA)}`).toBe(true);
    expect(near((await p2.evaluate(() => window.__twin!.peer.cameraView()))!, camA)).toBe(true);
    await expect(p2.getByTestId('layer-grids')).not.toBeChecked();
    // the reopened page keeps the link as it is (nothing drifted while it restored)
    await expect.poll(() => decodeViewState(new URL(p2.url()).search).state.timeS).toBe(1800);
    expect(decodeViewState(new URL(p2.url()).search).state).toMatchObject({ run: wall.id, compare: today.id, compareView: 'split' });
  } finally {
    await other.context.close();
  }

  // swipe: A over B, clipped at the divider, which the planner drags
  await page.getByTestId('compare-mode-swipe').click();
  await expect(page.getByTestId('compare-views')).toHaveAttribute('data-mode', 'swipe');
  const box = (await page.locator('.stage-wrap').boundingBox())!;
  const handle = page.getByTestId('compare-swipe');
  const hb = (await handle.boundingBox())!;
  await page.mouse.move(hb.x + hb.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2, { steps: 4 });
  await page.mouse.up();
  await expect.poll(() => page.url(), { timeout: 5000 }).toMatch(/sw=0\.(29|3|30)\d*/);
  await nextFrames(page, 2);
  await page.screenshot({ path: 'test-results/share-swipe-zh.png' });
  await page.getByTestId('compare-mode-split').click();
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('compare-mode-split')).toHaveText('Side by side');
  await nextFrames(page, 2);
  await page.screenshot({ path: 'test-results/share-split-en.png' });
  await page.getByTestId('lang-switch').click();
  await page.getByTestId('compare-mode-diff').click();
  await expect(page.getByTestId('compare-views')).toHaveCount(0);
});

test('the PDF report of the comparison and of the run: pages and words', async () => {
  test.setTimeout(120_000);
  const run = await trpcQuery<{ engineVersion: string; inputHash: string }>(page.request, 'run.get', { id: wall.id });
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-compare').click()]);
  expect(dl.suggestedFilename()).toMatch(/^compare-.*-zh\.pdf$/);
  const bytes = await readFile((await dl.path())!);
  await writeFile('test-results/share-report-compare-zh.pdf', bytes);
  const pages = await pdfPages(bytes);
  expect(pages.length).toBeGreaterThanOrEqual(3);
  const all = pages.join('\n');
  for (const s of ['内涝方案对比报告', 'e2e share wall', 'e2e share today', '情景参数', '水量平衡', '最大水深差值图', '变好的资产', '监测点过程线', 'P inside', run.engineVersion, run.inputHash]) {
    expect(all, s).toContain(s);
  }
  expect(pages[0]).toContain(`共 ${pages.length} 页`);

  const en = await page.request.get(`/api/runs/${wall.id}/report.pdf?lang=en`);
  expect(en.headers()['content-type']).toBe('application/pdf');
  const enBytes = await en.body();
  await writeFile('test-results/share-report-run-en.pdf', enBytes);
  const enPages = await pdfPages(enBytes);
  expect(enPages.length).toBeGreaterThanOrEqual(3);
  expect(enPages.join('\n')).toContain('Flood simulation report');
  expect(enPages.join('\n')).toContain('Volume balance');

  const bad = await page.request.get(`/api/runs/${wall.id}/report.pdf?lang=fr`);
  expect(bad.status()).toBe(400);
  expect(await bad.text()).toMatch(/lang/);
});
