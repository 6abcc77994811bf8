import { describe, expect, it } from 'vitest';
import { IndexOrder } from './order';

describe('IndexOrder', () => {
  it('orders positions by index to within 16 components, stably', () => {
    const o = new IndexOrder();
    for (const size of [100, 462_894, 5_000_000]) {
      const n = 3000;
      let seed = size;
      const idx = Uint32Array.from({ length: n }, () => (seed = (seed * 1664525 + 1013904223) >>> 0) % size);
      idx[10] = idx[2000]!; // a component changed twice: the later stays later
      const order = [...o.sort(n, idx, size).subarray(0, n)];
      expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, k) => k));
      for (let q = 1; q < n; q++) {
        const a = order[q - 1]!, b = order[q]!;
        // ordered by index to within 16; the same component keeps its order
        expect(idx[a]! >>> 4 <= idx[b]! >>> 4).toBe(true);
        if (idx[a] === idx[b]) expect(a < b).toBe(true);
      }
    }
  });
});
