import * as THREE from 'three';
import { FLOOD_DEPTH_CLASSES, FLOOD_DRAW_MIN_M } from '../../models/floodDepth';

/**
 * The water's colour by depth, for the shader: the lower bound (m) and linear RGB of each class
 * of models/floodDepth.ts, so the surface, the legend and the impact list agree.
 */
export function waterColourTable(): { fromM: number[]; rgb: THREE.Vector3[]; minM: number } {
  const c = new THREE.Color();
  return {
    fromM: FLOOD_DEPTH_CLASSES.map((k) => k.fromM),
    rgb: FLOOD_DEPTH_CLASSES.map((k) => { c.set(k.color); return new THREE.Vector3(c.r, c.g, c.b); }),
    minM: FLOOD_DRAW_MIN_M,
  };
}

let halfOfMm: Uint16Array | null = null;

/**
 * Half-float bits of d / 1000 for every u16 millimetre value (made once, 128 KB): a frame goes
 * to the GPU as an R16F texture (filterable everywhere, unlike R32F) by one table lookup per cell.
 */
export function halfFloatOfMm(): Uint16Array {
  if (!halfOfMm) {
    halfOfMm = new Uint16Array(65536);
    for (let mm = 0; mm < 65536; mm++) halfOfMm[mm] = THREE.DataUtils.toHalfFloat(mm / 1000);
  }
  return halfOfMm;
}

/** Writes a frame's depths as half floats into `out` (same length): no allocation. */
export function depthToHalf(depthMm: Uint16Array, out: Uint16Array) {
  const t = halfFloatOfMm();
  for (let i = 0; i < depthMm.length; i++) out[i] = t[depthMm[i]!]!;
}
