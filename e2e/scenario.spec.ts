import { parse as parseCsv } from 'csv-parse/sync';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { around, diffFraction, firstCity, grab, nextFrames, openTwin, plannerPage, trpcQuery } from './helpers';

// A planner's flood scenario flow in the twin, in order on one page: create a 10-year storm,
// run it, watch it progress and the water appear at a prone point, scrub, read the impact,
// download the CSV; then cancel a run, two runs at once, and a reconnect mid-run.

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;
let city: string;

interface Run { id: string; status: string; frameCount: number; startedAt: string | null; finishedAt: string | null; progress: { t: number; duration: number } | null }
interface Impact {
  pronePoints: { id: string; x: number; y: number; maxDepth_m: number; timeOfMax_s: number | null; over15cm_s: number | null }[];
  roadSegments: unknown[];
}

test.beforeAll(async ({ browser, request, baseURL }) => {
  city = await firstCity(request);
  ({ context, page } = await plannerPage(browser, baseURL));
  await openTwin(page, city);
});

test.afterAll(async () => {
  await context?.close();
});

async function trpcMutation<T>(path: string, input: unknown): Promise<T> {
  const res = await page.request.post(`/api/trpc/${path}`, { data: input, headers: { 'content-type': 'application/json' } });
  expect(res.ok(), `${path}: HTTP ${res.status()} ${await res.text()}`).toBeTruthy();
  return ((await res.json()) as { result: { data: T } }).result.data;
}

