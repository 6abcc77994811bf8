import type { Db } from '../db';
import { historyDropped } from '../metrics';
import { HISTORY_SOURCES, type HistorySource } from '../../models/history';
import {
  Acc, batchBucket, NO_READING, PK_SEEN, PK_SRC, sourceCode, SRC_LAST, SRC_SEEN_SHIFT, type Batch, type CitySlot, type HistoryBucket,
} from './historyAcc';
import { INSERT_BUCKETS, UPDATE_COMPONENTS } from './historySql';

// the history's parts, split by job (records, SQL, reading back); importers keep this one path
export type { HistorySource, HistoryBucket };
export { MERGE_BUCKET, writeChanges } from './historySql';
export { readHistory, type ReadHistoryOptions } from './historyRead';

export interface HistoryWriterOptions {
  /** bucket width; one row per component per bucket it reported in */
  bucketMs?: number;
  /** rows per statement (and per transaction) when writing */
  chunkRows?: number;
  /** closed-bucket rows kept while the database cannot take them; past this the oldest go (counted) */
  maxPending?: number;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Down-samples accepted component changes into time buckets and writes closed buckets to
 * component_history (and each component's last state to components, so state survives a
 * restart). record() is the hot path of every live change: O(1), no allocation, typed arrays
 * per city. A closing bucket swaps to the other accumulator set (double buffer), so record()
 * never waits for the database; flush() turns the closed set into rows and writes them in
 * chunks, one transaction each.
 */
export class HistoryWriter {
  readonly bucketMs: number;
  private readonly chunkRows: number;
  private readonly maxPending: number;
  private slots: CitySlot[] = [];
  private lastSlot: CitySlot | null = null;
  /** which accumulator set is open */
  private cur = 0;
  /** generation of the open bucket; an entry whose gen differs is stale (no clearing pass needed) */
  private gen = 0;
  private openStart = -Infinity;
  private openEnd = -Infinity;
  private closedStart = -Infinity;
  /** the set that closed last still holds rows not turned into batches */
  private closedWaiting = false;
  private queue: Batch[] = [];
  private queuedRows = 0;
  private inflight: Batch | null = null;
  private tail: Promise<unknown> = Promise.resolve();

  /** records for a city not registered (ignored), out-of-range indices (ignored), reports older than the open bucket (counted into it) */
  readonly stats = { unregistered: 0, outOfRange: 0, late: 0, dropped: 0 };

  constructor(private readonly db: Db, opts: HistoryWriterOptions = {}) {
    this.bucketMs = opts.bucketMs ?? 60_000;
    // 2,000 rows: about 0.1 s of PGlite CPU a chunk (5,000: 0.3 s, too long a stall when PGlite runs
    // on the main thread; 1,000: 30% more CPU a row on its worker, behind a full minute of 462,894 rows).
    this.chunkRows = opts.chunkRows ?? 2_000;
    this.maxPending = opts.maxPending ?? 1_000_000;
    if (!(this.bucketMs > 0) || !(this.chunkRows > 0) || !(this.maxPending > 0)) throw new Error('HistoryWriter: bucketMs, chunkRows and maxPending must be positive');
  }

  /** Sizes the accumulators of a city (once per city at load; again with a new count replaces them). */
  register(cityId: number, componentCount: number): void {
    const have = this.slots.find((s) => s.id === cityId);
    if (have && have.n === componentCount) return;
    if (have) {
      // The city was replaced: keep what its old accumulators hold, then start afresh.
      if (this.closedWaiting) this.drainClosed();
      this.drainSet(have, have.acc[this.cur]!, this.openStart);
      this.slots = this.slots.filter((s) => s !== have);
      if (this.lastSlot === have) this.lastSlot = null;
      this.enforceBound();
    }
    this.slots.push({ id: cityId, n: componentCount, acc: [new Acc(componentCount), new Acc(componentCount)] });
  }

