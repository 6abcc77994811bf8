import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { decodeLayer } from '../models/layers';
import { firstCity, nextFrames, openTwin, plannerPage, trpcQuery } from './helpers';

// The planner edits on the map: draws a barrier in front of a prone point and sees the coarse
// preview come, drags a pump and undoes it, measures a distance. One scenario made through the
// API (a 25 m grid, so its 50 m preview is quick).

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;
let city: string;
let scenarioId: string;
let prone: { x: number; y: number };
const PUMP: [number, number] = [0, 0];

interface Stored { scenario: { barriers?: { line: [number, number][]; height: number }[]; pumps?: { at: [number, number] }[] } }

test.beforeAll(async ({ browser, baseURL, request }) => {
  city = await firstCity(request);
  ({ context, page } = await plannerPage(browser, baseURL));
});

test.afterAll(async () => {
  // the previews' full runs are not waited for: stop them before the server goes
  if (page && city) {
    const runs = await trpcQuery<{ id: string; status: string }[]>(page.request, 'run.list', { city }).catch(() => []);
    for (const r of runs) if (r.status === 'queued' || r.status === 'running') await page.request.post('/api/trpc/run.cancel', { data: { id: r.id }, headers: { 'content-type': 'application/json' } });
  }
  await context?.close();
});

/** page pixel of a local ground point */
async function px(x: number, y: number): Promise<{ x: number; y: number }> {
  return page.evaluate(([lx, ly]) => { const t = window.__twin!; return t.projectPoint(lx!, ly!, t.groundZ(lx!, ly!)); }, [x, y]);
}

async function stored(): Promise<Stored> {
  return trpcQuery<Stored>(page.request, 'scenario.get', { id: scenarioId });
}

test('a barrier drawn in front of a prone point: a wall up to its crest, saved, and the coarse preview comes', async () => {
  // about a minute on a quiet machine; the bound is for one shared by several builds
  test.setTimeout(180_000);
  const res0 = await page.request.get(`/api/layers/${encodeURIComponent(city)}/prone`);
  expect(res0.ok()).toBeTruthy();
  const p0 = decodeLayer('prone', new Uint8Array(await res0.body()));
  prone = { x: p0.x[0]!, y: p0.y[0]! };
  PUMP[0] = Math.round(prone.x - 80); PUMP[1] = Math.round(prone.y - 60);
  const res = await page.request.post('/api/trpc/scenario.create', {
    data: {
      city, name: 'e2e map edit', scenario: {
        name: 'e2e map edit', terrain: { source: 'city' }, cellSize: 25, duration: 1800, outputInterval: 600,
        rainfall: { type: 'design', formula: 'beijing', returnPeriodYears: 50, durationMin: 30, peakCoefficient: 0.355, stepMin: 5 },
        pumps: [{ name: 'P1', at: PUMP, capacity: 1, startDepth: 0.1 }],
      },
    },
    headers: { 'content-type': 'application/json' },
  });
  expect(res.ok(), await res.text()).toBeTruthy();
  scenarioId = ((await res.json()) as { result: { data: { id: string } } }).result.data.id;
  await openTwin(page, city);
  await page.getByTestId('scenario-item').filter({ hasText: 'e2e map edit' }).click();
  await expect(page.getByTestId('map-edit')).toBeVisible();
  await page.evaluate(([x, y]) => window.__twin!.flyToPoint(x!, y!, 450), [prone.x, prone.y]);
  await nextFrames(page, 2);

  await page.getByTestId('edit-crest').fill('1.5');
  await page.getByTestId('edit-tool-barriers').click();
  for (const [dx, dy] of [[-60, 40], [0, 55], [60, 40]] as const) {
    const p = await px(prone.x + dx, prone.y + dy);
    await page.mouse.click(p.x, p.y);
  }
  await expect(page.getByTestId('edit-hint')).toContainText('3');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.__twin!.edit.wallCount() === 1);
  await expect(page.getByTestId('list-barriers').locator('.fac-item')).toHaveCount(1);
  // saved through scenario.update, then the preview: the 50 m coarse grid on screen (on a busy
  // machine the full 25 m run may already have replaced it: then the preview ran before it)
  await expect(page.getByTestId('run-resolution')).toHaveAttribute('data-kind', /coarse|full/, { timeout: 45_000 });
  const runs = await trpcQuery<{ scenarioId: string; grid: { cellSize: number } | null; createdAt: string }[]>(page.request, 'run.list', { city });
  expect(runs.filter((r) => r.scenarioId === scenarioId).map((r) => r.grid?.cellSize)).toContain(50);
  const b = (await stored()).scenario.barriers![0]!;
  expect(b.height).toBe(1.5);
  expect(b.line).toHaveLength(3);
  // the clicked points landed where they were aimed (within a few metres at this distance)
  expect(Math.hypot(b.line[1]![0] - prone.x, b.line[1]![1] - (prone.y + 55))).toBeLessThan(6);
  await nextFrames(page, 2);
  await page.screenshot({ path: 'test-results/map-edit-barrier-zh.png' });
  // close up, low: the wall stands on the ground up to its crest
  await page.evaluate(([x, y]) => { const t = window.__twin!; const z = t.groundZ(x!, y!); t.lookAt(x!, y! - 90, z + 35, x!, y! + 50, z); }, [prone.x, prone.y]);
  await nextFrames(page, 2);
  await page.screenshot({ path: 'test-results/map-edit-wall-zh.png' });
});

