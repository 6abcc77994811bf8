// `npm run bench -- cockpit`: the briefing room (issue 13).
//  1. Presenter to screen: a signed-in presenter pushes a view (a fly to a component, with
//     layers and selection) to a room of 20 screens (socket.io clients) on the twin server;
//     per push, ms from the presenter's emit to each screen's receipt of the room's state; p50 and
//     p99 over every screen and push. Baseline, same run, same server and sockets: a bare
//     socket.io room broadcast of the same payload (no validation, no session check, no state
//     kept), the floor any presenter sync on socket.io pays.
//  2. In Chromium (SwiftShader, 1280x720): main-thread ms per second of /cockpit/huaibei while the
//     simulator drives 100,000 updates/s, beside the plain twin page /twin/huaibei at the same load
//     (CDP TaskDuration over a window, as bench/liveBrowser.ts measures it).
//  3. The cockpit's JS heap (after full collections) at the start and end of --soak-s more seconds
//     of the live city: a screen that runs for days must not grow.
// Flags: --pushes=N (default 300), --screens=N (default 20), --seconds=N (browser window, default 10),
// --soak-s=N (default 120; 0 skips it), --no-browser. Ports: BENCH_PORT (default 3820) and the next one. The huaibei database is made
// once in .bench/cockpit (git-ignored).
import { loadavg, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as ioClient, type Socket } from 'socket.io-client';
import { chromium } from 'playwright-core';
import { openDb } from '../server/db';
import { createTwinServer } from '../server/app';
import { CHROMIUM_ARGS } from '../e2e/flags';
import { flyTo, EMPTY_ROOM_VIEW, type RoomState, type RoomView } from '../models/cockpit';
import { installRaf, measure, quantiles } from './live/peers';
import { startBuiltTwin } from './builtTwin';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const flag = (flags: string[], name: string, dflt: number) => {
  const f = flags.find((a) => a.startsWith(`--${name}=`));
  return f ? Number(f.split('=')[1]) : dflt;
};

async function latency(port: number, nScreens: number, pushes: number, log: (s: string) => void) {
  const admin = { name: 'bench-admin', password: `bench-${process.pid}-${Date.now()}` };
  const db = await openDb({});
  const app = await createTwinServer({ env: { DATA_DIR: '', INGEST_TOKEN: 'bench-token-123456', SIMULATOR: 'off', DEFAULT_CITY_PRESET: 'default', TWIN_BOOTSTRAP_ADMIN: admin.name, TWIN_BOOTSTRAP_PASSWORD: admin.password }, db, mqtt: false });
  await new Promise<void>((r) => app.server.listen(port, '127.0.0.1', r));
  const base = `http://127.0.0.1:${port}`;
  const slug = [...app.twin.cities.keys()][0]!;
  // the baseline's bare broadcast, on the same io server (bench only: no schema, no guard, no state)
  app.live.io.on('connection', (s) => {
    const raw = s as unknown as { on(ev: string, fn: (room: string, payload: unknown) => void): void; join(r: string): void };
    raw.on('benchJoin', (room) => raw.join(room));
    raw.on('benchCast', (room, payload) => { (app.live.io as unknown as { to(r: string): { emit(ev: string, p: unknown): void } }).to(room).emit('benchMsg', payload); });
  });
  const signIn = await fetch(`${base}/api/trpc/account.signIn`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(admin) });
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
  const connect = (c?: string) => new Promise<Socket>((res, rej) => {
    const s = ioClient(base, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: c ? { cookie: c } : {} });
    s.once('connect', () => res(s));
    s.once('connect_error', rej);
  });
  const screens = await Promise.all(Array.from({ length: nScreens }, () => connect()));
  const pres = await connect(cookie);
  const ack = <T>(s: Socket, ev: string, p: unknown) => new Promise<T>((res) => s.emit(ev, p, res));
  for (const s of screens) await ack(s, 'presentJoin', { room: 'BENCH', city: slug, role: 'follow' });
  const j = await ack<{ ok: boolean; error?: string }>(pres, 'presentJoin', { room: 'BENCH', city: slug, role: 'drive' });
  if (!j.ok) throw new Error(`bench presenter refused: ${j.error}`);
  for (const s of [...screens, pres]) s.emit('benchJoin', 'bench-raw');
  await new Promise((r) => setTimeout(r, 200));

  let view: RoomView = { ...EMPTY_ROOM_VIEW, view: { layersOff: ['roads'] } };
  const ours: number[] = [], base0: number[] = [];
  /** resolves when every screen got the message `until` picks; `out` gets ms from now to each receipt */
  const receipts = (ev: string, until: (m: unknown) => boolean, out: number[]) => {
    const t0 = performance.now();
    return Promise.all(screens.map((s) => new Promise<void>((res) => {
      const on = (m: unknown) => { if (!until(m)) return; out.push(performance.now() - t0); s.off(ev, on); res(); };
      s.on(ev, on);
    })));
  };
  // warm-up, then alternate: our push, the bare broadcast (so load changes hit both alike)
  for (let k = 0; k < pushes + 20; k++) {
    view = flyTo(view, { kind: 'component', index: k % 50 });
    const seq = k + 1;
    const a: number[] = [], b: number[] = [];
    const pOurs = receipts('presentState', (m) => (m as RoomState).seq === seq, a);
    pres.emit('presentPush', { room: 'BENCH', state: view, sentAt: Date.now() });
    await pOurs;
    const pBase = receipts('benchMsg', (m) => (m as { k: number }).k === k, b);
    pres.emit('benchCast', 'bench-raw', { k, state: view });
    await pBase;
    if (k >= 20) { ours.push(...a); base0.push(...b); }
  }
  for (const s of [...screens, pres]) s.close();
  await app.close();
  await db.close();
  const q = quantiles(ours), qb = quantiles(base0);
  log(`presenter to screen, ${nScreens} screens, ${pushes} pushes: p50 ${q.p50.toFixed(2)} ms, p99 ${q.p99.toFixed(2)} ms; bare socket.io room broadcast of the same payload: p50 ${qb.p50.toFixed(2)} ms, p99 ${qb.p99.toFixed(2)} ms`);
  return { p50: q.p50, p99: q.p99, baseP50: qb.p50, baseP99: qb.p99 };
}