  /** A city that is gone (stored afresh with a new id, or deleted): its unwritten rows are dropped (counted). */
  dropCity(cityId: number): void {
    const s = this.slotOf(cityId);
    if (s) {
      this.slots = this.slots.filter((x) => x !== s);
      if (this.lastSlot === s) this.lastSlot = null;
    }
    let dropped = 0;
    for (const b of this.queue) {
      if (b.cityId !== cityId || b === this.inflight) continue;
      dropped += b.n - b.head;
      b.head = b.n;
    }
    this.queue = this.queue.filter((b) => b === this.inflight || b.head < b.n);
    this.queuedRows -= dropped;
    this.stats.dropped += dropped;
    historyDropped.inc(dropped);
  }

  /**
   * One accepted change. NaN value = no reading. A report a little behind the open bucket goes
   * to the bucket that closed last while that is still in memory; an older one is counted into
   * the open bucket (stats.late), in the order the live state took it: older buckets may be written.
   */
  record(cityId: number, idx: number, atMs: number, state: number, value: number, source: HistorySource): void {
    let s = this.lastSlot;
    if (s === null || s.id !== cityId) {
      s = this.slotOf(cityId);
      if (s === null) {
        this.stats.unregistered++;
        return;
      }
      this.lastSlot = s;
    }
    if (!(idx >= 0 && idx < s.n)) {
      this.stats.outOfRange++;
      return;
    }
    if (atMs >= this.openEnd) this.rotate(atMs);
    let a = s.acc[this.cur]!, gen = this.gen;
    if (atMs < this.openStart) {
      if (this.closedWaiting && atMs >= this.closedStart && atMs < this.closedStart + this.bucketMs) {
        // just behind the minute (a report in flight when the bucket closed): its own bucket is still in memory
        a = s.acc[this.cur ^ 1]!;
        gen--;
      } else {
        this.stats.late++;
      }
    }
    const I = a.i32, F = a.f64, ib = idx << 4, fb = idx << 3;
    const code = sourceCode(source);
    const hasValue = value === value;
    const st = state & 15;
    if (I[ib] !== gen) {
      I[ib] = gen;
      a.dirty[a.dirtyN++] = idx;
      I[ib + 1] = st | (st << 4) | (1 << (PK_SEEN + st)) | ((code | (1 << (SRC_SEEN_SHIFT + code)) | (hasValue ? 0 : NO_READING)) << PK_SRC);
      I[ib + 2] = 1;
      F[fb + 6] = atMs;
      if (hasValue) {
        I[ib + 3] = 1;
        F[fb + 2] = value;
        F[fb + 3] = value;
        F[fb + 4] = value;
        F[fb + 5] = value;
      } else {
        I[ib + 3] = 0;
        F[fb + 4] = 0;
      }
      return;
    }
    const pk = I[ib + 1]!;
    const src = ((pk >>> PK_SRC) & 0x3c) | code | (1 << (SRC_SEEN_SHIFT + code)) | (hasValue ? 0 : NO_READING);
    I[ib + 1] = (pk & 0x00ffff0f) | (st << 4) | (1 << (PK_SEEN + st)) | (src << PK_SRC);
    I[ib + 2]!++;
    if (atMs > F[fb + 6]!) F[fb + 6] = atMs;
    if (hasValue) {
      if (I[ib + 3]!++ === 0) {
        F[fb + 2] = value;
        F[fb + 3] = value;
      } else {
        if (value < F[fb + 2]!) F[fb + 2] = value;
        if (value > F[fb + 3]!) F[fb + 3] = value;
      }
      F[fb + 4]! += value;
      F[fb + 5] = value;
    }
  }

  /** Closed-bucket rows not yet written. */
  get pending(): number {
    let n = this.queuedRows;
    if (this.closedWaiting) for (const s of this.slots) n += s.acc[this.cur ^ 1]!.dirtyN;
    return n;
  }

  /** Start of the bucket records go into now (-Infinity before the first record). */
  get openBucketStart(): number {
    return this.openStart;
  }

  /** The component's still-open bucket, or null when it has not reported in it. */
  openBucket(cityId: number, idx: number): HistoryBucket | null {
    const s = this.slotOf(cityId);
    if (!s || !(idx >= 0 && idx < s.n)) return null;
    const a = s.acc[this.cur]!;
    return a.i32[idx << 4] === this.gen ? a.bucket(idx, this.openStart, true) : null;
  }

