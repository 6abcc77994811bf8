// `npm run bench -- workspace`: an edit in the planner's workspace, measured at the API (the
// server in this process, PGlite in memory; no browser: the time to paint a finished preview is
// the scenario bench's scrub figure, ~100 ms, and is not included here). Default city, 2-hour
// 100-year Beijing storm, a flood wall in front of the prone point that floods deepest:
//  - fullRunColdMs, the baseline: run.start of the scenario with the wall, to "succeeded";
//  - then the wall is moved (scenario.update) and run.preview starts the coarse preview and the
//    full run: editToPreviewMs = the update to the preview's result ("succeeded", all frames and
//    results stored), editToFirstPreviewFrameMs = to its first frame after t = 0 over socket.io,
//    editToLastPreviewFrameMs = to its last frame (the whole storm on the coarse grid, on screen
//    before the impact tables), editToFullMs = to the full run's result (the preview has its own
//    lane, one core, and the full run starts when it is done: server/runs/manager.ts);
//  - where each run's time went (queue, worker hand-over, prepare, simulate, results, store);
//  - the preview's error against the full run: mean absolute difference of maximum depth over
//    cells wet (>= 1 cm) in either (previewMaxDepthMaeM, on the full grid), and how many prone
//    points change their threshold class (< 15, 15-20, 20-27, >= 27 cm).
// Flags: --return-period=N (default 100).
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { io as ioClient } from 'socket.io-client';
import { openDb } from '../server/db';
import { createTwinServer } from '../server/app';
import { compareRuns } from '../server/runs/compare';
import { parseGeoTiff } from '../server/sim/raster';
import { scenarioTemplate, type ImpactResult, type RunRecord } from '../models/runs';
import { randomBytes } from 'node:crypto';
import { sessionCookieFor } from '../server/accounts/testSession';

