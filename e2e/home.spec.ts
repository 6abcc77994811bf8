import { expect, test } from '@playwright/test';
import { trpcQuery } from './helpers';

test('the city list shows each city with its picture and counts, and opens the twin', async ({ page, request }) => {
  const cities = await trpcQuery<{ slug: string; name: { zh: string; en: string }; counts: { components: number } }[]>(request, 'city.list');
  await page.goto('/');
  for (const c of cities) {
    const card = page.getByTestId(`city-${c.slug}`);
    await expect(card).toContainText(c.name.zh);
    await expect(card.locator('canvas.city-thumb')).toBeVisible();
    await expect(card).toContainText(c.counts.components.toLocaleString('zh-CN'));
  }
  // the thumbnail is drawn from the city's layers (not blank)
  await page.waitForFunction(() => {
    const cv = document.querySelector('canvas.city-thumb') as HTMLCanvasElement | null;
    if (!cv) return false;
    const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
    let lit = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i]! + d[i + 1]! + d[i + 2]! > 150) lit++;
    return lit > 500;
  }, null, { timeout: 30_000 });
  await page.getByTestId(`city-${cities[0]!.slug}`).click();
  // the twin then writes its view into the address (share links): the path is what matters here
  await expect(page).toHaveURL(new RegExp(`/twin/${cities[0]!.slug}(\\?|$)`));
});

test('English browsers get English by default', async ({ browser, baseURL }) => {
  const ctx = await browser.newContext({ baseURL, locale: 'en-US' });
  const page = await ctx.newPage();
  await page.goto('/');
  await expect(page.locator('h1')).toHaveText('City Twin');
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
  await ctx.close();
});
