import * as THREE from 'three';
import type { ComponentsTwinLayer } from '../components/componentsTwinLayer';
import type { FrameInfo, LayerContext, TwinInputs, TwinLayer } from '../core/types';
import type { GridsLayer } from '../grids/gridsLayer';
import { quadIndex } from './heightField';
import { createTerrainMaterial } from './terrainMaterial';

/**
 * The ground: terrain mesh draped with the street/water mask, the unit grids (ids and colours
 * from the grids layer) and the components' far state map (from the components layer), all in
 * one draw; layer switches are uniforms. Attached after the grids and components layers.
 */
export class TerrainLayer implements TwinLayer {
  readonly id = 'terrain';
  mesh!: THREE.Mesh;
  material!: THREE.ShaderMaterial;
  private mask!: THREE.DataTexture;
  private farMPerPx = Infinity;
  /** the full mesh's triangles, and every other vertex's for rough frames */
  private fine!: THREE.BufferAttribute;
  private coarse!: THREE.BufferAttribute;

  attach(ctx: LayerContext) {
    const { city } = ctx;
    const box = city.box;
    const mask = new THREE.DataTexture(city.groundMask, box.width, box.height, THREE.RGBAFormat);
    mask.magFilter = THREE.LinearFilter;
    // one mip level per fetch, not two: half the texture reads in SwiftShader, no visible difference
    mask.minFilter = THREE.LinearMipmapNearestFilter;
    mask.generateMipmaps = true;
    mask.needsUpdate = true;
    this.mask = mask;
    const grids = ctx.layer<GridsLayer>('grids')!;
    const comps = ctx.layer<ComponentsTwinLayer>('components')!.c;
    const map = comps.map;
    this.material = createTerrainMaterial({
      mask, gridId: grids.idTexture, gridColors: grids.colors, gridColorsWidth: grids.colorsWidth,
      components: { texture: map.texture, corner: new THREE.Vector2(map.geometry.x0, map.geometry.y0), uvPerM: map.uvPerM, palette: comps.mapPalette },
    });
    this.farMPerPx = comps.farMPerPx;
    this.material.uniforms.uCompFar!.value = this.farMPerPx;
    const tm = city.terrainMesh;
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(tm.position, 3));
    g.setAttribute('normal', new THREE.BufferAttribute(tm.normal, 3));
    g.setAttribute('uv', new THREE.BufferAttribute(tm.uv, 2));
    this.fine = new THREE.BufferAttribute(tm.index, 1);
    this.coarse = new THREE.BufferAttribute(quadIndex(city.height.nx, city.height.ny, 2), 1);
    g.setIndex(this.fine);
    this.mesh = new THREE.Mesh(g, this.material);
    this.mesh.name = 'terrain';
    this.mesh.frustumCulled = false;
    ctx.root.add(this.mesh);
  }

  update(changed: Partial<TwinInputs>) {
    const u = this.material.uniforms;
    const L = changed.layers;
    if (L) {
      u.uShowRoads!.value = L.roads ? 1 : 0;
      u.uShowWater!.value = L.water ? 1 : 0;
      u.uShowGrids!.value = L.grids ? 1 : 0;
      u.uShowResp!.value = L.responsibility ? 1 : 0;
      u.uShowComp!.value = L.components ? 1 : 0;
    }
    if (changed.selection !== undefined) u.uSelGrid!.value = changed.selection?.kind === 'grid' ? changed.selection.index : -1;
    // flood classes read better a little stronger than the five-colour tint
    if (changed.floodGrids !== undefined) u.uGridFill!.value = changed.floodGrids ? 0.34 : 0.16;
  }

  beforeRender(f: FrameInfo) {
    this.material.uniforms.uMPerPx1!.value = f.mPerPx1;
    const index = f.rough ? this.coarse : this.fine;
    if (this.mesh.geometry.index !== index) this.mesh.geometry.setIndex(index);
  }

  debugHide(part: string, hidden: boolean) {
    if (part === 'terrain') this.mesh.visible = !hidden;
    if (part === 'map') this.material.uniforms.uCompFar!.value = hidden ? Infinity : this.farMPerPx;
  }

  dispose() {
    this.mask.dispose();
  }
}
