import { describe, expect, it } from 'vitest';
import { decodeDepthFrame, decodeDepthFrames, DEPTH_DENSE, DEPTH_SPARSE, encodeDepthFrame, encodeDepthFrames } from './depthFrames';

const frame = (cols: number, rows: number, wet: (i: number) => number, seq = 0, t = 0) => ({
  seq, t, cols, rows, depthMm: Uint16Array.from({ length: cols * rows }, (_, i) => wet(i)),
});

describe('depth frames', () => {
  it('a mostly dry frame is sparse, a wet one dense, and both round-trip', () => {
    const dry = frame(101, 37, (i) => (i % 97 === 0 ? 1 + i : 0), 3, 600);
    const wet = frame(101, 37, (i) => 5 + (i % 7), 4, 1200);
    const a = encodeDepthFrame(dry), b = encodeDepthFrame(wet);
    expect(a[5]).toBe(DEPTH_SPARSE);
    expect(b[5]).toBe(DEPTH_DENSE);
    expect(a.byteLength).toBeLessThan(b.byteLength / 10);
    for (const [bytes, f] of [[a, dry], [b, wet]] as const) {
      const back = decodeDepthFrame(bytes);
      expect([back.seq, back.t, back.cols, back.rows]).toEqual([f.seq, f.t, f.cols, f.rows]);
      expect([...back.depthMm]).toEqual([...f.depthMm]);
    }
  });
  it('a file of frames back to back decodes in order, whatever their kinds and odd sizes', () => {
    const fs = [frame(3, 3, () => 0, 0, 0), frame(3, 3, (i) => i, 1, 60), frame(3, 3, (i) => (i === 4 ? 65535 : 0), 2, 120)];
    const back = decodeDepthFrames(encodeDepthFrames(fs));
    expect(back.map((f) => f.t)).toEqual([0, 60, 120]);
    expect([...back[2]!.depthMm]).toEqual([0, 0, 0, 0, 65535, 0, 0, 0, 0]);
  });
  it('rejects wrong sizes and foreign bytes with the reason', () => {
    expect(() => encodeDepthFrame({ seq: 0, t: 0, cols: 2, rows: 2, depthMm: new Uint16Array(3) })).toThrow(/3 values for 2 x 2/);
    const ok = encodeDepthFrame(frame(10, 10, () => 1));
    expect(() => decodeDepthFrame(ok.subarray(0, 40))).toThrow(/needs 232 bytes/);
    expect(() => decodeDepthFrame(new Uint8Array(40))).toThrow(/magic/);
    expect(() => decodeDepthFrame(new Uint8Array(8))).toThrow(/shorter/);
  });
});
