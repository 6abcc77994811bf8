// The layout of the shared memory the runner and its workers step the grid in: a control block
// (Int32 for Atomics, Float64 step parameters, per-worker maxima) then the grid.
import { gridOnBuffer, type Grid, type StepParams } from './kernel';

export const CTRL = { GEN: 0, CMD: 1, BAR_COUNT: 2, BAR_GEN: 3, DONE: 4, ERR: 5 } as const;
export const CMD_STEP = 1, CMD_STOP = 2;
const PARAMS_AT = 256, MAX_AT = 512;
export const GRID_AT = 1024;
export const MAX_WORKERS = 64;

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
