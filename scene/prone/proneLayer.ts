import * as THREE from 'three';
import type { ProneLayer } from '../../models/layers';
import { buildShapeMesh, type ShapeMesh } from '../components/componentLayer';

/** Waterlogging-prone points (易积水点): an instanced pin + ground ring each, one draw call. */
export function buildProneMesh(p: ProneLayer, z: Float32Array): ShapeMesh {
  const slots = new Uint32Array(p.count);
  for (let i = 0; i < p.count; i++) slots[i] = i;
  const sm = buildShapeMesh('prone', slots, p.x, p.y, z, null);
  sm.mesh.name = 'prone';
  const c = new THREE.Color('#22b8cf');
  for (let i = 0; i < p.count; i++) sm.mesh.setColorAt(i, c);
  sm.mesh.instanceColor!.needsUpdate = true;
  sm.material.uniforms.uScaleMax!.value = 12;
  return sm;
}
