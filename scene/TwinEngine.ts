import * as THREE from 'three';
import type { RootState } from '@react-three/fiber';
import type { BuildingsLayer } from './buildings/buildingsLayer';
import type { ComponentLayer } from './components/componentLayer';
import type { ComponentsTwinLayer } from './components/componentsTwinLayer';
import { flyToComponent, flyToPoint, flyToViewHeld, home, lookFromAt, type CameraHost } from './core/cameraMoves';
import { applyCameraView, readCameraView } from './core/cameraView';
import { cityNearFar } from './core/nearFar';
import { cameraHostFor, disposeTree, layerContextFor } from './core/engineContext';
import { Picking } from './core/picking';
import { RenderLoop } from './core/renderLoop';
import { selectionPoint } from './core/selection';
import { LAYER_KEYS, type FrameInfo, type LayerKey, type Selection, type TwinCityInfo, type TwinInputs, type TwinLayer, type TwinStatus } from './core/types';
import { loadCity, takePrefetched } from './data/loadCity';
import type { PreparedCity } from './data/prepare';
import type { FloodApi, FloodLayer } from './flood/floodLayer';
import { createGlobe, type Globe } from './globe/createGlobe';
import type { GridsLayer } from './grids/gridsLayer';
import { createLayers } from './layers';
import type { LiveClient } from './live/liveClient';
import { LiveFeed } from './live/liveFeed';
import { createCameraSync } from './sync/cameraSync';
import { heightAt } from './terrain/heightField';
import { RoughFrames } from './core/roughFrames';
import type { CameraView } from '../models/viewState';

export { LAYER_KEYS };
export type { LayerKey, Selection, TwinCityInfo, TwinStatus };

/** Tests set this (Playwright: page.addInitScript) or open the page with ?test to get window.__twin. */
declare global {
  interface Window { __TWIN_TEST__?: boolean }
}

/**
 * The twin's core in the browser: the Cesium globe (base, camera controller), the Three layer
 * drawn after each Cesium frame with Cesium's camera, the render-on-demand loop, the live client,
 * click dispatch and the inputs the layers draw from. Everything visual is a layer (scene/layers.ts).
 * React talks to it through subscribe()/status/selection; per-frame work mutates, never allocates.
 */
export class TwinEngine {
  readonly globe: Globe;
  readonly cameraHost: CameraHost;
  /** removes window.__twin (set by the test hooks when loaded) */
  uninstallHooks: (() => void) | null = null;
  three: RootState | null = null;
  readonly root = new THREE.Group();
  private sync: ReturnType<typeof createCameraSync>;
  city: PreparedCity | null = null;
  layerList: TwinLayer[] = [];
  private byId = new Map<string, TwinLayer>();
  private shared = new Map<string, unknown>();
  picking: Picking | null = null;
  private feed: LiveFeed | null = null;
  readonly inputs: TwinInputs = {
    layers: { buildings: true, roads: true, water: true, grids: true, responsibility: true, prone: true, components: true },
    selection: null,
    floodGrids: null,
  };
  /** the ground point of the last click (selectionPoint of a grid picked by clicking) */
  private clickPoint: { x: number; y: number } | null = null;
  status: TwinStatus = { phase: 'loading', error: null, connection: 'connecting', seq: -1, changesPerSec: 0, frameMs: 0, drawCalls: 0, renderedFrames: 0, globeFrames: 0 };
  private listeners = new Set<() => void>();
  private version = 0;
  ready = false;
  /** performance.now() of the first Three frame with the city (ms after navigation) */
  firstFrameAt = NaN;
  private ticker: ReturnType<typeof setInterval>;
  private zMax = 100;
  private destroyed = false;
  private loop: RenderLoop;
  private readonly frameInfo: FrameInfo = { camera: null!, mPerPx1: 0.001, renderer: null!, rough: false };
  /** the compare view's second engine while it is shown (its cameras are locked to this one) */
  peer: TwinEngine | null = null;
  /** bumps when the selected item's live data changes (inspector refetch) */
  selectionLiveVersion = 0;
  /** a room that handles taps itself (the kiosk): true when it took the tap (no selection then) */
  onTap: ((x: number, y: number) => boolean) | null = null;

