// How a run going on in this process ends: its results stored, or its status marked and its data
// dropped, and its worker stopped. The manager then frees the run's slot (RunManager.end).
import { runSummarySchema } from '../../models/runs';
import type { Db } from '../db';
import { log } from '../log';
import type { FromWorker, ToWorker } from './protocol';
import { dropRunData, storeResults } from './store';
import { writeRun, type Active, type RunSink } from './activeRun';

/** Marks a run this process holds as ended (only while it is still running here). */
export function markEnded(db: Db, id: string, owner: string, status: 'failed' | 'cancelled', error: string | null) {
  return db.query(`update runs set status = $2, error = $3, finished_at = now(), updated_at = now() where id = $1 and owner = $4 and status = 'running'`,
    [id, status, error, owner]);
}

/** Stores a finished run's results; false when it was cancelled while they were on the way (its frames are dropped too). */
export async function storeFinished(sink: RunSink, a: Active, m: Extract<FromWorker, { type: 'done' }>): Promise<{ stored: boolean; phases: Record<string, number> }> {
  a.ended = true;
  const summary = runSummarySchema.parse(m.summary);
  const files = Object.entries(m.files);
  let stored = false;
  const t0 = performance.now();
  await writeRun(a, async () => {
    stored = await storeResults(sink.db, a.id, sink.owner, summary, a.record.progress, files);
    // cancelled while its results were on the way: its frames go too
    if (!stored) await dropRunData(sink.db, a.id);
  });
  void a.worker.terminate();
  const phases = { queueMs: a.queueMs, workerMs: a.workerMs, ...m.timings, storeMs: Math.round(performance.now() - t0) };
  log.info({ run: a.id, ...phases, bytes: files.reduce((n, [, b]) => n + b.byteLength, 0) }, 'run finished');
  return { stored, phases };
}

/** A run here that did not succeed: failed with the reason, or cancelled (its data dropped); `mark` writes the status. */
export function stopRun(sink: RunSink, a: Active, status: 'failed' | 'cancelled', error: string | null, mark: boolean) {
  a.ended = true;
  if (status === 'cancelled') a.worker.postMessage({ type: 'abort' } satisfies ToWorker);
  // the worker gets a moment to stop its kernel threads itself, then it is ended
  setTimeout(() => void a.worker.terminate(), status === 'cancelled' ? 500 : 0).unref();
  writeRun(a, async () => {
    if (mark) await markEnded(sink.db, a.id, sink.owner, status, error);
    if (status === 'cancelled') await dropRunData(sink.db, a.id);
  });
  if (error) log.warn({ run: a.id, error }, 'run failed');
}

/** Stops a run here whose row another process changed (cancelled, or taken over): the database is left to it. */
export function abandonRun(a: Active, why: string) {
  a.ended = true;
  a.worker.postMessage({ type: 'abort' } satisfies ToWorker);
  setTimeout(() => void a.worker.terminate(), 500).unref();
  log.info({ run: a.id, why }, 'run stopped');
}
