import {
  FRAME_DELTA, FRAME_ROLLUP_DELTA, FRAME_ROLLUP_SNAPSHOT, FRAME_SNAPSHOT, ROLLUP_COLUMNS, type LiveFrame,
} from './live';

export type MirrorResult = 'applied' | 'gap' | 'ignored';

/**
 * A client's copy of the live state it subscribed to, kept by the frame rules of models/live.ts:
 * a snapshot is always taken; a delta only when it is the next in sequence. On a gap the caller
 * asks for a snapshot, and deltas are ignored until it comes. Used by the browser's live worker,
 * the tests and the benchmark, so all three follow the same rules.
 */
export class LiveMirror {
  readonly states: Uint8Array;
  readonly values: Float32Array;
  /** per unit grid: counts by state then stale (ROLLUP_COLUMNS), and the five-colour level */
  readonly rollup: Uint16Array;
  readonly levels: Uint8Array;
  lastSeq = -1;
  rollupSeq = -1;
  private awaiting = true;
  private rollupAwaiting = true;
  gaps = 0;
  snapshots = 0;
  deltas = 0;
  rollupFrames = 0;
  /** entries applied from component frames */
  entries = 0;

  constructor(readonly total: number, readonly gridCount: number) {
    this.states = new Uint8Array(total);
    this.values = new Float32Array(total).fill(NaN);
    this.rollup = new Uint16Array(gridCount * ROLLUP_COLUMNS);
    this.levels = new Uint8Array(gridCount);
  }

  /** After a reconnect: everything must come again as snapshots. */
  reset() {
    this.awaiting = true;
    this.rollupAwaiting = true;
  }

  get waiting() {
    return this.awaiting || this.rollupAwaiting;
  }

  apply(f: LiveFrame): MirrorResult {
    switch (f.kind) {
      case FRAME_SNAPSHOT:
        this.snapshots++;
        this.awaiting = false;
        this.lastSeq = f.seq;
        this.write(f.indices, f.states, f.values);
        return 'applied';
      case FRAME_DELTA:
        if (this.awaiting) return 'ignored';
        if (f.seq !== ((this.lastSeq + 1) >>> 0)) {
          this.gaps++;
          this.awaiting = true;
          return 'gap';
        }
        this.lastSeq = f.seq;
        this.deltas++;
        this.write(f.indices, f.states, f.values);
        return 'applied';
      case FRAME_ROLLUP_SNAPSHOT:
        this.rollupAwaiting = false;
        this.rollupSeq = f.seq;
        this.writeRollup(f.grids, f.counts, f.levels);
        return 'applied';
      case FRAME_ROLLUP_DELTA:
        if (this.rollupAwaiting) return 'ignored';
        if (f.seq !== ((this.rollupSeq + 1) >>> 0)) {
          if (f.seq === this.rollupSeq) return 'ignored'; // sent just before our snapshot
          this.gaps++;
          this.rollupAwaiting = true;
          return 'gap';
        }
        this.rollupSeq = f.seq;
        this.writeRollup(f.grids, f.counts, f.levels);
        return 'applied';
    }
  }

  private write(indices: Uint32Array, states: Uint8Array, values: Float32Array) {
    const S = this.states, V = this.values, n = indices.length;
    for (let k = 0; k < n; k++) {
      const i = indices[k]!;
      if (i >= this.total) continue;
      S[i] = states[k]!;
      V[i] = values[k]!;
    }
    this.entries += n;
  }

  private writeRollup(grids: Uint32Array, counts: Uint16Array, levels: Uint8Array) {
    this.rollupFrames++;
    for (let k = 0; k < grids.length; k++) {
      const g = grids[k]!;
      if (g >= this.gridCount) continue;
      this.rollup.set(counts.subarray(k * ROLLUP_COLUMNS, (k + 1) * ROLLUP_COLUMNS), g * ROLLUP_COLUMNS);
      this.levels[g] = levels[k]!;
    }
  }
}
