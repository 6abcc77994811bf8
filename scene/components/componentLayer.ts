import * as THREE from 'three';
import { COMPONENT_CLASSES, COMPONENT_STATES, type ComponentShape } from '../../models/components';
import type { ComponentsLayer } from '../../models/layers';
import { createComponentMaterial } from './componentMaterial';
import { shapeGeometry, shapeSize } from './shapes';

/** Minimum on-screen size (px) of a component seen from far away. */
const MIN_PX = 3.5;

export interface ShapeMesh {
  shape: ComponentShape | 'prone';
  mesh: THREE.InstancedMesh;
  material: THREE.ShaderMaterial;
  size: number;
  /** component index of each instance slot */
  indexOfSlot: Uint32Array;
  /** geometry's centre height and bounding radius (unscaled) */
  centreZ: number;
  radius: number;
  dirtyMin: number;
  dirtyMax: number;
}

/** Linear RGB per state code, for writing instanceColor without allocating. */
export const STATE_LINEAR: Float32Array = (() => {
  const out = new Float32Array(COMPONENT_STATES.length * 3);
  const c = new THREE.Color();
  COMPONENT_STATES.forEach((s, i) => { c.set(s.color); out[3 * i] = c.r; out[3 * i + 1] = c.g; out[3 * i + 2] = c.b; });
  return out;
})();

/** Builds one instanced mesh per shape (one draw call per shape) from position columns. */
export function buildShapeMesh(
  shape: ComponentShape | 'prone', slots: Uint32Array, x: Float32Array, y: Float32Array, z: Float32Array, heading: Float32Array | null,
): ShapeMesh {
  const geometry = shapeGeometry(shape);
  const material = createComponentMaterial();
  const n = slots.length;
  const mesh = new THREE.InstancedMesh(geometry, material, Math.max(1, n));
  mesh.count = n;
  const m = mesh.instanceMatrix.array as Float32Array;
  for (let j = 0; j < n; j++) {
    const i = slots[j]!;
    const h = heading ? heading[i]! : 0;
    const c = Math.cos(h), s = Math.sin(h);
    const o = 16 * j;
    m[o] = c; m[o + 1] = s; m[o + 2] = 0; m[o + 3] = 0;
    m[o + 4] = -s; m[o + 5] = c; m[o + 6] = 0; m[o + 7] = 0;
    m[o + 8] = 0; m[o + 9] = 0; m[o + 10] = 1; m[o + 11] = 0;
    m[o + 12] = x[i]!; m[o + 13] = y[i]!; m[o + 14] = z[i]!; m[o + 15] = 1;
  }
  mesh.instanceMatrix.needsUpdate = true;
  mesh.instanceColor = new THREE.InstancedBufferAttribute(new Float32Array(Math.max(1, n) * 3), 3);
  mesh.instanceColor.setUsage(THREE.DynamicDrawUsage);
  mesh.frustumCulled = false;
  const bb = geometry.boundingBox!;
  const radius = geometry.boundingSphere!.radius + geometry.boundingSphere!.center.length();
  return {
    shape, mesh, material, size: shapeSize(geometry), indexOfSlot: slots,
    centreZ: 0.5 * (bb.min.z + bb.max.z), radius, dirtyMin: Infinity, dirtyMax: -1,
  };
}

/**
 * The managed components: instanced meshes grouped by COMPONENT_CLASSES[i].shape, the index
 * maps both ways, colour writes by component index and exact picking by instance id.
 */
export class ComponentLayer {
  readonly group = new THREE.Group();
  readonly meshes: ShapeMesh[] = [];
  /** per component: its mesh (index into meshes) and its slot in that mesh */
  readonly meshOf: Uint8Array;
  readonly slotOf: Uint32Array;
  readonly states: Uint8Array;
  readonly countByClass: Int32Array;

  constructor(readonly c: ComponentsLayer, readonly z: Float32Array) {
    const n = c.count;
    this.meshOf = new Uint8Array(n);
    this.slotOf = new Uint32Array(n);
    this.states = new Uint8Array(n);
    this.countByClass = new Int32Array(COMPONENT_CLASSES.length);
    const shapes = [...new Set(COMPONENT_CLASSES.map((k) => k.shape))];
    const shapeIdx = new Map(shapes.map((s, i) => [s, i]));
    const counts = new Int32Array(shapes.length);
    for (let i = 0; i < n; i++) {
      const k = c.classIndex[i]!;
      this.countByClass[k]!++;
      counts[shapeIdx.get(COMPONENT_CLASSES[k]?.shape ?? 'cover')!]!++;
    }
    const slotsByShape = shapes.map((_, s) => new Uint32Array(counts[s]!));
    const fill = new Int32Array(shapes.length);
    for (let i = 0; i < n; i++) {
      const s = shapeIdx.get(COMPONENT_CLASSES[c.classIndex[i]!]?.shape ?? 'cover')!;
      this.meshOf[i] = s;
      this.slotOf[i] = fill[s]!;
      slotsByShape[s]![fill[s]!++] = i;
    }
    shapes.forEach((shape, s) => {
      const sm = buildShapeMesh(shape, slotsByShape[s]!, c.x, c.y, z, c.heading);
      sm.mesh.name = `components:${shape}`;
      sm.mesh.visible = slotsByShape[s]!.length > 0;
      this.meshes.push(sm);
      this.group.add(sm.mesh);
    });
    for (let i = 0; i < n; i++) this.writeColor(i, 0);
    this.flushColors();
  }

