// The browser half of `npm run bench -- live`: main-thread milliseconds per second of wall time
// (and per rendered frame), draw calls and the time from an update's arrival to the frame that
// draws it, for the twin page while the server's simulator drives its live stream, beside peers
// that draw the same components with the same update rate the ways other engineers would
// (bench/live/peers.ts): Cesium entities (the slowest path a Cesium user has), Cesium's
// PointPrimitiveCollection and deck.gl's ScatterplotLayer with binary attribute updates (the
// paths a skilled peer would choose); every page renders on demand, as the twin does, in the same
// headless Chromium (SwiftShader WebGL, 1280x720).
//
// Main-thread time: CDP Performance.getMetrics TaskDuration (busy seconds of the page's renderer
// main thread) over a window of at least `seconds`, per second of the window (the figure that
// counts: a cheaper frame drawn more often does not flatter it) and per frame drawn in it.
// Update to pixel: per frame that drew live changes, ms from the oldest such change's arrival in
// the page (the twin: its live worker's socket; the peers: generated in the page) to the end of
// that frame's drawing (the twin: __twin.drawLatency()); p50 and p99 over the window.
// One renderer's V8 heap (4 GB cap) holds only about 300,000 point entities: the entity peer stops
// adding at a heap limit and says how many it measured.
//
// Standalone: npx tsx bench/liveBrowser.ts --url http://127.0.0.1:3400 --city huaibei
//   [--seconds 10] [--rate 100000] [--budget 300] [--max-entities N] [--heap-limit MB]
//   [--shots /tmp/h3shots] [--peers entities,points,deckgl] [--no-ours]
import { mkdir } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../e2e/flags';
import { COMPONENT_CLASSES } from '../models/components';
import { decodeLayer } from '../models/layers';
import { enuToEcef, enuToGeodetic, type Geodetic } from '../models/geo';
import { installRaf, measure, quantiles, runPeer, type PeerCity, type PeerName, type PeerResult } from './live/peers';

export interface BrowserBenchOptions {
  baseUrl: string;
  city: string;
  /** measuring window of each page, seconds (default 10) */
  seconds?: number;
  log?: (s: string) => void;
  /** the peers' updates per second, generated in their pages (default 100,000: the twin's simulator rate) */
  baselineRate?: number;
  /** time allowed to create a peer's points, seconds (default 300) */
  baselineBudgetSeconds?: number;
  /** directory for screenshots of every page (none when unset) */
  screenshotDir?: string;
  /** create at most this many peer points (default: all) */
  baselineMaxEntities?: number;
  /** stop creating entities when the page's JS heap passes this (default 2900 MB; V8's cap is 4 GB) */
  baselineHeapLimitMB?: number;
  /** skip the twin page (to iterate on the peers) */
  skipOurs?: boolean;
  /** the peers to measure (default all three) */
  peers?: PeerName[];
}

export interface BrowserBenchResult {
  drawCalls: number;
  mainThreadMsPerFrame: number;
  mainThreadMsPerSecond: number;
  framesPerSecond: number;
  updatesPerSecondReceived: number;
  /** the twin: p50 / p99 ms from a change's arrival in the page to the end of the frame drawing it */
  updateToPixelMs: number;
  updateToPixelP99Ms: number;
  /** CPU ms per second of all Chromium processes while the page ran (SwiftShader's drawing included), and of the GPU process alone */
  browserCpuMsPerSecond: number;
  gpuCpuMsPerSecond: number;
  /** Cesium entities (the earlier baseline's keys) */
  baselineMainThreadMsPerFrame: number;
  baselineMainThreadMsPerSecond: number;
  baselineFramesPerSecond: number;
  baselineEntities: number;
  baselineSetupSeconds: number;
  baselineUpdateToPixelMs: number;
  pointPrimitivesMainThreadMsPerSecond: number;
  pointPrimitivesMainThreadMsPerFrame: number;
  pointPrimitivesFramesPerSecond: number;
  pointPrimitives: number;
  pointPrimitivesUpdateToPixelMs: number;
  pointPrimitivesBrowserCpuMsPerSecond: number;
  pointPrimitivesGpuCpuMsPerSecond: number;
  deckglMainThreadMsPerSecond: number;
  deckglMainThreadMsPerFrame: number;
  deckglFramesPerSecond: number;
  deckglPoints: number;
  deckglUpdateToPixelMs: number;
  deckglBrowserCpuMsPerSecond: number;
  deckglGpuCpuMsPerSecond: number;
  /** the better of the two skilled peers (points, deck.gl) over ours, main-thread ms per second */
  betterPeerOverOurs: number;
  /** the same with the CPU time of every Chromium process (on this machine SwiftShader is the GPU) */
  betterPeerOverOursBrowserCpu: number;
  notes: string[];
}

