// One instanced mesh per component shape (one draw call per shape), and the colour and upload
// helpers the component and prone-point layers write their instances with.
import * as THREE from 'three';
import { COMPONENT_STATES, type ComponentShape } from '../../models/components';
import { STALE_BIT, STATE_MASK } from '../../models/live';
import type { FloodUniforms } from '../flood/floodUniforms';
import { createComponentMaterial, STALE_GREY, STALE_MIX } from './componentMaterial';
import { shapeGeometry, shapeSize } from './shapes';

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

/** The drawn colour of a state byte (bit 7 = stale: washed towards grey), linear RGB into out[o..o+2]. */
export function stateRgb(state: number, out: Float32Array, o: number) {
  const s = Math.min(state & STATE_MASK, COMPONENT_STATES.length - 1);
  const k = state & STALE_BIT ? STALE_MIX : 0;
  out[o] = STATE_LINEAR[3 * s]! * (1 - k) + STALE_GREY * k;
  out[o + 1] = STATE_LINEAR[3 * s + 1]! * (1 - k) + STALE_GREY * k;
  out[o + 2] = STATE_LINEAR[3 * s + 2]! * (1 - k) + STALE_GREY * k;
}

/**
 * Marks items first..last (inclusive) of an attribute for upload: only that range goes to the GPU.
 * A range not uploaded yet (no draw since) is widened, not replaced.
 */
export function uploadItems(attr: THREE.BufferAttribute, first: number, last: number) {
  let a = first * attr.itemSize, b = (last + 1) * attr.itemSize;
  const prev = attr.updateRanges[0];
  if (prev) { a = Math.min(a, prev.start); b = Math.max(b, prev.start + prev.count); }
  attr.clearUpdateRanges();
  attr.addUpdateRange(a, b - a);
  attr.needsUpdate = true;
}

/** Writes the instance transform (rotation by heading about z, then position) at m[o..o+16]. */
export function writeInstanceMatrix(m: Float32Array, o: number, x: number, y: number, z: number, heading: number) {
  const c = Math.cos(heading), s = Math.sin(heading);
  m[o] = c; m[o + 1] = s; m[o + 2] = 0; m[o + 3] = 0;
  m[o + 4] = -s; m[o + 5] = c; m[o + 6] = 0; m[o + 7] = 0;
  m[o + 8] = 0; m[o + 9] = 0; m[o + 10] = 1; m[o + 11] = 0;
  m[o + 12] = x; m[o + 13] = y; m[o + 14] = z; m[o + 15] = 1;
}

/** Builds one instanced mesh per shape (one draw call per shape) from position columns. */
export function buildShapeMesh(
  shape: ComponentShape | 'prone', slots: Uint32Array, x: Float32Array, y: Float32Array, z: Float32Array, heading: Float32Array | null,
  flood: FloodUniforms,
): ShapeMesh {
  const geometry = shapeGeometry(shape);
  const material = createComponentMaterial(flood);
  const n = slots.length;
  const mesh = new THREE.InstancedMesh(geometry, material, Math.max(1, n));
  mesh.count = n;
  const m = mesh.instanceMatrix.array as Float32Array;
  for (let j = 0; j < n; j++) {
    const i = slots[j]!;
    writeInstanceMatrix(m, 16 * j, x[i]!, y[i]!, z[i]!, heading ? heading[i]! : 0);
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
