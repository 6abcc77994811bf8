// The history writer's in-memory records (./history.ts): a bucket as read back, the packed
// per-component accumulators of the open and last-closed bucket, and the closed rows waiting for the database.
import { HISTORY_SOURCES, type HistorySource } from '../../models/history';

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
export const SRC_LAST = 3;
export const SRC_SEEN_SHIFT = 2;
export const NO_READING = 64;

export function sourceCode(s: HistorySource): number {
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
export class Acc {
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
export const PK_SEEN = 8;
export const PK_SRC = 24;

export interface CitySlot {
  id: number;
  n: number;
  /** [0] and [1]: one is the open bucket (writer.cur), the other the bucket that closed last */
  acc: [Acc, Acc];
}

/** Closed-bucket rows of one city and bucket, sorted by component, waiting for the database. */
export interface Batch {
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

export function batchBucket(b: Batch, j: number): HistoryBucket {
  const r = b.readings[j]!, src = b.src[j]!;
  return {
    startMs: b.startMs, reports: b.reports[j]!, readings: r, stateFirst: b.first[j]!, stateLast: b.last[j]!,
    statesSeen: b.seen[j]!, sourcesSeen: src >> SRC_SEEN_SHIFT & 15, source: HISTORY_SOURCES[src & SRC_LAST]!,
    min: r ? b.vmin[j]! : null, max: r ? b.vmax[j]! : null, mean: r ? b.vmean[j]! : null, last: r ? b.vlast[j]! : null,
    lastAtMs: b.lastAt[j]!, open: false,
  };
}
