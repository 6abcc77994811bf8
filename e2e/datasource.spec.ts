import { test, expect, type Page } from '@playwright/test';
import { firstCity, ingest, openTwin, trpcQuery } from './helpers';

// The inspector says where a component's state comes from (issue 15): the simulator for a
// generated city's component, the real source once it has reported, in Chinese and in English.

test.describe.configure({ mode: 'serial' });
let page: Page;
let city: string;

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  city = await firstCity(page.request);
  await openTwin(page, city);
});
test.afterAll(async () => page?.close());

const shot = async (name: string) => {
  if (process.env.SHOTS_DIR) await page.screenshot({ path: `${process.env.SHOTS_DIR}/${name}.png` });
};

test('a simulated component says so; after a real report it says real, in zh and en', async () => {
  const index = 120;
  const detail = await trpcQuery<{ code: string; dataSource: string; state: string }>(page.request, 'component.get', { city, index });
  expect(detail.dataSource).toBe('simulated');
  await page.evaluate((i) => window.__twin!.select({ kind: 'component', index: i }), index);
  const source = page.getByTestId('data-source');
  await expect(source).toHaveAttribute('data-source', 'simulated');
  await expect(source).toHaveText('模拟数据');
  await shot('inspector-simulated-zh');

  const res = await ingest(page.request, city, [{ componentCode: detail.code, state: detail.state === 'damaged' ? 'missing' : 'damaged' }]);
  expect(res.ok(), await res.text()).toBeTruthy();
  await expect(source).toHaveAttribute('data-source', 'real', { timeout: 10_000 });
  await expect(source).toHaveText('真实设备上报');
  await shot('inspector-real-zh');

  await page.getByRole('button', { name: '语言' }).click(); // the language switch (its label is the current language's word)
  await expect(source).toHaveText('Real device reports');
  await shot('inspector-real-en');
});
