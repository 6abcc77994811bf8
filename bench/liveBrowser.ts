// The browser half of `npm run bench -- live`: main-thread milliseconds per rendered frame and draw
// calls of the twin page while the server's simulator drives its live stream, beside a baseline of
// the same components as one Cesium Entity each (bench/baseline/entities.html), measured the same
// way in the same headless Chromium (SwiftShader WebGL, 1280x720).
//
// Main-thread time: CDP Performance.getMetrics TaskDuration (busy seconds of the page's renderer
// main thread) before and after the window, divided by the frames the page rendered in it (the
// twin: __twin.renderedFrames, one per Cesium frame drawn on demand; the baseline: scene.postRender
// events, Cesium rendering continuously). A window lasts at least `seconds` and MIN_FRAMES frames.
// The baseline is measured twice: its entities alone, then with updates arriving at 100,000/s
// (generated in its page by the server simulator's rule; see bench/baseline/entities.html). One
// renderer's V8 heap (4 GB cap) holds only about 300,000 point entities: the baseline stops adding
// at a heap limit and says how many it measured.
//
// Standalone: npx tsx bench/liveBrowser.ts --url http://127.0.0.1:3400 --city huaibei
//   [--seconds 10] [--rate 100000] [--budget 300] [--max-entities N] [--heap-limit MB]
//   [--shots /tmp/h3shots] [--no-baseline] [--no-ours]
import { readFile, mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join, normalize, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../e2e/flags';
import { COMPONENT_CLASSES, COMPONENT_STATES } from '../models/components';
import { decodeLayer } from '../models/layers';
import { enuToEcef, enuToGeodetic, type Geodetic } from '../models/geo';

export interface BrowserBenchOptions {
  baseUrl: string;
  city: string;
  /** measuring window of each page, seconds (default 10) */
  seconds?: number;
  log?: (s: string) => void;
  /** baseline colour updates per second generated in its page (default 100,000) */
  baselineRate?: number;
  /** time allowed to create the baseline's entities, seconds (default 300) */
  baselineBudgetSeconds?: number;
  /** directory for screenshots of both pages (none when unset) */
  screenshotDir?: string;
  /** create at most this many baseline entities (default: all) */
  baselineMaxEntities?: number;
  /** stop creating baseline entities when the page's JS heap passes this (default 2900 MB; V8's cap is 4 GB) */
  baselineHeapLimitMB?: number;
  /** skip the twin page (to iterate on the baseline) */
  skipOurs?: boolean;
  /** skip the baseline (its setup takes minutes) */
  skipBaseline?: boolean;
}

export interface BrowserBenchResult {
  drawCalls: number;
  mainThreadMsPerFrame: number;
  framesPerSecond: number;
  updatesPerSecondReceived: number;
  baselineMainThreadMsPerFrame: number;
  baselineFramesPerSecond: number;
  baselineEntities: number;
  baselineSetupSeconds: number;
  /** the baseline's entities with no updates: main-thread ms per frame (what they cost by themselves) */
  baselineIdleMainThreadMsPerFrame: number;
  notes: string[];
}

const VIEWPORT = { width: 1280, height: 720 };
/** a window ends when it has lasted `seconds` and holds at least this many frames (or at MAX_WINDOW_S) */
const MIN_FRAMES = 5;
const MAX_WINDOW_S = 300;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface CityInfo { originLonDeg: number; originLatDeg: number; originHeightM: number; extent: [number, number, number, number] }

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  return (await res.json()) as T;
}

