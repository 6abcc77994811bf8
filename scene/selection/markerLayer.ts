import * as THREE from 'three';
import type { BuildingsLayer } from '../buildings/buildingsLayer';
import type { ComponentsTwinLayer } from '../components/componentsTwinLayer';
import type { FrameInfo, LayerContext, Selection, TwinInputs, TwinLayer } from '../core/types';

/**
 * The selection ring, drawn through buildings so a far selection is found at once: around a
 * component (following its drawn size), over a unit grid, around a building's footprint, or
 * on a ground point. Placed per frame only for components (their size depends on the camera).
 */
export class MarkerLayer implements TwinLayer {
  readonly id = 'marker';
  private ctx!: LayerContext;
  private comps: ComponentsTwinLayer | null = null;
  private buildings: BuildingsLayer | null = null;
  private readonly mesh: THREE.Mesh;
  /** the selection the ring is placed for (components: re-placed every frame) */
  private placed: Selection = null;

  constructor() {
    this.mesh = new THREE.Mesh(
      new THREE.TorusGeometry(1, 0.06, 4, 40),
      new THREE.MeshBasicMaterial({ color: '#66e0ff', depthTest: false, transparent: true, opacity: 0.95 }),
    );
    this.mesh.renderOrder = 10;
    this.mesh.matrixAutoUpdate = false;
    this.mesh.visible = false;
    this.mesh.frustumCulled = false;
  }

  attach(ctx: LayerContext) {
    this.ctx = ctx;
    this.comps = ctx.layer<ComponentsTwinLayer>('components');
    this.buildings = ctx.layer<BuildingsLayer>('buildings');
    ctx.root.add(this.mesh);
  }

  update(changed: Partial<TwinInputs>) {
    if (changed.selection === undefined) return;
    const sel = changed.selection;
    this.placed = sel;
    this.mesh.visible = sel !== null;
    if (!sel || sel.kind === 'component') return;
    let cx: number, cy: number, r: number;
    if (sel.kind === 'grid') {
      const g = this.ctx.city.layers.grids;
      cx = g.centroid[2 * sel.index]!; cy = g.centroid[2 * sel.index + 1]!;
      r = 0;
      for (let v = g.start[sel.index]!; v < g.start[sel.index + 1]!; v++) r = Math.max(r, Math.hypot(g.xy[2 * v]! - cx, g.xy[2 * v + 1]! - cy));
      r *= 0.75;
    } else if (sel.kind === 'building') {
      const b = this.buildings?.picker.info(sel.index);
      if (!b) { this.mesh.visible = false; return; }
      cx = b.x; cy = b.y; r = Math.max(3, Math.hypot(b.halfX, b.halfY));
    } else {
      cx = sel.x; cy = sel.y; r = 4;
    }
    this.mesh.position.set(cx, cy, this.ctx.groundZ(cx, cy) + 1);
    this.mesh.scale.set(r, r, Math.max(1, r * 0.05));
    this.mesh.updateMatrix();
  }

  beforeRender(f: FrameInfo) {
    const sel = this.placed, comps = this.comps;
    if (sel?.kind !== 'component' || !comps) return;
    const c = comps.c, i = sel.index;
    const cam = f.camera;
    const sm = c.meshes[c.meshOf[i]!]!;
    const s = c.nearSlot[i]! >= 0 ? c.scaleAt(sm, i, cam.position) : Math.max(1, (sm.size * 0.5) / Math.max(0.1, sm.radius * 0.6));
    this.mesh.position.set(c.c.x[i]!, c.c.y[i]!, c.z[i]! + 0.15);
    // at least ~10 px across on screen
    const minR = 10 * cam.position.distanceTo(this.mesh.position) * f.mPerPx1;
    const r = Math.max(0.8, sm.radius * 0.6 * s, minR);
    this.mesh.scale.set(r, r, r);
    this.mesh.updateMatrix();
  }

  dispose() {}
}
