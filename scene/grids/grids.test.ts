import { describe, expect, it } from 'vitest';
import { groundBox } from '../data/box';
import type { GridsLayer } from '../../models/layers';
import { gridAt, gridAtRaster, rasterGrids } from './rasterGrids';
import { GridRollup, fiveColourBytes } from './rollup';
import { gridRiskIndex, riskLevel } from '../../models/fiveColour';

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

describe('grid roll-up', () => {
  it('follows state changes and colours grids on the five-colour scale', () => {
    const unitGrid = Uint32Array.from([0, 0, 0, 0, 1, 1]);
    const r = new GridRollup(2, unitGrid);
    const rgba = new Uint8Array(8);
    const five = fiveColourBytes();
    r.reset(new Uint8Array(6));
    r.flush(rgba, five);
    expect(Array.from(rgba.subarray(0, 3))).toEqual(Array.from(five.subarray(0, 3))); // green, low
    r.change(0, 0, 7); // alarms in grid 0
    r.change(1, 0, 7);
    r.change(2, 0, 2);
    const want = riskLevel(gridRiskIndex([1, 0, 1, 0, 0, 0, 0, 2, 0]));
    expect(want).toBeGreaterThan(0);
    expect(r.flush(rgba, five)).toBe(1);
    expect(r.level[0]).toBe(want);
    expect(Array.from(rgba.subarray(0, 3))).toEqual(Array.from(five.subarray(3 * want, 3 * want + 3)));
    expect(r.level[1]).toBe(0);
    r.change(0, 7, 0);
    r.change(1, 7, 0);
    r.change(2, 2, 0);
    r.flush(rgba, five);
    expect(r.level[0]).toBe(0);
  });
});