/** The city's components as ECEF positions (metres, Float64 x,y,z) and the twin's home view. */
async function loadCity(baseUrl: string, city: string) {
  const input = encodeURIComponent(JSON.stringify({ city }));
  const info = (await getJson<{ result: { data: CityInfo } }>(`${baseUrl}/api/trpc/city.get?input=${input}`)).result.data;
  const res = await fetch(`${baseUrl}/api/layers/${city}/components`);
  if (!res.ok) throw new Error(`GET components layer: HTTP ${res.status}`);
  const comp = decodeLayer('components', new Uint8Array(await res.arrayBuffer()));
  const origin: Geodetic = { lonDeg: info.originLonDeg, latDeg: info.originLatDeg, heightM: info.originHeightM };
  // Components in a spread order (k -> k * step mod count, step coprime with count), so that when
  // the baseline page can hold only some of them, those cover the whole city; with each its
  // telemetry kind for the simulator's update rule: 0 none, 1 light, 2 other.
  const n = comp.count;
  let step = Math.round(n * 0.618) | 1;
  while (gcd(step, n) !== 1) step += 2;
  const ecef = new Float64Array(3 * n), kind = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = (k * step) % n;
    const p = enuToEcef([comp.x[i]!, comp.y[i]!, comp.z[i]!], origin);
    ecef[3 * k] = p[0]; ecef[3 * k + 1] = p[1]; ecef[3 * k + 2] = p[2];
    const t = COMPONENT_CLASSES[comp.classIndex[i]!]?.telemetry ?? 'none';
    kind[k] = t === 'none' ? 0 : t === 'light' ? 1 : 2;
  }
  // scene/TwinEngine.ts home(): a little south of the centre, pitch -0.85, range 1.02 x the diagonal;
  // the ground height there is taken as the median component height within 100 m
  const [x0, y0, x1, y1] = info.extent;
  const cx = 0.5 * (x0 + x1), cy = 0.5 * (y0 + y1) - 0.06 * (y1 - y0);
  const near: number[] = [];
  for (let i = 0; i < comp.count; i++) if (Math.abs(comp.x[i]! - cx) < 100 && Math.abs(comp.y[i]! - cy) < 100) near.push(comp.z[i]!);
  near.sort((a, b) => a - b);
  const cz = near.length ? near[near.length >> 1]! : 0;
  const g = enuToGeodetic([cx, cy, cz], origin);
  const home = { lonDeg: g.lonDeg, latDeg: g.latDeg, heightM: g.heightM, pitchRad: -0.85, rangeM: Math.hypot(x1 - x0, y1 - y0) * 1.02 };
  return { count: n, ecef, kind, home };
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.xml': 'application/xml', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
};

/** The baseline's static server: its page, Cesium's built assets, the positions and the page's parameters. */
async function serveBaseline(ecef: Float64Array, kind: Uint8Array, meta: unknown): Promise<{ server: Server; url: string }> {
  const cesiumDir = join(dirname(createRequire(import.meta.url).resolve('cesium/package.json')), 'Build', 'Cesium');
  const html = await readFile(join(root, 'bench', 'baseline', 'entities.html'));
  const positions = Buffer.from(ecef.buffer, ecef.byteOffset, ecef.byteLength);
  const metaJson = Buffer.from(JSON.stringify(meta));
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const send = (type: string, body: Buffer) => { res.writeHead(200, { 'content-type': type, 'content-length': body.byteLength }); res.end(body); };
    try {
      if (path === '/' || path === '/index.html') return send(MIME['.html']!, html);
      if (path === '/positions.bin') return send('application/octet-stream', positions);
      if (path === '/kinds.bin') return send('application/octet-stream', Buffer.from(kind.buffer, kind.byteOffset, kind.byteLength));
      if (path === '/meta.json') return send(MIME['.json']!, metaJson);
      if (path.startsWith('/cesium/')) {
        const rel = normalize(path.slice('/cesium/'.length));
        if (rel.startsWith('..')) throw new Error('outside');
        return send(MIME[extname(rel)] ?? 'application/octet-stream', await readFile(join(cesiumDir, rel)));
      }
    } catch { /* 404 below */ }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

async function taskSeconds(cdp: CDPSession): Promise<{ task: number; script: number }> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const get = (n: string) => metrics.find((m) => m.name === n)?.value ?? 0;
  return { task: get('TaskDuration'), script: get('ScriptDuration') };
}

/**
 * Measures one page: main-thread busy time (CDP TaskDuration) over a window of at least `seconds`
 * and MIN_FRAMES frames, divided by the frames counted by `frames()` in the page.
 */
