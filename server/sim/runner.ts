// The runner: owns the clock, the workers, progress, cancellation and the outputs. The kernel
// (kernel.ts) only ever sees typed arrays and one step's parameters.
//
// Determinism: every cell's update depends only on its neighbours' old values, dt comes from a
// max-reduction (order-free), and volume sums are accumulated per row and added in row order,
// so the same problem gives bit-identical results whatever the number of workers (for a given
// kernel: the WASM SIMD kernel rounds differently from the JavaScript one).
//
// Threads: `workers: n` means n threads step the grid: this one and n - 1 worker threads, so
// none only waits. Per step the runner starts the workers (ctrl GEN), and every thread takes
// chunks of rows from shared tickets, phase 1 (faces, outflow factors) until all chunks are
// done, then phase 2 (depths) likewise (shared.ts stepChunks): a thread the machine deschedules
// holds up at most its chunk. All hand-offs spin on shared memory and then sleep, never
// messages: a storm has thousands of steps of about a millisecond.
import type { Worker } from 'node:worker_threads';
import { startKernelThread } from './threads';
import { performance } from 'node:perf_hooks';
import { G, cflDt, type StepParams } from './kernel';
import { CMD_STEP, CMD_STOP, CTRL, LOCKED, chunkMaxAt, chunkRows, layoutBytes, scratchAt, sharedViews, spinsFor, stepChunks, waitWhile, writeParams, type Shared } from './shared';
import { WASM_MIN_COLS, jsBand, tryWasmModule, wasmBand, wasmUnsupported, type BandKernel, type KernelName } from './wasm';
import type { Problem } from './prepare';
import { drainExtra } from './drainage';

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
  /** threads stepping the grid (this one and workers - 1 worker threads); 0 or 1 = this thread only */
  workers?: number;
  /** 'wasm-simd' (default where WebAssembly SIMD runs and the grid has >= 5 columns) or 'js' (kernel.ts); env FLOOD_KERNEL overrides the default */
  kernel?: KernelName;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  onFrame?: (f: Frame) => void;
  /**
   * Live frames for people watching a run: the state between output times, at most one per
   * liveEveryMs of wall time (the first liveFirstMs after the start). Read only: the results and
   * the stored frames are the same with or without them.
   */
  onLive?: (f: Frame) => void;
  /** whether anyone watches now (default yes): nobody's live frames are not made */
  liveWanted?: () => boolean;
  liveEveryMs?: number;
  liveFirstMs?: number;
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
  /** the kernel that stepped the grid */
  kernel: KernelName;
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

interface Memory {
  /** the WASM kernel's memory (its buffer is shared), or none for the JS kernel */
  memory?: WebAssembly.Memory;
  buffer: SharedArrayBuffer;
  views: Shared;
}

function allocate(p: Problem, threads: number, wasm: boolean): Memory {
  const bytes = layoutBytes(p.cols, p.rows, threads);
  if (wasm) {
    const pages = Math.ceil(bytes / 65536);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    const buffer = memory.buffer as unknown as SharedArrayBuffer;
    return { memory, buffer, views: sharedViews(buffer, p.cols, p.rows, p.cellSize) };
  }
  const buffer = new SharedArrayBuffer(bytes);
  return { buffer, views: sharedViews(buffer, p.cols, p.rows, p.cellSize) };
}

/** Which kernel a run uses, and its compiled module for the WASM one. */
async function chooseKernel(p: Problem, asked: KernelName | undefined): Promise<{ kernel: KernelName; module: WebAssembly.Module | null }> {
  const env = process.env.FLOOD_KERNEL;
  const want = asked ?? (env === 'js' || env === 'wasm-simd' ? env : 'wasm-simd');
  // wasm32 memory holds at most 65536 pages of 64 KiB (about 12000 x 12000 cells)
  const fits = layoutBytes(p.cols, p.rows, 64) <= 65535 * 65536;
  if (want === 'js' || p.cols < WASM_MIN_COLS || !fits) {
    if (asked === 'wasm-simd') throw new Error(`the WebAssembly SIMD flood kernel needs at least ${WASM_MIN_COLS} columns and a grid under 4 GiB`);
    return { kernel: 'js', module: null };
  }
  const module = await tryWasmModule();
  if (!module && asked === 'wasm-simd') throw new Error(`the WebAssembly SIMD flood kernel is not available here: ${wasmUnsupported()}`);
  return module ? { kernel: 'wasm-simd', module } : { kernel: 'js', module: null };
}

/** Worker threads 1 .. n-1 (this thread is thread 0), warm ones when the process has them (threads.ts). */
function startWorkers(mem: Memory, module: WebAssembly.Module | null, kernel: KernelName, p: Problem, n: number): Promise<Worker[]> {
  return Promise.all(Array.from({ length: n - 1 }, (_, k) => startKernelThread({
    ...(mem.memory ? { memory: mem.memory, module } : { buffer: mem.buffer }),
    kernel, cols: p.cols, rows: p.rows, dx: p.cellSize, index: k + 1, threads: n,
    scratch: scratchAt(p.cols, p.rows, k + 1),
    chunkMax: chunkMaxAt(p.cols, p.rows, n),
  })));
}

