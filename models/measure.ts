// The planner's measures on the map, in the city's local metres (x east, y north): a path's
// horizontal length, a ring's area, and the terrain profile along a line with the water surface
// of the shown time step. Pure.
import type { Point } from './scenario';

/** Horizontal length of a path (m). */
export function pathLength(pts: readonly Point[]): number {
  let d = 0;
  for (let i = 1; i < pts.length; i++) d += Math.hypot(pts[i]![0] - pts[i - 1]![0], pts[i]![1] - pts[i - 1]![1]);
  return d;
}

/** Area of a simple ring (m2, shoelace; the closing vertex optional). */
export function ringArea(ring: readonly Point[]): number {
  let a = 0;
  for (let i = 0; i < ring.length; i++) {
    const p = ring[i]!, q = ring[(i + 1) % ring.length]!;
    a += p[0] * q[1] - q[0] * p[1];
  }
  return Math.abs(a) / 2;
}

export interface ProfileSample {
  /** distance along the line (m) */
  s: number;
  x: number;
  y: number;
  ground: number;
  /** water surface elevation, null where dry (or no run shown) */
  water: number | null;
}

/** Water thinner than this is not drawn on the profile (the flood layer's dry threshold). */
const WET_M = 0.02;

/**
 * The ground (and the water surface, when `depthAt` is given) along a path, `n` samples evenly
 * spaced over its whole length, its vertices included only as they fall.
 */
export function profile(pts: readonly Point[], groundZ: (x: number, y: number) => number, depthAt: ((x: number, y: number) => number) | null, n = 120): ProfileSample[] {
  const total = pathLength(pts);
  const out: ProfileSample[] = [];
  if (pts.length < 2 || total <= 0) return out;
  let seg = 0, segStart = 0;
  for (let k = 0; k < n; k++) {
    const s = (total * k) / (n - 1);
    // advance to the segment holding s
    for (;;) {
      const len = Math.hypot(pts[seg + 1]![0] - pts[seg]![0], pts[seg + 1]![1] - pts[seg]![1]);
      if (s <= segStart + len || seg + 2 >= pts.length) {
        const f = len > 0 ? Math.min(1, (s - segStart) / len) : 0;
        const x = pts[seg]![0] + (pts[seg + 1]![0] - pts[seg]![0]) * f;
        const y = pts[seg]![1] + (pts[seg + 1]![1] - pts[seg]![1]) * f;
        const ground = groundZ(x, y);
        const d = depthAt ? depthAt(x, y) : 0;
        out.push({ s, x, y, ground, water: Number.isFinite(d) && d >= WET_M ? ground + d : null });
        break;
      }
      segStart += len;
      seg++;
    }
  }
  return out;
}