async function browser(port: number, seconds: number, soakS: number, log: (s: string) => void) {
  const dataDir = process.env.BENCH_COCKPIT_DIR ?? join(root, '.bench', 'cockpit');
  const app = await startBuiltTwin({ port, dataDir, waitMs: 600_000 });
  const chrome = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS }).catch(async (err) => { await app.stop(); throw err; });
  try {
    // the JS heap after two full collections (what a page keeps, not garbage waiting for the GC)
    const heapMb = async (cdp: import('playwright').CDPSession) => {
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize / 1e6;
    };
    let heap: { startMb: number; endMb: number } | null = null;
    const page = async (path: string, soak = 0) => {
      const ctx = await chrome.newContext({ viewport: { width: 1280, height: 720 }, locale: 'zh-CN' });
      const p = await ctx.newPage();
      await p.addInitScript(() => { (window as unknown as { __TWIN_TEST__: boolean }).__TWIN_TEST__ = true; });
      await p.goto(`http://127.0.0.1:${port}${path}`, { timeout: 120_000 });
      await p.waitForFunction(() => window.__twin?.ready === true, null, { timeout: 300_000, polling: 500 });
      await p.waitForFunction(() => (window.__twin?.seq ?? -1) >= 0, null, { timeout: 120_000, polling: 500 });
      await p.evaluate(installRaf);
      await p.waitForTimeout(3000);
      const cdp = await ctx.newCDPSession(p);
      await cdp.send('Performance.enable');
      log(`${path}:`);
      const m = await measure(p, cdp, seconds, () => window.__twin!.renderedFrames, log);
      if (soak > 0) {
        // a screen runs for days: its heap after a first window against the same after `soak` more seconds
        const startMb = await heapMb(cdp);
        // a reading a minute: a leak climbs on, a cache filling up levels off
        const readings = [startMb];
        for (let t = 0; t < soak; t += 60) {
          await p.waitForTimeout(Math.min(60, soak - t) * 1000);
          readings.push(await heapMb(cdp));
        }
        heap = { startMb, endMb: readings[readings.length - 1]! };
        log(`  JS heap after ${soak} s more of the live city: ${startMb.toFixed(1)} -> ${heap.endMb.toFixed(1)} MB (${(100 * (heap.endMb / startMb - 1)).toFixed(1)} %); a reading a minute: ${readings.map((r) => r.toFixed(1)).join(', ')}`);
      }
      await ctx.close();
      return m;
    };
    // the twin first, then the cockpit, then the twin again: the better of its two is the baseline
    const twinA = await page('/twin/huaibei');
    const cockpit = await page('/cockpit/huaibei', soakS);
    const twinB = await page('/twin/huaibei');
    const twin = twinA.msPerSecond <= twinB.msPerSecond ? twinA : twinB;
    log(`main thread at 100,000 updates/s: cockpit ${cockpit.msPerSecond.toFixed(0)} ms/s (${cockpit.frames} frames in ${cockpit.wall.toFixed(1)} s); plain twin page ${twin.msPerSecond.toFixed(0)} ms/s (runs ${twinA.msPerSecond.toFixed(0)} and ${twinB.msPerSecond.toFixed(0)})`);
    return { cockpit: cockpit.msPerSecond, twin: twin.msPerSecond, heap: heap as { startMb: number; endMb: number } | null };
  } finally {
    await chrome.close();
    await app.stop();
  }
}

export async function run(flags: string[]): Promise<void> {
  const log = (s: string) => console.log(s);
  const port = Number(process.env.BENCH_PORT ?? 3820);
  const nScreens = flag(flags, 'screens', 20), pushes = flag(flags, 'pushes', 300), seconds = flag(flags, 'seconds', 10);
  const load0 = loadavg()[0]!;
  log(`cockpit bench: ${cpus().length} cores, load ${load0.toFixed(2)}`);
  const lat = await latency(port + 1, nScreens, pushes, log);
  const soakS = flag(flags, 'soak-s', 120);
  const br = flags.includes('--no-browser') ? null : await browser(port, seconds, soakS, log);
  console.log(JSON.stringify({
    presenterToScreenP50Ms: +lat.p50.toFixed(2), presenterToScreenP99Ms: +lat.p99.toFixed(2), screens: nScreens, pushes,
    baselineBroadcastP50Ms: +lat.baseP50.toFixed(2), baselineBroadcastP99Ms: +lat.baseP99.toFixed(2),
    cockpitMainThreadMsPerSecond: br ? Math.round(br.cockpit) : null, twinMainThreadMsPerSecond: br ? Math.round(br.twin) : null,
    cockpitHeapMb: br?.heap ? [+br.heap.startMb.toFixed(1), +br.heap.endMb.toFixed(1)] : null, cockpitHeapSoakS: br?.heap ? soakS : null,
    updatesPerSecond: 100_000, loadAvg1m: +load0.toFixed(2), loadAvg1mEnd: +loadavg()[0]!.toFixed(2),
  }));
}
