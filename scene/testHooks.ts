import * as THREE from 'three';
import type { BuildingsLayer } from './buildings/buildingsLayer';
import { lookFromTo } from './core/cameraMoves';
import type { FloodLayer } from './flood/floodLayer';
import type { CompareLayer } from './compare/compareLayer';
import type { CasesLayer } from './cases/casesLayer';
import type { TilesetLayer } from './tilesets/tilesetLayer';
import type { EditLayer } from './edit/editLayer';
import type { MeasureLayer, MeasureResult } from './measure/measureLayer';
import type { CameraView } from '../models/viewState';
import { gridAtRaster } from './grids/rasterGrids';
import type { RunGrid } from '../models/runs';
import type { LayerKey, Selection, TwinEngine } from './TwinEngine';

// window.__twin: what the Playwright tests and the browser bench read and drive. This module is
// its own chunk, imported by the engine only when the page was opened for a test
// (window.__TWIN_TEST__ set by an init script, or ?test in the URL): never in a planner's page.

export interface TwinHooks {
  ready: boolean;
  city: string;
  componentCount: number;
  seq: number;
  renderedFrames: number;
  globeFrames: number;
  drawCalls: number;
  frameMs: number;
  /** performance.now() of the first Three frame with the city */
  firstFrameAt: number;
  timings: Record<string, number>;
  stateOf(index: number): number;
  colorOf(index: number): string;
  project(index: number): { x: number; y: number; visible: boolean; inFront: boolean };
  flyToComponent(index: number, distanceM: number): void;
  /** instant unless durationS > 0 (the app's flights) */
  flyToPoint(x: number, y: number, distanceM: number, durationS?: number): void;
  lookFrom(x: number, y: number, z: number, index: number): void;
  /** camera at local (x, y, z) looking at local (tx, ty, tz) */
  lookAt(x: number, y: number, z: number, tx: number, ty: number, tz: number): void;
  home(): void;
  /** asks for a frame of the Three layer (the twin draws on demand) */
  redraw(): void;
  setLayer(key: LayerKey, on: boolean): void;
  select(sel: Selection): void;
  selection(): Selection;
  selectionPoint(): { x: number; y: number } | null;
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
  /** ms from a live change's arrival in the page (its worker) to the end of the frame that drew it, per such frame since the last call */
  drawLatency(): number[];
  /** ms per frame: the Three layer alone, and Cesium + Three, each forced to finish (readPixels) */
  bench(n: number): { threeMs: number; fullMs: number };
  /** measurement switches: hide one part of the Three layer ('proxy' | 'map' | 'detail' | 'terrain' | 'water' | 'buildings' | 'flood') */
  debugHide(part: string, hidden: boolean): void;
  nearCount(): number;
  /** imported 3D Tiles: tilesets and their loaded tile models; the model's top under local (x, y), or null */
  tilesets(): { sets: number; loaded: number; meshes: number };
  tilesetTop(x: number, y: number): number | null;
  /** the centre of the highest flat model roof triangle (over 20 m²): a point inside a tileset building */
  tilesetRoof(): { x: number; y: number; top: number } | null;
  /** the Three layer's objects: name, visible, vertices drawn (debugging) */
  objects(): { name: string; visible: boolean; renderOrder: number; vertices: number }[];
  /** the layers switched on */
  layers(): Record<LayerKey, boolean>;
  flood: {
    /** the shown run's id, or null */
    runId(): string | null;
    times(): number[];
    time(): number;
    depthAt(x: number, y: number): number;
    /** frames from bytes (models/depthFrames.ts), as if fetched for a finished run (tests, no server run) */
    loadFrames(bytes: Uint8Array, grid: RunGrid): void;
    setTime(t: number): void;
    /** engine.flood.show(null) */
    hide(): void;
    /** closed road pieces at the shown time, and their ends (local metres) */
    closedCount(): number;
    closedPieces(): [number, number, number, number][];
    /** per unit grid flood class at the shown time (-1 dry), or null */
    gridClass(g: number): number | null;
    /** cells wet in the shown frame and dry in the first (storm water) */
    stormWetCells(): number;
    /** performance.now() when the shown frame was first drawn (0 before) */
    drawnAt(): number;
  };
  /** the difference map of two runs (scene/compare) */
  compare: { shown(): boolean; diffAt(x: number, y: number): number };
  /** the case map (scene/cases): the discs drawn now (count > 1: a cluster), a case's marker in local metres */
  cases: { drawn(): { count: number; worst: string }[]; marker(id: string): { x: number; y: number; colour: string } | null };
  /** the map tools (scene/edit, scene/measure) */
  edit: { wallCount(): number; tool(): string };
  /** the city's prone points (local metres) */
  pronePoints(): { x: number; y: number }[];
  measure: { result(): MeasureResult | null };
  /** the camera as the share link holds it */
  cameraView(): CameraView;
  /** the compare split/swipe view's second engine (run A), null when not shown */
  peer: {
    shown(): boolean; runId(): string | null; time(): number; cameraView(): CameraView | null;
    /** ms per frame (globe + Three, forced to finish) of this engine and of the second one */
    frameCost(n: number): { mainMs: number; peerMs: number };
  };
}

