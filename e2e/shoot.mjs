// Manual look-around: screenshots of the pages in headless Debian Chromium.
//   node e2e/shoot.mjs http://localhost:3000 /tmp/shots [zh|en]
import { chromium } from '@playwright/test';
import { mkdirSync } from 'node:fs';

const base = process.argv[2] ?? 'http://localhost:3000';
const out = process.argv[3] ?? '/tmp/shots';
const lang = process.argv[4] ?? 'zh';
mkdirSync(out, { recursive: true });
const args = ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args });
const page = await browser.newPage({ viewport: { width: 1280, height: 760 }, locale: lang === 'zh' ? 'zh-CN' : 'en-US' });
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log('console', m.type(), m.text().slice(0, 300)); });
page.on('pageerror', (e) => console.log('pageerror', e.message));
const t0 = Date.now();
await page.goto(base + '/', { waitUntil: 'networkidle', timeout: 180_000 });
await page.waitForTimeout(1500);
await page.screenshot({ path: `${out}/home-${lang}.png` });
console.log('home', Date.now() - t0);
const city = await page.evaluate(async () => (await (await fetch('/api/trpc/city.list')).json()).result.data[0].slug);
await page.goto(`${base}/twin/${city}`, { timeout: 180_000 });
await page.waitForFunction(() => window.__twin?.ready, null, { timeout: 240_000, polling: 500 });
await page.waitForTimeout(1500);
console.log('ready', Date.now() - t0, await page.evaluate(() => ({ dc: window.__twin.drawCalls, ms: window.__twin.frameMs, n: window.__twin.componentCount, seq: window.__twin.seq, t: window.__twin.timings })));
await page.screenshot({ path: `${out}/twin-${lang}.png` });
const idx = Number(process.env.IDX ?? 100);
await page.evaluate((i) => window.__twin.flyToComponent(i, 60), idx);
await page.waitForTimeout(2500);
await page.screenshot({ path: `${out}/street-${lang}.png` });
const p = await page.evaluate((i) => window.__twin.project(i), idx);
console.log('project', p);
await page.mouse.click(p.x, p.y);
await page.waitForTimeout(2500);
await page.screenshot({ path: `${out}/inspector-${lang}.png` });
await page.evaluate(() => window.__twin.home());
await page.waitForTimeout(1000);
const g = await page.evaluate(() => { const c = window.__twin.gridCentroid(5); return window.__twin.projectPoint(c.x, c.y, window.__twin.groundZ(c.x, c.y)); });
await page.mouse.click(g.x, g.y);
await page.waitForTimeout(2500);
await page.screenshot({ path: `${out}/grid-${lang}.png` });
await browser.close();
