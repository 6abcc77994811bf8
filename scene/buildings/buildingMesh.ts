import earcut from 'earcut';
import type { BuildingsLayer } from '../../models/layers';

// Colours per BUILDING_USES (residential, commercial, office, public, industrial): cool, light,
// slightly different so the city reads as blocks on a dark map. sRGB 0..1.
const USE_RGB: [number, number, number][] = [
  [0.74, 0.76, 0.80],
  [0.66, 0.74, 0.86],
  [0.60, 0.70, 0.84],
  [0.64, 0.80, 0.80],
  [0.70, 0.68, 0.66],
];

/** Depth the walls go below the footprint's lowest ground point so no gap shows on slopes. */
const SINK_M = 2;

/**
 * All buildings as one merged, non-indexed-per-face mesh: walls (flat normals, darker at the
 * foot as a cheap ambient-occlusion cue) and earcut roofs. One draw call for the whole layer.
 * `buildingOfTriangle` maps each triangle back to its building (picking, inspector).
 */
export function buildingMeshBuffers(b: BuildingsLayer) {
  let nVerts = 0, nIdx = 0;
  for (let k = 0; k < b.count; k++) {
    const n = b.start[k + 1]! - b.start[k]!;
    if (n < 3) continue;
    nVerts += 4 * n + n;
    nIdx += 6 * n + 3 * (n - 2);
  }
  const position = new Float32Array(nVerts * 3);
  const normal = new Float32Array(nVerts * 3);
  const color = new Float32Array(nVerts * 3);
  const index = new Uint32Array(nIdx);
  const buildingOfTriangle = new Uint32Array(nIdx / 3);
  let v = 0, o = 0;
  const put = (x: number, y: number, z: number, nx: number, ny: number, nz: number, r: number, g: number, bl: number) => {
    position[3 * v] = x; position[3 * v + 1] = y; position[3 * v + 2] = z;
    normal[3 * v] = nx; normal[3 * v + 1] = ny; normal[3 * v + 2] = nz;
    color[3 * v] = r; color[3 * v + 1] = g; color[3 * v + 2] = bl;
    return v++;
  };
  const ring: number[] = [];
  for (let k = 0; k < b.count; k++) {
    const a = b.start[k]!, e = b.start[k + 1]!;
    const n = e - a;
    if (n < 3) continue;
    const base = b.base[k]! - SINK_M, top = b.base[k]! + b.height[k]!;
    const rgb = USE_RGB[b.use[k]!] ?? USE_RGB[0]!;
    // small per-building variation so neighbours separate visually
    const j = 0.94 + 0.12 * (((k * 2654435761) >>> 0) / 4294967296);
    const R = rgb[0] * j, G = rgb[1] * j, B = rgb[2] * j;
    const foot = 0.55;
    // signed area: walls face outwards whatever the ring's winding
    let area = 0;
    for (let i = 0; i < n; i++) {
      const p = a + i, q = a + ((i + 1) % n);
      area += b.xy[2 * p]! * b.xy[2 * q + 1]! - b.xy[2 * q]! * b.xy[2 * p + 1]!;
    }
    const ccw = area > 0;
    for (let i = 0; i < n; i++) {
      const p = a + i, q = a + ((i + 1) % n);
      const x1 = b.xy[2 * p]!, y1 = b.xy[2 * p + 1]!, x2 = b.xy[2 * q]!, y2 = b.xy[2 * q + 1]!;
      let nx = y2 - y1, ny = -(x2 - x1);
      const len = Math.hypot(nx, ny) || 1;
      nx /= len; ny /= len;
      if (!ccw) { nx = -nx; ny = -ny; }
      const i0 = put(x1, y1, base, nx, ny, 0, R * foot, G * foot, B * foot);
      const i1 = put(x2, y2, base, nx, ny, 0, R * foot, G * foot, B * foot);
      const i2 = put(x2, y2, top, nx, ny, 0, R, G, B);
      const i3 = put(x1, y1, top, nx, ny, 0, R, G, B);
      const t = o / 3;
      if (ccw) { index[o++] = i0; index[o++] = i1; index[o++] = i2; index[o++] = i0; index[o++] = i2; index[o++] = i3; }
      else { index[o++] = i0; index[o++] = i2; index[o++] = i1; index[o++] = i0; index[o++] = i3; index[o++] = i2; }
      buildingOfTriangle[t] = k; buildingOfTriangle[t + 1] = k;
    }
    ring.length = 0;
    for (let i = 0; i < n; i++) ring.push(b.xy[2 * (a + i)]!, b.xy[2 * (a + i) + 1]!);
    const roofStart = v;
    for (let i = 0; i < n; i++) put(ring[2 * i]!, ring[2 * i + 1]!, top, 0, 0, 1, R * 1.08, G * 1.08, B * 1.08);
    const tris = earcut(ring);
    for (let t = 0; t + 2 < tris.length; t += 3) {
      const tri = o / 3;
      // roofs face up: wind counter-clockwise seen from above
      if (ccw) { index[o++] = roofStart + tris[t]!; index[o++] = roofStart + tris[t + 1]!; index[o++] = roofStart + tris[t + 2]!; }
      else { index[o++] = roofStart + tris[t]!; index[o++] = roofStart + tris[t + 2]!; index[o++] = roofStart + tris[t + 1]!; }
      buildingOfTriangle[tri] = k;
    }
  }
  return {
    position: position.subarray(0, v * 3), normal: normal.subarray(0, v * 3), color: color.subarray(0, v * 3),
    index: index.subarray(0, o), buildingOfTriangle: buildingOfTriangle.subarray(0, o / 3),
  };
}
