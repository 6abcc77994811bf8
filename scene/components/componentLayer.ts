import * as THREE from 'three';
import { COMPONENT_CLASSES, COMPONENT_STATES } from '../../models/components';
import type { ComponentsLayer } from '../../models/layers';
import { STALE_BIT, STATE_MASK } from '../../models/live';
import type { FloodUniforms } from '../flood/floodUniforms';
import { createPointsMaterial, STALE_GREY } from './componentMaterial';
import { gridSpheres } from './componentGrids';
import { raycastNear } from './componentPick';
import { buildShapeMesh, STATE_LINEAR, stateRgb, uploadItems, writeInstanceMatrix, type ShapeMesh } from './shapeMesh';
import { MAP_LOD_BIAS, mapGeometry } from './stateMap';
import { rankPalette, StateTexture } from './stateTexture';

export { buildShapeMesh, STATE_LINEAR, stateRgb, type ShapeMesh };

/** Minimum on-screen size (px) of a component seen from far away. */
const MIN_PX = 3.5;

/**
 * Points keep drawing a little past the distance where the map takes over (the map decides per
 * ground pixel, the points per component), so nothing drops out in between.
 */
const POINT_OVERLAP = 1.15;

/** A detailed shape is drawn once it would be at least this many pixels tall/wide; farther, its proxy. */
const LOD_PX = 10;
/** ...and never beyond this distance (m): big objects (trees) would otherwise keep thousands of instances detailed. */
const LOD_MAX_M = 160;

/**
 * The managed components in three levels of detail: one detailed instanced mesh per shape
 * (COMPONENT_CLASSES[i].shape) holding the components near enough to show their shape; one point
 * per component for the middle distance (under SwiftShader every instance costs ~15 us, so 17,000
 * detailed instances cost about a second a frame; one point draw costs a few ms); and, where a
 * pixel covers more than a texel of it, the state map (`map`, draped by the terrain), whose cost
 * does not grow with the number of components. Colour writes go by component index to all three;
 * picking is exact against whatever is drawn for the instance.
 */
export class ComponentLayer {
  readonly group = new THREE.Group();
  readonly meshes: ShapeMesh[] = [];
  readonly points: THREE.Points;
  readonly pointsMaterial: THREE.ShaderMaterial;
  /** the far level: the state map the terrain drapes (kept up to date by the live worker, see StateMap) */
  readonly map: StateTexture;
  readonly mapPalette = rankPalette(STALE_GREY);
  /** metres per pixel beyond which the map draws components instead of points */
  readonly farMPerPx: number;
  /** the components' bounding box, for "is every component beyond the map's distance" */
  private readonly box = new THREE.Box3();
  /** the finest mip level of the map the view can sample (finer levels need no upload yet) */
  mapMinLevel = 0;
  /** measurement switches: the points / the detailed shapes are not drawn at all */
  hideProxy = false;
  hideDetail = false;
  /** per component: its shape (index into meshes) */
  readonly meshOf: Uint8Array;
  /** per component: slot in its detailed mesh while near, else -1 */
  readonly nearSlot: Int32Array;
  /** per component: the state byte as streamed (state code, bit 7 = stale) */
  readonly states: Uint8Array;
  readonly countByClass: Int32Array;
  /** components by unit grid (compressed rows), and each grid's centre and radius: LOD skips far grids */
  private readonly gridStart: Uint32Array;
  private readonly gridMembers: Uint32Array;
  private readonly gridCentre: Float32Array;
  private readonly gridRadius: Float32Array;
  /** per grid: some of its components were near at the last update */
  private readonly gridHadNear: Uint8Array;
  /** unit grids that hold components (a view showing all of them asks for 'all') */
  readonly gridsWithComponents: number;
  private lodMaxD = 0;
  /** components per state code, kept as colours are written (the legend reads it without a scan) */
  readonly countByState = new Int32Array(COMPONENT_STATES.length);
  /** components drawn as stale (silent too long) */
  staleCount = 0;
  /** per shape: every component of the shape */
  readonly allOfShape: Uint32Array[] = [];
  private readonly matrices: Float32Array;
  private readonly aNear: THREE.BufferAttribute;
  private readonly aState: THREE.BufferAttribute;
  private readonly rgb = new Float32Array(3);
  private readonly lodD2 = new Float64Array(16);
  private readonly shapeChanged = new Uint8Array(16);
  private pxK = 0;
  private proxyDirtyMin = Infinity;
  private proxyDirtyMax = -1;
  private nearDirtyMin = Infinity;
  private nearDirtyMax = -1;

