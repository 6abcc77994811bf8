import { describe, expect, it } from 'vitest';
import { LiveState } from './state';
import { decodeFrame, FRAME_DELTA, FRAME_SNAPSHOT } from '../../models/live';

describe('LiveState', () => {
  it('coalesces several changes of one component to its latest value within a tick', () => {
    const s = new LiveState(new Uint8Array(10));
    expect(s.set(3, 1, NaN, 1)).toBe(true);
    expect(s.set(3, 7, 0.3, 2)).toBe(true);
    expect(s.set(5, 8, NaN, 3)).toBe(true);
    const f = decodeFrame(s.flush()!);
    expect(f.kind).toBe(FRAME_DELTA);
    if (f.kind !== FRAME_DELTA) return;
    expect(f.seq).toBe(1);
    expect([...f.indices]).toEqual([3, 5]);
    expect([...f.states]).toEqual([7, 8]);
    expect(f.values[0]).toBeCloseTo(0.3, 6);
    expect(s.flush()).toBeNull();
    expect(s.seq).toBe(1);
  });
  it('an unchanged report only refreshes the report time', () => {
    const s = new LiveState(Uint8Array.from([5]));
    expect(s.set(0, 5, NaN, 99)).toBe(false);
    expect(s.lastReportMs[0]).toBe(99);
    expect(s.pending).toBe(0);
  });
  it('grows its dirty list past the initial capacity', () => {
    const n = 10_000;
    const s = new LiveState(new Uint8Array(n));
    for (let i = 0; i < n; i++) s.set(i, 1, NaN, 0);
    const f = decodeFrame(s.flush()!);
    expect(f.kind === FRAME_DELTA && f.indices.length).toBe(n);
  });
  it('a snapshot carries the current seq and every state', () => {
    const s = new LiveState(Uint8Array.from([0, 0, 0]));
    s.set(1, 2, NaN, 0);
    s.flush();
    s.set(2, 4, NaN, 0); // pending, not flushed: in the snapshot already, and again in the next delta
    const f = decodeFrame(s.snapshot());
    expect(f.kind).toBe(FRAME_SNAPSHOT);
    expect(f.seq).toBe(1);
    expect([...f.states]).toEqual([0, 2, 4]);
    const d = decodeFrame(s.flush()!);
    expect(d.seq).toBe(2);
  });
});
