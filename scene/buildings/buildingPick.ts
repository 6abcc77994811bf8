import type * as THREE from 'three';
import type { BuildingsLayer } from '../../models/layers';
import { pointInRing } from '../grids/rasterGrids';

/**
 * Ray queries against the merged building mesh without testing every triangle: a box per
 * building (from the footprint and heights), then only that building's triangles (Möller–Trumbore).
 */
export class BuildingPicker {
  private readonly box: Float32Array; // per building: xmin ymin zmin xmax ymax zmax
  private readonly triStart: Uint32Array;

  constructor(private readonly b: BuildingsLayer, private readonly position: Float32Array, private readonly index: Uint32Array, buildingOfTriangle: Uint32Array) {
    this.box = new Float32Array(b.count * 6);
    for (let k = 0; k < b.count; k++) {
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (let v = b.start[k]!; v < b.start[k + 1]!; v++) {
        const x = b.xy[2 * v]!, y = b.xy[2 * v + 1]!;
        if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
      }
      this.box.set([x0, y0, b.base[k]! - 3, x1, y1, b.base[k]! + b.height[k]!], 6 * k);
    }
    this.triStart = new Uint32Array(b.count + 1).fill(0xffffffff);
    for (let t = buildingOfTriangle.length - 1; t >= 0; t--) this.triStart[buildingOfTriangle[t]!] = t;
    this.triStart[b.count] = buildingOfTriangle.length;
    for (let k = b.count - 1; k >= 0; k--) if (this.triStart[k] === 0xffffffff) this.triStart[k] = this.triStart[k + 1]!;
  }

  /** Nearest hit: { building, t } with t the distance along the unit ray, or null. */
  raycast(o: THREE.Vector3, d: THREE.Vector3, maxT: number): { building: number; t: number } | null {
    let best = -1, bestT = maxT;
    const bx = this.box, P = this.position, I = this.index;
    for (let k = 0; k < this.b.count; k++) {
      // slab test
      let t0 = 0, t1 = bestT;
      let ok = true;
      for (let a = 0; a < 3 && ok; a++) {
        const oa = a === 0 ? o.x : a === 1 ? o.y : o.z, da = a === 0 ? d.x : a === 1 ? d.y : d.z;
        const lo = bx[6 * k + a]!, hi = bx[6 * k + 3 + a]!;
        if (Math.abs(da) < 1e-12) { if (oa < lo || oa > hi) ok = false; continue; }
        let ta = (lo - oa) / da, tb = (hi - oa) / da;
        if (ta > tb) { const s = ta; ta = tb; tb = s; }
        if (ta > t0) t0 = ta;
        if (tb < t1) t1 = tb;
        if (t0 > t1) ok = false;
      }
      if (!ok) continue;
      for (let t = this.triStart[k]!; t < this.triStart[k + 1]!; t++) {
        const ia = 3 * I[3 * t]!, ib = 3 * I[3 * t + 1]!, ic = 3 * I[3 * t + 2]!;
        const e1x = P[ib]! - P[ia]!, e1y = P[ib + 1]! - P[ia + 1]!, e1z = P[ib + 2]! - P[ia + 2]!;
        const e2x = P[ic]! - P[ia]!, e2y = P[ic + 1]! - P[ia + 1]!, e2z = P[ic + 2]! - P[ia + 2]!;
        const px = d.y * e2z - d.z * e2y, py = d.z * e2x - d.x * e2z, pz = d.x * e2y - d.y * e2x;
        const det = e1x * px + e1y * py + e1z * pz;
        // front faces only, as drawn (the material culls back faces): det > 0 <=> the ray meets the outside
        if (det < 1e-12) continue;
        const inv = 1 / det;
        const tx = o.x - P[ia]!, ty = o.y - P[ia + 1]!, tz = o.z - P[ia + 2]!;
        const u = (tx * px + ty * py + tz * pz) * inv;
        if (u < 0 || u > 1) continue;
        const qx = ty * e1z - tz * e1y, qy = tz * e1x - tx * e1z, qz = tx * e1y - ty * e1x;
        const v = (d.x * qx + d.y * qy + d.z * qz) * inv;
        if (v < 0 || u + v > 1) continue;
        const tt = (e2x * qx + e2y * qy + e2z * qz) * inv;
        if (tt > 1e-4 && tt < bestT) { bestT = tt; best = k; }
      }
    }
    return best >= 0 ? { building: best, t: bestT } : null;
  }

  /** Whether a point is inside building k's volume (footprint and height). */
  contains(x: number, y: number, z: number): boolean {
    for (let k = 0; k < this.b.count; k++) {
      const bx = this.box;
      if (x < bx[6 * k]! || x > bx[6 * k + 3]! || y < bx[6 * k + 1]! || y > bx[6 * k + 4]! || z < bx[6 * k + 2]! || z > bx[6 * k + 5]!) continue;
      if (pointInRing(this.b.xy, this.b.start[k]!, this.b.start[k + 1]!, x, y)) return true;
    }
    return false;
  }

  /** Centroid, base and height of building k (for tests and the inspector). */
  info(k: number) {
    const b = this.box;
    return { x: 0.5 * (b[6 * k]! + b[6 * k + 3]!), y: 0.5 * (b[6 * k + 1]! + b[6 * k + 4]!), halfX: 0.5 * (b[6 * k + 3]! - b[6 * k]!), halfY: 0.5 * (b[6 * k + 4]! - b[6 * k + 1]!), base: this.b.base[k]!, height: this.b.height[k]! };
  }
}
