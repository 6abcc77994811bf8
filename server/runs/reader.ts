// Reading runs, for RunManager (which extends it): a run going on in this process from memory
// (its record, frames and newest live frame), any other from the database.
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { TRPCError } from '@trpc/server';
import type { RunRecord } from '../../models/runs';
import type { Db } from '../db';
import { NotFoundError } from '../twin';
import type { Active } from './activeRun';
import { getRunRow, listRuns, runFile, runFrames, runRecord } from './store';

const gunzipAsync = promisify(gunzip);

export class RunReader {
  /** the runs going on in this process */
  protected readonly active = new Map<string, Active>();

  constructor(protected readonly db: Db) {}

  async get(id: string): Promise<RunRecord> {
    const a = this.active.get(id);
    if (a) return a.record;
    const row = await getRunRow(this.db, id);
    if (!row) throw new NotFoundError(`no run ${id}`);
    return runRecord(row);
  }

  list(city: string) {
    return listRuns(this.db, city);
  }

  /** A succeeded run's stored JSON result (impact.json, probes.json), through its schema. */
  async result<T>(id: string, name: 'impact.json' | 'probes.json', schema: { parse(v: unknown): T }): Promise<T> {
    return schema.parse(JSON.parse(Buffer.from(await this.storedFile(id, name)).toString('utf8')));
  }

  /** A succeeded run's stored result file, unzipped (compare.ts reads max_depth.tif with it). */
  async storedFile(id: string, name: string): Promise<Uint8Array> {
    const run = await this.get(id);
    if (run.status !== 'succeeded') throw new TRPCError({ code: 'CONFLICT', message: `run ${id} is ${run.status}: results come with a succeeded run` });
    const bytes = await runFile(this.db, id, name);
    if (!bytes) throw new NotFoundError(`run ${id} has no ${name} (its results were removed after the retention period)`);
    return gunzipAsync(bytes);
  }

  /** Frames so far, as encodeDepthFrame bytes in seq order (from memory while it runs here). */
  async frames(id: string): Promise<ArrayBuffer[]> {
    const a = this.active.get(id);
    if (a) return a.frames.slice();
    return runFrames(this.db, id);
  }

  /** Frames of a run running here, synchronously: a watcher joining now misses none and gets none twice. */
  localFrames(id: string): ArrayBuffer[] | null {
    return this.active.get(id)?.frames.slice() ?? null;
  }

  /** The newest live frame of a run going on here, or null. */
  liveFrame(id: string): ArrayBuffer | null {
    return this.active.get(id)?.live ?? null;
  }
}
