import * as THREE from 'three';
import type { RootState } from '@react-three/fiber';
import { STATE_COUNT } from '../models/fiveColour';
import { enuToGeodetic } from '../models/geo';
import { ROLLUP_COLUMNS } from '../models/live';
import type { WorkerOut } from './live/protocol';
import { createBuildingMaterial } from './buildings/buildingMaterial';
import { BuildingPicker } from './buildings/buildingPick';
import { ComponentLayer, type ShapeMesh } from './components/componentLayer';
import { loadCity } from './data/loadCity';
import type { PreparedCity } from './data/prepare';
import { createGlobe, type Globe } from './globe/createGlobe';
import { gridAtRaster } from './grids/rasterGrids';
import { fiveColourBytes } from './grids/rollup';
import { LiveClient, type LiveConnection } from './live/liveClient';
import { buildProneMesh } from './prone/proneLayer';
import { createCameraSync } from './sync/cameraSync';
import { heightAt, rayHeightField } from './terrain/heightField';
import { createTerrainMaterial } from './terrain/terrainMaterial';
import { createWaterMaterial } from './water/waterMaterial';

export interface TwinCityInfo {
  slug: string;
  originLonDeg: number;
  originLatDeg: number;
  originHeightM: number;
  extent: [number, number, number, number];
}

export const LAYER_KEYS = ['buildings', 'roads', 'water', 'grids', 'responsibility', 'prone', 'components'] as const;
export type LayerKey = (typeof LAYER_KEYS)[number];

export type Selection = { kind: 'component'; index: number } | { kind: 'grid'; index: number } | null;

export interface TwinStatus {
  phase: 'loading' | 'ready' | 'error';
  error: string | null;
  connection: LiveConnection;
  seq: number;
  changesPerSec: number;
  frameMs: number;
  drawCalls: number;
  renderedFrames: number;
  /** frames Cesium drew (the globe); the Three layer also draws alone for live changes */
  globeFrames: number;
}

export interface TwinHooks {
  ready: boolean;
  city: string;
  componentCount: number;
  seq: number;
  renderedFrames: number;
  globeFrames: number;
  drawCalls: number;
  frameMs: number;
  timings: Record<string, number>;
  stateOf(index: number): number;
  colorOf(index: number): string;
  project(index: number): { x: number; y: number; visible: boolean; inFront: boolean };
  flyToComponent(index: number, distanceM: number): void;
  lookFrom(x: number, y: number, z: number, index: number): void;
  home(): void;
  setLayer(key: LayerKey, on: boolean): void;
  select(sel: Selection): void;
  selection(): Selection;
  building(k: number): { x: number; y: number; halfX: number; halfY: number; base: number; height: number } | null;
  buildingCount(): number;
  componentPos(index: number): { x: number; y: number; z: number; classIndex: number; unitGrid: number };
  gridCount(): number;
  gridCentroid(index: number): { x: number; y: number };
  projectPoint(x: number, y: number, z: number): { x: number; y: number; inFront: boolean };
  gridAt(x: number, y: number): number;
  groundZ(x: number, y: number): number;
  /** live client counters; loseFrames(n) drops the next n deltas as if lost (tests the resync) */
  liveStats(): { snapshots: number; deltas: number; gaps: number; lost: number; lastSeq: number; entries: number; view: 'all' | number };
  loseFrames(n: number): void;
  /** ms per frame: the Three layer alone, and Cesium + Three, each forced to finish (readPixels) */
  bench(n: number): { threeMs: number; fullMs: number };
  /** measurement switches: hide one part of the Three layer ('proxy' | 'map' | 'detail' | 'terrain' | 'water' | 'buildings') */
  debugHide(part: string, hidden: boolean): void;
  nearCount(): number;
}

declare global {
  interface Window { __twin?: TwinHooks }
}

const tmpV = new THREE.Vector3();
const tmpV2 = new THREE.Vector3();
const tmpColor = new THREE.Color();

/**
 * The twin in the browser: Cesium globe (base, camera controller) + the Three layer (drawn
 * after each Cesium frame with Cesium's camera) + the live client + picking + test hooks.
 * React talks to it through subscribe()/status/selection; per-frame work mutates, never allocates.
 */