const flag = (flags: string[], name: string, dflt: number) => Number(flags.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const cls = (h: number) => (h >= 0.27 ? 3 : h >= 0.2 ? 2 : h >= 0.15 ? 1 : 0);

export async function run(flags: string[]): Promise<void> {
  const P = flag(flags, 'return-period', 100);
  const db = await openDb({});
  // an administrator made for this run (the product has no default password): it plans and runs
  const admin = { TWIN_BOOTSTRAP_ADMIN: 'bench-admin', TWIN_BOOTSTRAP_PASSWORD: `bench-${randomBytes(12).toString('hex')}` };
  const app = await createTwinServer({
    env: { DATA_DIR: '', INGEST_TOKEN: 'bench-token-123456', SIMULATOR: 'off', DEFAULT_CITY_PRESET: 'default', ...admin },
    db, mqtt: false,
  });
  // BENCH_PORT: a port of the caller's range on a shared machine (any free one when unset)
  await new Promise<void>((r) => app.server.listen(Number(process.env.BENCH_PORT ?? 0), '127.0.0.1', r));
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const cookie = await sessionCookieFor(base, admin.TWIN_BOOTSTRAP_ADMIN, admin.TWIN_BOOTSTRAP_PASSWORD);
  const trpc = async <T>(path: string, input: unknown, mutation = false): Promise<T> => {
    const res = mutation
      ? await fetch(`${base}/api/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(input) })
      : await fetch(`${base}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`);
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    return ((await res.json()) as { result: { data: T } }).result.data;
  };
  const finished = async (id: string, t0: number) => {
    for (;;) {
      // a poll that lost its connection (a reset on a loaded machine) is polled again
      const r = await trpc<RunRecord>('run.get', { id }).catch((err: unknown) => {
        if ((err as { cause?: { code?: string } }).cause?.code !== 'ECONNRESET') throw err;
        return null;
      });
      if (!r) continue;
      if (r.status === 'succeeded') return { run: r, ms: performance.now() - t0 };
      if (r.status === 'failed' || r.status === 'cancelled') throw new Error(`run ${id}: ${r.status} ${r.error ?? ''}`);
      await new Promise((res) => setTimeout(res, 25));
    }
  };
  // where a run's time went (server/runs/manager.ts phases): queued, worker handed over, then the worker's own
  const phasesOf = (id: string) => Object.entries(app.runs.phases.get(id) ?? {}).map(([k, v]) => `${k.replace(/Ms$/, '')} ${v}`).join(', ') + ' ms';
  console.log(`load average at start: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (${process.env.BENCH_NICE ?? 'as started'})`);
  try {
    const city = [...app.twin.cities.keys()][0]!;
    const doc = (wall: [number, number][]) => ({
      ...scenarioTemplate(`bench workspace ${P}-year 2 h`),
      rainfall: { type: 'design', formula: 'beijing', returnPeriodYears: P, durationMin: 120, peakCoefficient: 0.355, stepMin: 5 },
      drainage: { returnPeriodYears: 3 }, duration: 7200, outputInterval: 300,
      barriers: [{ name: 'wall', line: wall, height: 1.2 }],
    });
    // the prone point that floods deepest in a quick coarse look, and a wall in front of it (to its north-west, uphill)
    const probe = await trpc<{ id: string }>('scenario.create', { city, name: 'probe', scenario: { ...doc([[0, 0], [1, 1]]), barriers: [], cellSize: 20 } }, true);
    const pr = await trpc<{ run: RunRecord }>('run.start', { scenarioId: probe.id }, true);
    await finished(pr.run.id, performance.now());
    const im = await trpc<ImpactResult>('run.impact', { id: pr.run.id });
    const pt = [...im.pronePoints].sort((a, b) => b.maxDepth_m - a.maxDepth_m)[0]!;
    const wallAt = (dx: number): [number, number][] => [[pt.x - 80 + dx, pt.y + 40], [pt.x + 40 + dx, pt.y + 80]];

    const sc = await trpc<{ id: string }>('scenario.create', { city, name: 'workspace', scenario: doc(wallAt(0)) }, true);
    let t0 = performance.now();
    const cold = await trpc<{ run: RunRecord }>('run.start', { scenarioId: sc.id, force: true }, true);
    const fullRunColdMs = (await finished(cold.run.id, t0)).ms;
    console.log(`full run cold (baseline): ${fullRunColdMs.toFixed(0)} ms; ${phasesOf(cold.run.id)}`);

    // the edit: the wall moved 30 m east, dropped
    const socket = ioClient(base, { transports: ['websocket'], forceNew: true });
    await new Promise<void>((r) => socket.on('connect', () => r()));
    t0 = performance.now();
    await trpc('scenario.update', { id: sc.id, scenario: doc(wallAt(30)) }, true);
    const updateMs = performance.now() - t0;
    const res = await trpc<{ preview: RunRecord; full: RunRecord }>('run.preview', { scenarioId: sc.id, cancel: [] }, true);
    const previewCallMs = performance.now() - t0 - updateMs;
    let frames = 0, lastFrameMs = 0;
    const firstFrame = new Promise<number>((resolve) => {
      socket.on('runFrame', (id: string) => {
        if (id !== res.preview.id) return;
        // frame 0 is the starting state: the first answer is the next one
        if (++frames === 2) resolve(performance.now() - t0);
        // the last one (the storm's end on the coarse grid) is on screen before the impact tables
        lastFrameMs = performance.now() - t0;
      });
    });
    socket.emit('runWatch', { runId: res.preview.id }, () => undefined);
    const [pv, fu, firstMs] = await Promise.all([finished(res.preview.id, t0), finished(res.full.id, t0), firstFrame]);
    socket.close();
    console.log(`edit: scenario.update ${updateMs.toFixed(0)} ms, run.preview ${previewCallMs.toFixed(0)} ms`);
    console.log(`edit to first preview frame: ${firstMs.toFixed(0)} ms; to its last frame: ${lastFrameMs.toFixed(0)} ms (${frames} frames); to the preview's result: ${pv.ms.toFixed(0)} ms (grid ${pv.run.grid!.cellSize} m); ${phasesOf(pv.run.id)}`);
    console.log(`edit to full resolution: ${fu.ms.toFixed(0)} ms (grid ${fu.run.grid!.cellSize} m), against ${fullRunColdMs.toFixed(0)} ms cold; ${phasesOf(fu.run.id)}`);

    const c = await compareRuns(app.runs, fu.run.id, pv.run.id, (slug) => app.twin.city(slug).then((x) => x.data));
    const fullDepth = await parseGeoTiff(await app.runs.storedFile(fu.run.id, 'max_depth.tif'), 'full');
    let sum = 0, n = 0;
    for (let i = 0; i < c.diff.length; i++) {
      const a = fullDepth.data[i]!, d = c.diff[i]!;
      if (!(d === d)) continue;
      if (a >= 0.01 || a + d >= 0.01) { sum += Math.abs(d); n++; }
    }
    const previewMaxDepthMaeM = n ? sum / n : 0;
    const prone = c.table.rows.filter((r) => r.kind === 'pronePoint');
    const previewProneClassChanges = prone.filter((r) => cls(r.maxDepthA_m ?? 0) !== cls(r.maxDepthB_m ?? 0)).length;
    console.log(`preview error: mean |max depth difference| ${(previewMaxDepthMaeM * 100).toFixed(1)} cm over ${n} cells wet in either; ${previewProneClassChanges} of ${prone.length} prone points change class`);
    console.log(JSON.stringify({
      bench: 'workspace', returnPeriodYears: P,
      editToPreviewMs: Math.round(pv.ms), editToFirstPreviewFrameMs: Math.round(firstMs), editToLastPreviewFrameMs: Math.round(lastFrameMs), editToFullMs: Math.round(fu.ms), fullRunColdMs: Math.round(fullRunColdMs),
      previewCellM: pv.run.grid!.cellSize, fullCellM: fu.run.grid!.cellSize,
      previewMaxDepthMaeM: Math.round(previewMaxDepthMaeM * 1e4) / 1e4, previewProneClassChanges, pronePoints: prone.length,
      previewPhases: app.runs.phases.get(pv.run.id), loadAvg1m: Math.round(loadavg()[0]! * 10) / 10,
      measuredAt: 'api (no browser paint)',
    }));
  } finally {
    await app.close();
    await db.close();
  }
}
