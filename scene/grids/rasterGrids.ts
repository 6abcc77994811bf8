import type { GridsLayer } from '../../models/layers';
import type { GroundBox } from '../../models/groundRaster';

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
