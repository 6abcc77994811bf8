// Runs readImportFiles (read and check, no database) on a worker thread; cancel ends the thread.
import { Worker } from 'node:worker_threads';
import type { ImportProgress, ReadResult, Reader } from './index';

const ENTRY = new URL('./readWorker.mjs', import.meta.url);

export const readInWorker: Reader = (files, opts, mapping, ctl) => new Promise<ReadResult>((resolve, reject) => {
  const w = new Worker(ENTRY, { workerData: { files, opts, mapping } });
  let done = false;
  const finish = (fn: () => void) => { if (!done) { done = true; ctl.signal?.removeEventListener('abort', onAbort); fn(); void w.terminate(); } };
  const onAbort = () => finish(() => reject(new Error('cancelled')));
  if (ctl.signal?.aborted) return onAbort();
  ctl.signal?.addEventListener('abort', onAbort);
  w.on('message', (m: { type: 'progress'; p: ImportProgress } | { type: 'result'; result: ReadResult } | { type: 'error'; message: string }) => {
    if (m.type === 'progress') ctl.onProgress?.(m.p);
    else if (m.type === 'result') finish(() => resolve(m.result));
    else finish(() => reject(new Error(m.message)));
  });
  w.once('error', (e) => finish(() => reject(e)));
  w.once('exit', (code) => finish(() => reject(new Error(`the import worker stopped (code ${code})`))));
});
