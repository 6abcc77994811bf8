// The kernel's helper threads (worker.ts). Starting one costs a thread, tsx and the kernel's
// modules: about a third of a second on a quiet 2-core machine and over a second on a busy one,
// paid before a run's first step. A run worker warms them ahead (prestartKernelThreads) and a
// run takes them, so the water a planner waits for is not behind thread start-up; without warm
// threads (CLI, tests) they start as before.
import { Worker } from 'node:worker_threads';

/** What a kernel thread needs to join the runner's steps (its grid in the shared memory). */
export interface KernelThreadInit {
  memory?: WebAssembly.Memory;
  buffer?: SharedArrayBuffer;
  module?: WebAssembly.Module | null;
  kernel: 'wasm-simd' | 'js';
  cols: number; rows: number; dx: number; index: number; threads: number; scratch: number; chunkMax: number;
}

const url = new URL('./worker.mjs', import.meta.url);
/** loaded threads waiting for their grid, not keeping the process alive */
const warm: Worker[] = [];

/** Starts `n` kernel threads that load their code and wait for a run (resolves when loaded). */
export async function prestartKernelThreads(n: number): Promise<void> {
  await Promise.all(Array.from({ length: Math.max(0, n - warm.length) }, () => new Promise<void>((res, rej) => {
    const w = new Worker(url, { workerData: null });
    w.once('message', () => { w.unref(); warm.push(w); res(); });
    w.once('error', rej);
    // one that dies while it waits is not handed to a run
    w.once('exit', () => { const i = warm.indexOf(w); if (i >= 0) warm.splice(i, 1); });
  })));
}

/** A kernel thread on this grid: a warm one when there is one, else a new one. Resolves when it is ready to step. */
export function startKernelThread(init: KernelThreadInit): Promise<Worker> {
  return new Promise<Worker>((res, rej) => {
    const w = warm.pop();
    if (w) {
      w.ref();
      w.once('message', () => res(w));
      w.once('error', rej);
      w.postMessage(init);
      return;
    }
    const fresh = new Worker(url, { workerData: init });
    fresh.once('message', () => res(fresh));
    fresh.once('error', rej);
  });
}
