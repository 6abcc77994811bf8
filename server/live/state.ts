import { COMPONENT_CLASSES, staleAfterMs } from '../../models/components';
import { rollupLevel } from '../../models/fiveColour';
import { ROLLUP_COLUMNS, ROLLUP_STALE, STALE_BIT, STATE_MASK } from '../../models/live';

export interface LiveStateOptions {
  /** component -> unit grid */
  gridOf: Uint32Array;
  gridCount: number;
  /** component -> class index (decides whether and when it goes stale) */
  classIndex?: Uint8Array;
  /** stored readings */
  values?: Float32Array;
  /** the silence clock starts here for components that never reported (server start) */
  startMs?: number;
}

/**
 * What changed in one tick, grouped by unit grid: the entries of grid g are
 * `[gridStart[g], gridStart[g + 1])` of indices/states/values, ready to be copied per client.
 */
export interface Tick {
  count: number;
  gridStart: Uint32Array;
  indices: Uint32Array;
  states: Uint8Array;
  values: Float32Array;
  /** unit grids with changes this tick */
  touched: Uint32Array;
  touchedCount: number;
}

/**
 * The current state of one city's components, columnar: a state byte (bit 7 = stale), a
 * reading and the time of the last report per component, plus per-unit-grid roll-ups (counts
 * by state, stale count, five-colour level) kept current as states change. Changes are marked
 * dirty and leave once per tick; several changes of a component within a tick coalesce.
 */
export class LiveState {
  readonly states: Uint8Array;
  readonly values: Float32Array;
  readonly lastReportMs: Float64Array;
  readonly gridOf: Uint32Array;
  readonly gridCount: number;
  /** grid g's counts: rollup[g * ROLLUP_COLUMNS + state], stale at + ROLLUP_STALE */
  readonly rollup: Uint32Array;
  readonly level: Uint8Array;
  /** ticks flushed so far */
  seq = 0;
  /** roll-up changes since the last roll-up frame */
  private readonly gridDirty: Uint8Array;
  private gridDirtyList: Uint32Array;
  private gridDirtyCount = 0;
  private readonly dirtyFlag: Uint8Array;
  private dirty: Uint32Array;
  private dirtyCount = 0;
  private readonly tick: Tick;
  /** per grid: where its next entry goes while a tick is grouped */
  private readonly cursor: Uint32Array;
  private readonly staleIdx: Uint32Array;
  private readonly staleAfter: Float64Array;
  private readonly startMs: number;

  constructor(initialStates: Uint8Array, opts: LiveStateOptions) {
    const n = initialStates.length;
    this.states = Uint8Array.from(initialStates, (s) => s & STATE_MASK);
    this.values = opts.values ? Float32Array.from(opts.values) : new Float32Array(n).fill(NaN);
    this.lastReportMs = new Float64Array(n);
    this.gridOf = opts.gridOf;
    this.gridCount = opts.gridCount;
    this.startMs = opts.startMs ?? Date.now();
    this.rollup = new Uint32Array(this.gridCount * ROLLUP_COLUMNS);
    this.level = new Uint8Array(this.gridCount);
    this.gridDirty = new Uint8Array(this.gridCount);
    this.gridDirtyList = new Uint32Array(this.gridCount);
    this.dirtyFlag = new Uint8Array(n);
    this.cursor = new Uint32Array(this.gridCount);
    this.dirty = new Uint32Array(Math.min(Math.max(n, 1), 4096));
    this.tick = {
      count: 0, gridStart: new Uint32Array(this.gridCount + 1), indices: new Uint32Array(this.dirty.length),
      states: new Uint8Array(this.dirty.length), values: new Float32Array(this.dirty.length),
      touched: new Uint32Array(this.gridCount), touchedCount: 0,
    };
    for (let i = 0; i < n; i++) {
      const g = this.gridOf[i]!;
      if (g < this.gridCount) this.rollup[g * ROLLUP_COLUMNS + this.states[i]!]!++;
    }
    for (let g = 0; g < this.gridCount; g++) this.level[g] = this.levelOf(g);
    // only reporting classes can go stale
    const cls = opts.classIndex;
    const idx: number[] = [];
    const after: number[] = [];
    if (cls) {
      const byClass = COMPONENT_CLASSES.map((c) => staleAfterMs(c.index));
      for (let i = 0; i < n; i++) {
        const a = byClass[cls[i]!] ?? 0;
        if (a > 0) { idx.push(i); after.push(a); }
      }
    }
    this.staleIdx = Uint32Array.from(idx);
    this.staleAfter = Float64Array.from(after);
  }

  get count() {
    return this.states.length;
  }

