import { floodClassOf } from '../../models/floodDepth';
import type { RunGrid } from '../../models/runs';

/**
 * The unit grid of each run cell (-1: none), from a point-to-grid lookup at cell centres
 * (the ground's grid id raster in the browser). Once per run grid.
 */
export function cellGrids(g: RunGrid, gridAt: (x: number, y: number) => number): Int32Array {
  const out = new Int32Array(g.cols * g.rows);
  const top = g.yll + g.rows * g.cellSize;
  for (let r = 0; r < g.rows; r++) {
    const y = top - (r + 0.5) * g.cellSize;
    for (let c = 0; c < g.cols; c++) out[r * g.cols + c] = gridAt(g.xll + (c + 0.5) * g.cellSize, y);
  }
  return out;
}

/**
 * Per unit grid, the flood class of its deepest cell in a frame (index into
 * FLOOD_DEPTH_CLASSES, -1 dry), into `out` (one entry per grid). `maxMm` is scratch (same length).
 */
export function gridMaxClasses(depthMm: Uint16Array, cellGrid: Int32Array, maxMm: Uint16Array, out: Int8Array): Int8Array {
  maxMm.fill(0);
  for (let i = 0; i < depthMm.length; i++) {
    const g = cellGrid[i]!;
    if (g >= 0 && g < maxMm.length && depthMm[i]! > maxMm[g]!) maxMm[g] = depthMm[i]!;
  }
  for (let g = 0; g < out.length; g++) out[g] = floodClassOf(maxMm[g]! / 1000);
  return out;
}
