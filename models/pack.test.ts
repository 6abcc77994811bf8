import { describe, expect, it } from 'vitest';
import { decodePack, encodePack } from './pack';

describe('binary packs', () => {
  it('round-trips meta and arrays of every type, 8-byte aligned', () => {
    const arrays = {
      a: Float32Array.from([1.5, -2]), b: Float64Array.from([Math.PI]), c: Uint8Array.from([1, 2, 3]),
      d: Uint32Array.from([4e9]), e: Int16Array.from([-3]), f: Uint16Array.from([65535]), g: Int32Array.from([-7]), h: Int8Array.from([-1]),
    };
    const bytes = encodePack({ name: '湖州', n: 3 }, arrays);
    const { meta, arrays: out } = decodePack<{ name: string; n: number }>(bytes);
    expect(meta).toEqual({ name: '湖州', n: 3 });
    for (const [k, v] of Object.entries(arrays)) {
      expect(out[k]!.constructor).toBe(v.constructor);
      expect([...out[k]!]).toEqual([...v]);
      expect(out[k]!.byteOffset % 8).toBe(0);
    }
  });
  it('an empty pack and empty arrays work', () => {
    expect(decodePack(encodePack({}, {})).arrays).toEqual({});
    expect(decodePack(encodePack({}, { z: new Float32Array(0) })).arrays.z!.length).toBe(0);
  });
  it('rejects truncated or foreign data', () => {
    const bytes = encodePack({}, { a: new Float64Array(100) });
    expect(() => decodePack(bytes.subarray(0, 4))).toThrow(/truncated/);
    expect(() => decodePack(bytes.subarray(0, bytes.length - 16))).toThrow(/runs past the end/);
    expect(() => decodePack(new TextEncoder().encode('not a pack at all'))).toThrow(/magic/);
  });
});
