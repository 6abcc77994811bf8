import { describe, expect, it } from 'vitest';
import { groundBox, paintGroundMask } from './groundRaster';
import type { RoadsLayer, WaterLayer } from './layers';

// 200 m x 100 m at 1 m per pixel: a main road along y = 50 from x 20 to 180, 10 m wide, and a
// pond, the square 100..140 x 70..90 with its corners a quarter pixel off the pixel grid.
const box = groundBox(0, 0, 200, 100, 200, 1);
const roads: RoadsLayer = {
  count: 1, names: [{ zh: '路', en: 'Road' }], start: Uint32Array.of(0, 2), xy: Float32Array.of(20, 50.5, 180, 50.5),
  width: Float32Array.of(10), kind: Uint8Array.of(0),
};
const water: WaterLayer = { count: 1, levelM: 0, start: Uint32Array.of(0, 4), xy: Float32Array.of(100.25, 70.25, 140.25, 70.25, 140.25, 90.25, 100.25, 90.25) };
const mask = paintGroundMask(box, roads, water);
const at = (x: number, y: number, ch: number) => mask[4 * (Math.floor(y) * box.width + Math.floor(x)) + ch]!;

describe('ground mask', () => {
  it('paints a road 10 m wide with round caps, soft edges and a kerb 1.5 m wider each side', () => {
    expect([box.width, box.height]).toEqual([200, 100]);
    expect(at(100, 50, 0)).toBe(255);
    expect(at(100, 54.5, 0)).toBe(255); // inside the half width (45.5..55.5)
    expect(at(100, 55.2, 0)).toBe(128); // the edge pixel, half covered
    expect(at(100, 45.2, 0)).toBe(128);
    expect(at(100, 57, 0)).toBe(0);
    expect(at(100, 56.2, 3)).toBe(255); // kerb (the road + 3 m)
    expect(at(100, 59, 3)).toBe(0);
    // round caps: 4 m beyond the end on the centre line, not at the corner of the square end
    expect(at(16.5, 50.5, 0)).toBe(255);
    expect(at(15.2, 45.2, 0)).toBe(0); // a square end would cover this corner
  });

  it('dashes a main road\'s centre line 4 m on, 3 m off, thinner than a pixel at part opacity', () => {
    const line = Array.from({ length: 160 }, (_, i) => at(20 + i, 50.5, 1));
    const on = line.filter((v) => v > 0).length;
    expect(on / line.length).toBeGreaterThan(0.45);
    expect(on / line.length).toBeLessThan(0.8);
    expect(Math.max(...line)).toBeLessThan(255);
    expect(Math.max(...line)).toBeGreaterThan(60);
    expect(at(100, 60, 1)).toBe(0);
  });

  it('fills water with anti-aliased edges', () => {
    expect(at(120, 80, 2)).toBe(255);
    expect(at(99.5, 80, 2)).toBe(0);
    expect(at(100.5, 80, 2)).toBe(191); // three quarters of the edge pixel
    expect(at(120, 70.5, 2)).toBe(191);
    expect(at(120, 95, 2)).toBe(0);
    expect(at(100, 50.5, 2)).toBe(0);
  });
});