export class TwinEngine {
  readonly globe: Globe;
  private three: RootState | null = null;
  private root = new THREE.Group();
  private sync: ReturnType<typeof createCameraSync>;
  private city: PreparedCity | null = null;
  components: ComponentLayer | null = null;
  private prone: ShapeMesh | null = null;
  private buildings: THREE.Mesh | null = null;
  private water: THREE.Mesh | null = null;
  private terrain: THREE.Mesh | null = null;
  private terrainMat: THREE.ShaderMaterial | null = null;
  private picker: BuildingPicker | null = null;
  /** per unit grid, from the server's roll-ups: counts by state then stale, and the five-colour level */
  private rollupCounts: Uint16Array | null = null;
  private rollupLevels: Uint8Array | null = null;
  private gridRgba: Uint8Array | null = null;
  private gridTex: THREE.DataTexture | null = null;
  private readonly five = fiveColourBytes();
  private marker: THREE.Mesh;
  /** the unit grid the marker ring is placed over (-1: it follows a component) */
  private markerGrid = -1;
  private live: LiveClient | null = null;
  values: Float32Array | null = null;
  readonly layers: Record<LayerKey, boolean> = { buildings: true, roads: true, water: true, grids: true, responsibility: true, prone: true, components: true };
  selection: Selection = null;
  status: TwinStatus = { phase: 'loading', error: null, connection: 'connecting', seq: -1, changesPerSec: 0, frameMs: 0, drawCalls: 0, renderedFrames: 0, globeFrames: 0 };
  private listeners = new Set<() => void>();
  private version = 0;
  private ready = false;
  private changeCount = 0;
  private lastTick = performance.now();
  private ticker: ReturnType<typeof setInterval>;
  private zMax = 100;
  private destroyed = false;
  /** the Three layer has changes not drawn yet; the animation frame of the render loop (0: stopped) */
  private threeDirty = false;
  private raf = 0;
  /** bumps when the selected component's live state changes (inspector refetch) */
  selectionLiveVersion = 0;

  constructor(container: HTMLElement, readonly info: TwinCityInfo) {
    this.globe = createGlobe({ container, onClick: (x, y) => this.onClick(x, y), onWake: () => this.wake() });
    this.sync = createCameraSync(this.globe.scene, info.originLonDeg, info.originLatDeg, info.originHeightM);
    this.globe.scene.postRender.addEventListener(this.renderThree);
    this.globe.scene.postRender.addEventListener(this.countGlobeFrame);
    this.marker = new THREE.Mesh(
      new THREE.TorusGeometry(1, 0.06, 4, 40),
      new THREE.MeshBasicMaterial({ color: '#66e0ff', depthTest: false, transparent: true, opacity: 0.95 }),
    );
    this.marker.renderOrder = 10;
    this.marker.matrixAutoUpdate = false;
    this.marker.visible = false;
    this.marker.frustumCulled = false;
    this.root.add(this.marker);
    this.home(0);
    this.ticker = setInterval(() => this.tick(), 500);
    this.installHooks();
  }

  // ---------------------------------------------------------------- lifecycle

  /** Called by the R3F Canvas once it exists: the Three layer's renderer, scene and camera. */
  attachThree(state: RootState) {
    this.three = state;
    state.scene.add(this.root);
    const cam = state.camera as THREE.PerspectiveCamera;
    cam.matrixAutoUpdate = false;
    cam.matrixWorldAutoUpdate = false;
    state.gl.info.autoReset = true;
    this.globe.scene.requestRender();
  }

  async load() {
    try {
      const t0 = performance.now();
      const city = await loadCity(this.info.slug);
      if (this.destroyed) return;
      city.timings['worker.total'] = performance.now() - t0;
      const u0 = performance.now();
      this.build(city);
      city.timings['upload.build'] = performance.now() - u0;
      this.city = city;
      this.status = { ...this.status, phase: 'ready' };
      const comp = city.layers.components;
      this.live = new LiveClient(this.info.slug, { total: comp.count, gridCount: city.layers.grids.count, map: { x: comp.x.slice(), y: comp.y.slice(), extent: this.info.extent } }, {
        onChanges: (m) => this.applyChanges(m),
        onConnection: (c) => { this.status = { ...this.status, connection: c }; this.emit(); },
        spare: () => this.components?.map.takeSpare() ?? [],
        mapMinLevel: () => this.components?.mapMinLevel ?? 0,
      });
      this.live.connect();
      this.emit();
      this.globe.scene.requestRender();
    } catch (e) {
      this.status = { ...this.status, phase: 'error', error: e instanceof Error ? e.message : String(e) };
      this.emit();
    }
  }

  destroy() {
    this.destroyed = true;
    clearInterval(this.ticker);
    cancelAnimationFrame(this.raf);
    this.live?.close();
    this.globe.scene.postRender.removeEventListener(this.renderThree);
    this.globe.scene.postRender.removeEventListener(this.countGlobeFrame);
    this.root.removeFromParent();
    this.root.traverse((o) => {
      const m = o as THREE.Mesh;
      if (m.geometry) m.geometry.dispose();
      const mat = m.material as THREE.Material | undefined;
      if (mat) mat.dispose();
    });
    this.gridTex?.dispose();
    this.components?.map.dispose();
    this.globe.destroy();
    if (window.__twin?.city === this.info.slug) delete window.__twin;
  }

