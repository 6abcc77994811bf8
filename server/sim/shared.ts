// The layout of the shared memory the runner and its workers step the grid in: a control block
// (Int32 for Atomics, Float64 step parameters, per-worker maxima) then the grid.
import { availableParallelism } from 'node:os';
import { gridBytes, gridOnBuffer, type Grid, type StepParams } from './kernel';

export const CTRL = { GEN: 0, CMD: 1, BAR_COUNT: 2, BAR_GEN: 3, DONE: 4, ERR: 5 } as const;
export const CMD_STEP = 1, CMD_STOP = 2;
const PARAMS_AT = 256, MAX_AT = 512;
export const GRID_AT = 1024;
export const MAX_WORKERS = 64;

/** Bytes of the whole layout: control block, grid, then one scratch row per thread. */
export function layoutBytes(cols: number, rows: number, threads: number): number {
  return scratchAt(cols, rows, Math.max(1, threads));
}

/** Byte offset of thread k's scratch row (cols floats, 16-byte aligned) after the grid. */
export function scratchAt(cols: number, rows: number, k: number): number {
  const end = (GRID_AT + gridBytes(cols, rows) + 15) & ~15;
  return end + k * ((4 * cols + 64 + 15) & ~15);
}

/** Spin, then sleep: return once ctrl[i] is no longer v. */
export function waitWhile(ctrl: Int32Array, i: number, v: number, spins: number): void {
  for (let k = 0; k < spins; k++) if (Atomics.load(ctrl, i) !== v) return;
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
