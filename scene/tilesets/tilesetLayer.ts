import * as THREE from 'three';
import type { TilesRenderer } from '3d-tiles-renderer/three';
import { enuBasis, geodeticToEcef } from '../../models/geo';
import { tilesetUrl } from '../../models/tileset';
import type { FrameInfo, LayerContext, TwinInputs, TwinLayer } from '../core/types';
import { createTilesetMaterial } from './tilesetMaterial';

/** Untextured models take the twin's building tone, a little warmer so a model reads as one. */
const MODEL_GREY = new THREE.Color('#d8d0c2');

/**
 * Imported 3D Tiles tilesets (b3dm, glTF) drawn by 3d-tiles-renderer inside the twin's own Three
 * scene, so they share its depth buffer with the terrain, buildings, components and water: they
 * occlude and are occluded like any mesh (a Cesium tileset would sit under the Three overlay).
 * Tiles come from the server (/api/tilesets/...), refined by screen-space error each drawn frame.
 * The renderer's code is loaded only for a city that has a tileset (most have none).
 */
export class TilesetLayer implements TwinLayer {
  readonly id = 'tilesets';
  readonly sets: TilesRenderer[] = [];
  /** tiles whose models are loaded (tests, status) */
  loadedModels = 0;
  private ctx!: LayerContext;
  private camera: THREE.Camera | null = null;
  private materials: THREE.Material[] = [];

  attach(ctx: LayerContext) {
    this.ctx = ctx;
    const refs = ctx.info.tilesets ?? [];
    if (!refs.length) return;
    // ECEF -> the city's East-North-Up frame (the Three root's frame)
    const { originLonDeg: lonDeg, originLatDeg: latDeg, originHeightM: heightM } = ctx.info;
    const o = geodeticToEcef({ lonDeg, latDeg, heightM });
    const { e, n, u } = enuBasis({ lonDeg, latDeg, heightM });
    const enuToEcef = new THREE.Matrix4().set(e[0], n[0], u[0], o[0], e[1], n[1], u[1], o[1], e[2], n[2], u[2], o[2], 0, 0, 0, 1);
    const ecefToEnu = enuToEcef.clone().invert();
    void import('3d-tiles-renderer/three').then(({ TilesRenderer }) => {
      if (!this.disposed) this.addSets(TilesRenderer, ecefToEnu);
    });
  }

  private disposed = false;

  private addSets(Tiles: typeof TilesRenderer, ecefToEnu: THREE.Matrix4) {
    const ctx = this.ctx;
    for (const ref of ctx.info.tilesets ?? []) {
      const tiles = new Tiles(tilesetUrl(ctx.info.slug, ref));
      tiles.group.name = `tileset:${ref.id}`;
      tiles.group.matrixAutoUpdate = false;
      tiles.group.matrix.copy(ecefToEnu);
      tiles.group.updateMatrixWorld(true);
      tiles.addEventListener('load-model', ({ scene }) => {
        this.loadedModels++;
        scene.traverse((obj) => {
          const m = obj as THREE.Mesh;
          if (!m.isMesh) return;
          const old = m.material as THREE.MeshStandardMaterial;
          // textured models (photogrammetry) keep their pictures, unlit; plain ones are shaded as buildings
          const mat = old.map ? new THREE.MeshBasicMaterial({ map: old.map, side: THREE.DoubleSide }) : createTilesetMaterial(old.color ?? MODEL_GREY);
          if (!old.map && old.color && old.color.r + old.color.g + old.color.b > 2.9) (mat as THREE.ShaderMaterial).uniforms.uColour!.value.copy(MODEL_GREY).convertSRGBToLinear();
          old.dispose();
          m.material = mat;
          this.materials.push(mat);
        });
        ctx.requestRender();
      });
      tiles.addEventListener('dispose-model', () => { this.loadedModels--; });
      tiles.addEventListener('load-tileset', () => ctx.requestRender());
      tiles.addEventListener('tiles-load-end', () => ctx.requestRender());
      tiles.addEventListener('needs-update', () => ctx.requestRender());
      tiles.group.visible = ctx.inputs.layers.buildings;
      ctx.root.add(tiles.group);
      this.sets.push(tiles);
    }
    ctx.requestRender();
  }

  update(changed: Partial<TwinInputs>) {
    // a tileset is the city's built form: it follows the buildings switch
    if (changed.layers) for (const t of this.sets) t.group.visible = changed.layers.buildings;
  }

  beforeRender(f: FrameInfo) {
    if (!this.sets.length) return;
    for (const t of this.sets) {
      if (this.camera !== f.camera) t.setCamera(f.camera);
      t.setResolutionFromRenderer(f.camera, f.renderer);
      t.update();
    }
    this.camera = f.camera;
  }

  debugHide(part: string, hidden: boolean) {
    if (part === 'tilesets') for (const t of this.sets) t.group.visible = !hidden && this.ctx.inputs.layers.buildings;
  }

  dispose() {
    this.disposed = true;
    for (const t of this.sets) { t.group.removeFromParent(); t.dispose(); }
    for (const m of this.materials) m.dispose();
    this.sets.length = 0;
  }
}
