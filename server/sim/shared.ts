// The layout of the shared memory the runner and its workers step the grid in: a control block
// (Int32 for Atomics, Float64 step parameters, per-worker maxima) then the grid.
import { availableParallelism } from 'node:os';
import { gridBytes, gridOnBuffer, type Grid, type StepParams } from './kernel';

export const CTRL = { GEN: 0, CMD: 1, BAR_COUNT: 2, BAR_GEN: 3, DONE: 4, ERR: 5, TICKET1: 6, TICKET2: 7, DONE1: 8, DONE2: 9, ACTIVE: 10 } as const;
/** ctrl[ACTIVE] while the runner sets up a step: no thread may join the step being replaced */
export const LOCKED = -(1 << 30);
export const CMD_STEP = 1, CMD_STOP = 2;
const PARAMS_AT = 256, MAX_AT = 512;
export const GRID_AT = 1024;
export const MAX_WORKERS = 64;

/** Bytes of the whole layout: control block, grid, one scratch row per thread, chunk maxima. */
export function layoutBytes(cols: number, rows: number, threads: number): number {
  return chunkMaxAt(cols, rows, threads) + 8 * rows;
}

/** Byte offset of the per-chunk largest depths (Float64, at most rows of them). */
export function chunkMaxAt(cols: number, rows: number, threads: number): number {
  return scratchAt(cols, rows, Math.max(1, threads));
}

/**
 * Rows per chunk when threads take chunks of rows as they come (see stepChunks): about 16
 * chunks per thread, so a thread the machine stops for a while holds up at most one chunk.
 */
export function chunkRows(rows: number, threads: number): number {
  return threads <= 1 ? rows : Math.max(4, Math.ceil(rows / (16 * threads)));
}

/**
 * One thread's part of a step. Chunks of rows are taken from shared tickets (Atomics.add), so
 * whichever threads are running do the work; phase 2 starts once every chunk's phase 1 is done.
 * A chunk's results do not depend on which thread computes it (a chunk recomputes the faces
 * above its first row in the thread's scratch row), so the output is the same for any number
 * of threads and any interleaving. Returns when every chunk of the step is done.
 */
export function stepChunks(
  ctrl: Int32Array, rows: number, K: number, spins: number, chunkMax: Float64Array,
  k: { fluxes(p: StepParams, r0: number, r1: number): void; depths(p: StepParams, r0: number, r1: number): number },
  p: StepParams, fail: (e: unknown) => void,
): void {
  const n = Math.ceil(rows / K);
  for (;;) {
    const c = Atomics.add(ctrl, CTRL.TICKET1, 1);
    if (c >= n) break;
    try {
      k.fluxes(p, c * K, Math.min(rows, (c + 1) * K));
    } catch (e) {
      fail(e);
    }
    if (Atomics.add(ctrl, CTRL.DONE1, 1) === n - 1) Atomics.notify(ctrl, CTRL.DONE1);
  }
  for (let d = Atomics.load(ctrl, CTRL.DONE1); d < n; d = Atomics.load(ctrl, CTRL.DONE1)) waitWhile(ctrl, CTRL.DONE1, d, spins);
  for (;;) {
    const c = Atomics.add(ctrl, CTRL.TICKET2, 1);
    if (c >= n) break;
    try {
      chunkMax[c] = k.depths(p, c * K, Math.min(rows, (c + 1) * K));
    } catch (e) {
      fail(e);
    }
    if (Atomics.add(ctrl, CTRL.DONE2, 1) === n - 1) Atomics.notify(ctrl, CTRL.DONE2);
  }
  for (let d = Atomics.load(ctrl, CTRL.DONE2); d < n; d = Atomics.load(ctrl, CTRL.DONE2)) waitWhile(ctrl, CTRL.DONE2, d, spins);
}