async function measure(page: Page, cdp: CDPSession, seconds: number, frames: () => number, log: (s: string) => void) {
  const count = () => page.evaluate(frames);
  const raf = () => page.evaluate(() => (window as unknown as { __rafCount: number }).__rafCount);
  // both ends of the window just after a frame, so whole frames are counted against the busy time
  const afterFrame = async (prev: number) => {
    for (;;) {
      const c = await count();
      if (c > prev) return c;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const r0 = await raf();
  const f0 = await afterFrame(await count());
  const m0 = await taskSeconds(cdp);
  const t0 = performance.now();
  let f1 = f0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    f1 = await count();
    const el = (performance.now() - t0) / 1000;
    if ((el >= seconds && f1 - f0 >= MIN_FRAMES - 1) || el >= MAX_WINDOW_S) break;
  }
  f1 = await afterFrame(f1);
  const m1 = await taskSeconds(cdp);
  const wall = (performance.now() - t0) / 1000;
  const r1 = await raf();
  const n = f1 - f0;
  const busy = m1.task - m0.task;
  log(`  ${n} frames in ${wall.toFixed(1)} s, main thread busy ${busy.toFixed(2)} s (script ${(m1.script - m0.script).toFixed(2)} s), ${r1 - r0} rAF callbacks`);
  return { frames: n, wall, busySeconds: busy, scriptSeconds: m1.script - m0.script, raf: r1 - r0, msPerFrame: n > 0 ? (busy * 1000) / n : NaN };
}

// a string, not a function: tsx (esbuild keepNames) would wrap inner functions in __name(), unknown in the page
const installRaf = `(() => {
  if (typeof window.__rafCount === 'number') return;
  window.__rafCount = 0;
  const tick = () => { window.__rafCount++; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})()`;

/** The twin's live rate as the page knows it: a hook when there is one, else the status line. */
async function twinRate(page: Page): Promise<{ rate: number; source: string }> {
  return page.evaluate(() => {
    const t = window.__twin as unknown as Record<string, unknown> | undefined;
    if (t && typeof t.changesPerSec === 'number') return { rate: t.changesPerSec, source: '__twin.changesPerSec' };
    const line = document.querySelector('[data-testid="status-line"]')?.textContent ?? '';
    const m = /([\d.,\s\u00a0\u202f]+)\s*(changes\/s|次变更\/秒)/.exec(line);
    if (m) return { rate: Number(m[1]!.replace(/[^\d.]/g, '')), source: 'status line (changes/s, 1 s moving average)' };
    return { rate: NaN, source: 'not exposed' };
  });
}

async function runOurs(browser: Browser, o: Required<Pick<BrowserBenchOptions, 'baseUrl' | 'city' | 'seconds'>>, log: (s: string) => void, notes: string[], shots?: string) {
  const ctx = await browser.newContext({ viewport: VIEWPORT });
  const page = await ctx.newPage();
  // the twin loads its test hooks (window.__twin) only when asked
  await page.addInitScript(() => { (window as unknown as { __TWIN_TEST__: boolean }).__TWIN_TEST__ = true; });
  try {
    const t0 = performance.now();
    await page.goto(`${o.baseUrl}/twin/${o.city}`, { timeout: 120_000 });
    await page.waitForFunction(() => window.__twin?.ready === true, null, { timeout: 300_000, polling: 500 });
    await page.waitForFunction(() => (window.__twin?.seq ?? -1) >= 0, null, { timeout: 120_000, polling: 500 });
    log(`ours: ready in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${await page.evaluate(() => window.__twin!.componentCount)} components`);
    await page.evaluate(() => window.__twin!.home());
    await page.evaluate(installRaf);
    // let the home view draw and the live stream settle
    const s = await page.evaluate(() => window.__twin!.renderedFrames);
    await page.waitForFunction((n) => window.__twin!.renderedFrames >= n, s + 2, { timeout: 120_000, polling: 200 });
    await page.waitForTimeout(2000);
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Performance.enable');
    const live0 = await page.evaluate(() => window.__twin!.liveStats?.());
    const m = await measure(page, cdp, o.seconds, () => window.__twin!.renderedFrames, log);
    const live1 = await page.evaluate(() => window.__twin!.liveStats?.());
    const drawCalls = await page.evaluate(() => window.__twin!.drawCalls);
    let rate = await twinRate(page);
    if (live0 && live1) {
      const e0 = (live0 as { entries?: number }).entries, e1 = (live1 as { entries?: number }).entries;
      if (typeof e0 === 'number' && typeof e1 === 'number') rate = { rate: (e1 - e0) / m.wall, source: `__twin.liveStats().entries over the window (status line said ${Math.round(rate.rate)})` };
      notes.push(`ours: ${live1.deltas - live0.deltas} live delta frames in ${m.wall.toFixed(1)} s, gaps ${live1.gaps - live0.gaps}, snapshots ${live1.snapshots - live0.snapshots}`);
    }
    notes.push(`ours: updates/s received from ${rate.source}; the socket and decoding run in a worker, whose time is not main-thread time`);
    notes.push(`ours: ${m.frames} frames (__twin.renderedFrames: frames the twin drew, on demand), ${m.raf} rAF callbacks, ${m.busySeconds.toFixed(2)} s main-thread busy (${m.scriptSeconds.toFixed(2)} s script) in ${m.wall.toFixed(1)} s`);
    notes.push('ours: drawCalls = __twin.drawCalls, three.js gl.info.render.calls of the whole Three layer (components, grids, buildings, terrain, water...), Cesium globe draws not included');
    if (shots) {
      await page.screenshot({ path: join(shots, 'ours-whole-city.png'), timeout: 120_000 });
      notes.push(`ours: screenshot ${join(shots, 'ours-whole-city.png')}`);
    }
    await cdp.detach();
    return { drawCalls, msPerFrame: m.msPerFrame, fps: m.frames / m.wall, rate: rate.rate };
  } finally {
    await ctx.close();
  }
}

async function runBaseline(browser: Browser, city: Awaited<ReturnType<typeof loadCity>>, seconds: number, rate: number, budgetS: number, maxEntities: number, heapLimitMB: number, log: (s: string) => void, notes: string[], shots?: string) {
  const meta = { seed: 20240601, rate, pixelSize: 3, home: city.home, heapLimitMB, stateColors: COMPONENT_STATES.map((st) => st.color) };
  const { server, url } = await serveBaseline(city.ecef, city.kind, meta);
  const ctx = await browser.newContext({ viewport: VIEWPORT });
  const page = await ctx.newPage();
  try {
    await page.goto(url, { timeout: 120_000 });
    await page.waitForFunction(() => {
      const b = (window as unknown as { __baseline?: { phase: string } }).__baseline;
      return b?.phase === 'ready' || b?.phase === 'error';
    }, null, { timeout: 120_000, polling: 200 });
    const err = await page.evaluate(() => (window as unknown as { __baseline: { error: string | null } }).__baseline.error);
    if (err) throw new Error(`baseline page: ${err}`);
    log(`baseline: creating ${city.count} Cesium entities (budget ${budgetS} s)...`);
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Performance.enable');
    const heapMB = async () => (await cdp.send('Runtime.getHeapUsage')).usedSize / 1e6;
    const progress = setInterval(() => {
      Promise.all([page.evaluate(() => (window as unknown as { __baseline: { created: number; phase: string } }).__baseline), heapMB()])
        .then(([b, mb]) => log(`  ${b.created} entities created (${b.phase}), JS heap ${mb.toFixed(0)} MB`)).catch(() => {});
    }, 10_000);
    const setup = await page.evaluate(
      ([ms, max]) => (window as unknown as { __baseline: { start(ms: number, max: number): Promise<{ created: number; setupSeconds: number }> } }).__baseline.start(ms, max),
      [budgetS * 1000, maxEntities] as const,
    ).finally(() => clearInterval(progress));
    log(`baseline: ${setup.created} entities drawn ${setup.setupSeconds.toFixed(1)} s after creation began, JS heap ${(await heapMB()).toFixed(0)} MB`);
    const stoppedBy = await page.evaluate(() => (window as unknown as { __baseline: { stoppedBy: string | null } }).__baseline.stoppedBy);
    if (setup.created < city.count) notes.push(`baseline: only ${setup.created} of ${city.count} entities created (stopped by ${stoppedBy ?? 'max-entities'}; with all of them the renderer ran out of its 4 GB V8 heap and crashed at about 340,000); figures are for those ${setup.created}, not extrapolated`);
    await page.evaluate(installRaf);
    type BL = { frames: number; arrived: number; updates: number; updateMs: number; resumeMs: number; startUpdates(): void };
    const bl = () => page.evaluate(() => {
      const b = (window as unknown as { __baseline: BL }).__baseline;
      return { frames: b.frames, arrived: b.arrived, updates: b.updates, updateMs: b.updateMs, resumeMs: b.resumeMs, t: performance.now() };
    });
    const frames = () => (window as unknown as { __baseline: { frames: number } }).__baseline.frames;
    // the same entities without updates first: what the entities cost a frame by themselves
    log('baseline: no updates');
    const idle = await measure(page, cdp, seconds, frames, log);
    notes.push(`baseline without updates: ${idle.msPerFrame.toFixed(0)} ms main thread per frame, ${(idle.frames / idle.wall).toFixed(2)} frames/s (${idle.frames} frames in ${idle.wall.toFixed(1)} s)`);
    await page.evaluate(() => (window as unknown as { __baseline: BL }).__baseline.startUpdates());
    // settle: two frames with updates flowing
    const f = (await bl()).frames;
    await page.waitForFunction((n) => (window as unknown as { __baseline: BL }).__baseline.frames >= n, f + 2, { timeout: 900_000, polling: 500 });
    log(`baseline: ${rate} updates/s`);
    const u0 = await bl();
    const m = await measure(page, cdp, seconds, frames, log);
    const u1 = await bl();
    const heap = await heapMB();
    const applied = u1.updates - u0.updates, applyMs = u1.updateMs - u0.updateMs, span = (u1.t - u0.t) / 1000;
    notes.push(`baseline: ${setup.created} Cesium entities with point { pixelSize: 3, color }, same globe settings as the twin but requestRenderMode false; updates generated in the page at ${rate}/s by the server load simulator's rule (seeded PRNG, not the live stream), kept per entity (latest wins), state changes applied before each frame (scene.preUpdate) with ConstantProperty.setValue between suspendEvents/resumeEvents; entities taken in a spread order so a partial set covers the city`);
    notes.push(`baseline: ${Math.round((u1.arrived - u0.arrived) / span)} updates/s arrived, ${Math.round(applied / span)}/s state changes applied after coalescing, ${applied ? ((1000 * applyMs) / applied).toFixed(1) : 'n/a'} us each (${m.frames ? (applyMs / m.frames).toFixed(0) : 'n/a'} ms of each frame, ${applyMs ? ((100 * (u1.resumeMs - u0.resumeMs)) / applyMs).toFixed(0) : 'n/a'}% of it in resumeEvents; the rest ${m.frames ? ((m.busySeconds * 1000 - applyMs) / m.frames).toFixed(0) : 'n/a'} ms); JS heap ${heap.toFixed(0)} MB`);
    notes.push(`baseline: ${m.frames} frames (scene.postRender), ${m.raf} rAF callbacks, ${m.busySeconds.toFixed(2)} s main-thread busy (${m.scriptSeconds.toFixed(2)} s script) in ${m.wall.toFixed(1)} s`);
    if (shots) {
      await page.screenshot({ path: join(shots, 'baseline-entities.png'), timeout: 300_000 });
      notes.push(`baseline: screenshot ${join(shots, 'baseline-entities.png')}`);
    }
    await cdp.detach();
    return { msPerFrame: m.msPerFrame, fps: m.frames / m.wall, entities: setup.created, setupSeconds: setup.setupSeconds, idleMsPerFrame: idle.msPerFrame };
  } finally {
    await ctx.close();
    await new Promise((r) => server.close(r));
  }
}

export async function runBrowserBench(opts: BrowserBenchOptions): Promise<BrowserBenchResult> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const seconds = opts.seconds ?? 10;
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const notes: string[] = [];
  if (opts.screenshotDir) await mkdir(opts.screenshotDir, { recursive: true });
  const city = await loadCity(baseUrl, opts.city);
  log(`city ${opts.city}: ${city.count} components`);
  // the baseline's entities need more V8 heap than the default (it stays capped at 4 GB); precise
  // performance.memory lets its page stop short of the cap
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, '--js-flags=--max-old-space-size=8192', '--enable-precise-memory-info'] });
  try {
    const ours = opts.skipOurs
      ? { drawCalls: NaN, msPerFrame: NaN, fps: NaN, rate: NaN }
      : await runOurs(browser, { baseUrl, city: opts.city, seconds }, log, notes, opts.screenshotDir);
    log(`ours: ${ours.msPerFrame.toFixed(2)} ms main thread per frame, ${ours.fps.toFixed(2)} frames/s, ${ours.drawCalls} draw calls, ${Math.round(ours.rate)} updates/s received`);
    let base = { msPerFrame: NaN, fps: NaN, entities: 0, setupSeconds: NaN, idleMsPerFrame: NaN };
    if (!opts.skipBaseline) {
      base = await runBaseline(browser, city, seconds, opts.baselineRate ?? 100_000, opts.baselineBudgetSeconds ?? 300, opts.baselineMaxEntities ?? city.count, opts.baselineHeapLimitMB ?? 2900, log, notes, opts.screenshotDir);
      log(`baseline: ${base.msPerFrame.toFixed(2)} ms main thread per frame, ${base.fps.toFixed(2)} frames/s, ${base.entities} entities`);
    } else notes.push('baseline skipped');
    return {
      drawCalls: ours.drawCalls,
      mainThreadMsPerFrame: ours.msPerFrame,
      framesPerSecond: ours.fps,
      updatesPerSecondReceived: ours.rate,
      baselineMainThreadMsPerFrame: base.msPerFrame,
      baselineFramesPerSecond: base.fps,
      baselineEntities: base.entities,
      baselineSetupSeconds: base.setupSeconds,
      baselineIdleMainThreadMsPerFrame: base.idleMsPerFrame,
      notes,
    };
  } finally {
    await browser.close();
  }
}