test('a pump dragged on the map moves, and Ctrl+Z puts it back', async () => {
  test.setTimeout(120_000);
  await page.evaluate(([x, y]) => window.__twin!.flyToPoint(x!, y!, 450), [prone.x, prone.y]);
  await page.getByTestId('edit-tool-move').click();
  await expect(page.getByTestId('map-edit')).toHaveAttribute('data-tool', 'move');
  await nextFrames(page, 2);
  const from = await px(PUMP[0], PUMP[1]);
  const to = await px(PUMP[0] + 40, PUMP[1] + 30);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 6 });
  await page.mouse.up();
  const pumps = page.getByTestId('list-pumps').locator('.fac-item').first();
  const xField = pumps.locator('input').nth(1);
  await expect.poll(async () => Math.abs(Number(await xField.inputValue()) - (PUMP[0] + 40))).toBeLessThan(6);
  await page.keyboard.press('Control+z');
  await expect(xField).toHaveValue(String(PUMP[0]));
  // the undo is an edit too: saved (and previewed) with the pump where it was
  await expect.poll(async () => (await stored()).scenario.pumps?.[0]?.at, { timeout: 20_000 }).toEqual(PUMP);
  await page.keyboard.press('Control+Shift+z');
  await expect.poll(async () => Math.abs(Number(await xField.inputValue()) - (PUMP[0] + 40))).toBeLessThan(6);
});

test('measure a distance on the map', async () => {
  test.setTimeout(120_000);
  await page.getByTestId('measure-distance').click();
  await expect(page.getByTestId('map-edit')).toHaveAttribute('data-tool', 'off');
  // from straight above: the clicked ground points are not hidden behind buildings
  await page.evaluate(([x, y]) => { const t = window.__twin!; const z = t.groundZ(x!, y!); t.lookAt(x!, y! - 1, z + 500, x!, y!, z); }, [prone.x, prone.y]);
  await nextFrames(page, 2);
  const a = await px(prone.x - 50, prone.y - 20), b = await px(prone.x + 50, prone.y - 20);
  await page.mouse.click(a.x, a.y);
  await page.mouse.click(b.x, b.y);
  const v = page.getByTestId('measure-value');
  await expect(v).toBeVisible();
  expect(Math.abs(Number(await v.getAttribute('data-m')) - 100)).toBeLessThan(6);
  await nextFrames(page, 2);
  await page.screenshot({ path: 'test-results/map-measure-zh.png' });
  // the profile across the prone point, with the shown run's water
  await page.getByTestId('measure-profile').click();
  for (const dx of [-70, 70]) { const p = await px(prone.x + dx, prone.y); await page.mouse.click(p.x, p.y); }
  await expect(page.getByTestId('profile-chart')).toBeVisible();
  await nextFrames(page, 1);
  await page.screenshot({ path: 'test-results/map-profile-zh.png' });
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('measure-bar')).toContainText('Profile');
  await nextFrames(page, 1);
  await page.screenshot({ path: 'test-results/map-profile-en.png' });
});
