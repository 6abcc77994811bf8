// The peers of the live browser bench (bench/liveBrowser.ts): the same components and the same
// updates drawn the ways other engineers would draw them, each in its own page served here —
// Cesium entities and Cesium's PointPrimitiveCollection (bench/baseline/cesium.html), deck.gl's
// ScatterplotLayer with binary attribute updates (bench/baseline/deckgl.html) — measured the same
// way as the twin (measure() below: main-thread busy time from CDP over a window of wall time).
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { COMPONENT_STATES } from '../../models/components';
import { chromiumCpuSeconds } from './procCpu';

export type PeerName = 'entities' | 'points' | 'deckgl';

export interface PeerCity {
  count: number;
  /** ECEF metres (Cesium), ENU metres from the origin (deck.gl), telemetry kind per component */
  ecef: Float64Array;
  enu: Float32Array;
  kind: Uint8Array;
  origin: { lonDeg: number; latDeg: number; heightM: number };
  home: { lonDeg: number; latDeg: number; heightM: number; pitchRad: number; rangeM: number };
}

export interface MeasureWindow {
  frames: number;
  wall: number;
  busySeconds: number;
  scriptSeconds: number;
  raf: number;
  msPerFrame: number;
  /** main-thread busy ms per second of wall time: a cheaper frame drawn more often does not flatter it */
  msPerSecond: number;
  /** CPU ms per second of every Chromium process (main thread, workers, SwiftShader's GPU process...) */
  browserCpuMsPerSecond: number;
  /** of which the GPU process (SwiftShader drawing on this machine without a GPU) */
  gpuCpuMsPerSecond: number;
}

/** a window ends when it has lasted `seconds` and holds at least this many frames (or at MAX_WINDOW_S) */
const MIN_FRAMES = 5;
const MAX_WINDOW_S = 300;
const VIEWPORT = { width: 1280, height: 720 };
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.xml': 'application/xml', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
};

async function taskSeconds(cdp: CDPSession): Promise<{ task: number; script: number }> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const get = (n: string) => metrics.find((m) => m.name === n)?.value ?? 0;
  return { task: get('TaskDuration'), script: get('ScriptDuration') };
}

// a string, not a function: tsx (esbuild keepNames) would wrap inner functions in __name(), unknown in the page
export const installRaf = `(() => {
  if (typeof window.__rafCount === 'number') return;
  window.__rafCount = 0;
  const tick = () => { window.__rafCount++; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})()`;

/**
 * Main-thread busy time (CDP TaskDuration: the renderer main thread's busy seconds) over a window
 * of at least `seconds` and MIN_FRAMES frames counted by `frames()` in the page; both ends just
 * after a frame, so whole frames are counted against the busy time.
 */
