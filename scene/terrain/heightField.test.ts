import { describe, expect, it } from 'vitest';
import type { TerrainLayer } from '../../models/layers';
import { heightAt, heightGridFromDem, rayHeightField, terrainMeshBuffers } from './heightField';

function plane(cols: number, rows: number, f: (x: number, y: number) => number): TerrainLayer {
  const cellSize = 2, x0 = -cols, y0 = rows;
  const heights = new Float32Array(cols * rows);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) heights[r * cols + c] = f(x0 + (c + 0.5) * cellSize, y0 - (r + 0.5) * cellSize);
  return { cols, rows, cellSize, x0, y0, minM: 0, maxM: 0, heights };
}

describe('height field', () => {
  it('reproduces a plane exactly (rows flipped to south-first)', () => {
    const t = plane(50, 40, (x, y) => 10 + 0.1 * x - 0.05 * y);
    const g = heightGridFromDem(t, 20);
    for (const [x, y] of [[0, 0], [-20, 15], [30, -20], [10.3, 7.7]] as const) expect(heightAt(g, x, y)).toBeCloseTo(10 + 0.1 * x - 0.05 * y, 4);
  });

  it('hits the surface along a ray', () => {
    const t = plane(60, 60, () => 5);
    const g = heightGridFromDem(t);
    const tt = rayHeightField(g, 0, 0, 105, 0, 0, -1, 1000);
    expect(tt).toBeCloseTo(100, 3);
    const s = Math.SQRT1_2;
    const t2 = rayHeightField(g, -20, 0, 25, s, 0, -s, 1000); // 45 degrees down, 20 m above ground
    expect(t2).toBeCloseTo(20 * Math.SQRT2, 3);
    expect(rayHeightField(g, 0, 0, 50, 0, 0, 1, 1000)).toBe(-1);
  });

  it('builds a mesh with upward normals and uv over the box', () => {
    const t = plane(10, 10, () => 0);
    const g = heightGridFromDem(t);
    const m = terrainMeshBuffers(g, { xmin: -10, ymin: -10, xmax: 10, ymax: 10 });
    expect(m.position.length / 3).toBe(100);
    expect(m.index.length).toBe(81 * 6);
    expect(m.normal[2]).toBeCloseTo(1);
    expect(m.uv[0]).toBeCloseTo(0.05);
  });
});
