import { describe, expect, it } from 'vitest';
import { groundBox, rasterGrids } from '../../models/groundRaster';
import type { GridsLayer } from '../../models/layers';
import { gridAt, gridAtRaster } from './rasterGrids';
import { fiveColourBytes } from './rollup';
import { FIVE_COLOURS } from '../../models/fiveColour';

function twoGrids(): GridsLayer {
  // two 100 m squares side by side: [0,100]x[0,100] and [100,200]x[0,100]
  const xy = Float32Array.from([0, 0, 100, 0, 100, 100, 0, 100, 100, 0, 200, 0, 200, 100, 100, 100]);
  return {
    count: 2, codes: ['330502001001001', '330502001001002'], responsibility: [{ code: '330502001001', name: { zh: 'a', en: 'a' } }],
    start: Uint32Array.from([0, 4, 8]), xy, responsibilityIndex: Uint16Array.from([0, 0]), centroid: Float32Array.from([50, 50, 150, 50]),
  };
}

describe('grid raster', () => {
  it('rasterises ids exactly and agrees with point-in-polygon', () => {
    const g = twoGrids();
    const box = groundBox(-10, -10, 210, 110, 440);
    const r = rasterGrids(box, g);
    for (const [x, y] of [[5, 5], [50, 50], [99, 99], [101, 1], [150, 50], [199, 99], [-5, 50], [205, 50], [50, 105]] as const) {
      expect(gridAtRaster(box, r, x, y)).toBe(gridAt(g, x, y));
    }
    expect(gridAtRaster(box, r, 50, 50)).toBe(0);
    expect(gridAtRaster(box, r, 150, 50)).toBe(1);
    expect(gridAtRaster(box, r, -5, 50)).toBe(-1);
  });
});

describe('five-colour bytes', () => {
  // the grid map is painted from the server's roll-up levels through these bytes
  it('packs each level as sRGB bytes in order', () => {
    const five = fiveColourBytes();
    FIVE_COLOURS.forEach((c, lv) => {
      expect('#' + Array.from(five.subarray(3 * lv, 3 * lv + 3), (b) => b.toString(16).padStart(2, '0')).join('')).toBe(c.color);
    });
  });
});