export async function measure(page: Page, cdp: CDPSession, seconds: number, frames: () => number, log: (s: string) => void): Promise<MeasureWindow> {
  const count = () => page.evaluate(frames);
  const raf = () => page.evaluate(() => (window as unknown as { __rafCount: number }).__rafCount);
  const afterFrame = async (prev: number) => {
    const t = performance.now();
    for (;;) {
      const c = await count();
      if (c > prev || performance.now() - t > 60_000) return c;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const r0 = await raf();
  const f0 = await afterFrame(await count());
  const m0 = await taskSeconds(cdp);
  const c0 = chromiumCpuSeconds();
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
  const c1 = chromiumCpuSeconds();
  const wall = (performance.now() - t0) / 1000;
  const r1 = await raf();
  const n = f1 - f0;
  const busy = m1.task - m0.task;
  const cpu = (1000 * (c1.all - c0.all)) / wall, gpu = (1000 * (c1.gpu - c0.gpu)) / wall;
  log(`  ${n} frames in ${wall.toFixed(1)} s, main thread busy ${busy.toFixed(2)} s (script ${(m1.script - m0.script).toFixed(2)} s): ${((1000 * busy) / wall).toFixed(0)} ms per second, ${r1 - r0} rAF callbacks; all Chromium processes ${cpu.toFixed(0)} CPU ms per second (GPU process ${gpu.toFixed(0)})`);
  return {
    frames: n, wall, busySeconds: busy, scriptSeconds: m1.script - m0.script, raf: r1 - r0, msPerFrame: n > 0 ? (busy * 1000) / n : NaN, msPerSecond: (busy * 1000) / wall,
    browserCpuMsPerSecond: cpu, gpuCpuMsPerSecond: gpu,
  };
}

/** p50 and p99 of a list of milliseconds (NaN when empty). */
export function quantiles(ms: number[]): { p50: number; p99: number; n: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN);
  return { p50: at(0.5), p99: at(0.99), n: s.length };
}

/** The peers' static server: their pages, Cesium's and deck.gl's built bundles, the positions and the pages' parameters. */
async function servePeers(city: PeerCity, meta: unknown): Promise<{ server: Server; url: string }> {
  const req = createRequire(import.meta.url);
  const cesiumDir = join(dirname(req.resolve('cesium/package.json')), 'Build', 'Cesium');
  // the package's folder (its exports hide package.json): up from its entry point
  const pkgDir = (name: string) => {
    let d = dirname(req.resolve(name));
    while (!existsSync(join(d, 'package.json')) || JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).name !== name) d = dirname(d);
    return d;
  };
  const deckFiles: Record<string, string> = {
    '/deck/core.js': join(pkgDir('@deck.gl/core'), 'dist.min.js'),
    '/deck/layers.js': join(pkgDir('@deck.gl/layers'), 'dist.min.js'),
  };
  const pages: Record<string, Buffer> = {
    '/cesium.html': await readFile(join(root, 'bench', 'baseline', 'cesium.html')),
    '/deckgl.html': await readFile(join(root, 'bench', 'baseline', 'deckgl.html')),
  };
  const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const blobs: Record<string, Buffer> = { '/positions.bin': bytes(city.ecef), '/enu.bin': bytes(city.enu), '/kinds.bin': bytes(city.kind) };
  const metaJson = Buffer.from(JSON.stringify(meta));
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const send = (type: string, body: Buffer) => { res.writeHead(200, { 'content-type': type, 'content-length': body.byteLength }); res.end(body); };
    try {
      if (pages[path]) return send(MIME['.html']!, pages[path]!);
      if (blobs[path]) return send('application/octet-stream', blobs[path]!);
      if (path === '/meta.json') return send(MIME['.json']!, metaJson);
      if (deckFiles[path]) return send(MIME['.js']!, await readFile(deckFiles[path]!));
      if (path.startsWith('/cesium/')) {
        const rel = normalize(path.slice('/cesium/'.length));
        if (rel.startsWith('..')) throw new Error('outside');
        return send(MIME[extname(rel)] ?? 'application/octet-stream', await readFile(join(cesiumDir, rel)));
      }
    } catch { /* 404 below */ }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export interface PeerOptions {
  seconds: number;
  /** updates per second generated in the page */
  rate: number;
  budgetSeconds: number;
  maxEntities: number;
  heapLimitMB: number;
  log: (s: string) => void;
  notes: string[];
  shots?: string;
}

export interface PeerResult {
  msPerFrame: number;
  msPerSecond: number;
  browserCpuMsPerSecond: number;
  gpuCpuMsPerSecond: number;
  fps: number;
  created: number;
  setupSeconds: number;
  updateToPixel: { p50: number; p99: number; n: number };
}

const LABEL: Record<PeerName, string> = { entities: 'Cesium entities', points: 'Cesium PointPrimitiveCollection', deckgl: 'deck.gl ScatterplotLayer' };

type BL = { phase: string; error: string | null; created: number; stoppedBy: string | null; frames: number; arrived: number; updates: number; updateMs: number; resumeMs: number;
  start(ms: number, max: number): Promise<{ created: number; setupSeconds: number }>; startUpdates(): void; takeLatency(): number[] };
const bl = (page: Page) => page.evaluate(() => {
  const b = (window as unknown as { __baseline: BL }).__baseline;
  return { frames: b.frames, arrived: b.arrived, updates: b.updates, updateMs: b.updateMs, resumeMs: b.resumeMs, t: performance.now() };
});

/** One peer page: create its points, then measure it with updates arriving at `rate` per second. */
export async function runPeer(browser: Browser, peer: PeerName, city: PeerCity, o: PeerOptions): Promise<PeerResult> {
  const { log, notes } = o;
  const meta = { seed: 20240601, rate: o.rate, pixelSize: 3, home: city.home, origin: city.origin, heapLimitMB: o.heapLimitMB, stateColors: COMPONENT_STATES.map((st) => st.color) };
  const { server, url } = await servePeers(city, meta);
  const ctx = await browser.newContext({ viewport: VIEWPORT });
  const page = await ctx.newPage();
  const label = LABEL[peer];
  try {
    await page.goto(peer === 'deckgl' ? `${url}/deckgl.html` : `${url}/cesium.html?mode=${peer}`, { timeout: 120_000 });
    await page.waitForFunction(() => {
      const b = (window as unknown as { __baseline?: BL }).__baseline;
      return b?.phase === 'ready' || b?.phase === 'error';
    }, null, { timeout: 120_000, polling: 200 });
    const err = await page.evaluate(() => (window as unknown as { __baseline: BL }).__baseline.error);
    if (err) throw new Error(`${label} page: ${err}`);
    log(`${label}: creating ${city.count} (budget ${o.budgetSeconds} s)...`);
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Performance.enable');
    const heapMB = async () => (await cdp.send('Runtime.getHeapUsage')).usedSize / 1e6;
    const progress = setInterval(() => {
      Promise.all([page.evaluate(() => (window as unknown as { __baseline: BL }).__baseline), heapMB()])
        .then(([b, mb]) => log(`  ${b.created} created (${b.phase}), JS heap ${mb.toFixed(0)} MB`)).catch(() => {});
    }, 10_000);
    const setup = await page.evaluate(
      ([ms, max]) => (window as unknown as { __baseline: BL }).__baseline.start(ms, max),
      [o.budgetSeconds * 1000, o.maxEntities] as const,
    ).finally(() => clearInterval(progress));
    log(`${label}: ${setup.created} drawn ${setup.setupSeconds.toFixed(1)} s after creation began, JS heap ${(await heapMB()).toFixed(0)} MB`);
    const stoppedBy = await page.evaluate(() => (window as unknown as { __baseline: BL }).__baseline.stoppedBy);
    if (setup.created < city.count) notes.push(`${label}: only ${setup.created} of ${city.count} created (stopped by ${stoppedBy ?? 'max-entities'}); figures are for those ${setup.created}, not extrapolated`);
    await page.evaluate(installRaf);
    await page.evaluate(() => (window as unknown as { __baseline: BL }).__baseline.startUpdates());
    // settle: two frames with updates flowing, then the window
    const f = (await bl(page)).frames;
    await page.waitForFunction((n) => (window as unknown as { __baseline: BL }).__baseline.frames >= n, f + 2, { timeout: 900_000, polling: 500 });
    log(`${label}: ${o.rate} updates/s`);
    await page.evaluate(() => (window as unknown as { __baseline: BL }).__baseline.takeLatency());
    const u0 = await bl(page);
    const m = await measure(page, cdp, o.seconds, () => (window as unknown as { __baseline: BL }).__baseline.frames, log);
    const u1 = await bl(page);
    const lat = quantiles(await page.evaluate(() => (window as unknown as { __baseline: BL }).__baseline.takeLatency()));
    const heap = await heapMB();
    const applied = u1.updates - u0.updates, applyMs = u1.updateMs - u0.updateMs, span = (u1.t - u0.t) / 1000;
    notes.push(`${label}: ${Math.round((u1.arrived - u0.arrived) / span)} updates/s arrived, ${Math.round(applied / span)}/s state changes applied after coalescing, ${applyMs.toFixed(0)} ms applying them in ${span.toFixed(1)} s; ${m.frames} frames (${(m.frames / m.wall).toFixed(2)}/s), ${m.raf} rAF callbacks, main thread ${m.msPerSecond.toFixed(0)} ms per second (${m.scriptSeconds.toFixed(2)} s script of ${m.busySeconds.toFixed(2)} s busy); update to pixel p50 ${lat.p50.toFixed(0)} ms, p99 ${lat.p99.toFixed(0)} ms over ${lat.n} frames; JS heap ${heap.toFixed(0)} MB`);
    if (o.shots) {
      await page.screenshot({ path: join(o.shots, `peer-${peer}.png`), timeout: 300_000 });
      notes.push(`${label}: screenshot ${join(o.shots, `peer-${peer}.png`)}`);
    }
    await cdp.detach();
    return { msPerFrame: m.msPerFrame, msPerSecond: m.msPerSecond, browserCpuMsPerSecond: m.browserCpuMsPerSecond, gpuCpuMsPerSecond: m.gpuCpuMsPerSecond, fps: m.frames / m.wall, created: setup.created, setupSeconds: setup.setupSeconds, updateToPixel: lat };
  } finally {
    await ctx.close();
    await new Promise((r) => server.close(r));
  }
}