  /** Components changed and not yet flushed. */
  get pending() {
    return this.dirtyCount;
  }

  /**
   * A report: state code (0..STATE_COUNT-1), reading (NaN = none), time. Returns true when it
   * changed what clients see (a report of the same state clears staleness, and only that).
   */
  set(i: number, state: number, value: number, atMs: number): boolean {
    if (atMs > this.lastReportMs[i]!) this.lastReportMs[i] = atMs;
    const old = this.states[i]!;
    const v = this.values[i]!;
    if (old === state && (v === value || (v !== v && value !== value))) return false;
    this.states[i] = state;
    this.values[i] = value;
    if (old !== state) this.moveRollup(i, old, state);
    this.markDirty(i);
    return true;
  }

  /**
   * Marks as stale every reporting component silent for longer than its class allows (and
   * not yet marked). Returns how many turned stale.
   */
  sweepStale(nowMs: number): number {
    let turned = 0;
    const idx = this.staleIdx, after = this.staleAfter, st = this.states, last = this.lastReportMs, start = this.startMs;
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      const old = st[i]!;
      if (old & STALE_BIT) continue;
      const t = last[i]! > start ? last[i]! : start;
      if (nowMs - t > after[k]!) {
        st[i] = old | STALE_BIT;
        this.moveRollup(i, old, old | STALE_BIT);
        this.markDirty(i);
        turned++;
      }
    }
    return turned;
  }

  /** Groups the changes since the last flush by unit grid; null when nothing changed. */
  flush(): Tick | null {
    const n = this.dirtyCount;
    if (n === 0) return null;
    const t = this.tick;
    if (t.indices.length < n) {
      const cap = Math.min(this.count, Math.max(n, 2 * t.indices.length));
      t.indices = new Uint32Array(cap); t.states = new Uint8Array(cap); t.values = new Float32Array(cap);
    }
    const start = t.gridStart, dirty = this.dirty, gridOf = this.gridOf;
    // counting sort by grid; start[g + 1] counts first, then becomes the running offset
    start.fill(0);
    let touched = 0;
    for (let k = 0; k < n; k++) {
      const g = gridOf[dirty[k]!]!;
      if (start[g + 1]!++ === 0) t.touched[touched++] = g;
    }
    for (let g = 0; g < this.gridCount; g++) start[g + 1]! += start[g]!;
    const cursor = this.cursor;
    for (let q = 0; q < touched; q++) cursor[t.touched[q]!] = start[t.touched[q]!]!;
    const st = this.states, val = this.values;
    for (let k = 0; k < n; k++) {
      const i = dirty[k]!;
      const p = cursor[gridOf[i]!]!++;
      t.indices[p] = i;
      t.states[p] = st[i]!;
      t.values[p] = val[i]!;
      this.dirtyFlag[i] = 0;
    }
    this.dirtyCount = 0;
    t.count = n;
    t.touchedCount = touched;
    this.seq = (this.seq + 1) >>> 0;
    return t;
  }

  /** Unit grids whose roll-up changed since the last call (the list is reused: copy if kept). */
  takeRollupChanges(): Uint32Array {
    const n = this.gridDirtyCount;
    for (let k = 0; k < n; k++) {
      const g = this.gridDirtyList[k]!;
      this.gridDirty[g] = 0;
      this.level[g] = this.levelOf(g);
    }
    this.gridDirtyCount = 0;
    return this.gridDirtyList.subarray(0, n);
  }

  private levelOf(g: number): number {
    return rollupLevel(this.rollup.subarray(g * ROLLUP_COLUMNS, (g + 1) * ROLLUP_COLUMNS));
  }

  private moveRollup(i: number, from: number, to: number) {
    const g = this.gridOf[i]!;
    if (g >= this.gridCount) return;
    const o = g * ROLLUP_COLUMNS, r = this.rollup;
    r[o + (from & STATE_MASK)]!--;
    r[o + (to & STATE_MASK)]!++;
    if (from & STALE_BIT) r[o + ROLLUP_STALE]!--;
    if (to & STALE_BIT) r[o + ROLLUP_STALE]!++;
    if (!this.gridDirty[g]) {
      this.gridDirty[g] = 1;
      this.gridDirtyList[this.gridDirtyCount++] = g;
    }
  }

  private markDirty(i: number) {
    if (this.dirtyFlag[i]) return;
    this.dirtyFlag[i] = 1;
    if (this.dirtyCount === this.dirty.length) {
      const d = new Uint32Array(Math.min(this.count, this.dirty.length * 2));
      d.set(this.dirty);
      this.dirty = d;
    }
    this.dirty[this.dirtyCount++] = i;
  }
}