  // ---------------------------------------------------------------- building the scene

  private build(city: PreparedCity) {
    const { box, layers } = city;
    // ground: terrain + roads/water mask + grid ids + grid colours
    const mask = new THREE.DataTexture(city.groundMask, box.width, box.height, THREE.RGBAFormat);
    mask.magFilter = THREE.LinearFilter;
    // one mip level per fetch, not two: half the texture reads in SwiftShader, no visible difference
    mask.minFilter = THREE.LinearMipmapNearestFilter;
    mask.generateMipmaps = true;
    mask.needsUpdate = true;
    const gridId = new THREE.DataTexture(city.gridRaster, box.width, box.height, THREE.RGBAFormat);
    gridId.magFilter = THREE.NearestFilter;
    gridId.minFilter = THREE.NearestFilter;
    gridId.needsUpdate = true;
    const G = layers.grids.count;
    const cw = 256, ch = Math.max(1, Math.ceil(G / cw));
    this.gridRgba = new Uint8Array(cw * ch * 4);
    this.gridTex = new THREE.DataTexture(this.gridRgba, cw, ch, THREE.RGBAFormat);
    this.gridTex.colorSpace = THREE.SRGBColorSpace;
    this.gridTex.magFilter = THREE.NearestFilter;
    this.gridTex.minFilter = THREE.NearestFilter;
    this.rollupCounts = new Uint16Array(G * ROLLUP_COLUMNS);
    this.rollupLevels = new Uint8Array(G);
    for (let g = 0; g < G; g++) this.paintGrid(g, 0);
    this.gridTex.needsUpdate = true;
    // components (built first: their far level of detail is a map the terrain drapes)
    this.components = new ComponentLayer(layers.components, city.componentZ, this.info.extent);
    this.root.add(this.components.group);
    const map = this.components.map;
    this.terrainMat = createTerrainMaterial({
      mask, gridId, gridColors: this.gridTex, gridColorsWidth: cw,
      components: { texture: map.texture, corner: new THREE.Vector2(map.geometry.x0, map.geometry.y0), uvPerM: map.uvPerM, palette: this.components.mapPalette },
    });
    this.terrainMat.uniforms.uCompFar!.value = this.components.farMPerPx;
    const tg = new THREE.BufferGeometry();
    tg.setAttribute('position', new THREE.BufferAttribute(city.terrainMesh.position, 3));
    tg.setAttribute('normal', new THREE.BufferAttribute(city.terrainMesh.normal, 3));
    tg.setAttribute('uv', new THREE.BufferAttribute(city.terrainMesh.uv, 2));
    tg.setIndex(new THREE.BufferAttribute(city.terrainMesh.index, 1));
    this.terrain = new THREE.Mesh(tg, this.terrainMat);
    this.terrain.name = 'terrain';
    this.terrain.frustumCulled = false;
    this.root.add(this.terrain);

    // buildings: one merged mesh
    const bm = city.buildingMesh;
    const bg = new THREE.BufferGeometry();
    bg.setAttribute('position', new THREE.BufferAttribute(bm.position, 3));
    bg.setAttribute('normal', new THREE.BufferAttribute(bm.normal, 3));
    bg.setAttribute('color', new THREE.BufferAttribute(bm.color, 3));
    bg.setIndex(new THREE.BufferAttribute(bm.index, 1));
    this.buildings = new THREE.Mesh(bg, createBuildingMaterial());
    this.buildings.name = 'buildings';
    this.buildings.frustumCulled = false;
    this.root.add(this.buildings);
    this.picker = new BuildingPicker(layers.buildings, bm.position, bm.index, bm.buildingOfTriangle);
    let zMax = city.height.maxZ;
    for (let k = 0; k < layers.buildings.count; k++) zMax = Math.max(zMax, layers.buildings.base[k]! + layers.buildings.height[k]!);
    this.zMax = zMax;

    // water
    const wg = new THREE.BufferGeometry();
    wg.setAttribute('position', new THREE.BufferAttribute(city.waterMesh.position, 3));
    wg.setIndex(new THREE.BufferAttribute(city.waterMesh.index, 1));
    this.water = new THREE.Mesh(wg, createWaterMaterial());
    this.water.name = 'water';
    this.water.renderOrder = 5;
    this.water.frustumCulled = false;
    this.root.add(this.water);

    // prone points
    this.values = new Float32Array(layers.components.count).fill(NaN);
    this.prone = buildProneMesh(layers.prone, city.proneZ);
    this.root.add(this.prone.mesh);
    this.applyLayers();
  }

