// Run worker threads, one per run, with some kept warm: starting a thread and loading tsx, the
// simulator and the compiled kernel takes about a second, which a planner pressing Run should
// not wait for. A finished run's thread is ended, never reused, so a run cannot inherit another's
// state or a crash.
import { Worker } from 'node:worker_threads';
import type { FromWorker } from './protocol';
import { log } from '../log';

const ENTRY = new URL('./runWorker.mjs', import.meta.url);

function spawn(): Promise<Worker> {
  return new Promise((resolve, reject) => {
    // workerData must be an object: geotiff's web-worker shim reads it in any non-main thread
    const w = new Worker(ENTRY, { workerData: { role: 'flood-run' } });
    const onExit = (code: number) => reject(new Error(`the run worker exited (code ${code}) before it was ready`));
    w.once('error', reject);
    w.once('exit', onExit);
    w.once('message', (m: FromWorker) => {
      w.off('error', reject);
      w.off('exit', onExit);
      if (m.type === 'ready') resolve(w);
      else reject(new Error(`the run worker said ${m.type} before ready`));
    });
  });
}

export class WorkerPool {
  private readonly idle: Promise<Worker>[] = [];
  private closed = false;

  /** `count` threads kept warm (each a loaded tsx, compiled kernel and its helper threads) */
  constructor(private readonly warm = true, private readonly count = 1) {
    if (warm) for (let k = 0; k < count; k++) this.refill();
  }

  private refill() {
    if (this.closed || !this.warm || this.idle.length >= this.count) return;
    const p = spawn();
    // an idle thread must not keep the process alive
    p.then((w) => w.unref(), (err) => log.error({ err }, 'the warm run worker did not start'));
    this.idle.push(p);
  }

  /** A ready worker: a warm one (a new one warms up behind it) or a fresh one. */
  async take(): Promise<Worker> {
    const mine = this.idle.shift() ?? null;
    this.refill();
    const w = mine ? await mine.catch(() => spawn()) : await spawn();
    w.ref();
    return w;
  }

  /** Resolves when the warm workers are ready (tests and benchmarks measure the warm path). */
  async ready(): Promise<void> {
    await Promise.all(this.idle.map((p) => p.catch(() => undefined)));
  }

  async close() {
    this.closed = true;
    const ws = await Promise.all(this.idle.map((p) => p.catch(() => null)));
    this.idle.length = 0;
    await Promise.all(ws.map((w) => w?.terminate()));
  }
}
