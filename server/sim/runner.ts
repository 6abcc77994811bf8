// The runner: owns the clock, the workers, progress, cancellation and the outputs. The kernel
// (kernel.ts) only ever sees typed arrays and one step's parameters.
//
// Determinism: every cell's update depends only on its neighbours' old values, dt comes from a
// max-reduction (order-free), and volume sums are accumulated per row and added in row order,
// so the same problem gives bit-identical results whatever the number of workers.
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { G, cflDt, depths, fluxes, gridBytes, type StepParams } from './kernel';
import { CMD_STEP, CMD_STOP, CTRL, GRID_AT, bands, sharedViews, writeParams, type Shared } from './shared';
import type { Problem } from './prepare';

export const THRESHOLDS = [0.15, 0.2, 0.27] as const;

export interface Progress {
  t: number;
  duration: number;
  steps: number;
  dt: number;
  wallSeconds: number;
}

export interface Frame {
  t: number;
  /** depth in millimetres, 0..65535 (quantised for streaming) */
  depthMm: Uint16Array;
}

export interface RunOptions {
  /** worker threads; 0 = step in this thread */
  workers?: number;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  onFrame?: (f: Frame) => void;
  /** the largest number of steps (for benchmarks); the run stops early when reached */
  maxSteps?: number;
  /** steps left out of the timing (for benchmarks: the JIT warms up in them) */
  warmupSteps?: number;
}

export interface ProbeSeries {
  name: string;
  x: number;
  y: number;
  time: number[];
  depth: number[];
  stage: number[];
  maxDepth: number;
  maxStage: number;
  timeOfMax: number;
}

export interface Volumes {
  /** m3 */
  rain: number;
  inflow: number;
  drainage: number;
  infiltration: number;
  pumped: number;
  outflow: number;
  storedStart: number;
  storedEnd: number;
  /** rain + inflow - drainage - infiltration - pumped - outflow - (storedEnd - storedStart) */
  error: number;
  /** error / (rain + inflow + storedStart) */
  relativeError: number;
}

export interface RunResult {
  cols: number;
  rows: number;
  cellSize: number;
  xll: number;
  yll: number;
  t: number;
  steps: number;
  wallSeconds: number;
  cellUpdatesPerSecond: number;
  /** per cell; NaN outside the domain */
  maxDepth: Float32Array;
  maxStage: Float32Array;
  timeOfMax: Float32Array;
  /** time each cell first reached 0.15, 0.20, 0.27 m (NaN never) */
  firstAbove: Record<'0.15' | '0.2' | '0.27', Float32Array>;
  /** final depth */
  depth: Float32Array;
  probes: ProbeSeries[];
  volumes: Volumes;
  /** m2 with maximum depth at or above each threshold */
  floodedArea: Record<'0.15' | '0.2' | '0.27', number>;
}

export class AbortError extends Error {
  constructor() {
    super('simulation cancelled');
    this.name = 'AbortError';
  }
}

function allocate(p: Problem): { buffer: SharedArrayBuffer; views: Shared } {
  const bytes = GRID_AT + gridBytes(p.cols, p.rows);
  const buffer = new SharedArrayBuffer(bytes);
  return { buffer, views: sharedViews(buffer, p.cols, p.rows, p.cellSize) };
}

/** Worker threads start from a .mjs bootstrap that registers tsx, so they run in vitest, the CLI and the server alike. */
function startWorkers(buffer: SharedArrayBuffer, p: Problem, n: number): Promise<Worker[]> {
  const url = new URL('./worker.mjs', import.meta.url);
  return Promise.all(
    bands(p.rows, n).map(
      ([r0, r1], index) =>
        new Promise<Worker>((res, rej) => {
          const w = new Worker(url, {
            workerData: { buffer, cols: p.cols, rows: p.rows, dx: p.cellSize, r0, r1, index, workers: n },
          });
          w.once('message', () => res(w));
          w.once('error', rej);
        }),
    ),
  );
}