  // ---------------------------------------------------------------- rendering

  /** Near/far for the city box seen from (x, y, z), written into `out`. */
  private nearFar = (x: number, y: number, z: number, out: [number, number]) => {
    const [x0, y0, x1, y1] = this.info.extent;
    const zmin = (this.city?.height.minZ ?? 0) - 10, zmax = this.zMax + 20;
    const dx = Math.max(x0 - x, 0, x - x1), dy = Math.max(y0 - y, 0, y - y1), dz = Math.max(zmin - z, 0, z - zmax);
    const dBox = Math.hypot(dx, dy, dz);
    const fx = Math.max(Math.abs(x - x0), Math.abs(x - x1)), fy = Math.max(Math.abs(y - y0), Math.abs(y - y1)), fz = Math.max(Math.abs(z - zmin), Math.abs(z - zmax));
    const far = Math.hypot(fx, fy, fz) * 1.05 + 10;
    const groundBelow = this.city ? this.groundZ(x, y) : 0;
    const hag = Math.max(0, z - Math.max(groundBelow, this.zMax));
    out[0] = Math.min(Math.max(0.5, dBox * 0.9, hag * 0.5), far * 0.5);
    out[1] = far;
  };

  private syncCamera() {
    if (!this.three) return;
    const el = this.three.gl.domElement;
    this.sync(this.three.camera as THREE.PerspectiveCamera, el.clientWidth || 1, el.clientHeight || 1, this.nearFar);
  }

  private countGlobeFrame = () => { this.status.globeFrames++; };

  private renderThree = () => {
    const st = this.three;
    if (!st || this.destroyed) return;
    const cam = st.camera as THREE.PerspectiveCamera;
    this.syncCamera();
    const h = st.gl.domElement.clientHeight || 1;
    const mPerPx1 = (2 * Math.tan((cam.fov * Math.PI) / 360)) / h;
    if (this.components) {
      this.components.update(cam.position, mPerPx1);
      this.components.map.flush(st.gl);
    }
    if (this.terrainMat) this.terrainMat.uniforms.uMPerPx1!.value = mPerPx1;
    if (this.prone) this.prone.material.uniforms.uScaleK!.value = (3 * mPerPx1) / this.prone.size;
    this.updateMarker(cam, mPerPx1);
    const t0 = performance.now();
    st.advance(t0, true);
    this.status.frameMs = performance.now() - t0;
    this.status.drawCalls = st.gl.info.render.calls;
    this.status.renderedFrames++;
    this.threeDirty = false;
    // pull model: the live worker's coalesced changes are asked for once per drawn frame
    this.live?.pull();
    if (this.city && !this.ready) {
      this.ready = true;
      this.emit();
    }
  };

  requestRender() {
    this.globe.scene.requestRender();
  }

  /**
   * A frame of the Three layer alone, for what changes only there (live colours, grid levels):
   * the globe's canvas keeps its last image, so Cesium does not redraw the earth for a colour.
   * If Cesium draws in the same animation frame, its postRender draws the Three layer with it.
   */
  requestThree() {
    this.threeDirty = true;
    this.wake();
  }

  /** Runs the render loop (the globe's and the Three layer's) until neither needs frames. */
  private wake() {
    if (this.raf || this.destroyed) return;
    this.raf = requestAnimationFrame(this.frame);
  }

  private frame = () => {
    this.raf = 0;
    if (this.destroyed) return;
    const globe = this.globe.active();
    // Cesium renders if it decides to; its postRender then draws the Three layer too
    if (globe) this.globe.frame();
    if (this.threeDirty) this.renderThree();
    if (globe) this.wake();
  };

  /** mPerPx1: metres per pixel at 1 m from the camera */
  private updateMarker(cam: THREE.PerspectiveCamera, mPerPx1: number) {
    const sel = this.selection;
    if (!sel || !this.components || !this.city) { this.marker.visible = false; return; }
    if (sel.kind === 'grid') {
      // a ring over the grid, drawn through the buildings, so a far selection is found at once;
      // it does not depend on the camera: placed once per selected grid
      if (this.markerGrid !== sel.index) this.placeGridMarker(sel.index);
      this.marker.visible = true;
      return;
    }
    this.markerGrid = -1;
    const c = this.components, i = sel.index;
    const sm = c.meshes[c.meshOf[i]!]!;
    const s = c.nearSlot[i]! >= 0 ? c.scaleAt(sm, i, cam.position) : Math.max(1, (sm.size * 0.5) / Math.max(0.1, sm.radius * 0.6));
    this.marker.visible = true;
    this.marker.position.set(c.c.x[i]!, c.c.y[i]!, c.z[i]! + 0.15);
    // at least ~10 px across on screen
    const minR = 10 * cam.position.distanceTo(this.marker.position) * mPerPx1;
    const r = Math.max(0.8, sm.radius * 0.6 * s, minR);
    this.marker.scale.set(r, r, r);
    this.marker.updateMatrix();
  }