declare global {
  interface Window { __twin?: TwinHooks }
}

/** ms per frame of the Three layer alone and of globe + Three, each forced to finish. */
function bench(e: TwinEngine, n: number): { threeMs: number; fullMs: number } {
  const st = e.three;
  if (!st) return { threeMs: NaN, fullMs: NaN };
  const px = new Uint8Array(4);
  const tgl = st.gl.getContext();
  const canvas = e.globe.scene.canvas as HTMLCanvasElement;
  const cgl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
  e.syncCamera();
  let t0 = performance.now();
  for (let k = 0; k < n; k++) {
    st.advance(performance.now(), true);
    tgl.readPixels(0, 0, 1, 1, tgl.RGBA, tgl.UNSIGNED_BYTE, px);
  }
  const threeMs = (performance.now() - t0) / n;
  t0 = performance.now();
  for (let k = 0; k < n; k++) {
    e.globe.scene.requestRender();
    e.globe.scene.render(); // postRender draws the Three layer too
    cgl?.readPixels(0, 0, 1, 1, cgl.RGBA, cgl.UNSIGNED_BYTE, px);
    tgl.readPixels(0, 0, 1, 1, tgl.RGBA, tgl.UNSIGNED_BYTE, px);
  }
  return { threeMs, fullMs: (performance.now() - t0) / n };
}

