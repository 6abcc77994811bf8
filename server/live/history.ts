import type { Db } from '../db';
import { historyDropped } from '../metrics';
import { stateKeyOf } from '../../models/components';
import {
  HISTORY_SOURCES, statesOfMask, worstState, type ComponentHistoryPoint, type HistorySource,
} from '../../models/history';

export type { HistorySource };

export interface HistoryWriterOptions {
  /** bucket width; one row per component per bucket it reported in */
  bucketMs?: number;
  /** rows per statement (and per transaction) when writing */
  chunkRows?: number;
  /** closed-bucket rows kept while the database cannot take them; past this the oldest go (counted) */
  maxPending?: number;
}

/** A bucket of one component, as read back from memory (not the hot path). */
export interface HistoryBucket {
  startMs: number;
  reports: number;
  readings: number;
  stateFirst: number;
  stateLast: number;
  statesSeen: number;
  sourcesSeen: number;
  source: string;
  min: number | null;
  max: number | null;
  mean: number | null;
  last: number | null;
  lastAtMs: number;
  open: boolean;
}

// The per-component source byte: bits 0-1 source of the last report (index in HISTORY_SOURCES),
// bits 2-5 a bitmask of the sources seen, bit 6 set when the last report carried no reading.
const SRC_LAST = 3;
const SRC_SEEN_SHIFT = 2;
const NO_READING = 64;

function sourceCode(s: HistorySource): number {
  // A switch on interned string constants compiles to pointer compares: no lookup per call.
  switch (s) {
    case 'simulator': return 2;
    case 'mqtt': return 1;
    case 'load': return 3;
    default: return 0;
  }
}

/**
 * One bucket's accumulators for one city: a 64-byte record per component (one cache line), so a
 * report touches one line instead of a dozen arrays. A record is valid when its gen is the
 * bucket's generation; a stale one is reinitialised on first touch, so nothing is cleared.
 *   Int32 view:   [0] gen, [1] packed states and source (PK_*), [2] reports, [3] readings
 *   Float64 view: [2] min, [3] max, [4] sum, [5] last reading, [6] time of the last report (ms)
 */
class Acc {
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  /** components touched in this bucket, in first-touch order */
  readonly dirty: Int32Array;
  dirtyN = 0;

  constructor(n: number) {
    const buf = new ArrayBuffer(n * 64);
    this.i32 = new Int32Array(buf);
    this.f64 = new Float64Array(buf);
    for (let i = 0; i < n; i++) this.i32[i << 4] = -1;
    this.dirty = new Int32Array(n);
  }

  bucket(i: number, startMs: number, open: boolean): HistoryBucket {
    const I = this.i32, F = this.f64, ib = i << 4, fb = i << 3;
    const r = I[ib + 3]!, pk = I[ib + 1]!, src = pk >>> PK_SRC;
    return {
      startMs, reports: I[ib + 2]!, readings: r, stateFirst: pk & 15, stateLast: (pk >> 4) & 15,
      statesSeen: (pk >> PK_SEEN) & 0xffff, sourcesSeen: (src >> SRC_SEEN_SHIFT) & 15, source: HISTORY_SOURCES[src & SRC_LAST]!,
      min: r ? F[fb + 2]! : null, max: r ? F[fb + 3]! : null, mean: r ? F[fb + 4]! / r : null, last: r ? F[fb + 5]! : null,
      lastAtMs: F[fb + 6]!, open,
    };
  }
}

// The packed Int32: bits 0-3 first state, 4-7 last state, 8-23 states seen, 24-30 the source byte.
const PK_SEEN = 8;
const PK_SRC = 24;

interface CitySlot {
  id: number;
  n: number;
  /** [0] and [1]: one is the open bucket (writer.cur), the other the bucket that closed last */
  acc: [Acc, Acc];
}