const VIEWPORT = { width: 1280, height: 720 };

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
  const ecef = new Float64Array(3 * n), enu = new Float32Array(3 * n), kind = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = (k * step) % n;
    enu[3 * k] = comp.x[i]!; enu[3 * k + 1] = comp.y[i]!; enu[3 * k + 2] = comp.z[i]!;
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
  return { count: n, ecef, enu, kind, origin, home } satisfies PeerCity;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

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
    await page.evaluate(() => window.__twin!.drawLatency());
    const live0 = await page.evaluate(() => window.__twin!.liveStats?.());
    const m = await measure(page, cdp, o.seconds, () => window.__twin!.renderedFrames, log);
    const live1 = await page.evaluate(() => window.__twin!.liveStats?.());
    const lat = quantiles(await page.evaluate(() => window.__twin!.drawLatency()));
    const drawCalls = await page.evaluate(() => window.__twin!.drawCalls);
    let rate = await twinRate(page);
    if (live0 && live1) {
      const e0 = (live0 as { entries?: number }).entries, e1 = (live1 as { entries?: number }).entries;
      if (typeof e0 === 'number' && typeof e1 === 'number') rate = { rate: (e1 - e0) / m.wall, source: `__twin.liveStats().entries over the window (status line said ${Math.round(rate.rate)})` };
      notes.push(`ours: ${live1.deltas - live0.deltas} live delta frames in ${m.wall.toFixed(1)} s, gaps ${live1.gaps - live0.gaps}, snapshots ${live1.snapshots - live0.snapshots}`);
    }
    notes.push(`ours: updates/s received from ${rate.source}; the socket and decoding run in a worker, whose time is not main-thread time`);
    notes.push(`ours: ${m.frames} frames (__twin.renderedFrames: frames the twin drew, on demand), ${m.raf} rAF callbacks, main thread ${m.msPerSecond.toFixed(0)} ms per second (${m.scriptSeconds.toFixed(2)} s script of ${m.busySeconds.toFixed(2)} s busy in ${m.wall.toFixed(1)} s); update to pixel p50 ${lat.p50.toFixed(0)} ms, p99 ${lat.p99.toFixed(0)} ms over ${lat.n} frames`);
    notes.push('ours: drawCalls = __twin.drawCalls, three.js gl.info.render.calls of the whole Three layer (components, grids, buildings, terrain, water...), Cesium globe draws not included');
    if (shots) {
      await page.screenshot({ path: join(shots, 'ours-whole-city.png'), timeout: 120_000 });
      notes.push(`ours: screenshot ${join(shots, 'ours-whole-city.png')}`);
    }
    await cdp.detach();
    return { drawCalls, msPerFrame: m.msPerFrame, msPerSecond: m.msPerSecond, cpu: m.browserCpuMsPerSecond, gpu: m.gpuCpuMsPerSecond, fps: m.frames / m.wall, rate: rate.rate, lat };
  } finally {
    await ctx.close();
  }
}

const NONE: PeerResult = { msPerFrame: NaN, msPerSecond: NaN, browserCpuMsPerSecond: NaN, gpuCpuMsPerSecond: NaN, fps: NaN, created: 0, setupSeconds: NaN, updateToPixel: { p50: NaN, p99: NaN, n: 0 } };

