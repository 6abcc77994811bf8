// A flood worker: helps step the shared grid when the runner starts a step. The runner's own
// thread is thread 0; each worker takes chunks of rows from shared tickets (stepChunks), so a
// worker the machine has descheduled holds nobody up beyond the chunk it is in. All waits spin
// first (steps on a city grid take about a millisecond), then sleep.
import { parentPort, workerData } from 'node:worker_threads';
import { gridOnBuffer } from './kernel';
import { CMD_STOP, CTRL, GRID_AT, chunkRows, readParams, spinsFor, stepChunks, waitWhile } from './shared';
import { jsBand, wasmBand, type BandKernel } from './wasm';
import type { KernelThreadInit } from './threads';

function run(d: KernelThreadInit) {
  const { memory, buffer: sab, module, kernel, cols, rows, dx, threads, scratch, chunkMax: chunkMaxAt } = d;
  const buffer = memory ? memory.buffer : sab!;
  const ctrl = new Int32Array(buffer, 0, 16);
  const params = new Float64Array(buffer, 256, 16);
  const chunkMax = new Float64Array(buffer, chunkMaxAt, rows);
  const grid = gridOnBuffer(buffer, GRID_AT, cols, rows, dx);
  const k: BandKernel = kernel === 'wasm-simd' ? wasmBand(module!, memory!, grid, scratch) : jsBand(grid);
  const SPINS = spinsFor(threads);
  const K = chunkRows(rows, threads);

  const fail = (e: unknown) => {
    Atomics.store(ctrl, CTRL.ERR, 1);
    parentPort!.postMessage({ error: String((e as Error)?.stack ?? e) });
  };
  let seen = Atomics.load(ctrl, CTRL.GEN);
  parentPort!.postMessage('ready');
  for (;;) {
    waitWhile(ctrl, CTRL.GEN, seen, SPINS);
    // join the current step, unless the runner is setting up the next one (then wait for it)
    if (Atomics.add(ctrl, CTRL.ACTIVE, 1) < 0) {
      Atomics.sub(ctrl, CTRL.ACTIVE, 1);
      while (Atomics.load(ctrl, CTRL.ACTIVE) < 0);
      continue;
    }
    seen = Atomics.load(ctrl, CTRL.GEN);
    if (Atomics.load(ctrl, CTRL.CMD) === CMD_STOP) {
      Atomics.sub(ctrl, CTRL.ACTIVE, 1);
      break;
    }
    stepChunks(ctrl, rows, K, SPINS, chunkMax, k, readParams(params), fail);
    if (Atomics.sub(ctrl, CTRL.ACTIVE, 1) === 1) Atomics.notify(ctrl, CTRL.ACTIVE);
  }
  process.exit(0);
}

// started with its grid (workerData), or warm: loaded first, its grid comes in a message (threads.ts)
if (workerData) run(workerData as KernelThreadInit);
else {
  parentPort!.once('message', (d: KernelThreadInit) => run(d));
  parentPort!.postMessage('loaded');
}
