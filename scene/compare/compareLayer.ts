import * as THREE from 'three';
import type { RunGrid } from '../../models/runs';
import type { LayerContext, TwinLayer } from '../core/types';
import type { FloodLayer } from '../flood/floodLayer';
import type { TerrainLayer } from '../terrain/terrainLayer';
import { diffRgba } from './diffColours';

/** engine.compare: the difference map of two runs (maximum depth B - A) on the terrain. */
export interface CompareApi {
  /** shows a difference map (Int16 mm on the grid, row 0 north), or hides it (null) */
  show(grid: RunGrid | null, diffMm?: Int16Array): void;
  shown(): boolean;
  /** change (m) at a local point, NaN outside or when hidden */
  diffAt(x: number, y: number): number;
}

/**
 * The comparison layer: a colour per cell (diffColours.ts) drawn on the terrain's own mesh,
 * lifted a little towards the camera; translucent, depth-tested so buildings hide it. Nearest
 * filtering: each cell keeps its class, as in the table. While it is shown the run's water
 * surface is hidden (each drawn frame, so the flood layer's own time changes cannot bring it
 * back): the water's blue and red depth classes would read as "better" and "worse".
 */
export class CompareLayer implements TwinLayer {
  readonly id = 'compare';
  private ctx!: LayerContext;
  private mesh!: THREE.Mesh;
  private material!: THREE.ShaderMaterial;
  private texture: THREE.DataTexture | null = null;
  private grid: RunGrid | null = null;
  private diff: Int16Array | null = null;
  readonly api: CompareApi = {
    show: (grid, diffMm) => this.show(grid, diffMm),
    shown: () => this.mesh?.visible ?? false,
    diffAt: (x, y) => this.diffAt(x, y),
  };

  attach(ctx: LayerContext) {
    this.ctx = ctx;
    this.material = new THREE.ShaderMaterial({
      transparent: true,
      depthWrite: false,
      polygonOffset: true,
      polygonOffsetFactor: -3,
      polygonOffsetUnits: -6,
      uniforms: { uDiff: { value: null }, uDiffXform: { value: new THREE.Vector4(0, 0, 1, 1) } },
      vertexShader: /* glsl */ `
        varying vec2 vXY;
        void main() {
          vec4 w = modelMatrix * vec4(position, 1.0);
          w.z += 0.05 + 0.0008 * distance(w.xyz, cameraPosition);
          vXY = w.xy;
          gl_Position = projectionMatrix * viewMatrix * w;
        }`,
      fragmentShader: /* glsl */ `
        uniform sampler2D uDiff;
        uniform vec4 uDiffXform;
        varying vec2 vXY;
        void main() {
          vec2 uv = vec2((vXY.x - uDiffXform.x) * uDiffXform.z, (uDiffXform.y - vXY.y) * uDiffXform.w);
          if (uv.x < 0.0 || uv.y < 0.0 || uv.x > 1.0 || uv.y > 1.0) discard;
          vec4 c = texture2D(uDiff, uv);
          if (c.a < 0.01) discard;
          gl_FragColor = c;
        }`,
    });
    const terrain = ctx.layer<TerrainLayer>('terrain')!;
    this.mesh = new THREE.Mesh(terrain.mesh.geometry, this.material);
    this.mesh.name = 'compare';
    this.mesh.renderOrder = 7;
    this.mesh.frustumCulled = false;
    this.mesh.visible = false;
    ctx.root.add(this.mesh);
  }

  beforeRender() {
    if (this.mesh.visible) this.water().forEach((o) => (o.visible = false));
  }

  /** the flood layer's water surface (scene/flood/floodLayer.ts names it 'flood') */
  private water(): THREE.Object3D[] {
    const o = this.ctx.root.getObjectByName('flood');
    return o ? [o] : [];
  }

  private show(grid: RunGrid | null, diffMm?: Int16Array) {
    if (!grid || !diffMm) {
      const was = this.mesh.visible;
      this.grid = null;
      this.diff = null;
      this.mesh.visible = false;
      // the water comes back as the flood layer shows it: with a run and a frame on screen
      const flood = this.ctx.layer<FloodLayer>('flood')?.api;
      if (was) this.water().forEach((o) => (o.visible = !!flood?.run() && Number.isFinite(flood.time())));
      this.ctx.requestThree();
      this.ctx.emit();
      return;
    }
    if (diffMm.length !== grid.cols * grid.rows) throw new Error(`compare: ${diffMm.length} cells for a ${grid.cols} x ${grid.rows} grid`);
    this.texture?.dispose();
    // row 0 is north; texture row 0 is v = 0, which the shader maps to the north edge
    const t = new THREE.DataTexture(diffRgba(diffMm), grid.cols, grid.rows, THREE.RGBAFormat, THREE.UnsignedByteType);
    t.magFilter = THREE.NearestFilter;
    t.minFilter = THREE.NearestFilter;
    t.generateMipmaps = false;
    t.needsUpdate = true;
    this.texture = t;
    this.grid = grid;
    this.diff = diffMm;
    const w = grid.cols * grid.cellSize, h = grid.rows * grid.cellSize;
    this.material.uniforms.uDiff!.value = t;
    (this.material.uniforms.uDiffXform!.value as THREE.Vector4).set(grid.xll, grid.yll + h, 1 / w, 1 / h);
    this.mesh.visible = true;
    this.ctx.requestThree();
    this.ctx.emit();
  }

  private diffAt(x: number, y: number): number {
    const g = this.grid, d = this.diff;
    if (!g || !d) return NaN;
    const c = Math.floor((x - g.xll) / g.cellSize), r = Math.floor((g.yll + g.rows * g.cellSize - y) / g.cellSize);
    if (c < 0 || c >= g.cols || r < 0 || r >= g.rows) return NaN;
    return d[r * g.cols + c]! / 1000;
  }

  debugHide(part: string, hidden: boolean) {
    if (part === 'compare') this.mesh.visible = !hidden && !!this.grid;
  }

  dispose() {
    this.texture?.dispose();
    this.material.dispose();
    this.mesh.removeFromParent();
  }
}
