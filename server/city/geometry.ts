// Plane geometry on flat x,y rings and the DEM lookups, shared by the generator and the importer.
import type { Dem } from '../../models/city';

export function ringArea(r: number[]): number {
  let a = 0;
  const n = r.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) a += r[2 * j]! * r[2 * i + 1]! - r[2 * i]! * r[2 * j + 1]!;
  return a / 2;
}

export function reverseRing(r: number[]): number[] {
  const out: number[] = [];
  for (let i = r.length / 2 - 1; i >= 0; i--) out.push(r[2 * i]!, r[2 * i + 1]!);
  return out;
}

export function ccw(r: number[]): number[] {
  return ringArea(r) < 0 ? reverseRing(r) : r;
}

export function ringEdgeDist(x: number, y: number, r: number[]): number {
  let d = Infinity;
  const n = r.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const ax = r[2 * j]!, ay = r[2 * j + 1]!, dx = r[2 * i]! - ax, dy = r[2 * i + 1]! - ay;
    const l2 = dx * dx + dy * dy;
    const t = l2 > 0 ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / l2)) : 0;
    d = Math.min(d, Math.hypot(ax + t * dx - x, ay + t * dy - y));
  }
  return d;
}

export function pointInRing(x: number, y: number, r: number[]): boolean {
  let inside = false;
  const n = r.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = r[2 * i]!, yi = r[2 * i + 1]!, xj = r[2 * j]!, yj = r[2 * j + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Sutherland-Hodgman clip of a polygon to an axis-aligned box. */
export function clipRingToBox(ring: number[], minX: number, minY: number, maxX: number, maxY: number): number[] {
  type P = [number, number];
  let pts: P[] = [];
  for (let i = 0; i < ring.length; i += 2) pts.push([ring[i]!, ring[i + 1]!]);
  const clip = (inside: (p: P) => boolean, cross: (a: P, b: P) => P) => {
    const out: P[] = [];
    for (let i = 0; i < pts.length; i++) {
      const a = pts[i]!, b = pts[(i + 1) % pts.length]!;
      const ia = inside(a), ib = inside(b);
      if (ia) out.push(a);
      if (ia !== ib) out.push(cross(a, b));
    }
    pts = out;
  };
  const lerpX = (a: P, b: P, x: number): P => [x, a[1] + ((b[1] - a[1]) * (x - a[0])) / (b[0] - a[0])];
  const lerpY = (a: P, b: P, y: number): P => [a[0] + ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]), y];
  clip((p) => p[0] >= minX, (a, b) => lerpX(a, b, minX));
  clip((p) => p[0] <= maxX, (a, b) => lerpX(a, b, maxX));
  clip((p) => p[1] >= minY, (a, b) => lerpY(a, b, minY));
  clip((p) => p[1] <= maxY, (a, b) => lerpY(a, b, maxY));
  return pts.flat();
}



export function upperIndex(arr: number[], v: number): number {
  // largest i with arr[i] <= v (arr sorted), -1 when below
  let lo = 0, hi = arr.length - 1;
  if (v < arr[0]!) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (arr[mid]! <= v) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/** bilinear height at a point (clamped to the raster) */
export function demHeightAt(dem: Dem, x: number, y: number): number {
  const cs = dem.cellSize;
  let fc = (x - dem.x0) / cs - 0.5, fr = (dem.y0 - y) / cs - 0.5;
  fc = Math.min(Math.max(fc, 0), dem.cols - 1.000001);
  fr = Math.min(Math.max(fr, 0), dem.rows - 1.000001);
  const c = Math.floor(fc), r = Math.floor(fr), u = fc - c, v = fr - r;
  const h = dem.heights, i = r * dem.cols + c;
  return (h[i]! * (1 - u) + h[i + 1]! * u) * (1 - v) + (h[i + dem.cols]! * (1 - u) + h[i + dem.cols + 1]! * u) * v;
}

/** index of the DEM cell containing a point, or -1 */
export function demCellIndex(dem: Dem, x: number, y: number): number {
  const c = Math.floor((x - dem.x0) / dem.cellSize), r = Math.floor((dem.y0 - y) / dem.cellSize);
  if (c < 0 || r < 0 || c >= dem.cols || r >= dem.rows) return -1;
  return r * dem.cols + c;
}


/** The lowest DEM cell under a footprint (its vertices and a half-cell sampling of its inside):
 *  a building's base, so it never floats above its lowest ground. Infinity when outside the DEM. */
export function lowestUnder(dem: Dem, ring: number[]): number {
  const { cellSize: cs, heights } = dem;
  let bx0 = Infinity, by0 = Infinity, bx1 = -Infinity, by1 = -Infinity;
  for (let q = 0; q < ring.length; q += 2) {
    bx0 = Math.min(bx0, ring[q]!); bx1 = Math.max(bx1, ring[q]!);
    by0 = Math.min(by0, ring[q + 1]!); by1 = Math.max(by1, ring[q + 1]!);
  }
  let lo = Infinity;
  for (let q = 0; q < ring.length; q += 2) {
    const ci = demCellIndex(dem, ring[q]!, ring[q + 1]!);
    if (ci >= 0) lo = Math.min(lo, heights[ci]!);
  }
  const step = cs / 2;
  for (let y = by0 + step / 2; y < by1; y += step) {
    for (let x = bx0 + step / 2; x < bx1; x += step) {
      if (!pointInRing(x, y, ring)) continue;
      const ci = demCellIndex(dem, x, y);
      if (ci >= 0) lo = Math.min(lo, heights[ci]!);
    }
  }
  return lo;
}