async function waitRun(id: string, statuses: string[], timeoutMs = 150_000): Promise<Run> {
  const t0 = Date.now();
  for (;;) {
    const r = await trpcQuery<Run>(page.request, 'run.get', { id });
    if (statuses.includes(r.status)) return r;
    if (Date.now() - t0 > timeoutMs) throw new Error(`run ${id} still ${r.status} after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 500));
  }
}

let runId = '';
let impact: Impact;

test('a planner creates a 10-year storm scenario, runs it and sees its progress advance', async () => {
  const panel = page.getByTestId('scenario-panel');
  await expect(panel).toBeVisible();
  await page.getByTestId('scenario-new').click();
  const name = page.getByTestId('scenario-name');
  await name.fill('e2e 十年一遇');
  await page.getByTestId('rain-type').selectOption('design');
  await page.getByTestId('return-period').fill('10');
  await page.getByTestId('duration-min').fill('120');
  await page.getByTestId('scenario-save').click();
  await expect(page.getByTestId('scenario-item').filter({ hasText: 'e2e 十年一遇' })).toHaveCount(1);

  await page.getByTestId('run-start').click();
  const progress = page.getByTestId('run-progress');
  await expect(progress).toBeVisible({ timeout: 30_000 });
  // the percent advances while it runs (several distinct values seen), then it succeeds; the
  // water between stored frames (every 300 s of the storm) arrives live meanwhile
  const seen = new Set<string>();
  let liveTimes = 0;
  const t0 = Date.now();
  while (Date.now() - t0 < 150_000) {
    const st = await page.getByTestId('run-status').getAttribute('data-status');
    const pct = await progress.getAttribute('data-percent').catch(() => null);
    if (pct) seen.add(pct);
    liveTimes += await page.evaluate(() => (window.__twin?.flood?.times() ?? []).filter((t) => t % 300 !== 0).length);
    if (st === 'succeeded' || st === 'failed' || st === 'cancelled') break;
    await page.waitForTimeout(150);
  }
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 150_000 });
  expect(seen.size, `progress values seen: ${[...seen].join(', ')}`).toBeGreaterThanOrEqual(2);
  expect(liveTimes, 'live frames between the stored ones while the run went on').toBeGreaterThan(0);
  const runs = await trpcQuery<Run[]>(page.request, 'run.list', { city });
  runId = runs[0]!.id;
  expect(runs[0]!.status).toBe('succeeded');
  expect(runs[0]!.frameCount).toBeGreaterThan(2);
});

test('water appears at a prone point that was dry at the start, and scrubbing changes it', async () => {
  impact = await trpcQuery<Impact>(page.request, 'run.impact', { id: runId });
  const wet = impact.pronePoints.filter((p) => p.over15cm_s !== null).sort((a, b) => b.maxDepth_m - a.maxDepth_m);
  expect(wet.length, 'a 10-year storm floods at least one prone point over 15 cm').toBeGreaterThan(0);
  const p = wet[0]!;
  await page.waitForFunction(() => (window.__twin?.flood?.times().length ?? 0) > 2, null, { timeout: 60_000 });
  await page.evaluate(([x, y]) => window.__twin!.flyToPoint(x, y, 180), [p.x, p.y] as const);
  const slider = page.getByTestId('timeline-slider');
  await slider.fill('0');
  await nextFrames(page, 2);
  const z = await page.evaluate(([x, y]) => window.__twin!.groundZ(x, y), [p.x, p.y] as const);
  const s = await page.evaluate(([x, y, zz]) => window.__twin!.projectPoint(x, y, zz), [p.x, p.y, z] as const);
  const before = await grab(page, around(s.x, s.y, 12));
  const depth0 = await page.evaluate(([x, y]) => window.__twin!.flood!.depthAt(x, y), [p.x, p.y] as const);
  await slider.fill(String(Math.round(p.timeOfMax_s ?? 3600)));
  await nextFrames(page, 2);
  const after = await grab(page, around(s.x, s.y, 12));
  const depth1 = await page.evaluate(([x, y]) => window.__twin!.flood!.depthAt(x, y), [p.x, p.y] as const);
  await page.screenshot({ path: 'test-results/flood-prone-point.png' });
  expect(depth0).toBeLessThan(0.02);
  expect(depth1).toBeGreaterThan(0.15);
  expect(diffFraction(before, after), 'water pixels at the prone point').toBeGreaterThan(0.3);
  // scrubbing back shows the earlier step again
  await slider.fill('0');
  await nextFrames(page, 2);
  expect(await page.evaluate(([x, y]) => window.__twin!.flood!.depthAt(x, y), [p.x, p.y] as const)).toBeLessThan(0.02);
});

test('the impact list flies to its first entry, and its CSV downloads and parses', async () => {
  const panel = page.getByTestId('impact-panel');
  await expect(panel).toBeVisible();
  await page.getByTestId('impact-kind-pronePoints').click();
  const row = page.getByTestId('impact-row').first();
  await expect(row).toBeVisible();
  const places = impact.pronePoints.map((p) => [p.x, p.y] as [number, number]);
  await page.evaluate(() => window.__twin!.select(null));
  await row.click();
  // the click selects the entry's place (the camera flight to it is the engine's flyToPoint)
  await page.waitForFunction((list) => {
    const p = window.__twin!.selectionPoint();
    return !!p && list.some(([x, y]) => Math.hypot(p.x - x, p.y - y) < 30);
  }, places, { timeout: 20_000 });

  const link = page.getByTestId('download-impact.csv');
  const href = await link.getAttribute('href');
  expect(href).toContain(`/api/runs/${runId}/files/impact.csv`);
  const res = await page.request.get(href!);
  expect(res.ok()).toBeTruthy();
  const [header, ...rows] = parseCsv(await res.text()) as string[][];
  expect(header).toEqual(expect.arrayContaining(['kind', 'max_depth_m', 'over15cm_s', 'over27cm_s']));
  expect(rows.length).toBeGreaterThan(0);
  const depthCol = header!.indexOf('max_depth_m');
  for (const r of rows) expect(Number(r[depthCol])).toBeGreaterThanOrEqual(0.15);
});

/** A scenario through the API; short and coarse by default so the queue tests stay quick. */
async function createScenario(name: string, returnPeriodYears: number, opts: { cellSize?: number; durationS?: number } = {}): Promise<string> {
  const duration = opts.durationS ?? 1800;
  const rec = await trpcMutation<{ id: string }>('scenario.create', { city, name });
  await trpcMutation('scenario.update', {
    id: rec.id,
    scenario: {
      name, terrain: { source: 'city' }, buildings: { from: 'city' },
      cellSize: opts.cellSize ?? 10,
      rainfall: { type: 'design', formula: 'beijing', returnPeriodYears, durationMin: duration / 60, peakCoefficient: 0.355, stepMin: 5 },
      drainage: { returnPeriodYears: 2 }, duration, outputInterval: 300,
    },
  });
  return rec.id;
}

test('a run can be cancelled, and two runs at once both finish', async () => {
  const a = await createScenario('e2e cancel', 50, { cellSize: 5, durationS: 7200 });
  const started = await trpcMutation<{ run: Run }>('run.start', { scenarioId: a, force: true });
  await waitRun(started.run.id, ['running', 'succeeded'], 60_000);
  const cancelled = await trpcMutation<Run>('run.cancel', { id: started.run.id });
  expect(['cancelled', 'succeeded']).toContain((await waitRun(cancelled.id, ['cancelled', 'succeeded', 'failed'])).status);

  const b = await createScenario('e2e two A', 20);
  const c = await createScenario('e2e two B', 30);
  const [rb, rc] = await Promise.all([
    trpcMutation<{ run: Run }>('run.start', { scenarioId: b, force: true }),
    trpcMutation<{ run: Run }>('run.start', { scenarioId: c, force: true }),
  ]);
  const [fb, fc] = await Promise.all([waitRun(rb.run.id, ['succeeded', 'failed', 'cancelled']), waitRun(rc.run.id, ['succeeded', 'failed', 'cancelled'])]);
  expect(fb.status).toBe('succeeded');
  expect(fc.status).toBe('succeeded');
  // at once, not one after the other: each started before the other finished
  const at = (s: string | null) => Date.parse(s ?? '');
  expect(at(fb.startedAt)).toBeLessThan(at(fc.finishedAt));
  expect(at(fc.startedAt)).toBeLessThan(at(fb.finishedAt));
});

test('a reconnect during a run resumes its progress in the page', async () => {
  const id = await createScenario('e2e reconnect', 100, { cellSize: 5, durationS: 3600 });
  await page.reload();
  await openTwin(page, city);
  await page.getByTestId('scenario-item').filter({ hasText: 'e2e reconnect' }).click();
  await page.getByTestId('run-start').click();
  const progress = page.getByTestId('run-progress');
  await expect(progress).toBeVisible({ timeout: 30_000 });
  await context.setOffline(true);
  await page.waitForTimeout(2500);
  await context.setOffline(false);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 150_000 });
  await expect(progress).toHaveAttribute('data-percent', '100');
  const runs = await trpcQuery<Run[]>(page.request, 'run.list', { city });
  expect(runs.find((r) => r.status === 'succeeded' && r.id !== runId)).toBeTruthy();
  void id;
});