  constructor(readonly c: ComponentsLayer, readonly z: Float32Array, extent: [number, number, number, number], flood: FloodUniforms) {
    const n = c.count;
    this.map = new StateTexture(mapGeometry(extent));
    // the map takes over where a texel is two pixels wide: its cells stay small dots
    this.farMPerPx = this.map.geometry.texelM / 2;
    const lo = this.box.min.set(Infinity, Infinity, Infinity), hi = this.box.max.set(-Infinity, -Infinity, -Infinity);
    for (let i = 0; i < n; i++) {
      lo.set(Math.min(lo.x, c.x[i]!), Math.min(lo.y, c.y[i]!), Math.min(lo.z, z[i]!));
      hi.set(Math.max(hi.x, c.x[i]!), Math.max(hi.y, c.y[i]!), Math.max(hi.z, z[i]!));
    }
    this.meshOf = new Uint8Array(n);
    this.nearSlot = new Int32Array(n).fill(-1);
    this.states = new Uint8Array(n);
    this.countByState[0] = n;
    this.countByClass = new Int32Array(COMPONENT_CLASSES.length);
    this.matrices = new Float32Array(16 * n);
    const shapes = [...new Set(COMPONENT_CLASSES.map((k) => k.shape))];
    const shapeIdx = new Map(shapes.map((sh, i) => [sh, i]));
    const counts = new Int32Array(shapes.length);
    for (let i = 0; i < n; i++) {
      const k = c.classIndex[i]!;
      this.countByClass[k]!++;
      const sidx = shapeIdx.get(COMPONENT_CLASSES[k]?.shape ?? 'cover')!;
      this.meshOf[i] = sidx;
      counts[sidx]!++;
    }
    const fill = new Int32Array(shapes.length);
    shapes.forEach((_, sidx) => this.allOfShape.push(new Uint32Array(counts[sidx]!)));
    for (let i = 0; i < n; i++) { const sidx = this.meshOf[i]!; this.allOfShape[sidx]![fill[sidx]!++] = i; }
    shapes.forEach((shape, sidx) => {
      const sm = buildShapeMesh(shape, this.allOfShape[sidx]!, c.x, c.y, z, c.heading, flood);
      sm.mesh.name = `components:${shape}`;
      sm.mesh.count = 0;
      sm.indexOfSlot = new Uint32Array(this.allOfShape[sidx]!.length);
      this.meshes.push(sm);
      this.group.add(sm.mesh);
    });
    // the per-component transform (heading + position), kept to refill the near sets
    for (let i = 0; i < n; i++) writeInstanceMatrix(this.matrices, 16 * i, c.x[i]!, c.y[i]!, z[i]!, c.heading[i]!);
    // the far level: one point per component at the centre of its shape
    const pos = new Float32Array(3 * Math.max(1, n));
    const size = new Float32Array(Math.max(1, n));
    for (let i = 0; i < n; i++) {
      const sm = this.meshes[this.meshOf[i]!]!;
      pos[3 * i] = c.x[i]!; pos[3 * i + 1] = c.y[i]!; pos[3 * i + 2] = z[i]! + sm.centreZ;
      size[i] = sm.size;
    }
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(pos, 3));
    g.setAttribute('aSize', new THREE.BufferAttribute(size, 1));
    this.aState = new THREE.BufferAttribute(new Uint8Array(Math.max(1, n)), 1);
    this.aState.setUsage(THREE.DynamicDrawUsage);
    g.setAttribute('aState', this.aState);
    this.aNear = new THREE.BufferAttribute(new Uint8Array(Math.max(1, n)), 1);
    this.aNear.setUsage(THREE.DynamicDrawUsage);
    g.setAttribute('aNear', this.aNear);
    g.setDrawRange(0, n);
    this.pointsMaterial = createPointsMaterial(COMPONENT_STATES.map((_, k) => new THREE.Vector3(STATE_LINEAR[3 * k], STATE_LINEAR[3 * k + 1], STATE_LINEAR[3 * k + 2])), flood);
    this.points = new THREE.Points(g, this.pointsMaterial);
    this.points.name = 'components:far';
    this.points.frustumCulled = false;
    this.group.add(this.points);
    for (let i = 0; i < n; i++) this.writeColor(i, 0);
    this.flushColors();
    // unit-grid index for the level of detail: only grids near the camera are looked at per frame
    const gi = gridSpheres(c, z);
    this.gridStart = gi.start;
    this.gridMembers = gi.members;
    this.gridCentre = gi.centre;
    this.gridRadius = gi.radius;
    this.gridHadNear = new Uint8Array(gi.radius.length);
    this.gridsWithComponents = gi.withComponents;
  }

  /** Writes a component's state colour (proxy slot, and its detailed slot while near); flushed once per batch. */
  writeColor(i: number, state: number) {
    const last = COMPONENT_STATES.length - 1;
    this.countByState[Math.min(this.states[i]! & STATE_MASK, last)]!--;
    this.countByState[Math.min(state & STATE_MASK, last)]!++;
    this.staleCount += ((state & STALE_BIT) >> 7) - ((this.states[i]! & STALE_BIT) >> 7);
    this.states[i] = state;
    (this.aState.array as Uint8Array)[i] = state;
    if (i < this.proxyDirtyMin) this.proxyDirtyMin = i;
    if (i > this.proxyDirtyMax) this.proxyDirtyMax = i;
    const j = this.nearSlot[i]!;
    if (j >= 0) {
      const sm = this.meshes[this.meshOf[i]!]!;
      stateRgb(state, sm.mesh.instanceColor!.array as Float32Array, 3 * j);
      if (j < sm.dirtyMin) sm.dirtyMin = j;
      if (j > sm.dirtyMax) sm.dirtyMax = j;
    }
  }

  /** Uploads only the changed ranges of the instanceColor attributes. */
  flushColors() {
    for (const sm of this.meshes) {
      if (sm.dirtyMax < 0) continue;
      uploadItems(sm.mesh.instanceColor!, sm.dirtyMin, sm.dirtyMax);
      sm.dirtyMin = Infinity;
      sm.dirtyMax = -1;
    }
    // the points' bytes go up only when the points are drawn (see uploadProxy): three uploads an
    // attribute's range at its next draw, and a hidden draw would let a later range replace it
    if (this.points.visible) this.uploadProxy();
  }

  private uploadProxy() {
    if (this.proxyDirtyMax < 0) return;
    uploadItems(this.aState, this.proxyDirtyMin, this.proxyDirtyMax);
    this.proxyDirtyMin = Infinity;
    this.proxyDirtyMax = -1;
  }

  /** The colour currently in the attribute for component i, as sRGB hex. */
  colorOf(i: number, tmp = new THREE.Color()): string {
    const j = this.nearSlot[i]!;
    if (j >= 0) {
      const a = this.meshes[this.meshOf[i]!]!.mesh.instanceColor!.array as Float32Array;
      return '#' + tmp.setRGB(a[3 * j]!, a[3 * j + 1]!, a[3 * j + 2]!, THREE.LinearSRGBColorSpace).getHexString();
    }
    // the far point: what the shader makes of the byte in the attribute
    stateRgb((this.aState.array as Uint8Array)[i]!, this.rgb, 0);
    return '#' + tmp.setRGB(this.rgb[0]!, this.rgb[1]!, this.rgb[2]!, THREE.LinearSRGBColorSpace).getHexString();
  }

  /**
   * Per frame, before drawing: the size rule (mPerPx1 = metres per pixel at 1 m) and the level
   * of detail of every component; near sets are rewritten only for shapes whose set changed.
   */
  update(cam: THREE.Vector3, mPerPx1: number) {
    this.pxK = MIN_PX * mPerPx1;
    this.pointsMaterial.uniforms.uPxPerM!.value = 1 / mPerPx1;
    this.pointsMaterial.uniforms.uMinPx!.value = MIN_PX;
    this.pointsMaterial.uniforms.uMaxPx!.value = LOD_PX + 2;
    this.pointsMaterial.uniforms.uFarMPerPx!.value = this.farMPerPx * POINT_OVERLAP;
    // every component beyond the map's distance: the point draw (all n vertices) is skipped
    const dBox = this.box.distanceToPoint(cam);
    this.points.visible = !this.hideProxy && dBox * mPerPx1 <= this.farMPerPx * POINT_OVERLAP;
    if (this.points.visible) this.uploadProxy(); // what changed while they were hidden
    // no pixel is nearer than the box: the map's finest level in view (see terrainMaterial.ts)
    this.mapMinLevel = Math.max(0, Math.floor(Math.log2(Math.max(1e-6, dBox * mPerPx1) / this.map.geometry.texelM) + MAP_LOD_BIAS));
    for (let s = 0; s < this.meshes.length; s++) {
      const sm = this.meshes[s]!;
      sm.material.uniforms.uScaleK!.value = this.pxK / sm.size;
      const d = Math.min(LOD_MAX_M, sm.size / (LOD_PX * mPerPx1));
      this.lodD2[s] = d * d;
      if (d > this.lodMaxD || s === 0) this.lodMaxD = s === 0 ? d : Math.max(this.lodMaxD, d);
      this.shapeChanged[s] = 0;
    }
    const X = this.c.x, Y = this.c.y, Z = this.z, near = this.aNear.array as Uint8Array;
    const G = this.gridRadius.length, gc = this.gridCentre, members = this.gridMembers, gs = this.gridStart;
    let any = false;
    // Whole unit grids beyond the farthest detail distance are skipped (unless they had near
    // components to put back): at a city view this looks at a few grids, not 462,894 components.
    for (let g = 0; g < G; g++) {
      const gx = gc[3 * g]! - cam.x, gy = gc[3 * g + 1]! - cam.y, gz = gc[3 * g + 2]! - cam.z;
      const reach = this.lodMaxD + this.gridRadius[g]!;
      if (!this.gridHadNear[g] && gx * gx + gy * gy + gz * gz > reach * reach) continue;
      let hadNear = 0;
      for (let k = gs[g]!; k < gs[g + 1]!; k++) {
        const i = members[k]!;
        const dx = X[i]! - cam.x, dy = Y[i]! - cam.y, dz = Z[i]! - cam.z;
        const s = this.meshOf[i]!;
        const isNear = dx * dx + dy * dy + dz * dz < this.lodD2[s]! ? 1 : 0;
        hadNear |= isNear;
        if (isNear !== near[i]) {
          near[i] = isNear;
          this.shapeChanged[s] = 1;
          if (i < this.nearDirtyMin) this.nearDirtyMin = i;
          if (i > this.nearDirtyMax) this.nearDirtyMax = i;
          any = true;
        }
      }
      this.gridHadNear[g] = hadNear;
    }
    if (any) this.refillNear();
    // an empty instanced mesh still costs its program and attribute setup every frame in three
    for (const sm of this.meshes) sm.mesh.visible = !this.hideDetail && sm.mesh.count > 0;
  }

  /** Rewrites the detailed meshes of the shapes whose near set changed. */
  private refillNear() {
    const near = this.aNear.array as Uint8Array;
    uploadItems(this.aNear, this.nearDirtyMin, this.nearDirtyMax);
    this.nearDirtyMin = Infinity;
    this.nearDirtyMax = -1;
    for (let s = 0; s < this.meshes.length; s++) {
      if (!this.shapeChanged[s]) continue;
      const sm = this.meshes[s]!, all = this.allOfShape[s]!;
      const m = sm.mesh.instanceMatrix.array as Float32Array, col = sm.mesh.instanceColor!.array as Float32Array;
      let k = 0;
      for (let q = 0; q < all.length; q++) {
        const i = all[q]!;
        if (near[i]) {
          for (let e = 0; e < 16; e++) m[16 * k + e] = this.matrices[16 * i + e]!;
          stateRgb(this.states[i]!, col, 3 * k);
          sm.indexOfSlot[k] = i;
          this.nearSlot[i] = k++;
        } else {
          this.nearSlot[i] = -1;
        }
      }
      sm.mesh.count = k;
      if (k > 0) {
        uploadItems(sm.mesh.instanceMatrix, 0, k - 1);
        uploadItems(sm.mesh.instanceColor!, 0, k - 1);
      }
      sm.dirtyMin = Infinity;
      sm.dirtyMax = -1;
    }
  }

  /** how many components are drawn with their detailed shape */
  nearCount(): number {
    let k = 0;
    for (const sm of this.meshes) k += sm.mesh.count;
    return k;
  }

  scaleAt(sm: ShapeMesh, i: number, cam: THREE.Vector3): number {
    const d = Math.hypot(this.c.x[i]! - cam.x, this.c.y[i]! - cam.y, this.z[i]! - cam.z);
    const max = sm.material.uniforms.uScaleMax!.value as number;
    return Math.min(max, Math.max(1, (this.pxK / sm.size) * d));
  }

  /** The point of component i to aim at (centre of its drawn shape). */
  centre(i: number, cam: THREE.Vector3, out: THREE.Vector3): THREE.Vector3 {
    const sm = this.meshes[this.meshOf[i]!]!;
    const s = this.nearSlot[i]! >= 0 ? this.scaleAt(sm, i, cam) : 1;
    return out.set(this.c.x[i]!, this.c.y[i]!, this.z[i]! + sm.centreZ * s);
  }

  /**
   * Exact pick by instance id among the detailed (near) instances: the ray against each
   * instance's drawn triangles (scaled, rotated), bounding sphere first.
   */
  raycast(ray: THREE.Ray, cam: THREE.Vector3, maxT: number): { index: number; t: number } | null {
    return raycastNear(this, ray, cam, maxT);
  }

  /**
   * Pick among the far components as drawn: the discs whose drawn radius (plus `slackPx`) covers
   * the click, nearest the camera first; `visible` rejects occluded ones. Screen px, CSS.
   */
  pickFar(x: number, y: number, camera: THREE.PerspectiveCamera, w: number, h: number, mPerPx1: number, slackPx: number,
    visible: (p: THREE.Vector3) => boolean): number {
    const near = this.aNear.array as Uint8Array;
    const pos = (this.points.geometry.getAttribute('position') as THREE.BufferAttribute).array as Float32Array;
    const v = new THREE.Vector3();
    const cands: { i: number; d: number }[] = [];
    for (let i = 0; i < this.c.count; i++) {
      if (near[i]!) continue;
      v.set(pos[3 * i]!, pos[3 * i + 1]!, pos[3 * i + 2]!);
      const dist = v.distanceTo(camera.position);
      v.project(camera);
      if (v.z < -1 || v.z > 1) continue;
      const sx = (v.x + 1) * 0.5 * w - x, sy = (1 - v.y) * 0.5 * h - y;
      const sm = this.meshes[this.meshOf[i]!]!;
      const rPx = 0.5 * Math.min(LOD_PX + 2, Math.max(MIN_PX, sm.size / (mPerPx1 * dist))) + slackPx;
      if (sx * sx + sy * sy <= rPx * rPx) cands.push({ i, d: dist });
    }
    cands.sort((p, q) => p.d - q.d);
    for (const cnd of cands) {
      v.set(pos[3 * cnd.i]!, pos[3 * cnd.i + 1]!, pos[3 * cnd.i + 2]!);
      if (visible(v)) return cnd.i;
    }
    return -1;
  }

  /** The bounding sphere of grid g's components; false when it has none. */
  gridSphere(g: number, out: THREE.Sphere): boolean {
    if (g >= this.gridRadius.length || this.gridStart[g + 1] === this.gridStart[g]) return false;
    out.center.set(this.gridCentre[3 * g]!, this.gridCentre[3 * g + 1]!, this.gridCentre[3 * g + 2]! + 3);
    out.radius = this.gridRadius[g]! + 6;
    return true;
  }

  get mPerPx1() {
    return this.pxK / MIN_PX;
  }
}
