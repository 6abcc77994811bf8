import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeDelta, encodeSnapshot, FRAME_DELTA, FRAME_SNAPSHOT } from './live';

describe('live frames', () => {
  it('snapshot round trip (odd length, NaN values)', () => {
    const states = Uint8Array.from([0, 5, 7, 1, 8]);
    const values = Float32Array.from([NaN, 1, 0.3, NaN, 0.25]);
    const f = decodeFrame(encodeSnapshot(41, states, values, 1234.5));
    expect(f.kind).toBe(FRAME_SNAPSHOT);
    if (f.kind !== FRAME_SNAPSHOT) return;
    expect(f.seq).toBe(41);
    expect(f.total).toBe(5);
    expect(f.serverTimeMs).toBe(1234.5);
    expect([...f.states]).toEqual([...states]);
    expect(Number.isNaN(f.values[0])).toBe(true);
    expect(f.values[2]).toBeCloseTo(0.3, 6);
  });
  it('delta round trip uses only the first count entries', () => {
    const idx = Uint32Array.from([7, 3, 99, 0]);
    const st = Uint8Array.from([1, 2, 6, 0]);
    const val = Float32Array.from([0.5, NaN, 0.8, 9]);
    const f = decodeFrame(encodeDelta(0xffffffff, 100, 3, idx, st, val));
    expect(f.kind).toBe(FRAME_DELTA);
    if (f.kind !== FRAME_DELTA) return;
    expect(f.seq).toBe(0xffffffff);
    expect([...f.indices]).toEqual([7, 3, 99]);
    expect([...f.states]).toEqual([1, 2, 6]);
    expect(f.values[2]).toBeCloseTo(0.8, 6);
  });
  it('decodes from an unaligned Uint8Array view', () => {
    const buf = encodeDelta(1, 10, 2, Uint32Array.from([1, 2]), Uint8Array.from([3, 4]), Float32Array.from([5, 6]));
    const shifted = new Uint8Array(buf.byteLength + 1);
    shifted.set(new Uint8Array(buf), 1);
    const f = decodeFrame(shifted.subarray(1));
    expect(f.kind === FRAME_DELTA && [...f.indices]).toEqual([1, 2]);
  });
  it('rejects malformed frames with the reason', () => {
    expect(() => decodeFrame(new Uint8Array(10))).toThrow(/shorter than/);
    const bad = new Uint8Array(encodeSnapshot(1, new Uint8Array(4), new Float32Array(4)));
    bad[0] = 0;
    expect(() => decodeFrame(bad)).toThrow(/magic/);
    const short = encodeDelta(1, 10, 4, new Uint32Array(4), new Uint8Array(4), new Float32Array(4)).slice(0, 30);
    expect(() => decodeFrame(short)).toThrow(/needs/);
    const kind = new Uint8Array(encodeSnapshot(1, new Uint8Array(1), new Float32Array(1)));
    kind[3] = 9;
    expect(() => decodeFrame(kind)).toThrow(/unknown kind/);
  });
});