function arg(argv: string[], name: string): string | undefined {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  const a = argv[i]!;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  const argv = process.argv.slice(2);
  const num = (n: string) => (arg(argv, n) !== undefined ? Number(arg(argv, n)) : undefined);
  runBrowserBench({
    baseUrl: arg(argv, 'url') ?? 'http://127.0.0.1:3000',
    city: arg(argv, 'city') ?? 'huaibei',
    seconds: num('seconds'),
    baselineRate: num('rate'),
    baselineBudgetSeconds: num('budget'),
    screenshotDir: arg(argv, 'shots'),
    baselineMaxEntities: num('max-entities'),
    baselineHeapLimitMB: num('heap-limit'),
    skipBaseline: argv.includes('--no-baseline'),
    skipOurs: argv.includes('--no-ours'),
  }).then((r) => {
    const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
    console.log('');
    console.log('                          ours (three.js layer)   baseline (Cesium entities)');
    console.log(`main-thread ms / frame    ${f(r.mainThreadMsPerFrame).padEnd(24)}${f(r.baselineMainThreadMsPerFrame)}`);
    console.log(`frames / s                ${f(r.framesPerSecond).padEnd(24)}${f(r.baselineFramesPerSecond)}`);
    console.log(`draw calls (three)        ${String(r.drawCalls).padEnd(24)}-`);
    console.log(`components / entities     ${'all'.padEnd(24)}${r.baselineEntities} (setup ${f(r.baselineSetupSeconds, 1)} s)`);
    console.log(`ratio baseline / ours     ${f(r.baselineMainThreadMsPerFrame / r.mainThreadMsPerFrame, 1)}x less main-thread time per frame`);
    for (const n of r.notes) console.log(`  - ${n}`);
    console.log(JSON.stringify({ bench: 'live-browser', ...r }));
  }).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
