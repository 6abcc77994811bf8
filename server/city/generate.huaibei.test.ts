import { describe, expect, it } from 'vitest';
import { encodeLayer, LAYER_NAMES } from '../../models/layers';
import { generateCity, pointInRing } from './generate';
import { ringBoundaryDist } from './testGeometry';

// The city-scale preset, apart from the default preset's tests (generate.test.ts): it is the slow one.
describe('generateCity (huaibei preset)', () => {
  it('hits Huaibei\'s 4,851 unit grids, 72 responsibility grids and 462,894 components exactly', () => {
    const t0 = performance.now();
    const h = generateCity({ preset: 'huaibei' });
    const ms = performance.now() - t0;
    console.info(`huaibei preset generated in ${ms.toFixed(0)} ms`);
    expect(h.unitGrids.length).toBe(4851);
    expect(h.responsibilityGrids.length).toBe(72);
    expect(h.components.count).toBe(462_894);
    // (its speed is measured by `npm run bench -- import`, beside the importer, not asserted here)
    expect(h.dem.heights.byteLength).toBeLessThan(20e6);
    expect(new Set(h.unitGrids.map((u) => u.code)).size).toBe(4851);
    expect(new Set(h.components.codes).size).toBe(462_894);
    const c = h.components;
    const [x0, y0, x1, y1] = h.meta.extent;
    for (let i = 0; i < c.count; i++) {
      if (!(c.x[i]! >= x0 && c.x[i]! <= x1 && c.y[i]! >= y0 && c.y[i]! <= y1)) throw new Error(`component ${i} outside the extent`);
      if (c.unitGrid[i]! >= 4851) throw new Error(`component ${i} has no unit grid`);
    }
    for (let i = 0; i < c.count; i += 97) {
      const ring = h.unitGrids[c.unitGrid[i]!]!.ring;
      if (!pointInRing(c.x[i]!, c.y[i]!, ring)) expect(ringBoundaryDist(c.x[i]!, c.y[i]!, ring)).toBeLessThan(0.1);
    }
    for (const n of LAYER_NAMES) expect(encodeLayer(h, n).byteLength).toBeGreaterThan(100);
    const sizes = new Map<number, number>();
    for (const u of h.unitGrids) sizes.set(u.responsibilityGrid, (sizes.get(u.responsibilityGrid) ?? 0) + 1);
    for (const n of sizes.values()) { expect(n).toBeGreaterThan(50); expect(n).toBeLessThan(90); }
  });
});