  /** Writes a component's state colour into its instance slot (ranges are flushed once per frame batch). */
  writeColor(i: number, state: number) {
    this.states[i] = state;
    const sm = this.meshes[this.meshOf[i]!]!;
    const j = this.slotOf[i]!;
    const a = sm.mesh.instanceColor!.array as Float32Array;
    const s = Math.min(state, COMPONENT_STATES.length - 1);
    a[3 * j] = STATE_LINEAR[3 * s]!; a[3 * j + 1] = STATE_LINEAR[3 * s + 1]!; a[3 * j + 2] = STATE_LINEAR[3 * s + 2]!;
    if (j < sm.dirtyMin) sm.dirtyMin = j;
    if (j > sm.dirtyMax) sm.dirtyMax = j;
  }

  /** Uploads only the changed range of each instanceColor attribute. */
  flushColors() {
    for (const sm of this.meshes) {
      if (sm.dirtyMax < 0) continue;
      const attr = sm.mesh.instanceColor!;
      attr.clearUpdateRanges();
      attr.addUpdateRange(sm.dirtyMin * 3, (sm.dirtyMax - sm.dirtyMin + 1) * 3);
      attr.needsUpdate = true;
      sm.dirtyMin = Infinity;
      sm.dirtyMax = -1;
    }
  }

  /** The colour currently in the attribute for component i, as sRGB hex. */
  colorOf(i: number, tmp = new THREE.Color()): string {
    const sm = this.meshes[this.meshOf[i]!]!;
    const j = this.slotOf[i]!;
    const a = sm.mesh.instanceColor!.array as Float32Array;
    return '#' + tmp.setRGB(a[3 * j]!, a[3 * j + 1]!, a[3 * j + 2]!, THREE.LinearSRGBColorSpace).getHexString();
  }

  /** Per-frame: scale factor so tiny objects keep MIN_PX on screen; mPerPx1 = metres per pixel at 1 m. */
  updateScale(mPerPx1: number) {
    for (const sm of this.meshes) sm.material.uniforms.uScaleK!.value = (MIN_PX * mPerPx1) / sm.size;
  }

  scaleAt(sm: ShapeMesh, i: number, cam: THREE.Vector3): number {
    const d = Math.hypot(this.c.x[i]! - cam.x, this.c.y[i]! - cam.y, this.z[i]! - cam.z);
    const k = sm.material.uniforms.uScaleK!.value as number, max = sm.material.uniforms.uScaleMax!.value as number;
    return Math.min(max, Math.max(1, k * d));
  }

  /** The point of component i to aim at (centre of its drawn shape). */
  centre(i: number, cam: THREE.Vector3, out: THREE.Vector3): THREE.Vector3 {
    const sm = this.meshes[this.meshOf[i]!]!;
    const s = this.scaleAt(sm, i, cam);
    return out.set(this.c.x[i]!, this.c.y[i]!, this.z[i]! + sm.centreZ * s);
  }

  /**
   * Exact pick by instance id: ray against each instance's drawn (scaled, rotated) triangles,
   * bounding-sphere rejected first. Returns the component index and distance, or null.
   */
  raycast(ray: THREE.Ray, cam: THREE.Vector3, maxT: number): { index: number; t: number } | null {
    let best = -1, bestT = maxT;
    const o = ray.origin, d = ray.direction;
    const lo = new THREE.Vector3(), ld = new THREE.Vector3(), a = new THREE.Vector3(), b = new THREE.Vector3(), c = new THREE.Vector3(), hit = new THREE.Vector3();
    const local = new THREE.Ray();
    for (const sm of this.meshes) {
      if (!sm.mesh.visible) continue;
      const pos = sm.mesh.geometry.getAttribute('position') as THREE.BufferAttribute;
      const arr = pos.array as Float32Array;
      const nTri = pos.count / 3;
      for (let j = 0; j < sm.indexOfSlot.length; j++) {
        const i = sm.indexOfSlot[j]!;
        const s = this.scaleAt(sm, i, cam);
        const cx = this.c.x[i]!, cy = this.c.y[i]!, cz = this.z[i]! + sm.centreZ * s;
        // sphere test
        const ox = o.x - cx, oy = o.y - cy, oz = o.z - cz;
        const r = sm.radius * s;
        const bq = ox * d.x + oy * d.y + oz * d.z;
        const cq = ox * ox + oy * oy + oz * oz - r * r;
        if (bq > 0 && cq > 0) continue;
        if (bq * bq - cq < 0) continue;
        // ray into instance space: translate, rotate by -heading, scale by 1/s
        const h = this.c.heading[i]!, ch = Math.cos(h), sh = Math.sin(h);
        const px = o.x - cx, py = o.y - cy, pz = o.z - (this.z[i]!);
        lo.set((ch * px + sh * py) / s, (-sh * px + ch * py) / s, pz / s);
        ld.set((ch * d.x + sh * d.y) / s, (-sh * d.x + ch * d.y) / s, d.z / s);
        local.origin.copy(lo);
        local.direction.copy(ld);
        for (let t = 0; t < nTri; t++) {
          a.fromArray(arr, 9 * t); b.fromArray(arr, 9 * t + 3); c.fromArray(arr, 9 * t + 6);
          if (local.intersectTriangle(a, b, c, false, hit)) {
            const tw = lo.distanceTo(hit) * s; // local distance x scale = world distance
            if (tw > 0 && tw < bestT) { bestT = tw; best = i; }
          }
        }
      }
    }
    return best >= 0 ? { index: best, t: bestT } : null;
  }
}
