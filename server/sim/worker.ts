// A flood worker: steps its band of rows in the shared grid when the runner says so.
// Each step is two phases (fluxes, then depths) with a barrier between, because a band's
// depths need the fluxes on the faces its neighbour band computes.
import { parentPort, workerData } from 'node:worker_threads';
import { depths, fluxes } from './kernel';
import { CMD_STOP, CTRL, readParams, sharedViews } from './shared';

const { buffer, cols, rows, dx, r0, r1, index, workers } = workerData as {
  buffer: SharedArrayBuffer; cols: number; rows: number; dx: number; r0: number; r1: number; index: number; workers: number;
};
const { ctrl, params, wmax, grid } = sharedViews(buffer, cols, rows, dx);

function barrier(): void {
  const gen = Atomics.load(ctrl, CTRL.BAR_GEN);
  if (Atomics.add(ctrl, CTRL.BAR_COUNT, 1) === workers - 1) {
    Atomics.store(ctrl, CTRL.BAR_COUNT, 0);
    Atomics.add(ctrl, CTRL.BAR_GEN, 1);
    Atomics.notify(ctrl, CTRL.BAR_GEN);
  } else {
    // a short spin first: the other band usually arrives within microseconds
    for (let k = 0; k < 2000; k++) if (Atomics.load(ctrl, CTRL.BAR_GEN) !== gen) return;
    while (Atomics.load(ctrl, CTRL.BAR_GEN) === gen) Atomics.wait(ctrl, CTRL.BAR_GEN, gen);
  }
}

const scratch = new Float32Array(cols);
let seen = Atomics.load(ctrl, CTRL.GEN);
parentPort!.postMessage('ready');
for (;;) {
  while (Atomics.load(ctrl, CTRL.GEN) === seen) Atomics.wait(ctrl, CTRL.GEN, seen);
  seen = Atomics.load(ctrl, CTRL.GEN);
  if (Atomics.load(ctrl, CTRL.CMD) === CMD_STOP) break;
  const p = readParams(params);
  try {
    fluxes(grid, p, r0, r1, scratch);
    barrier();
    wmax[index] = depths(grid, p, r0, r1);
  } catch (e) {
    Atomics.store(ctrl, CTRL.ERR, 1);
    parentPort!.postMessage({ error: String((e as Error)?.stack ?? e) });
  }
  if (Atomics.add(ctrl, CTRL.DONE, 1) === workers - 1) Atomics.notify(ctrl, CTRL.DONE);
}
process.exit(0);