  private placeGridMarker(index: number) {
    const g = this.city!.layers.grids;
    const cx = g.centroid[2 * index]!, cy = g.centroid[2 * index + 1]!;
    let r = 0;
    for (let v = g.start[index]!; v < g.start[index + 1]!; v++) r = Math.max(r, Math.hypot(g.xy[2 * v]! - cx, g.xy[2 * v + 1]! - cy));
    this.marker.position.set(cx, cy, this.groundZ(cx, cy) + 1);
    const k = r * 0.75;
    this.marker.scale.set(k, k, Math.max(1, k * 0.05));
    this.marker.updateMatrix();
    this.markerGrid = index;
  }

  // ---------------------------------------------------------------- layers

  setLayer(key: LayerKey, on: boolean) {
    this.layers[key] = on;
    this.applyLayers();
    this.emit();
    this.requestRender();
  }

  private applyLayers() {
    const L = this.layers;
    if (this.buildings) this.buildings.visible = L.buildings;
    if (this.water) this.water.visible = L.water;
    if (this.prone) this.prone.mesh.visible = L.prone;
    if (this.components) this.components.group.visible = L.components;
    if (this.terrainMat) {
      const u = this.terrainMat.uniforms;
      u.uShowRoads!.value = L.roads ? 1 : 0;
      u.uShowWater!.value = L.water ? 1 : 0;
      u.uShowGrids!.value = L.grids ? 1 : 0;
      u.uShowResp!.value = L.responsibility ? 1 : 0;
      u.uShowComp!.value = L.components ? 1 : 0;
    }
  }

  // ---------------------------------------------------------------- live

