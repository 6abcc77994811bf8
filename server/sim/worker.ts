// A flood worker: steps its band of rows in the shared grid when the runner says so. The
// runner's own thread steps the first band; each worker one of the others.
// Each step is two phases (fluxes, then depths) with a barrier between, because a band's
// depths need the fluxes on the faces its neighbour band computes. All waits spin first
// (steps on a city grid are tens of microseconds), then sleep.
import { parentPort, workerData } from 'node:worker_threads';
import { gridOnBuffer } from './kernel';
import { CMD_STOP, CTRL, GRID_AT, MAX_WORKERS, spinsFor, barrier, readParams, waitWhile } from './shared';
import { jsBand, wasmBand, type BandKernel, type KernelName } from './wasm';

const { memory, buffer: sab, module, kernel, cols, rows, dx, r0, r1, index, threads, scratch } = workerData as {
  memory?: WebAssembly.Memory; buffer?: SharedArrayBuffer; module?: WebAssembly.Module; kernel: KernelName;
  cols: number; rows: number; dx: number; r0: number; r1: number; index: number; threads: number; scratch: number;
};
const buffer = memory ? memory.buffer : sab!;
const ctrl = new Int32Array(buffer, 0, 16);
const params = new Float64Array(buffer, 256, 16);
const wmax = new Float64Array(buffer, 512, MAX_WORKERS);
const grid = gridOnBuffer(buffer, GRID_AT, cols, rows, dx);
const k: BandKernel = kernel === 'wasm-simd' ? wasmBand(module!, memory!, grid, scratch) : jsBand(grid);

const SPINS = spinsFor(threads);

const fail = (e: unknown) => {
  Atomics.store(ctrl, CTRL.ERR, 1);
  parentPort!.postMessage({ error: String((e as Error)?.stack ?? e) });
};

let seen = Atomics.load(ctrl, CTRL.GEN);
parentPort!.postMessage('ready');
for (;;) {
  waitWhile(ctrl, CTRL.GEN, seen, SPINS);
  seen = Atomics.load(ctrl, CTRL.GEN);
  if (Atomics.load(ctrl, CTRL.CMD) === CMD_STOP) break;
  const p = readParams(params);
  try {
    k.fluxes(p, r0, r1);
  } catch (e) {
    fail(e);
  }
  barrier(ctrl, threads, SPINS);
  try {
    wmax[index] = k.depths(p, r0, r1);
  } catch (e) {
    fail(e);
  }
  if (Atomics.add(ctrl, CTRL.DONE, 1) === threads - 2) Atomics.notify(ctrl, CTRL.DONE);
}
process.exit(0);
