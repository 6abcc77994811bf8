// One flood run in its own worker thread, so the server's event loop never steps the kernel:
// prepare the problem on the stored city, simulate (the runner starts its own kernel threads),
// and post progress, depth frames and at the end the result files. The thread is started ahead
// of time and waits warm (tsx loaded, kernel compiled) for its one run.
import { availableParallelism } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { encodeDepthFrame } from '../../models/depthFrames';
import { prepare } from '../sim/prepare';
import { simulate, type Progress } from '../sim/runner';
import { prestartKernelThreads } from '../sim/threads';
import { tryWasmModule } from '../sim/wasm';
import { impactOf, waterAtStart } from '../sim/impact';
import { probesCsv, rasterFiles } from '../sim/outputs';
import { summaryOf } from '../sim/cli-simulate';
import { InputError } from '../sim/raster';
import { Scenario } from '../../models/scenario';
import { emptyImpact, impactFiles } from './results';
import type { FromWorker, ToWorker } from './protocol';
import type { ImpactResult } from '../../models/runs';

const port = parentPort!;
const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const ac = new AbortController();
const enc = new TextEncoder();

/** someone watches the run (the manager says so as viewers come and go) */
let watched = true;

async function run(m: Extract<ToWorker, { type: 'run' }>) {
  watched = m.watched;
  const s = m.scenario;
  const t0 = performance.now();
  // a "city" terrain is the stored city of the library entry, whatever preset it names
  const p = await prepare(s, '/api/scenario.json', { city: m.city });
  post({ type: 'grid', grid: { cols: p.cols, rows: p.rows, cellSize: p.cellSize, xll: p.xll, yll: p.yll } });
  const t1 = performance.now();
  let seq = 0;
  let lastProgress = 0;
  const r = await simulate(p, {
    workers: m.threads,
    signal: ac.signal,
    onFrame: (f) => {
      const raw = encodeDepthFrame({ seq: seq++, t: f.t, cols: p.cols, rows: p.rows, depthMm: f.depthMm });
      post({ type: 'frame', seq: seq - 1, t: f.t, raw }, [raw.buffer as ArrayBuffer]);
    },
    // between stored frames, the water as it is now for the people watching (never stored)
    onLive: (f) => {
      // gzipped here, once for every viewer (a 5 m city frame is ~0.3 MB raw, ~40 kB gzipped):
      // two a second over the socket were the bulk of a watched run's bytes
      const raw = gzipSync(encodeDepthFrame({ seq: seq, t: f.t, cols: p.cols, rows: p.rows, depthMm: f.depthMm }), { level: 1 });
      post({ type: 'live', t: f.t, raw }, [raw.buffer as ArrayBuffer]);
    },
    liveWanted: () => watched,
    liveFirstMs: 150,
    liveEveryMs: m.liveEveryMs,
    onProgress: (q: Progress) => {
      const now = Date.now();
      if (now - lastProgress < 200 && q.t < q.duration) return;
      lastProgress = now;
      post({ type: 'progress', progress: { t: q.t, duration: q.duration, steps: q.steps, wallSeconds: q.wallSeconds } });
    },
  });
  const t2 = performance.now();
  const impact: ImpactResult = s.terrain.source === 'city' ? (impactOf(m.city, p, r) as ImpactResult) : emptyImpact();
  const files: Record<string, Uint8Array> = {};
  for (const [name, data] of Object.entries(rasterFiles(r, p.epsg, false, m.lean ? ['max_depth'] : undefined))) {
    files[name] = typeof data === 'string' ? enc.encode(data) : new Uint8Array(data);
  }
  if (!m.lean) {
    const { csv, geojson } = impactFiles(impact, m.city);
    files['impact.csv'] = enc.encode(csv);
    files['impact.geojson'] = enc.encode(geojson);
    files['probes.csv'] = enc.encode(probesCsv(r));
  }
  files['summary.json'] = enc.encode(JSON.stringify(summaryOf(s, p, r, impact.counts), null, 2) + '\n');
  // for run.impact and run.probes (not downloads)
  files['impact.json'] = enc.encode(JSON.stringify(impact));
  files['probes.json'] = enc.encode(JSON.stringify(r.probes.map((q) => ({ name: q.name, x: q.x, y: q.y, time: q.time, depth: q.depth, stage: q.stage }))));
  for (const name of Object.keys(files)) files[name] = gzipSync(files[name]!, { level: 1 });
  // on land: the river and ponds (under water at the start) are not what the storm floods
  const skip = waterAtStart(p);
  const cellArea = p.cellSize * p.cellSize;
  let maxDepth = 0;
  const over = { over15cm: 0, over20cm: 0, over27cm: 0 };
  r.maxDepth.forEach((h, i) => {
    if (skip?.[i] || !(h > 0)) return;
    if (h > maxDepth) maxDepth = h;
    if (h >= 0.15) over.over15cm += cellArea;
    if (h >= 0.2) over.over20cm += cellArea;
    if (h >= 0.27) over.over27cm += cellArea;
  });
  const v = r.volumes;
  post({
    type: 'done',
    files,
    timings: { prepareMs: Math.round(t1 - t0), simulateMs: Math.round(t2 - t1), resultsMs: Math.round(performance.now() - t2) },
    summary: {
      volumes: {
        rain_m3: v.rain, inflow_m3: v.inflow, drainage_m3: v.drainage, infiltration_m3: v.infiltration, pumped_m3: v.pumped, outflow_m3: v.outflow,
        storedStart_m3: v.storedStart, storedEnd_m3: v.storedEnd, balanceError_m3: v.error, balanceRelativeError: v.relativeError,
      },
      floodedArea_m2: over,
      maxDepth_m: maxDepth,
      cellUpdatesPerSecond: r.cellUpdatesPerSecond,
      kernel: r.kernel,
    },
  }, Object.values(files).map((f) => f.buffer as ArrayBuffer));
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'abort') return ac.abort();
  if (m.type === 'watched') { watched = m.on; return; }
  // the server ends this thread once it has the last message (exiting here could drop it)
  run(m).catch((err: unknown) => {
    if ((err as Error)?.name === 'AbortError') post({ type: 'cancelled' });
    else post({ type: 'failed', message: err instanceof InputError ? err.message : `${(err as Error)?.message ?? String(err)}` });
  });
});

// Warm: the kernel module is compiled, and preparing and stepping a tiny problem once lets the
// JIT see the code a run goes through first (rasterising, filling, the first frame), before the
// run arrives.
// a kernel.wat that does not compile fails each run with its error (runner.ts chooseKernel)
await tryWasmModule().catch(() => {});
try {
  const ring: [number, number][] = [[30, 30], [60, 30], [60, 60], [30, 60]];
  const tiny = Scenario.parse({
    terrain: { source: 'synthetic', cols: 16, rows: 16, cellSize: 10, shape: 'bowl' },
    buildings: { from: { ring } }, initialWater: [{ level: 0.5, polygon: { ring: [[0, 0], [160, 0], [160, 160]] } }],
    rainfall: { type: 'table', table: [{ time: 0, rainMmPerH: 50 }] }, duration: 20, outputInterval: 10,
  });
  const p = await prepare(tiny, '/warm.json');
  await simulate(p, { workers: 1, onFrame: (f) => void encodeDepthFrame({ seq: 0, t: f.t, cols: p.cols, rows: p.rows, depthMm: f.depthMm }) });
  // and the kernel's helper threads, loaded and waiting (server/sim/threads.ts)
  await prestartKernelThreads(availableParallelism() - 1);
} catch {
  /* a warm-up only: the run itself reports any real problem */
}
post({ type: 'ready' });
