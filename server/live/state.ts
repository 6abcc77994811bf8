import { encodeDelta, encodeSnapshot } from '../../models/live';

/**
 * The current state of one city's components, columnar: a state byte, a reading and the time
 * of the last report per component. Changes are marked dirty and leave as one delta frame per
 * tick; several changes of one component within a tick coalesce to its latest value.
 */
export class LiveState {
  readonly states: Uint8Array;
  readonly values: Float32Array;
  readonly lastReportMs: Float64Array;
  seq = 0;
  private readonly dirtyFlag: Uint8Array;
  private dirty: Uint32Array;
  private dirtyCount = 0;
  private scratchStates: Uint8Array;
  private scratchValues: Float32Array;

  constructor(initialStates: Uint8Array, initialValues?: Float32Array) {
    const n = initialStates.length;
    this.states = Uint8Array.from(initialStates);
    this.values = initialValues ? Float32Array.from(initialValues) : new Float32Array(n).fill(NaN);
    this.lastReportMs = new Float64Array(n);
    this.dirtyFlag = new Uint8Array(n);
    this.dirty = new Uint32Array(Math.min(n, 4096));
    this.scratchStates = new Uint8Array(this.dirty.length);
    this.scratchValues = new Float32Array(this.dirty.length);
  }

  get count() {
    return this.states.length;
  }

  /** Returns true when it changed anything. NaN value = no reading. */
  set(index: number, state: number, value: number, atMs: number): boolean {
    this.lastReportMs[index] = atMs;
    const v = this.values[index]!;
    if (this.states[index] === state && (v === value || (Number.isNaN(v) && Number.isNaN(value)))) return false;
    this.states[index] = state;
    this.values[index] = value;
    if (!this.dirtyFlag[index]) {
      this.dirtyFlag[index] = 1;
      if (this.dirtyCount === this.dirty.length) this.grow();
      this.dirty[this.dirtyCount++] = index;
    }
    return true;
  }

  get pending() {
    return this.dirtyCount;
  }

  /** The delta frame of everything changed since the last flush, or null when nothing did. */
  flush(nowMs = Date.now()): ArrayBuffer | null {
    const n = this.dirtyCount;
    if (n === 0) return null;
    const idx = this.dirty;
    for (let k = 0; k < n; k++) {
      const i = idx[k]!;
      this.scratchStates[k] = this.states[i]!;
      this.scratchValues[k] = this.values[i]!;
      this.dirtyFlag[i] = 0;
    }
    this.dirtyCount = 0;
    this.seq = (this.seq + 1) >>> 0;
    return encodeDelta(this.seq, this.count, n, idx, this.scratchStates, this.scratchValues, nowMs);
  }

  snapshot(nowMs = Date.now()): ArrayBuffer {
    return encodeSnapshot(this.seq, this.states, this.values, nowMs);
  }

  private grow() {
    const cap = Math.min(this.count, this.dirty.length * 2);
    const d = new Uint32Array(cap);
    d.set(this.dirty);
    this.dirty = d;
    this.scratchStates = new Uint8Array(cap);
    this.scratchValues = new Float32Array(cap);
  }
}