/** Byte offset of thread k's scratch row (cols floats, 16-byte aligned) after the grid. */
export function scratchAt(cols: number, rows: number, k: number): number {
  const end = (GRID_AT + gridBytes(cols, rows) + 15) & ~15;
  return end + k * ((4 * cols + 64 + 15) & ~15);
}

let budget = 1 << 12;

/**
 * Spin, then sleep: return once ctrl[i] is no longer v. The spin budget adapts (per thread):
 * halved each time spinning did not see the change (the partner is slow or descheduled, and a
 * spinning thread may be taking the very core it needs), doubled up to maxSpins when the
 * change came late in the spin; so a quiet machine spins (no wake-up latency) and a busy one
 * soon sleeps.
 */
export function waitWhile(ctrl: Int32Array, i: number, v: number, maxSpins: number): void {
  const n = budget < maxSpins ? budget : maxSpins;
  for (let k = 0; k < n; k++)
    if (Atomics.load(ctrl, i) !== v) {
      if (k > n >> 1 && budget < maxSpins) budget *= 2;
      return;
    }
  if (budget > 64) budget >>= 1;
  while (Atomics.load(ctrl, i) === v) Atomics.wait(ctrl, i, v, 100);
}

/**
 * A barrier for n threads on ctrl[BAR_COUNT] / ctrl[BAR_GEN]: the last to arrive opens it.
 * Threads spin first (a step's phases are tens of microseconds on a small grid, far below a
 * sleep's wake-up latency), then sleep, so a thread whose partner was descheduled by a busy
 * machine does not burn a core for long.
 */
export function barrier(ctrl: Int32Array, n: number, spins: number): void {
  if (n <= 1) return;
  const gen = Atomics.load(ctrl, CTRL.BAR_GEN);
  if (Atomics.add(ctrl, CTRL.BAR_COUNT, 1) === n - 1) {
    Atomics.store(ctrl, CTRL.BAR_COUNT, 0);
    Atomics.add(ctrl, CTRL.BAR_GEN, 1);
    Atomics.notify(ctrl, CTRL.BAR_GEN);
  } else waitWhile(ctrl, CTRL.BAR_GEN, gen, spins);
}

/**
 * Spin iterations before sleeping (an Atomics.load is a few ns: 1 << 16 is about 0.1-0.3 ms).
 * With more threads than cores a spinning thread takes the core its partner needs: barely spin.
 */
export function spinsFor(threads: number): number {
  const env = Number(process.env.FLOOD_SPINS);
  if (env >= 0 && process.env.FLOOD_SPINS) return env;
  return threads <= availableParallelism() ? 1 << 16 : 256;
}

export interface Shared {
  ctrl: Int32Array;
  params: Float64Array;
  wmax: Float64Array;
  grid: Grid;
}

export function sharedViews(buf: ArrayBufferLike, cols: number, rows: number, dx: number): Shared {
  return {
    ctrl: new Int32Array(buf, 0, 16),
    params: new Float64Array(buf, PARAMS_AT, 16),
    wmax: new Float64Array(buf, MAX_AT, MAX_WORKERS),
    grid: gridOnBuffer(buf, GRID_AT, cols, rows, dx),
  };
}

export function writeParams(a: Float64Array, p: StepParams): void {
  a[0] = p.dt; a[1] = p.t; a[2] = p.rain; a[3] = p.sink; a[4] = p.theta; a[5] = p.hMin; a[6] = p.openSlope; a[7] = p.open;
}

export function readParams(a: Float64Array): StepParams {
  return { dt: a[0]!, t: a[1]!, rain: a[2]!, sink: a[3]!, theta: a[4]!, hMin: a[5]!, openSlope: a[6]!, open: a[7]! };
}

/** Rows split into contiguous bands, one per worker. */
export function bands(rows: number, workers: number): [number, number][] {
  const out: [number, number][] = [];
  for (let w = 0; w < workers; w++) out.push([Math.floor((rows * w) / workers), Math.floor((rows * (w + 1)) / workers)]);
  return out;
}
