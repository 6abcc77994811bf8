import { describe, expect, it } from 'vitest';
import { quadIndex, type HeightGrid } from '../terrain/heightField';
import { WetQuads } from './wetQuads';

// A 100 m x 100 m run grid of 5 m cells (row 0 north) under a terrain mesh of 15 m quads.
const g = { cols: 20, rows: 20, cellSize: 5, xll: 0, yll: 0 };
const h: HeightGrid = { nx: 7, ny: 7, x0: 2.5, y0: 2.5, dx: 15, dy: 15, z: new Float32Array(49), minZ: 0, maxZ: 0 };

function quadsOf(w: WetQuads, n: number) {
  const out = new Set<number>();
  for (let k = 0; k < n; k += 6) {
    const a = w.index[k]!;
    out.add(Math.floor(a / h.nx) * 10 + (a % h.nx));
  }
  return out;
}

describe('wet quads', () => {
  it('draws nothing when the city is dry and every quad when it is all wet', () => {
    const w = new WetQuads(h, g);
    expect(w.update(new Uint16Array(400), 20)).toBe(0);
    expect(w.update(new Uint16Array(400).fill(300), 20)).toBe(6 * 6 * 6);
  });

  it('keeps the quads within reach of one wet cell, each as the terrain winds it', () => {
    const w = new WetQuads(h, g);
    const d = new Uint16Array(400);
    // cell row 10 (from the north), column 10: x 50..55, y 45..50; under quad column 3, row 2 or 3
    d[10 * 20 + 10] = 25;
    const n = w.update(d, 20);
    const q = quadsOf(w, n);
    expect(n).toBeGreaterThan(0);
    // the quads whose area holds that cell's texels are drawn; those far away are not
    for (const k of [23, 32, 33]) expect(q.has(k)).toBe(true);
    for (const k of [0, 5, 50, 55]) expect(q.has(k)).toBe(false);
    const [a, b, e, a2, e2, dd] = w.index.slice(0, 6);
    expect([b! - a!, e! - a!, a2, e2, dd! - a!]).toEqual([1, h.nx + 1, a, e, h.nx]);
    // under the cut: not drawn
    d[10 * 20 + 10] = 19;
    expect(w.update(d, 20)).toBe(0);
  });

  it('gives rough frames coarse quads over every other vertex that cover every kept quad', () => {
    // 8 x 7 vertices: an odd number of quads one way, so the last coarse column is one quad wide
    const h2: HeightGrid = { ...h, nx: 8, z: new Float32Array(56) };
    const w = new WetQuads(h2, g);
    const d = new Uint16Array(400);
    d[10 * 20 + 10] = 25;
    d[3 * 20 + 19] = 40;
    const n = w.update(d, 20);
    const area = (idx: ArrayLike<number>, count: number) => {
      // the fine quads (lower-left vertex) inside each drawn quad
      const out = new Set<number>();
      for (let k = 0; k < count; k += 6) {
        const a = idx[k]!, e = idx[k + 2]!;
        for (let r = Math.floor(a / h2.nx); r < Math.floor(e / h2.nx); r++) for (let c = a % h2.nx; c < e % h2.nx; c++) out.add(r * h2.nx + c);
      }
      return out;
    };
    const fine = area(w.index, n), coarse = area(w.coarse, w.coarseCount);
    expect(fine.size).toBeGreaterThan(0);
    for (const q of fine) expect(coarse.has(q)).toBe(true);
    expect(w.coarseCount).toBeLessThan(n);
    // all wet: the coarse water is the coarse terrain, triangle for triangle
    w.update(new Uint16Array(400).fill(300), 20);
    expect([...w.coarse.slice(0, w.coarseCount)]).toEqual([...quadIndex(8, 7, 2)]);
    expect(area(w.coarse, w.coarseCount).size).toBe(7 * 6);
  });
});