/** Closed-bucket rows of one city and bucket, sorted by component, waiting for the database. */
interface Batch {
  cityId: number;
  startMs: number;
  n: number;
  /** rows before head are written (or dropped) */
  head: number;
  idx: Int32Array;
  reports: Uint32Array;
  readings: Uint32Array;
  first: Uint8Array;
  last: Uint8Array;
  seen: Uint16Array;
  src: Uint8Array;
  vmin: Float32Array;
  vmax: Float32Array;
  /** NaN = no reading */
  vmean: Float32Array;
  vlast: Float32Array;
  lastAt: Float64Array;
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

function batchBucket(b: Batch, j: number): HistoryBucket {
  const r = b.readings[j]!, src = b.src[j]!;
  return {
    startMs: b.startMs, reports: b.reports[j]!, readings: r, stateFirst: b.first[j]!, stateLast: b.last[j]!,
    statesSeen: b.seen[j]!, sourcesSeen: src >> SRC_SEEN_SHIFT & 15, source: HISTORY_SOURCES[src & SRC_LAST]!,
    min: r ? b.vmin[j]! : null, max: r ? b.vmax[j]! : null, mean: r ? b.vmean[j]! : null, last: r ? b.vlast[j]! : null,
    lastAtMs: b.lastAt[j]!, open: false,
  };
}

/** The upsert's merge of a bucket written twice; also how down-sampling folds buckets (./retention.ts). */
export const MERGE_BUCKET = `
on conflict (city_id, component_idx, bucket_start) do update set
  reports = h.reports + excluded.reports,
  readings = h.readings + excluded.readings,
  states_seen = h.states_seen | excluded.states_seen,
  sources_seen = h.sources_seen | excluded.sources_seen,
  value_min = least(h.value_min, excluded.value_min),
  value_max = greatest(h.value_max, excluded.value_max),
  value_mean = (coalesce(h.value_mean::float8 * h.readings, 0) + coalesce(excluded.value_mean::float8 * excluded.readings, 0))
    / nullif(h.readings + excluded.readings, 0),
  state_last = case when excluded.last_at >= h.last_at then excluded.state_last else h.state_last end,
  value_last = case when excluded.last_at >= h.last_at then coalesce(excluded.value_last, h.value_last)
    else coalesce(h.value_last, excluded.value_last) end,
  source = case when excluded.last_at >= h.last_at then excluded.source else h.source end,
  last_at = greatest(h.last_at, excluded.last_at)`;

// A bucket written twice (a retry after a commit we did not hear of, a restart inside the
// bucket, a city re-registered) merges: counts add, extremes widen, the later report's last values win.
const INSERT_BUCKETS = `
insert into component_history as h (city_id, component_idx, bucket_start, reports, readings, state_first, state_last,
  states_seen, value_min, value_max, value_mean, value_last, last_at, source, sources_seen)
select $1::int, t.idx, to_timestamp($2::float8 / 1000), t.reports, t.readings, t.f, t.l, t.seen, t.vmin, t.vmax, t.vmean,
  t.vlast, to_timestamp(t.last_ms / 1000), t.source, t.sources
from unnest($3::int[], $4::int[], $5::int[], $6::smallint[], $7::smallint[], $8::smallint[], $9::real[], $10::real[],
  $11::real[], $12::real[], $13::float8[], $14::text[], $15::smallint[])
  as t(idx, reports, readings, f, l, seen, vmin, vmax, vmean, vlast, last_ms, source, sources)
${MERGE_BUCKET}`;

// The components' last state, so Twin.load restores it; a newer report already stored (the
// durable ingest path writes its own) is not overwritten by an older bucket.
const UPDATE_COMPONENTS = `
update components c set state = u.l, value = u.v, last_report_at = to_timestamp(u.last_ms / 1000),
  data_source = case when u.real then 'real' else c.data_source end
from unnest($2::int[], $3::smallint[], $4::real[], $5::float8[], $6::bool[]) as u(idx, l, v, last_ms, real)
where c.city_id = $1 and c.idx = u.idx
  and (c.last_report_at is null or c.last_report_at <= to_timestamp(u.last_ms / 1000))`;

export interface ReadHistoryOptions {
  /** window [fromMs, toMs) on bucket start, epoch ms */
  fromMs?: number;
  toMs?: number;
  /** most recent points kept */
  limit?: number;
  /** points are merged buckets of this width (a multiple of the bucket width); default the bucket width */
  stepMs?: number;
  /** width of the stored buckets; default the writer's, else a minute */
  bucketMs?: number;
  /** adds what is still in memory: unwritten closed buckets and the open one */
  writer?: HistoryWriter;
  /**
   * Rows of state_changes (the durable ingest path) that no bucket of the same source covers:
   * 'merge' folds them into the points of their step (a chart), 'separate' keeps them as points
   * of their own (a list of changes), 'none' leaves them out. Default 'merge'.
   */
  changes?: 'merge' | 'separate' | 'none';
}

const FAR_FUTURE_MS = 253_402_300_800_000; // year 10000

/**
 * A component's history in time order (oldest first): its stored buckets merged per step, the
 * writer's buckets still in memory (the open one marked open), and durable ingest rows that
 * no bucket holds yet.
 */
export async function readHistory(db: Db, cityId: number, idx: number, opts: ReadHistoryOptions = {}): Promise<ComponentHistoryPoint[]> {
  const bucketMs = opts.bucketMs ?? opts.writer?.bucketMs ?? 60_000;
  const step = Math.max(opts.stepMs ?? bucketMs, bucketMs);
  const fromMs = opts.fromMs ?? 0, toMs = opts.toMs ?? FAR_FUTURE_MS;
  const limit = opts.limit ?? 1000;
  const changesMode = opts.changes ?? 'merge';
  const [stored, changes] = await Promise.all([
    db.query<{
      t: number; reports: number; readings: number; seen: number; sources: number; state: number; vmin: number | null;
      vmax: number | null; vmean: number | null; vlast: number | null; last_ms: number; source: string;
    }>(
      `select (floor((extract(epoch from bucket_start) * 1000)::float8 / $3::float8) * $3::float8)::float8 as t,
         sum(reports)::int as reports, sum(readings)::int as readings,
         bit_or(states_seen)::int as seen, bit_or(sources_seen)::int as sources,
         (array_agg(state_last order by last_at desc))[1]::int as state,
         min(value_min) as vmin, max(value_max) as vmax,
         (sum(value_mean::float8 * readings) / nullif(sum(readings), 0))::float8 as vmean,
         (array_agg(value_last order by last_at desc) filter (where value_last is not null))[1] as vlast,
         (extract(epoch from max(last_at)) * 1000)::float8 as last_ms,
         (array_agg(source order by last_at desc))[1] as source
       from component_history
       where city_id = $1 and component_idx = $2
         and bucket_start >= to_timestamp($4::float8 / 1000) and bucket_start < to_timestamp($5::float8 / 1000)
       group by 1 order by 1 desc limit $6`,
      [cityId, idx, step, fromMs, toMs, limit],
    ),
    changesMode === 'none'
      ? Promise.resolve({ rows: [] })
      : db.query<{ at_ms: number; state: number; value: number | null; source: string }>(
        `select (extract(epoch from s.at) * 1000)::float8 as at_ms, s.state::int as state, s.value, s.source
         from state_changes s
         where s.city_id = $1 and s.component_idx = $2
           and s.at >= to_timestamp($4::float8 / 1000) and s.at < to_timestamp($5::float8 / 1000)
           and not exists (
             select 1 from component_history h
             where h.city_id = s.city_id and h.component_idx = s.component_idx
               and h.bucket_start = to_timestamp(floor((extract(epoch from s.at) * 1000)::float8 / $3::float8) * $3::float8 / 1000)
               and h.sources_seen & (case s.source when 'api' then 1 when 'mqtt' then 2 when 'simulator' then 4 when 'load' then 8 else 0 end) <> 0)
         order by s.at desc, s.id desc limit $6`,
        [cityId, idx, bucketMs, fromMs, toMs, limit],
      ),
  ]);

  // In memory after the query: a chunk committed meanwhile has already left the writer's queue.
  const mem: HistoryBucket[] = [];
  if (opts.writer) {
    mem.push(...opts.writer.unwritten(cityId, idx));
    const open = opts.writer.openBucket(cityId, idx);
    if (open) mem.push(open);
  }
  const inWindow = (b: HistoryBucket) => b.startMs >= fromMs && b.startMs < toMs;

  const groups = new Map<number, HistoryBucket>();
  const add = (b: HistoryBucket) => {
    const t = Math.floor(b.startMs / step) * step;
    const g = groups.get(t);
    groups.set(t, g ? mergeBuckets(g, b) : { ...b, startMs: t });
  };
  for (const r of stored.rows) {
    add({
      startMs: r.t, reports: r.reports, readings: r.readings, stateFirst: r.state, stateLast: r.state, statesSeen: r.seen,
      sourcesSeen: r.sources, source: r.source, min: r.vmin, max: r.vmax, mean: r.vmean, last: r.vlast, lastAtMs: r.last_ms, open: false,
    });
  }
  for (const b of mem) if (inWindow(b)) add(b);

  const separate: HistoryBucket[] = [];
  for (const r of changes.rows) {
    const start = Math.floor(r.at_ms / bucketMs) * bucketMs;
    const code = HISTORY_SOURCES.indexOf(r.source as HistorySource);
    const bit = code >= 0 ? 1 << code : 0;
    if (mem.some((b) => b.startMs === start && b.sourcesSeen & bit)) continue; // the writer has it too
    const hasValue = r.value !== null;
    const b: HistoryBucket = {
      startMs: Math.floor(r.at_ms / step) * step, reports: 1, readings: hasValue ? 1 : 0, stateFirst: r.state, stateLast: r.state,
      statesSeen: 1 << r.state, sourcesSeen: bit, source: r.source, min: r.value, max: r.value, mean: r.value, last: r.value,
      lastAtMs: r.at_ms, open: false,
    };
    if (changesMode === 'merge') add(b);
    else separate.push(b);
  }

  const all = [...groups.values(), ...separate].sort((a, b) => a.startMs - b.startMs || a.lastAtMs - b.lastAtMs);
  return all.slice(Math.max(0, all.length - limit)).map((b) => toPoint(b, step));
}

function mergeBuckets(a: HistoryBucket, b: HistoryBucket): HistoryBucket {
  const later = b.lastAtMs >= a.lastAtMs ? b : a, earlier = later === b ? a : b;
  const readings = a.readings + b.readings;
  const minOf = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.min(x, y));
  const maxOf = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.max(x, y));
  return {
    startMs: a.startMs,
    reports: a.reports + b.reports,
    readings,
    stateFirst: earlier.stateFirst,
    stateLast: later.stateLast,
    statesSeen: a.statesSeen | b.statesSeen,
    sourcesSeen: a.sourcesSeen | b.sourcesSeen,
    source: later.source,
    min: minOf(a.min, b.min),
    max: maxOf(a.max, b.max),
    mean: readings ? ((a.mean ?? 0) * a.readings + (b.mean ?? 0) * b.readings) / readings : null,
    last: later.last ?? earlier.last,
    lastAtMs: later.lastAtMs,
    open: a.open || b.open,
  };
}

