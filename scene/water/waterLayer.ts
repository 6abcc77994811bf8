import * as THREE from 'three';
import type { LayerContext, TwinInputs, TwinLayer } from '../core/types';
import { createWaterMaterial } from './waterMaterial';

/** The city's standing water (rivers, lakes) as one flat translucent mesh at its level. */
export class WaterLayer implements TwinLayer {
  readonly id = 'water';
  mesh!: THREE.Mesh;

  attach(ctx: LayerContext) {
    const wm = ctx.city.waterMesh;
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(wm.position, 3));
    g.setIndex(new THREE.BufferAttribute(wm.index, 1));
    this.mesh = new THREE.Mesh(g, createWaterMaterial());
    this.mesh.name = 'water';
    this.mesh.renderOrder = 5;
    this.mesh.frustumCulled = false;
    ctx.root.add(this.mesh);
  }

  update(changed: Partial<TwinInputs>) {
    if (changed.layers) this.mesh.visible = changed.layers.water;
  }

  debugHide(part: string, hidden: boolean) {
    if (part === 'water') this.mesh.visible = !hidden;
  }

  dispose() {}
}
