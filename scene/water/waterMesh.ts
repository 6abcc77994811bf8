import earcut from 'earcut';
import type { WaterLayer } from '../../models/layers';

/** Water polygons as one flat mesh at the water level (earcut). */
export function waterMeshBuffers(w: WaterLayer) {
  const pos: number[] = [];
  const idx: number[] = [];
  for (let k = 0; k < w.count; k++) {
    const a = w.start[k]!, e = w.start[k + 1]!;
    if (e - a < 3) continue;
    const ring: number[] = [];
    for (let v = a; v < e; v++) ring.push(w.xy[2 * v]!, w.xy[2 * v + 1]!);
    const base = pos.length / 3;
    for (let i = 0; i < ring.length / 2; i++) pos.push(ring[2 * i]!, ring[2 * i + 1]!, w.levelM);
    const tris = earcut(ring);
    let area = 0;
    for (let i = 0, n = ring.length / 2; i < n; i++) {
      const j = (i + 1) % n;
      area += ring[2 * i]! * ring[2 * j + 1]! - ring[2 * j]! * ring[2 * i + 1]!;
    }
    for (let t = 0; t + 2 < tris.length; t += 3) {
      if (area > 0) idx.push(base + tris[t]!, base + tris[t + 1]!, base + tris[t + 2]!);
      else idx.push(base + tris[t]!, base + tris[t + 2]!, base + tris[t + 1]!);
    }
  }
  return { position: new Float32Array(pos), index: new Uint32Array(idx) };
}
