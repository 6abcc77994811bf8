import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { firstCity, INGEST_TOKEN, nextFrames, openTwin, plannerPage, trpcQuery } from './helpers';
import { mutate, runScenario, type E2eRun } from './runs';

// "Start from now": a street gauge reports 0.50 m; the duty officer opens the forecast form, sees
// the water now (rivers at their level, one gauge with water), pastes a rain table and creates
// the forecast scenario; it runs like any scenario and compares with the same rain as a plain
// what-if (the forecast starts with the gauge's ponding: more water at the start, worse there).

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;
let city: string;
let gauge: { code: string; x: number; y: number };
// light rain: the prone point's own ponding does not fill it, so the gauge's water shows
const TABLE = '0 10\n30 20\n60 0';

interface Stored { scenario: Record<string, unknown> & { forecast?: { nowS: number }; initialWater?: { level: number }[] } }
interface Run extends E2eRun { summary: { volumes: { storedStart_m3: number } } | null }

test.beforeAll(async ({ browser, baseURL, request }) => {
  city = await firstCity(request);
  ({ context, page } = await plannerPage(browser, baseURL));
});

test.afterAll(async () => {
  await context?.close();
});

test('the form shows the water now, takes a pasted table and stores a forecast scenario', async () => {
  test.setTimeout(180_000);
  const now0 = await trpcQuery<{ gauges: { code: string; x: number; y: number }[] }>(page.request, 'scenario.forecastNow', { city });
  expect(now0.gauges.length).toBeGreaterThan(0);
  gauge = now0.gauges[0]!;
  // Real reports: the simulator leaves reported gauges alone from now on. The others read dry, so
  // the simulator's random showers cannot add their ponding to the scenario's start.
  const dry = now0.gauges.slice(1).map((g) => ({ componentCode: g.code, state: 'intact', value: 0 }));
  const ing = await page.request.post('/api/trpc/ingest.batch', {
    headers: { Authorization: `Bearer ${INGEST_TOKEN}`, 'content-type': 'application/json' },
    data: { city, changes: [{ componentCode: gauge.code, state: 'alarm', value: 0.5 }, ...dry] },
  });
  expect(ing.ok(), await ing.text()).toBeTruthy();

  await openTwin(page, city);
  await page.getByTestId('forecast-open').click();
  const form = page.getByTestId('forecast-form');
  await expect(form).toBeVisible();
  // the sample city's gauges stand at street low points: the rivers keep their normal level
  await expect(form.getByTestId('forecast-body')).toHaveCount(2);
  await expect(form.getByTestId('forecast-body').first()).toHaveAttribute('data-source', 'normal');
  await expect(form.getByTestId('forecast-ponding')).toContainText('0.50');
  await form.getByTestId('forecast-table').fill('时间 mm/h\n0 40\nabc 1');
  await expect(form.getByTestId('forecast-issues')).toContainText('3');
  await expect(form.getByTestId('forecast-create')).toBeDisabled();
  await form.getByTestId('forecast-table').fill(TABLE);
  await expect(form.getByTestId('forecast-rows')).toContainText('3');
  await form.getByTestId('forecast-horizon').fill('1');
  await form.getByTestId('forecast-name').fill('e2e forecast');
  await page.screenshot({ path: 'test-results/forecast-form-zh.png' });
  await form.getByTestId('forecast-create').click();
  await expect(page.getByTestId('forecast-summary')).toBeVisible();
  await expect(page.getByTestId('scenario-item').filter({ hasText: 'e2e forecast' }).getByTestId('forecast-badge')).toBeVisible();

  const recs = await trpcQuery<{ id: string; name: string }[]>(page.request, 'scenario.list', { city });
  const id = recs.find((r) => r.name === 'e2e forecast')!.id;
  const s = (await trpcQuery<Stored>(page.request, 'scenario.get', { id })).scenario;
  expect(s.forecast!.nowS).toBe(0);
  expect(s.rainfall).toEqual({ type: 'table', table: [{ time: 0, rainMmPerH: 10 }, { time: 1800, rainMmPerH: 20 }, { time: 3600, rainMmPerH: 0 }] });
  expect(s.duration).toBe(3600);
  expect(s.terrain).toMatchObject({ source: 'city', fillWater: false });
  // two river/pond polygons at the normal level, and the gauge's ponding
  expect(s.initialWater).toHaveLength(3);
  // a 25 m grid keeps the run short (the duty officer may set it in the editor the same way)
  await mutate(page, 'scenario.update', { id, scenario: { ...s, cellSize: 25 } });
});

test('it runs like any scenario and compares with the plain what-if', async () => {
  test.setTimeout(300_000);
  const plain = await runScenario(page, city, 'e2e plain', {
    name: 'e2e plain', terrain: { source: 'city' }, buildings: { from: 'city', mode: 'raise', height: 3 }, cellSize: 25,
    rainfall: { type: 'table', table: [{ time: 0, rainMmPerH: 10 }, { time: 1800, rainMmPerH: 20 }, { time: 3600, rainMmPerH: 0 }] },
    drainage: { returnPeriodYears: 2, formula: 'beijing' }, duration: 3600, outputInterval: 300,
  });
  await page.reload();
  await page.waitForFunction(() => (window.__twin?.renderedFrames ?? 0) > 0, null, { timeout: 120_000 });
  await page.getByTestId('scenario-item').filter({ hasText: 'e2e forecast' }).click();
  await expect(page.getByTestId('forecast-summary')).toBeVisible();
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('impact-panel')).toBeVisible({ timeout: 240_000 });
  const runs = await trpcQuery<(Run & { scenarioName: string })[]>(page.request, 'run.list', { city });
  const fc = runs.find((r) => r.scenarioName === 'e2e forecast' && r.status === 'succeeded')!;
  const pl = runs.find((r) => r.id === plain.id)!;
  // it started with the gauge's ponding on top of the same rivers and ponds
  expect(fc.summary!.volumes.storedStart_m3).toBeGreaterThan(pl.summary!.volumes.storedStart_m3 + 1);

  await page.getByTestId('results-tab-compare').click();
  await expect(page.getByTestId('compare-baseline')).toHaveValue(plain.id);
  await expect(page.getByTestId('compare-summary')).toBeVisible({ timeout: 60_000 });
  await page.waitForFunction(() => window.__twin?.compare.shown() === true, null, { timeout: 60_000 });
  const diff = await page.evaluate(([x, y]) => window.__twin!.compare.diffAt(x!, y!), [gauge.x, gauge.y]);
  // deeper where the gauge read water, by more than the map's neutral band (±2 cm; the 25 m cell's
  // ground is the mean over the cell, higher than the gauge's low point, so less than 0.5 m)
  expect(diff).toBeGreaterThan(0.05);
  await page.evaluate(([x, y]) => window.__twin!.flyToPoint(x!, y!, 500), [gauge.x, gauge.y]);
  await page.waitForTimeout(1200);
  await nextFrames(page, 2);
  await page.screenshot({ path: 'test-results/forecast-compare-zh.png' });
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('results-tab-compare')).toHaveText('Compare');
  await expect(page.getByTestId('forecast-summary')).toContainText('Forecast scenario');
  await nextFrames(page, 1);
  await page.screenshot({ path: 'test-results/forecast-compare-en.png' });
  await page.getByTestId('forecast-open').click();
  await expect(page.getByTestId('forecast-now')).toContainText('Water now');
  await page.getByTestId('forecast-table').fill(TABLE);
  await page.screenshot({ path: 'test-results/forecast-form-en.png' });
});