  /** `second`: the compare view's other engine (no window.__twin of its own) */
  constructor(container: HTMLElement, readonly info: TwinCityInfo, second = false) {
    this.globe = createGlobe({ container, onClick: (x, y) => this.onClick(x, y), onWake: () => this.loop.wake() });
    this.loop = new RenderLoop(this.globe, () => this.renderThree(), () => !this.ready && this.status.phase !== 'error');
    this.sync = createCameraSync(this.globe.scene, info.originLonDeg, info.originLatDeg, info.originHeightM);
    this.globe.scene.postRender.addEventListener(this.renderThree);
    this.globe.scene.postRender.addEventListener(this.countGlobeFrame);
    this.cameraHost = cameraHostFor(this);
    home(this.cameraHost, 0);
    this.ticker = setInterval(() => this.tick(), 500);
    // test hooks: a separate chunk, fetched only when a test asks for it
    if (!second && (window.__TWIN_TEST__ || new URLSearchParams(location.search).has('test'))) {
      void import('./testHooks').then((m) => { if (!this.destroyed) this.uninstallHooks = m.installTestHooks(this); });
    }
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
      // the page may have started loading the layers while this code was loading (prefetchCity)
      const early = takePrefetched(this.info.slug);
      const t0 = early?.at ?? performance.now();
      const city = await (early?.city ?? loadCity(this.info.slug));
      if (this.destroyed) return;
      city.timings['worker.total'] = performance.now() - t0;
      const u0 = performance.now();
      this.city = city;
      this.attachLayers(city);
      city.timings['upload.build'] = performance.now() - u0;
      this.status = { ...this.status, phase: 'ready' };
      this.feed = new LiveFeed(this.info.slug, city, this.info.extent, {
        layers: () => this.layerList,
        components: () => this.components,
        onSeq: (seq) => { this.status.seq = seq; },
        onConnection: (c) => { this.status = { ...this.status, connection: c }; this.emit(); },
        requestThree: () => this.requestThree(),
        touched: () => { this.version++; },
      });
      this.emit();
      this.globe.scene.requestRender();
    } catch (e) {
      this.status = { ...this.status, phase: 'error', error: e instanceof Error ? e.message : String(e) };
      this.emit();
    }
  }

  private attachLayers(city: PreparedCity) {
    const ctx = layerContextFor(this, city, this.shared);
    for (const layer of createLayers()) {
      layer.attach(ctx);
      this.layerList.push(layer);
      this.byId.set(layer.id, layer);
      layer.update?.(this.inputs);
    }
    const buildings = this.layer<BuildingsLayer>('buildings');
    this.zMax = buildings?.zMax ?? city.height.maxZ;
    // imported 3D Tiles rise above the city's own buildings: the near/far box must hold them
    for (const t of this.info.tilesets ?? []) this.zMax = Math.max(this.zMax, t.topM ?? 0);
    this.picking = new Picking(city, buildings, () => this.three!.camera as THREE.PerspectiveCamera, () => this.globe.scene.canvas as HTMLCanvasElement);
  }

  destroy() {
    this.destroyed = true;
    clearInterval(this.ticker);
    this.rough.dispose();
    this.loop.stop();
    this.feed?.close();
    this.globe.scene.postRender.removeEventListener(this.renderThree);
    this.globe.scene.postRender.removeEventListener(this.countGlobeFrame);
    for (const l of this.layerList) l.dispose();
    this.root.removeFromParent();
    disposeTree(this.root);
    this.globe.destroy();
    this.uninstallHooks?.();
  }

  layer<T extends TwinLayer>(id: string): T | null {
    return (this.byId.get(id) as T | undefined) ?? null;
  }

  /** Changes inputs and hands every layer what changed (by identity). */
  setInputs(changed: Partial<TwinInputs>) {
    Object.assign(this.inputs, changed);
    for (const l of this.layerList) l.update?.(changed);
    this.emit();
    // flood classes change the Three layer only; the globe keeps its image
    if (changed.layers || changed.selection !== undefined) this.requestRender();
    else this.requestThree();
  }

  // ---------------------------------------------------------------- rendering

  /** Near/far for the city box seen from (x, y, z), written into `out`. */
  private nearFar = (x: number, y: number, z: number, out: [number, number]) =>
    cityNearFar(this.info.extent, this.city?.height ?? null, this.zMax, x, y, z, out);

  syncCamera() {
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
    const f = this.frameInfo;
    f.camera = cam;
    f.renderer = st.gl;
    f.mPerPx1 = (2 * Math.tan((cam.fov * Math.PI) / 360)) / h;
    f.rough = this.rough.isActive;
    const layers = this.layerList;
    for (let i = 0; i < layers.length; i++) layers[i]!.beforeRender?.(f);
    const t0 = performance.now();
    this.rough.render(st.gl, () => st.advance(t0, true));
    this.status.frameMs = performance.now() - t0;
    this.status.drawCalls = st.gl.info.render.calls;
    this.status.renderedFrames++;
    for (let i = 0; i < layers.length; i++) layers[i]!.afterRender?.();
    this.loop.threeDirty = false;
    // pull model: the live worker's coalesced changes are asked for once per drawn frame
    this.feed?.client.drawn();
    this.feed?.client.pull();
    if (this.city && !this.ready) {
      this.ready = true;
      this.firstFrameAt = performance.now();
      this.emit();
    }
  };

  requestRender() {
    this.globe.scene.requestRender();
  }

  /** A frame of the Three layer alone (colours, textures): the globe keeps its image (RenderLoop). */
  requestThree() {
    this.loop.requestThree();
  }

  private readonly rough = new RoughFrames(() => this.requestThree());
  /** While a control that redraws the Three layer is dragged: half-resolution frames, sharp once it rests (core/roughFrames.ts). */
  roughFrames(restMs = 250) {
    this.rough.start(restMs);
  }

  // ---------------------------------------------------------------- layers and selection

  get layers(): Readonly<Record<LayerKey, boolean>> {
    return this.inputs.layers;
  }

  setLayer(key: LayerKey, on: boolean) {
    this.setInputs({ layers: { ...this.inputs.layers, [key]: on } });
  }

  get selection(): Selection {
    return this.inputs.selection;
  }

  select(sel: Selection) {
    this.clickPoint = null;
    this.setInputs({ selection: sel });
  }

  /** The local point of the selection: component position, building centroid, clicked ground point or grid centroid, point. */
  selectionPoint(): { x: number; y: number } | null {
    return this.city ? selectionPoint(this.inputs.selection, this.city, this.layer<BuildingsLayer>('buildings'), this.clickPoint) : null;
  }

  private onClick(x: number, y: number) {
    if (!this.three || !this.city || !this.picking) return;
    if (this.onTap?.(x, y)) return;
    this.syncCamera();
    const { sel, point } = this.picking.pick(x, y, this.layerList);
    // a ground click selects its grid, and remembers where (the depth chart is for that point)
    this.clickPoint = sel?.kind === 'grid' ? point : null;
    this.setInputs({ selection: sel });
  }

  // ---------------------------------------------------------------- live

  private tick() {
    if (this.feed && this.city) {
      this.syncCamera();
      this.feed.tick((this.three?.camera as THREE.PerspectiveCamera | undefined) ?? null, this.city.layers.grids.count);
      this.status = { ...this.status, changesPerSec: this.feed.changesPerSec };
    }
    this.emit();
  }

  /** the live client (tests read its counters) */
  get live(): LiveClient | null {
    return this.feed?.client ?? null;
  }

  /** the components (shapes, points, state map) and their live states */
  get components(): ComponentLayer | null {
    return this.layer<ComponentsTwinLayer>('components')?.c ?? null;
  }

  /** latest reading per component (NaN: none) */
  get values(): Float32Array | null {
    return this.layer<ComponentsTwinLayer>('components')?.values ?? null;
  }

  gridLevel(g: number): number {
    return this.layer<GridsLayer>('grids')?.level(g) ?? 0;
  }

  /** grid g's roll-up: counts by state code, then stale (models/live.ts ROLLUP_COLUMNS) */
  gridCounts(g: number): Uint16Array | null {
    return this.layer<GridsLayer>('grids')?.counts(g) ?? null;
  }

  /** The flood scenario layer's API (scene/flood/floodLayer.ts); null until the city is loaded. */
  get flood(): FloodApi | null {
    return this.layer<FloodLayer>('flood')?.api ?? null;
  }

  /** Outlines one road segment (the impact list's row), or none. */
  highlightSegment(from: [number, number] | null, to?: [number, number]) {
    this.layer<FloodLayer>('flood')?.highlightSegment(from, to ?? null);
  }

  // ---------------------------------------------------------------- camera

  groundZ(x: number, y: number): number {
    return heightAt(this.city!.height, x, y);
  }

  /** The first opaque point under canvas pixel (x, y) (ground or roof), or null (the sky). */
  hitAt(x: number, y: number) {
    this.syncCamera();
    return this.picking?.hit(x, y) ?? null;
  }

  /** the camera as a share link holds it, and back (models/viewState.ts) */
  cameraView(): CameraView { return readCameraView(this.globe.scene); }
  setCameraView(v: CameraView) { applyCameraView(this.globe.scene, v); }
  /** flies to a view (a story's scene); 0 s is a cut */
  flyToCameraView(v: CameraView, durationS: number) {
    if (durationS <= 0) return this.setCameraView(v);
    flyToViewHeld(this.cameraHost, v, durationS);
  }

  home(durationS = 1.2) {
    home(this.cameraHost, durationS);
  }

  flyToComponent(i: number, distanceM: number) {
    if (this.components && this.three) flyToComponent(this.cameraHost, this.components, i, distanceM);
  }

  /** Camera at local (x, y, z) looking at component i's centre (tests: occlusion set-ups). */
  lookFrom(x: number, y: number, z: number, i: number) {
    if (this.components) lookFromAt(this.cameraHost, x, y, z, this.components, i);
  }

  /** Flies to look at a local ground point (metres from the city origin) from distanceM. */
  flyToPoint(x: number, y: number, distanceM: number, durationS = 0.8) {
    flyToPoint(this.cameraHost, x, y, distanceM, durationS);
  }

  // ---------------------------------------------------------------- React glue

  subscribe = (fn: () => void) => {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
  };

  getVersion = () => this.version;

  emit() {
    this.version++;
    for (const l of this.listeners) l();
  }

  get timings() {
    return this.city?.timings ?? {};
  }

  get bytes() {
    return this.city?.bytes ?? {};
  }
}
