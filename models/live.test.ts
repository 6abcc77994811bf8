import { describe, expect, it } from 'vitest';
import {
  allocRollupFrame, decodeFrame, encodeComponents, FRAME_DELTA, FRAME_ROLLUP_DELTA, FRAME_ROLLUP_SNAPSHOT, FRAME_SNAPSHOT, ROLLUP_COLUMNS,
} from './live';
import { LiveMirror } from './liveMirror';
import { decodeBinaryBatch, encodeBinaryBatch, binaryBatchSchema } from './ingest';

const comp = (kind: typeof FRAME_SNAPSHOT | typeof FRAME_DELTA, seq: number, idx: number[], st: number[], val: number[]) =>
  encodeComponents(kind, seq, 10, idx.length, Uint32Array.from(idx), Uint8Array.from(st), Float32Array.from(val), 1234.5);

describe('live frames', () => {
  it('round-trips a components frame', () => {
    const f = decodeFrame(comp(FRAME_DELTA, 0xffffffff, [3, 1, 9], [7, 0x85, 2], [0.5, NaN, 2]));
    expect(f.kind).toBe(FRAME_DELTA);
    if (f.kind !== FRAME_DELTA) return;
    expect(f.seq).toBe(0xffffffff);
    expect(f.total).toBe(10);
    expect(f.serverTimeMs).toBe(1234.5);
    expect([...f.indices]).toEqual([3, 1, 9]);
    expect([...f.states]).toEqual([7, 0x85, 2]);
    expect(f.values[0]).toBe(0.5);
    expect(Number.isNaN(f.values[1])).toBe(true);
  });

  it('round-trips a roll-up frame', () => {
    const r = allocRollupFrame(FRAME_ROLLUP_SNAPSHOT, 7, 3, 4851, 1);
    r.grids.set([0, 5, 4850]);
    r.counts.fill(0);
    r.counts[ROLLUP_COLUMNS + 2] = 65535;
    r.levels.set([0, 4, 2]);
    const f = decodeFrame(r.buf);
    expect(f.kind).toBe(FRAME_ROLLUP_SNAPSHOT);
    if (f.kind !== FRAME_ROLLUP_SNAPSHOT) return;
    expect([...f.grids]).toEqual([0, 5, 4850]);
    expect(f.counts[ROLLUP_COLUMNS + 2]).toBe(65535);
    expect([...f.levels]).toEqual([0, 4, 2]);
  });

  it('decodes from an unaligned view and rejects malformed frames with the reason', () => {
    const buf = comp(FRAME_DELTA, 1, [1, 2], [3, 4], [5, 6]);
    const shifted = new Uint8Array(buf.byteLength + 1);
    shifted.set(new Uint8Array(buf), 1);
    const f = decodeFrame(shifted.subarray(1));
    expect(f.kind === FRAME_DELTA && [...f.indices]).toEqual([1, 2]);
    expect(() => decodeFrame(new Uint8Array(10))).toThrow(/shorter than/);
    const bad = new Uint8Array(comp(FRAME_SNAPSHOT, 1, [0], [0], [0]));
    bad[0] = 0;
    expect(() => decodeFrame(bad)).toThrow(/magic/);
    expect(() => decodeFrame(new Uint8Array(comp(FRAME_DELTA, 1, [0, 1, 2, 3], [0, 0, 0, 0], [0, 0, 0, 0])).slice(0, 30))).toThrow(/needs/);
    const kind = new Uint8Array(comp(FRAME_SNAPSHOT, 1, [0], [0], [0]));
    kind[3] = 9;
    expect(() => decodeFrame(kind)).toThrow(/unknown kind/);
    const v1 = new Uint8Array(comp(FRAME_SNAPSHOT, 1, [0], [0], [0]));
    v1[2] = 1;
    expect(() => decodeFrame(v1)).toThrow(/version 1/);
  });
});

describe('LiveMirror', () => {
  it('takes snapshots, applies deltas in sequence, reports a gap and ignores deltas until the next snapshot', () => {
    const m = new LiveMirror(10, 2);
    expect(m.apply(decodeFrame(comp(FRAME_DELTA, 5, [1], [1], [0])))).toBe('ignored');
    expect(m.apply(decodeFrame(comp(FRAME_SNAPSHOT, 5, [0, 1, 2], [1, 1, 1], [0, 0, 0])))).toBe('applied');
    expect(m.apply(decodeFrame(comp(FRAME_DELTA, 6, [2], [7], [1])))).toBe('applied');
    expect(m.states[2]).toBe(7);
    expect(m.apply(decodeFrame(comp(FRAME_DELTA, 8, [3], [2], [1])))).toBe('gap');
    expect(m.states[3]).toBe(0);
    expect(m.apply(decodeFrame(comp(FRAME_DELTA, 9, [3], [2], [1])))).toBe('ignored');
    expect(m.apply(decodeFrame(comp(FRAME_SNAPSHOT, 9, [3], [2], [1])))).toBe('applied');
    expect(m.apply(decodeFrame(comp(FRAME_DELTA, 10, [4], [6], [1])))).toBe('applied');
    expect([m.gaps, m.snapshots, m.deltas]).toEqual([1, 2, 2]);
    const r = allocRollupFrame(FRAME_ROLLUP_DELTA, 3, 1, 2, 0);
    r.grids[0] = 1; r.levels[0] = 3;
    expect(m.apply(decodeFrame(r.buf))).toBe('ignored');
  });
});

describe('binary ingest batch', () => {
  it('round-trips and checks every entry', () => {
    const b = encodeBinaryBatch(100, 3, [0, 50, 99], [0, 7, 8], [NaN, 0.25, 1], 1700000000000);
    const d = decodeBinaryBatch(b, 100);
    expect([...d.indices]).toEqual([0, 50, 99]);
    expect([...d.states]).toEqual([0, 7, 8]);
    expect(d.values[1]).toBe(0.25);
    expect(d.atMs).toBe(1700000000000);
    expect(binaryBatchSchema.safeParse(b).success).toBe(true);
  });
  it('rejects with the reason', () => {
    const ok = encodeBinaryBatch(100, 2, [1, 2], [0, 0], [0, 0]);
    expect(() => decodeBinaryBatch(ok, 101)).toThrow(/registry of 100 components, the city has 101/);
    expect(() => decodeBinaryBatch(encodeBinaryBatch(100, 2, [1, 100], [0, 0], [0, 0]))).toThrow(/change 1: component index 100 is outside/);
    expect(() => decodeBinaryBatch(encodeBinaryBatch(100, 2, [1, 2], [0, 9], [0, 0]))).toThrow(/change 1: state 9 is not a state code/);
    expect(() => decodeBinaryBatch(encodeBinaryBatch(100, 1, [1], [0], [Infinity]))).toThrow(/infinite/);
    expect(() => decodeBinaryBatch(ok.subarray(0, ok.length - 1))).toThrow(/need 42 bytes, got 41/);
    const magic = ok.slice(); magic[0] = 1;
    expect(() => decodeBinaryBatch(magic)).toThrow(/magic/);
    const r = binaryBatchSchema.safeParse(new Uint8Array(3));
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/shorter than the 24-byte header/);
  });
});
