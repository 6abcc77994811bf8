import * as THREE from 'three';
import type { LayerContext, PickHit, Selection, TwinInputs, TwinLayer } from '../core/types';
import { createBuildingMaterial } from './buildingMaterial';
import { BuildingPicker } from './buildingPick';

/** The buildings: one merged, opaque mesh (it occludes); picked by building index. */
export class BuildingsLayer implements TwinLayer {
  readonly id = 'buildings';
  readonly pickOrder = 100;
  mesh!: THREE.Mesh;
  picker!: BuildingPicker;
  /** the top of the highest building or ground (camera near/far) */
  zMax = 0;
  private visible = true;

  attach(ctx: LayerContext) {
    const { buildingMesh: bm, layers, height } = ctx.city;
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(bm.position, 3));
    g.setAttribute('normal', new THREE.BufferAttribute(bm.normal, 3));
    g.setAttribute('color', new THREE.BufferAttribute(bm.color, 3));
    g.setIndex(new THREE.BufferAttribute(bm.index, 1));
    this.mesh = new THREE.Mesh(g, createBuildingMaterial());
    this.mesh.name = 'buildings';
    this.mesh.frustumCulled = false;
    ctx.root.add(this.mesh);
    this.picker = new BuildingPicker(layers.buildings, bm.position, bm.index, bm.buildingOfTriangle);
    let zMax = height.maxZ;
    for (let k = 0; k < layers.buildings.count; k++) zMax = Math.max(zMax, layers.buildings.base[k]! + layers.buildings.height[k]!);
    this.zMax = zMax;
  }

  update(changed: Partial<TwinInputs>) {
    if (changed.layers) this.mesh.visible = this.visible = changed.layers.buildings;
  }

  /** Hidden buildings are neither drawn nor in the way of a click. */
  raycast(o: THREE.Vector3, d: THREE.Vector3, maxT: number) {
    return this.visible ? this.picker.raycast(o, d, maxT) : null;
  }

  pick(hit: PickHit): Selection | undefined {
    return hit.building >= 0 ? { kind: 'building', index: hit.building } : undefined;
  }

  debugHide(part: string, hidden: boolean) {
    if (part === 'buildings') this.mesh.visible = !hidden;
  }

  dispose() {}
}