  /**
   * What changed since the last pull (coalesced in the live worker) into the attributes and grid
   * texture. Asks for a render only when a colour changed: readings alone are not drawn.
   */
  private applyChanges(m: Extract<WorkerOut, { type: 'changes' }>): boolean {
    const c = this.components, values = this.values;
    if (!c || !values) return false;
    let visible = false;
    const n = c.c.count, sel = this.selection?.kind === 'component' ? this.selection.index : -1;
    const { indices, states, values: vals } = m;
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      if (i >= n) continue;
      const to = states[k]!;
      if (c.states[i] !== to) {
        c.writeColor(i, to);
        visible = true;
        if (i === sel) this.selectionLiveVersion++;
      }
      values[i] = vals[k]!;
    }
    this.changeCount += m.deltaEntries;
    if (visible) c.flushColors();
    if (m.mapBands.length > 0) {
      c.map.queue(m.mapBands);
      visible = true;
    }
    if (m.seq >= 0) this.status.seq = m.seq;
    const counts = this.rollupCounts, levels = this.rollupLevels;
    if (counts && levels) {
      let painted = false;
      const mc = m.counts, C = ROLLUP_COLUMNS;
      for (let k = 0; k < m.grids.length; k++) {
        const g = m.grids[k]!;
        if (g >= levels.length) continue;
        // copied by hand: a subarray per grid was thousands of objects every roll-up
        for (let j = 0; j < C; j++) counts[g * C + j] = mc[k * C + j]!;
        if (levels[g] !== m.levels[k]!) {
          levels[g] = m.levels[k]!;
          this.paintGrid(g, m.levels[k]!);
          painted = true;
        }
        if (this.selection?.kind === 'grid' && this.selection.index === g) this.selectionLiveVersion++;
      }
      if (painted) this.gridTex!.needsUpdate = true;
      visible ||= painted;
    }
    if (indices.length > 0 || m.grids.length > 0) this.version++;
    if (visible) this.requestThree();
    return visible;
  }

  private paintGrid(g: number, level: number) {
    const rgba = this.gridRgba!, five = this.five;
    rgba[4 * g] = five[3 * level]!;
    rgba[4 * g + 1] = five[3 * level + 1]!;
    rgba[4 * g + 2] = five[3 * level + 2]!;
    rgba[4 * g + 3] = 255;
  }

  /**
   * The unit grids in view (their bounding spheres against the camera frustum): the server
   * sends detail for these only. At a city view that is all of them.
   */
  private updateView() {
    const c = this.components, live = this.live;
    if (!c || !live || !this.three) return;
    this.syncCamera();
    const cam = this.three.camera as THREE.PerspectiveCamera;
    cam.updateMatrixWorld();
    const frustum = new THREE.Frustum().setFromProjectionMatrix(
      new THREE.Matrix4().multiplyMatrices(cam.projectionMatrix, cam.matrixWorldInverse));
    const G = this.rollupLevels?.length ?? 0;
    const inView: number[] = [];
    const sphere = new THREE.Sphere();
    for (let g = 0; g < G; g++) {
      if (!c.gridSphere(g, sphere)) continue;
      if (frustum.intersectsSphere(sphere)) inView.push(g);
    }
    live.setView(inView.length >= c.gridsWithComponents ? 'all' : inView);
  }

  private tick() {
    this.updateView();
    const now = performance.now();
    const cps = (this.changeCount * 1000) / Math.max(1, now - this.lastTick);
    this.changeCount = 0;
    this.lastTick = now;
    this.status = { ...this.status, changesPerSec: 0.5 * this.status.changesPerSec + 0.5 * cps };
    this.emit();
  }

  gridLevel(g: number): number {
    return this.rollupLevels?.[g] ?? 0;
  }

  /** grid g's roll-up: counts by state code, then stale (models/live.ts ROLLUP_COLUMNS) */
  gridCounts(g: number): Uint16Array | null {
    return this.rollupCounts ? this.rollupCounts.subarray(g * ROLLUP_COLUMNS, (g + 1) * ROLLUP_COLUMNS) : null;
  }

  // ---------------------------------------------------------------- camera

  private geo(x: number, y: number, z: number) {
    return enuToGeodetic([x, y, z], { lonDeg: this.info.originLonDeg, latDeg: this.info.originLatDeg, heightM: this.info.originHeightM });
  }

  home(durationS = 1.2) {
    const [x0, y0, x1, y1] = this.info.extent;
    // aim a little south of the centre: with the camera tilted the whole city fits the screen
    const cx = 0.5 * (x0 + x1), cy = 0.5 * (y0 + y1) - 0.06 * (y1 - y0);
    const cz = this.city ? this.groundZ(cx, cy) : 0;
    const g = this.geo(cx, cy, cz);
    const range = Math.hypot(x1 - x0, y1 - y0) * 1.02;
    this.globe.lookAt(g.lonDeg, g.latDeg, g.heightM, 0, -0.85, range, durationS);
  }

  /**
   * Instant camera move looking at component i from its road side at `distanceM`; steeper views
   * are tried when the first would sit inside a building or see the component hidden.
   */
  flyToComponent(i: number, distanceM: number) {
    const c = this.components;
    if (!c) return;
    const h = c.c.heading[i]!;
    // view from the road side (the component faces the road), looking back at it
    const heading = Math.atan2(-Math.cos(h), -Math.sin(h));
    const sm = c.meshes[c.meshOf[i]!]!;
    const tz = c.z[i]! + sm.centreZ;
    const g = this.geo(c.c.x[i]!, c.c.y[i]!, tz);
    const pitches = [-0.6, -0.85, -1.1, -1.35, -1.5];
    for (const pitch of pitches) {
      this.globe.lookAt(g.lonDeg, g.latDeg, g.heightM, heading, pitch, distanceM, 0);
      this.syncCamera();
      if (!this.three || !this.picker) return;
      const cam = (this.three.camera as THREE.PerspectiveCamera).position;
      if (this.picker.contains(cam.x, cam.y, cam.z)) continue;
      if (!this.occluded(tmpV.set(c.c.x[i]!, c.c.y[i]!, tz))) return;
    }
  }

  /** Camera at local (x, y, z) looking at component i's centre (tests: occlusion set-ups). */
  lookFrom(x: number, y: number, z: number, i: number) {
    const c = this.components;
    if (!c) return;
    const sm = c.meshes[c.meshOf[i]!]!;
    const tx = c.c.x[i]!, ty = c.c.y[i]!, tz = c.z[i]! + sm.centreZ;
    const dx = tx - x, dy = ty - y, dz = tz - z;
    const range = Math.hypot(dx, dy, dz);
    const heading = Math.atan2(dx, dy);
    const pitch = Math.atan2(dz, Math.hypot(dx, dy));
    const g = this.geo(tx, ty, tz);
    this.globe.lookAt(g.lonDeg, g.latDeg, g.heightM, heading, pitch, range, 0);
    this.syncCamera();
  }

  // ---------------------------------------------------------------- picking

  /** Height of the drawn terrain at (x, y), the surface components and picking use too. */
  groundZ(x: number, y: number): number {
    return heightAt(this.city!.height, x, y);
  }

  private canvasSize() {
    const el = this.globe.scene.canvas as HTMLCanvasElement;
    return { w: el.clientWidth || 1, h: el.clientHeight || 1, rect: el.getBoundingClientRect() };
  }

  private rayFromPixel(x: number, y: number) {
    const cam = this.three!.camera as THREE.PerspectiveCamera;
    const { w, h } = this.canvasSize();
    const ndcX = (x / w) * 2 - 1, ndcY = -(y / h) * 2 + 1;
    const o = cam.position.clone();
    const d = new THREE.Vector3(ndcX, ndcY, 0.5).unproject(cam).sub(o).normalize();
    return new THREE.Ray(o, d);
  }

  /** Distance to the first opaque thing (building or terrain) along a unit ray, or Infinity. */
  private obstacle(o: THREE.Vector3, d: THREE.Vector3, maxT: number) {
    let t = Infinity, building = -1;
    if (this.picker && this.layers.buildings) {
      const b = this.picker.raycast(o, d, maxT);
      if (b) { t = b.t; building = b.building; }
    }
    if (this.city) {
      const tt = rayHeightField(this.city.height, o.x, o.y, o.z, d.x, d.y, d.z, Math.min(maxT, t));
      if (tt >= 0 && tt < t) { t = tt; building = -1; }
    }
    return { t, building };
  }

  private occluded(p: THREE.Vector3): boolean {
    const cam = (this.three!.camera as THREE.PerspectiveCamera).position;
    const d = tmpV2.copy(p).sub(cam);
    const dist = d.length();
    d.divideScalar(dist);
    const hit = this.obstacle(cam, d, dist);
    return hit.t < dist - 0.35;
  }

  private onClick(x: number, y: number) {
    if (!this.three || !this.city || !this.components) return;
    this.syncCamera();
    const ray = this.rayFromPixel(x, y);
    const cam = ray.origin;
    const obst = this.obstacle(ray.origin, ray.direction, 1e6);
    let pick = this.layers.components ? this.components.raycast(ray, cam, obst.t) : null;
    if (!pick && this.layers.components) {
      // far components are drawn as discs: pick the nearest disc under the click (a few px of
      // slack for fingers), if nothing opaque is in front of it
      const { w, h } = this.canvasSize();
      const camera = this.three.camera as THREE.PerspectiveCamera;
      const c = this.components;
      const i = c.pickFar(x, y, camera, w, h, c.mPerPx1, 3, (p) => !this.occluded(p));
      if (i >= 0) pick = { index: i, t: 0 };
    }
    if (pick) {
      this.select({ kind: 'component', index: pick.index });
      return;
    }
    if (Number.isFinite(obst.t)) {
      let g = -1;
      if (obst.building >= 0) g = this.city.layers.buildings.unitGrid[obst.building] ?? -1;
      if (g < 0 || g >= this.city.layers.grids.count) {
        const p = ray.at(obst.t, tmpV);
        g = gridAtRaster(this.city.box, this.city.gridRaster, p.x, p.y);
      }
      this.select(g >= 0 ? { kind: 'grid', index: g } : null);
      return;
    }
    this.select(null);
  }

  select(sel: Selection) {
    this.selection = sel;
    if (this.terrainMat) this.terrainMat.uniforms.uSelGrid!.value = sel?.kind === 'grid' ? sel.index : -1;
    this.emit();
    this.requestRender();
  }

  // ---------------------------------------------------------------- React glue

  subscribe = (fn: () => void) => {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
  };

  getVersion = () => this.version;

  private emit() {
    this.version++;
    for (const l of this.listeners) l();
  }

  get timings() {
    return this.city?.timings ?? {};
  }

  get bytes() {
    return this.city?.bytes ?? {};
  }

  // ---------------------------------------------------------------- measurement

  bench(n: number): { threeMs: number; fullMs: number } {
    const st = this.three;
    if (!st) return { threeMs: NaN, fullMs: NaN };
    const px = new Uint8Array(4);
    const tgl = st.gl.getContext();
    const cgl = (this.globe.scene.canvas as HTMLCanvasElement).getContext('webgl2') ?? (this.globe.scene.canvas as HTMLCanvasElement).getContext('webgl');
    this.syncCamera();
    let t0 = performance.now();
    for (let k = 0; k < n; k++) {
      st.advance(performance.now(), true);
      tgl.readPixels(0, 0, 1, 1, tgl.RGBA, tgl.UNSIGNED_BYTE, px);
    }
    const threeMs = (performance.now() - t0) / n;
    t0 = performance.now();
    for (let k = 0; k < n; k++) {
      this.globe.scene.requestRender();
      this.globe.scene.render(); // postRender draws the Three layer too
      cgl?.readPixels(0, 0, 1, 1, cgl.RGBA, cgl.UNSIGNED_BYTE, px);
      tgl.readPixels(0, 0, 1, 1, tgl.RGBA, tgl.UNSIGNED_BYTE, px);
    }
    const fullMs = (performance.now() - t0) / n;
    return { threeMs, fullMs };
  }

  // ---------------------------------------------------------------- test hooks

  private installHooks() {
    const self = this;
    const hooks: TwinHooks = {
      get ready() { return self.ready; },
      get city() { return self.info.slug; },
      get componentCount() { return self.components?.c.count ?? 0; },
      get seq() { return self.status.seq; },
      get renderedFrames() { return self.status.renderedFrames; },
      get globeFrames() { return self.status.globeFrames; },
      get drawCalls() { return self.status.drawCalls; },
      get frameMs() { return self.status.frameMs; },
      get timings() { return self.timings; },
      stateOf: (i) => self.components?.states[i] ?? -1,
      colorOf: (i) => (self.components ? self.components.colorOf(i, tmpColor) : ''),
      project: (i) => {
        const c = self.components;
        if (!c || !self.three) return { x: NaN, y: NaN, visible: false, inFront: false };
        self.syncCamera();
        const camera = self.three.camera as THREE.PerspectiveCamera;
        const p = c.centre(i, camera.position, new THREE.Vector3());
        const q = p.clone().project(camera);
        const { w, h, rect } = self.canvasSize();
        const inFront = q.z > -1 && q.z < 1;
        const x = rect.left + (q.x + 1) * 0.5 * w, y = rect.top + (1 - q.y) * 0.5 * h;
        const onScreen = inFront && q.x > -1 && q.x < 1 && q.y > -1 && q.y < 1;
        return { x, y, inFront, visible: onScreen && self.layers.components && !self.occluded(p) };
      },
      flyToComponent: (i, d) => self.flyToComponent(i, d),
      lookFrom: (x, y, z, i) => self.lookFrom(x, y, z, i),
      home: () => self.home(0),
      setLayer: (k, on) => self.setLayer(k, on),
      select: (s) => self.select(s),
      selection: () => self.selection,
      building: (k) => self.picker?.info(k) ?? null,
      buildingCount: () => self.city?.layers.buildings.count ?? 0,
      componentPos: (i) => {
        const c = self.components!;
        return { x: c.c.x[i]!, y: c.c.y[i]!, z: c.z[i]!, classIndex: c.c.classIndex[i]!, unitGrid: c.c.unitGrid[i]! };
      },
      gridCount: () => self.city?.layers.grids.count ?? 0,
      gridCentroid: (g) => ({ x: self.city!.layers.grids.centroid[2 * g]!, y: self.city!.layers.grids.centroid[2 * g + 1]! }),
      projectPoint: (x, y, z) => {
        self.syncCamera();
        const camera = self.three!.camera as THREE.PerspectiveCamera;
        const q = new THREE.Vector3(x, y, z).project(camera);
        const { w, h, rect } = self.canvasSize();
        return { x: rect.left + (q.x + 1) * 0.5 * w, y: rect.top + (1 - q.y) * 0.5 * h, inFront: q.z > -1 && q.z < 1 };
      },
      gridAt: (x, y) => (self.city ? gridAtRaster(self.city.box, self.city.gridRaster, x, y) : -1),
      groundZ: (x, y) => (self.city ? self.groundZ(x, y) : 0),
      liveStats: () => {
        const l = self.live?.stats;
        return { snapshots: l?.snapshots ?? 0, deltas: l?.deltas ?? 0, gaps: l?.gaps ?? 0, lost: l?.lost ?? 0, lastSeq: l?.lastSeq ?? -1, entries: l?.entries ?? 0,
          view: self.live?.viewGrids === 'all' ? 'all' : self.live?.viewGrids.length ?? 0 };
      },
      loseFrames: (n) => self.live?.loseNext(n),
      bench: (n) => self.bench(n),
      debugHide: (part, hidden) => {
        const c = self.components;
        if (part === 'proxy' && c) c.hideProxy = hidden;
        if (part === 'map' && self.terrainMat) self.terrainMat.uniforms.uCompFar!.value = hidden ? Infinity : c?.farMPerPx ?? Infinity;
        if (part === 'detail' && c) c.hideDetail = hidden;
        if (part === 'terrain' && self.terrain) self.terrain.visible = !hidden;
        if (part === 'water' && self.water) self.water.visible = !hidden;
        if (part === 'buildings' && self.buildings) self.buildings.visible = !hidden;
        self.requestRender();
      },
      nearCount: () => self.components?.nearCount() ?? 0,
    };
    window.__twin = hooks;
  }
}
