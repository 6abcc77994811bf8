// The live fan-out's frames (models/live.ts), built from a city's live state: pure, no sockets.
import {
  allocComponentFrame, allocRollupFrame, FRAME_DELTA, FRAME_ROLLUP_DELTA, FRAME_ROLLUP_SNAPSHOT, FRAME_SNAPSHOT, ROLLUP_COLUMNS,
} from '../../models/live';
import type { CityRuntime } from '../twin';
import type { Tick } from './state';

/** The current state of the given grids (or all), as a snapshot frame with sequence `seq`. */
export function snapshotFrame(city: CityRuntime, seq: number, grids: Uint32Array | 'all', now: number): ArrayBuffer {
  const live = city.live;
  if (grids === 'all') {
    const n = live.count;
    const f = allocComponentFrame(FRAME_SNAPSHOT, seq, n, n, now);
    for (let i = 0; i < n; i++) f.indices[i] = i;
    f.states.set(live.states);
    f.values.set(live.values);
    return f.buf;
  }
  const { start, components } = city.byGrid;
  let n = 0;
  for (const g of grids) n += start[g + 1]! - start[g]!;
  const f = allocComponentFrame(FRAME_SNAPSHOT, seq, n, live.count, now);
  let p = 0;
  for (const g of grids) {
    for (let k = start[g]!; k < start[g + 1]!; k++) {
      const i = components[k]!;
      f.indices[p] = i;
      f.states[p] = live.states[i]!;
      f.values[p++] = live.values[i]!;
    }
  }
  return f.buf;
}

/** Components of the given grids in this tick's changes: 0 when none changed. */
export function deltaCount(t: Tick, grids: Uint32Array | 'all'): number {
  if (grids === 'all') return t.count;
  const start = t.gridStart;
  let n = 0;
  for (const g of grids) n += start[g + 1]! - start[g]!;
  return n;
}

/** This tick's changes of the given grids (or all; `n` from deltaCount), as a delta frame. */
export function deltaFrame(city: CityRuntime, t: Tick, seq: number, grids: Uint32Array | 'all', n: number, now: number): ArrayBuffer {
  const f = allocComponentFrame(FRAME_DELTA, seq, n, city.live.count, now);
  if (grids === 'all') {
    f.indices.set(t.indices.subarray(0, t.count));
    f.states.set(t.states.subarray(0, t.count));
    f.values.set(t.values.subarray(0, t.count));
    return f.buf;
  }
  // a client's frame is a copy of its grids' slices (the tick grouped its changes by grid once)
  const start = t.gridStart;
  let p = 0;
  for (const g of grids) {
    const a = start[g]!, b = start[g + 1]!;
    if (a === b) continue;
    f.indices.set(t.indices.subarray(a, b), p);
    f.states.set(t.states.subarray(a, b), p);
    f.values.set(t.values.subarray(a, b), p);
    p += b - a;
  }
  return f.buf;
}

/** Roll-ups (counts by state, stale, level) of the given unit grids. */
export function rollupFrame(city: CityRuntime, kind: typeof FRAME_ROLLUP_SNAPSHOT | typeof FRAME_ROLLUP_DELTA, seq: number, grids: ArrayLike<number>, now: number): ArrayBuffer {
  const live = city.live;
  const f = allocRollupFrame(kind, seq, grids.length, live.gridCount, now);
  for (let k = 0; k < grids.length; k++) {
    const g = grids[k]!;
    f.grids[k] = g;
    f.levels[k] = live.level[g]!;
    for (let c = 0; c < ROLLUP_COLUMNS; c++) {
      // u16 on the wire: a unit grid of 100 m x 100 m holds hundreds of components, not 65,535
      const v = live.rollup[g * ROLLUP_COLUMNS + c]!;
      f.counts[k * ROLLUP_COLUMNS + c] = v > 65535 ? 65535 : v;
    }
  }
  return f.buf;
}