/** Sets window.__twin for this engine; returns the function that removes it. */
export function installTestHooks(self: TwinEngine): () => void {
  const tmpColor = new THREE.Color();
  const camera = () => self.three!.camera as THREE.PerspectiveCamera;
  const size = () => self.picking?.size() ?? { w: 1, h: 1, rect: new DOMRect() };
  const floodLayer = () => self.layer<FloodLayer>('flood');
  const hooks: TwinHooks = {
    get ready() { return self.ready; },
    get city() { return self.info.slug; },
    get componentCount() { return self.components?.c.count ?? 0; },
    get seq() { return self.status.seq; },
    get renderedFrames() { return self.status.renderedFrames; },
    get globeFrames() { return self.status.globeFrames; },
    get drawCalls() { return self.status.drawCalls; },
    get frameMs() { return self.status.frameMs; },
    get firstFrameAt() { return self.firstFrameAt; },
    get timings() { return self.timings; },
    stateOf: (i) => self.components?.states[i] ?? -1,
    colorOf: (i) => (self.components ? self.components.colorOf(i, tmpColor) : ''),
    project: (i) => {
      const c = self.components;
      if (!c || !self.three || !self.picking) return { x: NaN, y: NaN, visible: false, inFront: false };
      self.syncCamera();
      const p = c.centre(i, camera().position, new THREE.Vector3());
      const q = p.clone().project(camera());
      const { w, h, rect } = size();
      const inFront = q.z > -1 && q.z < 1;
      const x = rect.left + (q.x + 1) * 0.5 * w, y = rect.top + (1 - q.y) * 0.5 * h;
      const onScreen = inFront && q.x > -1 && q.x < 1 && q.y > -1 && q.y < 1;
      return { x, y, inFront, visible: onScreen && self.layers.components && !self.picking.occluded(p) };
    },
    flyToComponent: (i, d) => self.flyToComponent(i, d),
    flyToPoint: (x, y, d, s = 0) => self.flyToPoint(x, y, d, s),
    lookFrom: (x, y, z, i) => self.lookFrom(x, y, z, i),
    lookAt: (x, y, z, tx, ty, tz) => lookFromTo(self.cameraHost, x, y, z, tx, ty, tz),
    home: () => self.home(0),
    redraw: () => self.requestThree(),
    setLayer: (k, on) => self.setLayer(k, on),
    select: (s) => self.select(s),
    selection: () => self.selection,
    selectionPoint: () => self.selectionPoint(),
    building: (k) => self.layer<BuildingsLayer>('buildings')?.picker.info(k) ?? null,
    buildingCount: () => self.city?.layers.buildings.count ?? 0,
    componentPos: (i) => {
      const c = self.components!;
      return { x: c.c.x[i]!, y: c.c.y[i]!, z: c.z[i]!, classIndex: c.c.classIndex[i]!, unitGrid: c.c.unitGrid[i]! };
    },
    gridCount: () => self.city?.layers.grids.count ?? 0,
    gridCentroid: (g) => ({ x: self.city!.layers.grids.centroid[2 * g]!, y: self.city!.layers.grids.centroid[2 * g + 1]! }),
    projectPoint: (x, y, z) => {
      self.syncCamera();
      const q = new THREE.Vector3(x, y, z).project(camera());
      const { w, h, rect } = size();
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
    drawLatency: () => self.live?.drawLatencyMs.splice(0) ?? [],
    bench: (n) => bench(self, n),
    debugHide: (part, hidden) => {
      for (const l of self.layerList) l.debugHide?.(part, hidden);
      // "obj:<name>": any object of the Three layer by name (cost of one part of a frame)
      if (part.startsWith('obj:')) self.root.traverse((o) => { if (o.name === part.slice(4)) o.visible = !hidden; });
      self.requestRender();
    },
    nearCount: () => self.components?.nearCount() ?? 0,
    tilesets: () => {
      const l = self.layer<TilesetLayer>('tilesets');
      let meshes = 0;
      for (const t of l?.sets ?? []) t.group.traverse((o) => { if ((o as THREE.Mesh).isMesh) meshes++; });
      return { sets: l?.sets.length ?? 0, loaded: l?.loadedModels ?? 0, meshes };
    },
    tilesetRoof: () => {
      const l = self.layer<TilesetLayer>('tilesets');
      let best: { x: number; y: number; top: number } | null = null;
      const a = new THREE.Vector3(), b = new THREE.Vector3(), c = new THREE.Vector3(), n = new THREE.Vector3();
      self.root.updateMatrixWorld(true);
      for (const t of l?.sets ?? []) t.group.traverse((o) => {
        const m = o as THREE.Mesh;
        if (!m.isMesh) return;
        const pos = m.geometry.getAttribute('position'), idx = m.geometry.index;
        const count = idx ? idx.count : pos.count;
        for (let k = 0; k < count; k += 3) {
          const [i0, i1, i2] = idx ? [idx.getX(k), idx.getX(k + 1), idx.getX(k + 2)] : [k, k + 1, k + 2];
          a.fromBufferAttribute(pos, i0).applyMatrix4(m.matrixWorld); b.fromBufferAttribute(pos, i1).applyMatrix4(m.matrixWorld); c.fromBufferAttribute(pos, i2).applyMatrix4(m.matrixWorld);
          n.subVectors(b, a).cross(c.clone().sub(a));
          const area = n.length() / 2, top = Math.min(a.z, b.z, c.z);
          if (area < 20 || Math.abs(n.z) < 0.99 * n.length() || (best && top <= best.top)) continue;
          best = { x: (a.x + b.x + c.x) / 3, y: (a.y + b.y + c.y) / 3, top };
        }
      });
      return best;
    },
    tilesetTop: (x, y) => {
      const l = self.layer<TilesetLayer>('tilesets');
      if (!l?.sets.length) return null;
      const ray = new THREE.Raycaster(new THREE.Vector3(x, y, 5000), new THREE.Vector3(0, 0, -1));
      self.root.updateMatrixWorld(true);
      const hit = ray.intersectObjects(l.sets.map((t) => t.group), true)[0];
      return hit ? hit.point.z : null;
    },
    objects: () => self.root.children.flatMap((o) => (o instanceof THREE.Group ? o.children : [o])).map((o) => {
      const g = (o as THREE.Mesh).geometry as THREE.BufferGeometry | undefined;
      return { name: o.name, visible: o.visible, renderOrder: o.renderOrder, vertices: g?.index?.count ?? g?.getAttribute('position')?.count ?? 0 };
    }),
    layers: () => ({ ...self.layers }),
    flood: {
      runId: () => self.flood?.run()?.id ?? null,
      times: () => self.flood?.times() ?? [],
      time: () => self.flood?.time() ?? NaN,
      depthAt: (x, y) => self.flood?.depthAt(x, y) ?? NaN,
      loadFrames: (bytes, grid) => floodLayer()?.loadFrames(bytes, grid),
      setTime: (t) => self.flood?.setTime(t),
      hide: () => self.flood?.show(null),
      closedCount: () => floodLayer()?.closedCount() ?? 0,
      closedPieces: () => floodLayer()?.closedEnds() ?? [],
      stormWetCells: () => self.flood?.stormWetCells() ?? 0,
      drawnAt: () => self.flood?.drawnAt() ?? 0,
      gridClass: (g) => { const f = self.inputs.floodGrids; return f ? f[g] ?? -1 : null; },
    },
    compare: {
      shown: () => self.layer<CompareLayer>('compare')?.api.shown() ?? false,
      diffAt: (x, y) => self.layer<CompareLayer>('compare')?.api.diffAt(x, y) ?? NaN,
    },
    cases: {
      drawn: () => self.layer<CasesLayer>('cases')?.api.drawn() ?? [],
      marker: (id) => self.layer<CasesLayer>('cases')?.api.marker(id) ?? null,
    },
    edit: {
      wallCount: () => self.layer<EditLayer>('edit')?.api.wallCount() ?? 0,
      tool: () => { const t = self.layer<EditLayer>('edit')?.api.tool(); return t ? ('list' in t ? `${t.kind}:${t.list}` : t.kind) : 'none'; },
    },
    pronePoints: () => { const p = self.city?.layers.prone; return p ? Array.from({ length: p.count }, (_, i) => ({ x: p.x[i]!, y: p.y[i]! })) : []; },
    measure: { result: () => self.layer<MeasureLayer>('measure')?.api.result() ?? null },
    cameraView: () => self.cameraView(),
    peer: {
      shown: () => !!self.peer,
      runId: () => self.peer?.flood?.run()?.id ?? null,
      time: () => self.peer?.flood?.time() ?? NaN,
      cameraView: () => self.peer?.cameraView() ?? null,
      frameCost: (n) => ({ mainMs: bench(self, n).fullMs, peerMs: self.peer ? bench(self.peer, n).fullMs : NaN }),
    },
  };
  window.__twin = hooks;
  return () => { if (window.__twin === hooks) delete window.__twin; };
}