export async function runBrowserBench(opts: BrowserBenchOptions): Promise<BrowserBenchResult> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const seconds = opts.seconds ?? 10;
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const notes: string[] = [];
  if (opts.screenshotDir) await mkdir(opts.screenshotDir, { recursive: true });
  const city = await loadCity(baseUrl, opts.city);
  log(`city ${opts.city}: ${city.count} components`);
  // the entities need more V8 heap than the default (it stays capped at 4 GB); precise
  // performance.memory lets their page stop short of the cap
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, '--js-flags=--max-old-space-size=8192', '--enable-precise-memory-info'] });
  try {
    const ours = opts.skipOurs
      ? { drawCalls: NaN, msPerFrame: NaN, msPerSecond: NaN, cpu: NaN, gpu: NaN, fps: NaN, rate: NaN, lat: { p50: NaN, p99: NaN, n: 0 } }
      : await runOurs(browser, { baseUrl, city: opts.city, seconds }, log, notes, opts.screenshotDir);
    log(`ours: ${ours.msPerSecond.toFixed(0)} ms main thread per second (${ours.msPerFrame.toFixed(2)} per frame, ${ours.fps.toFixed(2)} frames/s; all Chromium processes ${ours.cpu.toFixed(0)} CPU ms/s), ${ours.drawCalls} draw calls, ${Math.round(ours.rate)} updates/s received, update to pixel p50 ${ours.lat.p50.toFixed(0)} ms`);
    const peers: Record<PeerName, PeerResult> = { entities: NONE, points: NONE, deckgl: NONE };
    for (const name of opts.peers ?? (['deckgl', 'points', 'entities'] as PeerName[])) {
      peers[name] = await runPeer(browser, name, city, {
        seconds, rate: opts.baselineRate ?? 100_000, budgetSeconds: opts.baselineBudgetSeconds ?? 300, maxEntities: opts.baselineMaxEntities ?? city.count,
        heapLimitMB: opts.baselineHeapLimitMB ?? 2900, log, notes, shots: opts.screenshotDir,
      });
      const r = peers[name];
      log(`${name}: ${r.msPerSecond.toFixed(0)} ms main thread per second (${r.msPerFrame.toFixed(2)} per frame, ${r.fps.toFixed(2)} frames/s; all Chromium processes ${r.browserCpuMsPerSecond.toFixed(0)} CPU ms/s), ${r.created} points, update to pixel p50 ${r.updateToPixel.p50.toFixed(0)} ms`);
    }
    const better = Math.min(...[peers.points.msPerSecond, peers.deckgl.msPerSecond].filter(Number.isFinite));
    const betterCpu = Math.min(...[peers.points.browserCpuMsPerSecond, peers.deckgl.browserCpuMsPerSecond].filter(Number.isFinite));
    return {
      drawCalls: ours.drawCalls,
      mainThreadMsPerFrame: ours.msPerFrame,
      mainThreadMsPerSecond: ours.msPerSecond,
      framesPerSecond: ours.fps,
      updatesPerSecondReceived: ours.rate,
      updateToPixelMs: ours.lat.p50,
      updateToPixelP99Ms: ours.lat.p99,
      browserCpuMsPerSecond: ours.cpu,
      gpuCpuMsPerSecond: ours.gpu,
      baselineMainThreadMsPerFrame: peers.entities.msPerFrame,
      baselineMainThreadMsPerSecond: peers.entities.msPerSecond,
      baselineFramesPerSecond: peers.entities.fps,
      baselineEntities: peers.entities.created,
      baselineSetupSeconds: peers.entities.setupSeconds,
      baselineUpdateToPixelMs: peers.entities.updateToPixel.p50,
      pointPrimitivesMainThreadMsPerSecond: peers.points.msPerSecond,
      pointPrimitivesMainThreadMsPerFrame: peers.points.msPerFrame,
      pointPrimitivesFramesPerSecond: peers.points.fps,
      pointPrimitives: peers.points.created,
      pointPrimitivesUpdateToPixelMs: peers.points.updateToPixel.p50,
      pointPrimitivesBrowserCpuMsPerSecond: peers.points.browserCpuMsPerSecond,
      pointPrimitivesGpuCpuMsPerSecond: peers.points.gpuCpuMsPerSecond,
      deckglMainThreadMsPerSecond: peers.deckgl.msPerSecond,
      deckglMainThreadMsPerFrame: peers.deckgl.msPerFrame,
      deckglFramesPerSecond: peers.deckgl.fps,
      deckglPoints: peers.deckgl.created,
      deckglUpdateToPixelMs: peers.deckgl.updateToPixel.p50,
      deckglBrowserCpuMsPerSecond: peers.deckgl.browserCpuMsPerSecond,
      deckglGpuCpuMsPerSecond: peers.deckgl.gpuCpuMsPerSecond,
      betterPeerOverOurs: Number.isFinite(better) ? better / ours.msPerSecond : NaN,
      betterPeerOverOursBrowserCpu: Number.isFinite(betterCpu) ? betterCpu / ours.cpu : NaN,
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

/** The figures as a table (the standalone run and `npm run bench -- live` print it). */
export function browserTable(r: BrowserBenchResult): string[] {
  const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  const row = (name: string, perS: number, perF: number, fps: number, lat: number, cpu: number, gpu: number, n: string) =>
    `${name.padEnd(34)}${f(perS, 0).padStart(8)}${f(perF).padStart(10)}${f(fps, 2).padStart(8)}${f(lat, 0).padStart(10)}${f(cpu, 0).padStart(9)}${f(gpu, 0).padStart(8)}   ${n}`;
  return [
    `${'page'.padEnd(34)}${'ms/s'.padStart(8)}${'ms/frame'.padStart(10)}${'fps'.padStart(8)}${'upd->px'.padStart(10)}${'cpu ms/s'.padStart(9)}${'gpu'.padStart(8)}   points`,
    row('ours (the twin, everything drawn)', r.mainThreadMsPerSecond, r.mainThreadMsPerFrame, r.framesPerSecond, r.updateToPixelMs, r.browserCpuMsPerSecond, r.gpuCpuMsPerSecond, `all, ${r.drawCalls} three.js draw calls`),
    row('Cesium PointPrimitiveCollection', r.pointPrimitivesMainThreadMsPerSecond, r.pointPrimitivesMainThreadMsPerFrame, r.pointPrimitivesFramesPerSecond, r.pointPrimitivesUpdateToPixelMs, r.pointPrimitivesBrowserCpuMsPerSecond, r.pointPrimitivesGpuCpuMsPerSecond, String(r.pointPrimitives)),
    row('deck.gl ScatterplotLayer', r.deckglMainThreadMsPerSecond, r.deckglMainThreadMsPerFrame, r.deckglFramesPerSecond, r.deckglUpdateToPixelMs, r.deckglBrowserCpuMsPerSecond, r.deckglGpuCpuMsPerSecond, `${r.deckglPoints} (points only, no globe)`),
    row('Cesium entities', r.baselineMainThreadMsPerSecond, r.baselineMainThreadMsPerFrame, r.baselineFramesPerSecond, r.baselineUpdateToPixelMs, NaN, NaN, `${r.baselineEntities} (setup ${f(r.baselineSetupSeconds)} s)`),
    `ms/s: main-thread busy ms per second; cpu ms/s: every Chromium process (main thread, workers, GPU process); gpu: the GPU process alone (SwiftShader: no GPU here)`,
    `better skilled peer / ours, main-thread ms per second: ${f(r.betterPeerOverOurs, 2)}x (goal: 5x); all Chromium CPU per second: ${f(r.betterPeerOverOursBrowserCpu, 2)}x`,
  ];
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
    skipOurs: argv.includes('--no-ours'),
    peers: arg(argv, 'peers')?.split(',').filter(Boolean) as PeerName[] | undefined,
  }).then((r) => {
    console.log('');
    for (const l of browserTable(r)) console.log(l);
    for (const n of r.notes) console.log(`  - ${n}`);
    console.log(JSON.stringify({ bench: 'live-browser', ...r }));
  }).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
