// A run's record as a stream for the progress subscription: the record now, then each change,
// until a final status. Changes made in this process arrive as events at once; those made by
// another process (PostgreSQL, shared queue) are read from the database once a second.
import { on, type EventEmitter } from 'node:events';
import type { RunRecord } from '../../models/runs';

const FINAL = new Set(['succeeded', 'failed', 'cancelled']);

/** A tracked event id: changes whenever what a viewer sees of the run changes. */
export const eventIdOf = (r: RunRecord) => `${r.status}.${r.progress?.steps ?? 0}.${r.frameCount}.${r.queuePosition ?? 0}`;

export async function* watchRun(get: (id: string) => Promise<RunRecord>, events: EventEmitter, id: string, signal?: AbortSignal): AsyncGenerator<RunRecord> {
  let rec = await get(id);
  yield rec;
  let last = eventIdOf(rec);
  while (!FINAL.has(rec.status) && !signal?.aborted) {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 1000);
    const onAbort = () => ac.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let next: RunRecord | null = null;
    try {
      for await (const [r] of on(events, id, { signal: ac.signal })) {
        next = r as RunRecord;
        break;
      }
    } catch { /* the second passed, or the client went */ }
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    if (signal?.aborted) return;
    rec = next ?? (await get(id));
    if (eventIdOf(rec) !== last) {
      last = eventIdOf(rec);
      yield rec;
    }
  }
}
