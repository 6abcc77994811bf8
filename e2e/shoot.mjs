// Manual look-around: screenshots of the pages in headless Debian Chromium.
//   node --import tsx e2e/shoot.mjs http://localhost:3200 /tmp/shots zh|en
// (tsx for the flags shared with playwright.config.ts)
import { chromium } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { CHROMIUM_ARGS } from './flags.ts';

const base = process.argv[2] ?? 'http://localhost:3000';
const out = process.argv[3] ?? '/tmp/shots';
const lang = process.argv[4] ?? 'zh';
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: 1280, height: 760 }, locale: lang === 'zh' ? 'zh-CN' : 'en-US' });
page.on('console', (m) => { if (m.type() === 'error') console.log('console', m.type(), m.text().slice(0, 300)); });
page.on('pageerror', (e) => console.log('pageerror', e.message));
const settle = async () => {
  const s = await page.evaluate(() => window.__twin.renderedFrames);
  await page.waitForFunction((n) => window.__twin.renderedFrames > n, s, { timeout: 30_000 }).catch(() => {});
  await page.waitForTimeout(1200);
};
const shot = async (name) => { await page.screenshot({ path: `${out}/${name}-${lang}.png` }); console.log('shot', name); };
await page.goto(base + '/', { waitUntil: 'networkidle' });
await page.waitForTimeout(800);
await shot('home');
const city = await page.evaluate(async () => (await (await fetch('/api/trpc/city.list')).json()).result.data[0].slug);
await page.goto(`${base}/twin/${city}`);
await page.waitForFunction(() => window.__twin?.ready && window.__twin.seq >= 0, null, { timeout: 240_000, polling: 500 });
await page.waitForTimeout(2500);
await shot('twin');
const find = (cls) => page.evaluate((k) => {
  const t = window.__twin; let best = -1, bd = Infinity;
  for (let i = 0; i < t.componentCount; i++) { const p = t.componentPos(i); if (p.classIndex === k) { const d = Math.hypot(p.x - 150, p.y - 100); if (d < bd) { bd = d; best = i; } } }
  return best;
}, cls);
// a street with components: a bus stop (class 8), and a bin (9)
for (const [cls, name, dist] of [[8, 'busstop', 45], [10, 'billboard', 60], [7, 'gauge', 25]]) {
  const i = await find(cls);
  await page.evaluate(([k, d]) => window.__twin.flyToComponent(k, d), [i, dist]);
  await settle();
  await shot(name);
}
const i = await find(4);
await page.evaluate((k) => window.__twin.flyToComponent(k, 40), i);
await settle();
const p = await page.evaluate((k) => window.__twin.project(k), i);
await page.mouse.click(p.x, p.y);
await page.waitForTimeout(2500);
await shot('inspector');
await page.evaluate(() => { window.__twin.select(null); window.__twin.home(); });
await settle();
const g = await page.evaluate(() => {
  const t = window.__twin; let best = 0, bd = Infinity;
  for (let k = 0; k < t.gridCount(); k++) { const c = t.gridCentroid(k); const d = Math.hypot(c.x - 200, c.y + 100); if (d < bd) { bd = d; best = k; } }
  const c = t.gridCentroid(best); return t.projectPoint(c.x, c.y, t.groundZ(c.x, c.y));
});
await page.evaluate(() => window.__twin.setLayer('components', false));
await page.mouse.click(g.x, g.y);
await page.evaluate(() => window.__twin.setLayer('components', true));
await page.waitForTimeout(2500);
await shot('grid');
await browser.close();