  /** The component's closed buckets still in memory (closed set and unwritten rows), oldest first. */
  unwritten(cityId: number, idx: number): HistoryBucket[] {
    const out: HistoryBucket[] = [];
    for (const b of this.queue) {
      if (b.cityId !== cityId) continue;
      // rows are sorted by component: binary search
      let lo = b.head, hi = b.n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (b.idx[mid]! < idx) lo = mid + 1;
        else hi = mid;
      }
      if (lo < b.n && b.idx[lo] === idx) out.push(batchBucket(b, lo));
    }
    if (this.closedWaiting) {
      const s = this.slotOf(cityId);
      const a = s?.acc[this.cur ^ 1];
      if (a && idx >= 0 && idx < s!.n && a.i32[idx << 4] === this.gen - 1) out.push(a.bucket(idx, this.closedStart, false));
    }
    return out;
  }

  /**
   * Closes the open bucket if nowMs is past its end (Infinity closes it in any case: at
   * shutdown), then writes every closed row: at most chunkRows a statement, each chunk in its
   * own transaction (rows + components' last state) with the event loop let through between
   * chunks. On failure the unwritten rows stay for the next call and the error is thrown.
   * Calls run one after another. Resolves to the rows written.
   */
  flush(nowMs: number = Date.now()): Promise<number> {
    const run = this.tail.then(() => this.flushNow(nowMs));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async flushNow(nowMs: number): Promise<number> {
    if (nowMs >= this.openEnd) this.rotate(nowMs);
    if (this.closedWaiting) this.drainClosed();
    let written = 0;
    for (;;) {
      const b = this.queue[0];
      if (!b) break;
      if (b.head >= b.n) {
        this.queue.shift();
        continue;
      }
      const from = b.head, k = Math.min(this.chunkRows, b.n - from);
      this.inflight = b;
      try {
        await this.writeChunk(b, from, k);
      } finally {
        this.inflight = null;
      }
      b.head = from + k;
      this.queuedRows -= k;
      written += k;
      // Let sockets, timers and the live tick run between chunks (PGlite may run on this thread).
      await yieldToEventLoop();
    }
    return written;
  }

  private async writeChunk(b: Batch, from: number, k: number) {
    const to = from + k;
    // NaN (no reading in the bucket) goes as null
    const real = (arr: Float32Array) => {
      const out = new Array<number | null>(k);
      for (let j = 0; j < k; j++) {
        const v = arr[from + j]!;
        out[j] = v === v ? v : null;
      }
      return out;
    };
    const vlast = real(b.vlast);
    const idx = Array.from(b.idx.subarray(from, to));
    const last = Array.from(b.last.subarray(from, to));
    const lastAt = Array.from(b.lastAt.subarray(from, to));
    const src = b.src.subarray(from, to);
    await this.db.transaction(async (tx) => {
      await tx.query(INSERT_BUCKETS, [
        b.cityId, b.startMs, idx, Array.from(b.reports.subarray(from, to)), Array.from(b.readings.subarray(from, to)),
        Array.from(b.first.subarray(from, to)), last, Array.from(b.seen.subarray(from, to)),
        real(b.vmin), real(b.vmax), real(b.vmean), vlast, lastAt,
        Array.from(src, (x) => HISTORY_SOURCES[x & SRC_LAST]!), Array.from(src, (x) => x >> SRC_SEEN_SHIFT & 15),
      ]);
      // The value at the last report: null when that report had no reading.
      const current = vlast.map((v, j) => (src[j]! & NO_READING ? null : v));
      // Look the chunk's components up by primary key, one by one. Left to itself the planner
      // (no statistics on a freshly loaded city, as in PGlite which never autovacuums) hashes every
      // component of the city for each chunk: 1-2 s a chunk at 462,894 components instead of ~0.1 s.
      await tx.query(`select set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)`);
      // bits 0-1 of the sources seen: api, mqtt (HISTORY_SOURCES)
      const fromReal = Array.from(src, (x) => (x >> SRC_SEEN_SHIFT & 3) !== 0);
      await tx.query(UPDATE_COMPONENTS, [b.cityId, idx, last, current, lastAt, fromReal]);
    });
  }

  private slotOf(cityId: number): CitySlot | null {
    for (const s of this.slots) if (s.id === cityId) return s;
    return null;
  }

  /** The open bucket closes: the other set becomes the open one (emptied by the generation bump). */
  private rotate(tMs: number) {
    if (this.closedWaiting) this.drainClosed();
    this.closedStart = this.openStart;
    this.cur ^= 1;
    this.gen++;
    this.closedWaiting = true;
    for (const s of this.slots) s.acc[this.cur]!.dirtyN = 0;
    if (Number.isFinite(tMs)) {
      this.openStart = Math.floor(tMs / this.bucketMs) * this.bucketMs;
      this.openEnd = this.openStart + this.bucketMs;
    } else {
      // everything closed (shutdown): the next record opens the bucket of its own time
      this.openStart = this.openEnd = -Infinity;
    }
  }

  /** Turns the closed set into batches (O(components touched in that bucket)). */
  private drainClosed() {
    for (const s of this.slots) this.drainSet(s, s.acc[this.cur ^ 1]!, this.closedStart);
    this.closedWaiting = false;
    this.enforceBound();
  }

  private drainSet(s: CitySlot, a: Acc, startMs: number) {
    const n = a.dirtyN;
    a.dirtyN = 0;
    if (n === 0) return;
    // Sorted by component: the upsert walks the primary key in order, and reads can binary-search.
    // A bucket most components reported in is read in index order (no sort, sequential memory).
    let order: Int32Array;
    if (n > s.n >> 3) {
      order = new Int32Array(n);
      const I = a.i32, g = I[a.dirty[0]! << 4]!;
      for (let i = 0, j = 0; i < s.n; i++) if (I[i << 4] === g) order[j++] = i;
    } else {
      order = a.dirty.subarray(0, n).sort();
    }
    const b: Batch = {
      cityId: s.id, startMs, n, head: 0, idx: order.slice(),
      reports: new Uint32Array(n), readings: new Uint32Array(n), first: new Uint8Array(n), last: new Uint8Array(n),
      seen: new Uint16Array(n), src: new Uint8Array(n), vmin: new Float32Array(n), vmax: new Float32Array(n),
      vmean: new Float32Array(n), vlast: new Float32Array(n), lastAt: new Float64Array(n),
    };
    const I = a.i32, F = a.f64;
    for (let j = 0; j < n; j++) {
      const i = order[j]!, ib = i << 4, fb = i << 3;
      const r = I[ib + 3]!, pk = I[ib + 1]!;
      b.reports[j] = I[ib + 2]!;
      b.readings[j] = r;
      b.first[j] = pk & 15;
      b.last[j] = (pk >> 4) & 15;
      b.seen[j] = (pk >> PK_SEEN) & 0xffff;
      b.src[j] = pk >>> PK_SRC;
      b.vmin[j] = r ? F[fb + 2]! : NaN;
      b.vmax[j] = r ? F[fb + 3]! : NaN;
      b.vmean[j] = r ? F[fb + 4]! / r : NaN;
      b.vlast[j] = r ? F[fb + 5]! : NaN;
      b.lastAt[j] = F[fb + 6]!;
    }
    this.queue.push(b);
    this.queuedRows += n;
  }

  /** Drops the oldest unwritten rows past maxPending (never the chunk being written). */
  private enforceBound() {
    let over = this.queuedRows - this.maxPending;
    if (over <= 0) return;
    let dropped = 0;
    for (const b of this.queue) {
      if (over <= 0) break;
      if (b === this.inflight) continue;
      const d = Math.min(over, b.n - b.head);
      b.head += d;
      over -= d;
      dropped += d;
    }
    this.queue = this.queue.filter((b) => b === this.inflight || b.head < b.n);
    this.queuedRows -= dropped;
    this.stats.dropped += dropped;
    historyDropped.inc(dropped);
  }
}
