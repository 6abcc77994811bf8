import type { GridsLayer } from '../../models/layers';
import type { GroundBox } from '../data/box';

/**
 * Rasterises the unit grids into an id texture draped over the terrain: R + 256 G = unit grid
 * index + 1 (0 = outside every grid), B = responsibility grid index + 1. Scanline fill at pixel
 * centres, even-odd, no anti-aliasing (ids must be exact). Row 0 = south edge.
 */
export function rasterGrids(box: GroundBox, grids: GridsLayer): Uint8Array {
  const { width: W, height: H } = box;
  const out = new Uint8Array(W * H * 4);
  const sx = W / (box.xmax - box.xmin), sy = H / (box.ymax - box.ymin);
  const xs: number[] = [];
  for (let g = 0; g < grids.count; g++) {
    const a = grids.start[g]!, b = grids.start[g + 1]!;
    let ymin = Infinity, ymax = -Infinity;
    for (let v = a; v < b; v++) {
      const y = (grids.xy[2 * v + 1]! - box.ymin) * sy;
      if (y < ymin) ymin = y;
      if (y > ymax) ymax = y;
    }
    const id = g + 1, resp = (grids.responsibilityIndex[g] ?? 0) + 1;
    const r0 = Math.max(0, Math.ceil(ymin - 0.5)), r1 = Math.min(H - 1, Math.floor(ymax - 0.5));
    for (let r = r0; r <= r1; r++) {
      const py = r + 0.5;
      xs.length = 0;
      for (let v = a, w = b - 1; v < b; w = v++) {
        const x1 = (grids.xy[2 * v]! - box.xmin) * sx, y1 = (grids.xy[2 * v + 1]! - box.ymin) * sy;
        const x2 = (grids.xy[2 * w]! - box.xmin) * sx, y2 = (grids.xy[2 * w + 1]! - box.ymin) * sy;
        if ((y1 > py) !== (y2 > py)) xs.push(x1 + ((py - y1) / (y2 - y1)) * (x2 - x1));
      }
      xs.sort((p, q) => p - q);
      for (let k = 0; k + 1 < xs.length; k += 2) {
        const c0 = Math.max(0, Math.ceil(xs[k]! - 0.5)), c1 = Math.min(W - 1, Math.floor(xs[k + 1]! - 0.5));
        for (let c = c0; c <= c1; c++) {
          const o = 4 * (r * W + c);
          out[o] = id & 255; out[o + 1] = (id >> 8) & 255; out[o + 2] = resp; out[o + 3] = 255;
        }
      }
    }
  }
  return out;
}

/** The unit grid under (x, y) from the id raster, or -1. */
export function gridAtRaster(box: GroundBox, raster: Uint8Array, x: number, y: number): number {
  const c = Math.floor(((x - box.xmin) / (box.xmax - box.xmin)) * box.width);
  const r = Math.floor(((y - box.ymin) / (box.ymax - box.ymin)) * box.height);
  if (c < 0 || r < 0 || c >= box.width || r >= box.height) return -1;
  const o = 4 * (r * box.width + c);
  return raster[o]! + 256 * raster[o + 1]! - 1;
}

/** Even-odd point in ring test on a flattened ring layer; exact fallback for the raster. */
export function pointInRing(xy: Float32Array, a: number, b: number, x: number, y: number): boolean {
  let inside = false;
  for (let v = a, w = b - 1; v < b; w = v++) {
    const xi = xy[2 * v]!, yi = xy[2 * v + 1]!, xj = xy[2 * w]!, yj = xy[2 * w + 1]!;
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function gridAt(grids: GridsLayer, x: number, y: number): number {
  for (let g = 0; g < grids.count; g++) if (pointInRing(grids.xy, grids.start[g]!, grids.start[g + 1]!, x, y)) return g;
  return -1;
}
