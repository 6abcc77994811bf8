// A run going on in this process: its worker's streamed messages (grid, frames, live frames,
// progress) to viewers, subscribers and the database, each run's writes in order.
import type { Worker } from 'node:worker_threads';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { RunRecord } from '../../models/runs';
import type { Db } from '../db';
import type { TwinIo } from '../live/hub';
import { log } from '../log';
import type { FromWorker, ToWorker } from './protocol';

const gzipAsync = promisify(gzip) as (b: Uint8Array, o: { level: number }) => Promise<Buffer>;

export interface Active {
  id: string;
  worker: Worker;
  record: RunRecord;
  /** frames so far, as sent to viewers (a late watcher gets them from here) */
  frames: ArrayBuffer[];
  /** the newest live frame since the last stored one (a viewer joining now gets it at once) */
  live: ArrayBuffer | null;
  /** database writes of this run, in order */
  chain: Promise<unknown>;
  startedMs: number;
  /** where the run's time went before the worker's own phases (ms): queued, worker handed over */
  queueMs: number;
  workerMs: number;
  preview: boolean;
  lastEmitMs: number;
  lastDbMs: number;
  ended: boolean;
  /** what the worker was last told: someone watches (live frames wanted) */
  watched: boolean;
}

export interface RunSink {
  db: Db;
  /** this process's id on the runs it holds */
  owner: string;
  io(): TwinIo | null;
  publish(r: RunRecord): void;
}

/** Queues a database write of this run after its earlier ones. */
export function writeRun(a: Active, fn: () => Promise<unknown>) {
  a.chain = a.chain.then(fn).catch((err) => log.error({ err, run: a.id }, 'run write failed'));
  return a.chain;
}

/** Handles a streamed message of a running run; false for the others (the run's end). */
export function onStreamed(sink: RunSink, a: Active, m: FromWorker): boolean {
  const id = a.id;
  switch (m.type) {
    case 'grid':
      a.record = { ...a.record, grid: m.grid };
      writeRun(a, () => sink.db.query(`update runs set grid = $2::jsonb, updated_at = now() where id = $1 and owner = $3 and status = 'running'`, [id, JSON.stringify(m.grid), sink.owner]));
      sink.publish(a.record);
      return true;
    case 'frame': {
      const raw = m.raw.buffer.slice(m.raw.byteOffset, m.raw.byteOffset + m.raw.byteLength) as ArrayBuffer;
      a.frames.push(raw);
      a.live = null;
      a.record = { ...a.record, frameCount: a.frames.length };
      sink.io()?.to(`run:${id}`).emit('runFrame', id, raw);
      // zlib's async gzip runs on libuv's thread pool: the event loop only hands it over
      const gzipped = gzipAsync(m.raw, { level: 6 });
      writeRun(a, async () => {
        const gz = await gzipped;
        await sink.db.query(`insert into run_frames (run_id, seq, t, bytes) select $1, $2, $3, $4 where exists
          (select 1 from runs where id = $1 and owner = $5 and status = 'running')`, [id, m.seq, m.t, gz, sink.owner]);
        await sink.db.query(`update runs set frame_count = $2, updated_at = now() where id = $1 and owner = $3 and status = 'running'`, [id, m.seq + 1, sink.owner]);
      });
      sink.publish(a.record);
      return true;
    }
    case 'live': {
      // to the people watching now; a late viewer gets the stored frames, then the next live one
      const raw = m.raw.buffer.slice(m.raw.byteOffset, m.raw.byteOffset + m.raw.byteLength) as ArrayBuffer;
      a.live = raw;
      // not volatile: volatile drops a frame whenever the socket is still sending the last one,
      // which with frames of hundreds of kB is most of the time
      sink.io()?.to(`run:${id}`).emit('runLive', id, raw);
      return true;
    }
    case 'progress': {
      a.record = { ...a.record, progress: m.progress };
      const now = Date.now();
      if (now - a.lastEmitMs >= 250) {
        a.lastEmitMs = now;
        sink.publish(a.record);
      }
      if (now - a.lastDbMs >= 1000) {
        a.lastDbMs = now;
        writeRun(a, () => sink.db.query(`update runs set progress = $2::jsonb, updated_at = now() where id = $1 and owner = $3 and status = 'running'`, [id, JSON.stringify(m.progress), sink.owner]));
      }
      return true;
    }
    default:
      return false;
  }
}

/** Viewers of run:<id> in any process (fetchSockets asks the other nodes through the adapter). */
export async function hasViewers(io: TwinIo | null, id: string): Promise<boolean> {
  if (!io) return false;
  return (await io.in(`run:${id}`).fetchSockets().catch(() => [1])).length > 0;
}

/** Tells each running run's worker when its first viewer comes or its last one goes. */
export async function tellWatched(io: TwinIo | null, active: Iterable<Active>) {
  for (const a of active) {
    const on = await hasViewers(io, a.id);
    if (on !== a.watched && !a.ended) {
      a.watched = on;
      a.worker.postMessage({ type: 'watched', on } satisfies ToWorker);
    }
  }
}
