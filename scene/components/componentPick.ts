// Picking the components drawn with their detailed shape (ComponentLayer.raycast).
import * as THREE from 'three';
import type { ComponentLayer } from './componentLayer';

/**
 * Exact pick by instance id among the detailed (near) instances: the ray against each
 * instance's drawn triangles (scaled, rotated), bounding sphere first.
 */
export function raycastNear(layer: ComponentLayer, ray: THREE.Ray, cam: THREE.Vector3, maxT: number): { index: number; t: number } | null {
  let best = -1, bestT = maxT;
  const o = ray.origin, d = ray.direction;
  const a = new THREE.Vector3(), b = new THREE.Vector3(), c = new THREE.Vector3(), hit = new THREE.Vector3();
  const local = new THREE.Ray();
  for (const sm of layer.meshes) {
    if (!sm.mesh.visible) continue;
    const arr = sm.mesh.geometry.getAttribute('position').array as Float32Array;
    const nTri = arr.length / 9;
    for (let j = 0; j < sm.mesh.count; j++) {
      const i = sm.indexOfSlot[j]!;
      const s = layer.scaleAt(sm, i, cam);
      const cx = layer.c.x[i]!, cy = layer.c.y[i]!, gz = layer.z[i]!, cz = gz + sm.centreZ * s;
      const ox = o.x - cx, oy = o.y - cy, oz = o.z - cz;
      const r = sm.radius * s;
      const bq = ox * d.x + oy * d.y + oz * d.z;
      const cq = ox * ox + oy * oy + oz * oz - r * r;
      if (bq > 0 && cq > 0) continue;
      if (bq * bq - cq < 0) continue;
      // ray into shape space: translate, rotate by -heading, scale by 1/s
      const h = layer.c.heading[i]!, ch = Math.cos(h), sh = Math.sin(h);
      const px = o.x - cx, py = o.y - cy, pz = o.z - gz;
      local.origin.set((ch * px + sh * py) / s, (-sh * px + ch * py) / s, pz / s);
      local.direction.set((ch * d.x + sh * d.y) / s, (-sh * d.x + ch * d.y) / s, d.z / s);
      for (let t = 0; t < nTri; t++) {
        a.fromArray(arr, 9 * t); b.fromArray(arr, 9 * t + 3); c.fromArray(arr, 9 * t + 6);
        if (!local.intersectTriangle(a, b, c, false, hit)) continue;
        const tw = local.origin.distanceTo(hit) * s; // shape-space distance x scale = world distance
        if (tw > 0 && tw < bestT) { bestT = tw; best = i; }
      }
    }
  }
  return best >= 0 ? { index: best, t: bestT } : null;
}