function toPoint(b: HistoryBucket, step: number): ComponentHistoryPoint {
  return {
    startMs: b.startMs,
    endMs: b.startMs + step,
    reports: b.reports,
    state: stateKeyOf(b.stateLast),
    worst: worstState(b.statesSeen),
    statesSeen: statesOfMask(b.statesSeen),
    min: b.min,
    max: b.max,
    mean: b.mean,
    last: b.last,
    lastAt: new Date(b.lastAtMs).toISOString(),
    source: b.source,
    open: b.open,
  };
}

/** History rows plus the components' current state, atomically (the durable HTTP ingest path). */
export async function writeChanges(
  db: Pick<Db, 'transaction'>, city: number[], comp: number[], at: string[], state: number[], value: (number | null)[], source: string[],
) {
  await db.transaction(async (tx) => {
    await tx.query(
      `insert into state_changes (city_id, component_idx, at, state, value, source)
       select * from unnest($1::int[], $2::int[], $3::timestamptz[], $4::smallint[], $5::real[], $6::text[])`,
      [city, comp, at, state, value, source],
    );
    // Latest change per component wins (rows arrive in time order).
    await tx.query(
      `update components c set state = u.state, value = u.value, last_report_at = u.at,
         data_source = case when u.source in ('api', 'mqtt') then 'real' else c.data_source end
       from (select distinct on (city_id, component_idx) city_id, component_idx, at, state, value, source
             from unnest($1::int[], $2::int[], $3::timestamptz[], $4::smallint[], $5::real[], $6::text[]) with ordinality
               as t(city_id, component_idx, at, state, value, source, ord)
             order by city_id, component_idx, ord desc) u
       where c.city_id = u.city_id and c.idx = u.component_idx`,
      [city, comp, at, state, value, source],
    );
  });
}