export async function simulate(p: Problem, opts: RunOptions = {}): Promise<RunResult> {
  const nWorkers = Math.max(0, Math.min(opts.workers ?? 2, 64, p.rows));
  const { buffer, views } = allocate(p);
  const { grid: g, ctrl, params, wmax } = views;
  const N = p.cols * p.rows;
  const dx = p.cellSize;
  const area = dx * dx;

  g.z.set(p.z);
  for (let i = 0; i < N; i++) {
    const h = p.z[i] === p.z[i] ? Math.max(0, p.h0[i]!) : 0;
    g.h[i] = h;
    g.gn2[i] = G * p.n[i]! * p.n[i]!;
    g.hmax[i] = h;
    g.tmax[i] = 0;
    g.t15[i] = h >= 0.15 ? 0 : NaN;
    g.t20[i] = h >= 0.2 ? 0 : NaN;
    g.t27[i] = h >= 0.27 ? 0 : NaN;
  }

  const storedVolume = () => {
    let s = 0;
    for (let r = 0; r < p.rows; r++) {
      let row = 0;
      for (let i = r * p.cols, e = i + p.cols; i < e; i++) row += g.h[i]!;
      s += row * area;
    }
    return s;
  };
  const storedStart = storedVolume();
  const vol = { rain: 0, inflow: 0, drainage: 0, infiltration: 0, pumped: 0, outflow: 0 };

  const probes: ProbeSeries[] = p.probes.map((pr) => ({ name: pr.name, x: pr.x, y: pr.y, time: [], depth: [], stage: [], maxDepth: 0, maxStage: NaN, timeOfMax: 0 }));
  const recordProbes = (t: number) => {
    p.probes.forEach((pr, k) => {
      const h = g.h[pr.cell]!;
      probes[k]!.time.push(t);
      probes[k]!.depth.push(h);
      probes[k]!.stage.push(h + g.z[pr.cell]!);
    });
  };
  const frame = (t: number) => {
    if (!opts.onFrame) return;
    const q = new Uint16Array(N);
    for (let i = 0; i < N; i++) {
      const mm = Math.round(g.h[i]! * 1000);
      q[i] = mm > 65535 ? 65535 : mm;
    }
    opts.onFrame({ t, depthMm: q });
  };

  const workers = nWorkers > 0 ? await startWorkers(buffer, p, nWorkers) : [];
  const errors: string[] = [];
  for (const w of workers) w.on('message', (m) => m && typeof m === 'object' && 'error' in m && errors.push(String(m.error)));
  const scratch = new Float32Array(p.cols);
  const stepInline = (sp: StepParams) => {
    fluxes(g, sp, 0, p.rows, scratch);
    wmax[0] = depths(g, sp, 0, p.rows);
  };
  const stepWorkers = () => {
    Atomics.store(ctrl, CTRL.DONE, 0);
    Atomics.store(ctrl, CTRL.CMD, CMD_STEP);
    Atomics.add(ctrl, CTRL.GEN, 1);
    Atomics.notify(ctrl, CTRL.GEN);
    for (;;) {
      const d = Atomics.load(ctrl, CTRL.DONE);
      if (d >= nWorkers) break;
      Atomics.wait(ctrl, CTRL.DONE, d, 1000);
    }
    if (Atomics.load(ctrl, CTRL.ERR)) throw new Error(`flood worker failed: ${errors.join('\n') || 'unknown error'}`);
  };

  let wall0 = performance.now();
  let timedFrom = 0;
  let t = 0;
  let steps = 0;
  let hMaxAll = 0;
  for (let i = 0; i < N; i++) if (g.h[i]! > hMaxAll) hMaxAll = g.h[i]!;
  let nextOut = p.outputInterval;
  const pumpOn = p.pumps.map(() => false);
  recordProbes(0);
  frame(0);
  let lastYield = performance.now();
  let lastDt = 0;
  try {
    while (t < p.duration) {
      if (opts.maxSteps !== undefined && steps >= opts.maxSteps) break;
      const tEnd = Math.min(nextOut, p.duration);
      let dt = cflDt(hMaxAll, dx, p.alpha, p.maxDt);
      // land exactly on output times; avoid a sliver of a step just before one
      if (t + dt >= tEnd || tEnd - (t + dt) < 1e-3 * dt) dt = tEnd - t;
      const t1 = t + dt === tEnd ? tEnd : t + dt;
      dt = t1 - t;

      for (const q of p.inflows) {
        const v = q.volume(t, t1);
        if (v <= 0) continue;
        const dh = v / (q.cells.length * area);
        for (const c of q.cells) g.h[c] = g.h[c]! + dh;
        vol.inflow += v;
      }
      const rain = p.rain(t, t1);
      const drain = p.drainage(t, t1);
      const infil = p.infiltration(t, t1);
      const sp: StepParams = { dt, t: t1, rain, sink: drain + infil, theta: p.theta, hMin: p.hMin, openSlope: p.openSlope, open: p.open };
      if (nWorkers > 0) {
        writeParams(params, sp);
        stepWorkers();
      } else stepInline(sp);
      // row-ordered sums: the same whatever the bands
      let sunk = 0, out = 0;
      for (let r = 0; r < p.rows; r++) {
        sunk += g.rowSink[r]!;
        out += g.rowOut[r]!;
      }
      vol.rain += rain * p.activeCells * area;
      if (sunk > 0) {
        vol.drainage += (sunk * drain) / (drain + infil);
        vol.infiltration += (sunk * infil) / (drain + infil);
      }
      vol.outflow += out;
      // pumps take from their cell, with hysteresis between start and stop depths
      p.pumps.forEach((pu, k) => {
        const h = g.h[pu.cell]!;
        pumpOn[k] = pumpOn[k] ? h > pu.stop : h >= pu.start;
        if (!pumpOn[k]) return;
        const take = Math.min(h, (pu.capacity * dt) / area);
        const hn = h - take;
        g.h[pu.cell] = hn;
        vol.pumped += (h - hn) * area;
      });
      hMaxAll = 0;
      for (let w = 0; w < Math.max(1, nWorkers); w++) if (wmax[w]! > hMaxAll) hMaxAll = wmax[w]!;
      for (const q of p.inflows) for (const c of q.cells) if (g.h[c]! > hMaxAll) hMaxAll = g.h[c]!;
      t = t1;
      steps++;
      lastDt = dt;
      if (steps === opts.warmupSteps) {
        wall0 = performance.now();
        timedFrom = steps;
      }
      if (t >= nextOut || t >= p.duration) {
        recordProbes(t);
        frame(t);
        if (t >= nextOut) nextOut = Math.min(p.duration, nextOut + p.outputInterval);
        if (nextOut <= t) nextOut = p.duration;
      }
      const now = performance.now();
      if (now - lastYield > 100) {
        opts.onProgress?.({ t, duration: p.duration, steps, dt, wallSeconds: (now - wall0) / 1000 });
        // let the event loop run: abort signals, progress output, other requests
        await new Promise((r) => setImmediate(r));
        lastYield = performance.now();
        if (opts.signal?.aborted) throw new AbortError();
      }
    }
  } finally {
    if (workers.length) {
      Atomics.store(ctrl, CTRL.CMD, CMD_STOP);
      Atomics.add(ctrl, CTRL.GEN, 1);
      Atomics.notify(ctrl, CTRL.GEN);
      await Promise.all(workers.map((w) => new Promise((r) => (w.once('exit', r), setTimeout(() => void w.terminate(), 2000)))));
    }
  }
  const wallSeconds = (performance.now() - wall0) / 1000;
  opts.onProgress?.({ t, duration: p.duration, steps, dt: lastDt, wallSeconds });

  const storedEnd = storedVolume();
  const error = vol.rain + vol.inflow - vol.drainage - vol.infiltration - vol.pumped - vol.outflow - (storedEnd - storedStart);
  const input = vol.rain + vol.inflow + storedStart;
  const maxDepth = new Float32Array(N), maxStage = new Float32Array(N);
  const floodedArea = { '0.15': 0, '0.2': 0, '0.27': 0 };
  for (let i = 0; i < N; i++) {
    if (p.z[i] !== p.z[i]) {
      maxDepth[i] = NaN;
      maxStage[i] = NaN;
      continue;
    }
    const h = g.hmax[i]!;
    maxDepth[i] = h;
    maxStage[i] = h > 0 ? h + p.z[i]! : NaN;
    if (h >= 0.15) floodedArea['0.15'] += area;
    if (h >= 0.2) floodedArea['0.2'] += area;
    if (h >= 0.27) floodedArea['0.27'] += area;
  }
  for (const [k, pr] of p.probes.entries()) {
    probes[k]!.maxDepth = g.hmax[pr.cell]!;
    probes[k]!.maxStage = g.hmax[pr.cell]! + p.z[pr.cell]!;
    probes[k]!.timeOfMax = g.tmax[pr.cell]!;
  }
  return {
    cols: p.cols, rows: p.rows, cellSize: p.cellSize, xll: p.xll, yll: p.yll, t, steps, wallSeconds,
    cellUpdatesPerSecond: ((steps - timedFrom) * N) / wallSeconds,
    maxDepth, maxStage, timeOfMax: Float32Array.from(g.tmax),
    firstAbove: { '0.15': Float32Array.from(g.t15), '0.2': Float32Array.from(g.t20), '0.27': Float32Array.from(g.t27) },
    depth: Float32Array.from(g.h),
    probes,
    volumes: { ...vol, storedStart, storedEnd, error, relativeError: input > 0 ? error / input : 0 },
    floodedArea,
  };
}