export async function simulate(p: Problem, opts: RunOptions = {}): Promise<RunResult> {
  const threads = Math.max(1, Math.min(opts.workers ?? 2, 64, p.rows));
  const { kernel, module } = await chooseKernel(p, opts.kernel);
  const mem = allocate(p, threads, kernel === 'wasm-simd');
  const { grid: g, ctrl, params } = mem.views;
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
  const quantised = () => {
    const q = new Uint16Array(N);
    for (let i = 0; i < N; i++) {
      const mm = Math.round(g.h[i]! * 1000);
      q[i] = mm > 65535 ? 65535 : mm;
    }
    return q;
  };
  const frame = (t: number) => {
    if (opts.onFrame) opts.onFrame({ t, depthMm: quantised() });
  };

  // The starting state goes out before the kernel threads start (each loads its module): a
  // viewer of a server run sees the first frame without waiting for them. Same values either way.
  recordProbes(0);
  frame(0);
  const workers = threads > 1 ? await startWorkers(mem, module, kernel, p, threads) : [];
  const errors: string[] = [];
  for (const w of workers) w.on('message', (m) => m && typeof m === 'object' && 'error' in m && errors.push(String(m.error)));
  const k: BandKernel = kernel === 'wasm-simd' ? wasmBand(module!, mem.memory!, g, scratchAt(p.cols, p.rows, 0)) : jsBand(g);
  const SPINS = spinsFor(threads);
  const K = chunkRows(p.rows, threads);
  const nChunks = Math.ceil(p.rows / K);
  const chunkMax = new Float64Array(mem.buffer, chunkMaxAt(p.cols, p.rows, threads), p.rows);
  let failure: unknown = null;
  const fail = (e: unknown) => {
    failure ??= e;
    Atomics.store(ctrl, CTRL.ERR, 1);
  };
  const step = (sp: StepParams) => {
    if (threads === 1) {
      k.fluxes(sp, 0, p.rows);
      chunkMax[0] = k.depths(sp, 0, p.rows);
      return;
    }
    // wait until no worker is still inside the last step, and keep late ones out while the
    // counters are reset for this one
    while (Atomics.compareExchange(ctrl, CTRL.ACTIVE, 0, LOCKED) !== 0) {
      const a = Atomics.load(ctrl, CTRL.ACTIVE);
      if (a > 0) waitWhile(ctrl, CTRL.ACTIVE, a, SPINS);
    }
    for (const i of [CTRL.TICKET1, CTRL.TICKET2, CTRL.DONE1, CTRL.DONE2]) Atomics.store(ctrl, i, 0);
    writeParams(params, sp);
    Atomics.store(ctrl, CTRL.CMD, CMD_STEP);
    Atomics.add(ctrl, CTRL.GEN, 1);
    // unlock by subtracting (a worker may be between its add and its sub right now)
    Atomics.sub(ctrl, CTRL.ACTIVE, LOCKED);
    Atomics.notify(ctrl, CTRL.GEN);
    stepChunks(ctrl, p.rows, K, SPINS, chunkMax, k, sp, fail);
    if (Atomics.load(ctrl, CTRL.ERR)) throw new Error(`flood step failed: ${errors.join('\n') || String((failure as Error)?.stack ?? failure)}`);
  };

  let wall0 = performance.now();
  let timedFrom = 0;
  let t = 0;
  let steps = 0;
  let hMaxAll = 0;
  for (let i = 0; i < N; i++) if (g.h[i]! > hMaxAll) hMaxAll = g.h[i]!;
  let nextOut = p.outputInterval;
  const pumpOn = p.pumps.map(() => false);
  let lastYield = performance.now();
  let lastDt = 0;
  const liveEvery = opts.liveEveryMs ?? 500;
  let liveAt = performance.now() + (opts.liveFirstMs ?? liveEvery);
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
      step(sp);
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
      // drainage zones: the capacity above the kernel's uniform sink (drainage.ts)
      if (p.drainageExtra) vol.drainage += drainExtra(g.h, p.drainageExtra, dt) * area;
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
      for (let c = 0; c < nChunks; c++) if (chunkMax[c]! > hMaxAll) hMaxAll = chunkMax[c]!;
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
      } else if (opts.onLive && performance.now() >= liveAt && (opts.liveWanted?.() ?? true)) {
        opts.onLive({ t, depthMm: quantised() });
        liveAt = performance.now() + liveEvery;
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
    // cells of the domain only: NODATA cells (z = NaN) are skipped, not updated
    cellUpdatesPerSecond: ((steps - timedFrom) * p.activeCells) / wallSeconds,
    kernel,
    maxDepth, maxStage, timeOfMax: Float32Array.from(g.tmax),
    firstAbove: { '0.15': Float32Array.from(g.t15), '0.2': Float32Array.from(g.t20), '0.27': Float32Array.from(g.t27) },
    depth: Float32Array.from(g.h),
    probes,
    volumes: { ...vol, storedStart, storedEnd, error, relativeError: input > 0 ? error / input : 0 },
    floodedArea,
  };
}
