// The report's map pictures, drawn on the server from the stored rasters (no browser needed):
// maximum depth in the depth classes of the 3D view (models/floodDepth.ts), and the difference of
// two runs in the difference map's colours (models/runCompare.ts). PNG, one pixel per cell.
import { FLOOD_DEPTH_CLASSES, floodClassOf } from '../../models/floodDepth';
import { BETTER_RGB, DIFF_ALPHA, DIFF_STEPS, WORSE_RGB } from '../../models/runCompare';
import type { RunGrid } from '../../models/runs';
import { encodePng } from '../png';

const PAPER = [255, 255, 255] as const;

function hexRgb(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}
const CLASS_RGB = FLOOD_DEPTH_CLASSES.map((c) => hexRgb(c.color));

/**
 * PNG of an RGB cell picture, each cell repeated to a square of pixels (about 800 px across): PDF
 * viewers smooth an upscaled image, which would blur the cells' classes into one another.
 */
function cellsPng(cols: number, rows: number, rgb: Uint8Array): Uint8Array {
  const k = Math.max(1, Math.min(8, Math.floor(800 / Math.max(cols, rows))));
  if (k === 1) return encodePng(cols, rows, rgb);
  const w = cols * k, out = new Uint8Array(w * rows * k * 3);
  for (let r = 0; r < rows * k; r++) {
    const src = Math.floor(r / k) * cols;
    for (let c = 0; c < w; c++) out.set(rgb.subarray(3 * (src + Math.floor(c / k)), 3 * (src + Math.floor(c / k)) + 3), 3 * (r * w + c));
  }
  return encodePng(w, rows * k, out);
}

/** Maximum depth (m per cell, row 0 north): dry white, each depth class its colour. */
export function depthPng(grid: RunGrid, depth: Float32Array): Uint8Array {
  const rgb = new Uint8Array(grid.cols * grid.rows * 3);
  for (let i = 0; i < depth.length; i++) {
    const k = floodClassOf(depth[i]!);
    rgb.set(k < 0 ? PAPER : CLASS_RGB[k]!, 3 * i);
  }
  return cellsPng(grid.cols, grid.rows, rgb);
}

/**
 * The part of a difference grid where something changed (beyond the neutral band), with a margin
 * and at least minM across, so the picture shows the change rather than the whole city.
 */
export function cropToChange(grid: RunGrid, diff: Float32Array, minM = 800): { grid: RunGrid; data: Float32Array } {
  let c0 = Infinity, c1 = -1, r0 = Infinity, r1 = -1;
  for (let r = 0; r < grid.rows; r++) {
    for (let c = 0; c < grid.cols; c++) {
      if (!(Math.abs(diff[r * grid.cols + c]!) > DIFF_STEPS[0])) continue;
      c0 = Math.min(c0, c); c1 = Math.max(c1, c); r0 = Math.min(r0, r); r1 = Math.max(r1, r);
    }
  }
  if (c1 < 0) return { grid, data: diff };
  const half = Math.ceil(minM / grid.cellSize / 2);
  const grow = (lo: number, hi: number, n: number) => {
    const mid = (lo + hi) / 2, h = Math.max(half, Math.ceil((hi - lo) / 2 * 1.3) + 2);
    return [Math.max(0, Math.floor(mid - h)), Math.min(n - 1, Math.ceil(mid + h))] as const;
  };
  [c0, c1] = grow(c0, c1, grid.cols);
  [r0, r1] = grow(r0, r1, grid.rows);
  const cols = c1 - c0 + 1, rows = r1 - r0 + 1;
  const data = new Float32Array(cols * rows);
  for (let r = 0; r < rows; r++) data.set(diff.subarray((r0 + r) * grid.cols + c0, (r0 + r) * grid.cols + c1 + 1), r * cols);
  // row 0 is north: the crop's south edge is below its last row
  return { grid: { cols, rows, cellSize: grid.cellSize, xll: grid.xll + c0 * grid.cellSize, yll: grid.yll + (grid.rows - 1 - r1) * grid.cellSize }, data };
}

/** B - A (m per cell, NaN none): white inside the neutral band, red deeper, blue shallower, stronger with the change. */
export function diffPng(grid: RunGrid, diff: Float32Array): Uint8Array {
  const rgb = new Uint8Array(grid.cols * grid.rows * 3);
  for (let i = 0; i < diff.length; i++) {
    const v = diff[i]!, a = Math.abs(v);
    const o = 3 * i;
    if (!(a > DIFF_STEPS[0])) { rgb.set(PAPER, o); continue; }
    const c = v > 0 ? WORSE_RGB : BETTER_RGB;
    // the layer's alpha steps, over paper
    const al = DIFF_ALPHA[a > DIFF_STEPS[2] ? 2 : a > DIFF_STEPS[1] ? 1 : 0] / 255;
    for (let k = 0; k < 3; k++) rgb[o + k] = Math.round(c[k]! * al + PAPER[k]! * (1 - al));
  }
  return cellsPng(grid.cols, grid.rows, rgb);
}

export const DEPTH_LEGEND = FLOOD_DEPTH_CLASSES.map((c, k) => ({ rgb: CLASS_RGB[k]!, zh: c.zh, en: c.en }));
export const DIFF_LEGEND = { worse: [...WORSE_RGB] as [number, number, number], better: [...BETTER_RGB] as [number, number, number], neutralCm: DIFF_STEPS[0] * 100 };
