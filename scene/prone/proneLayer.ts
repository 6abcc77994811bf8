import * as THREE from 'three';
import type { ProneLayer } from '../../models/layers';
import { buildShapeMesh, type ShapeMesh } from '../components/shapeMesh';
import type { FrameInfo, LayerContext, TwinInputs, TwinLayer } from '../core/types';
import { floodUniforms, type FloodUniforms } from '../flood/floodUniforms';

/** Waterlogging-prone points (易积水点): an instanced pin + ground ring each, one draw call. */
export function buildProneMesh(p: ProneLayer, z: Float32Array, flood: FloodUniforms): ShapeMesh {
  const slots = new Uint32Array(p.count);
  for (let i = 0; i < p.count; i++) slots[i] = i;
  const sm = buildShapeMesh('prone', slots, p.x, p.y, z, null, flood);
  sm.mesh.name = 'prone';
  const c = new THREE.Color('#22b8cf');
  for (let i = 0; i < p.count; i++) sm.mesh.setColorAt(i, c);
  sm.mesh.instanceColor!.needsUpdate = true;
  sm.material.uniforms.uScaleMax!.value = 12;
  return sm;
}

/** The prone points as a twin layer: a few pixels tall at any distance. */
export class ProneTwinLayer implements TwinLayer {
  readonly id = 'prone';
  private sm!: ShapeMesh;

  attach(ctx: LayerContext) {
    this.sm = buildProneMesh(ctx.city.layers.prone, ctx.city.proneZ, floodUniforms(ctx));
    ctx.root.add(this.sm.mesh);
  }

  update(changed: Partial<TwinInputs>) {
    if (changed.layers) this.sm.mesh.visible = changed.layers.prone;
  }

  beforeRender(f: FrameInfo) {
    this.sm.material.uniforms.uScaleK!.value = (3 * f.mPerPx1) / this.sm.size;
  }

  dispose() {}
}
