import * as THREE from 'three';
import { decodeDepthFrames, type DepthFrame } from '../../models/depthFrames';
import { FLOOD_DEPTH_CLASSES, FLOOD_DRAW_MIN_M, WATER_AT_START_M } from '../../models/floodDepth';
import type { RunGrid, RunStatus } from '../../models/runs';
import type { FrameInfo, LayerContext, TwinLayer } from '../core/types';
import { gridAtRaster } from '../grids/rasterGrids';
import type { TerrainLayer } from '../terrain/terrainLayer';
import { closedPieces, roadPieces, type RoadPieces } from './closures';
import { fetchFrames, watchFrames, type FrameSink } from './floodSource';
import { floodUniforms, type FloodUniforms } from './floodUniforms';
import { FrameStore } from './frameStore';
import { cellGrids, gridMaxClasses } from './gridDepth';
import { buildRibbons, createRibbonMaterial } from './roadMarks';
import { depthToHalf } from './waterColours';
import { createWaterSurfaceMaterial } from './waterSurfaceMaterial';
import { WetQuads } from './wetQuads';
import { createDepthTexture, PipelineWarmUp } from './pipelines';
import type { FloodApi, FloodRun } from './floodApi';

export type { FloodApi, FloodRun };

/** depth (mm) from which the surface draws a cell, a millimetre under the shader's cut for rounding */
const WET_MM = Math.round(FLOOD_DRAW_MIN_M * 1000) - 1;

const FINAL: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

/**
 * The flood scenario layer: a run's depth frames (fetched or watched), kept decoded; the shown
 * frame as a depth texture the water surface, the components' tint and the grid classes read;
 * closed roads as red marks; one road piece highlighted for the impact list.
 */
export class FloodLayer implements TwinLayer {
  readonly id = 'flood';
  private ctx!: LayerContext;
  private u!: FloodUniforms;
  private surface!: THREE.Mesh;
  private wetQuads: WetQuads | null = null;
  /** the wet quads' triangles, full and coarse (rough frames): each uploaded only when drawn */
  private fineIndex: THREE.BufferAttribute | null = null;
  private coarseIndex: THREE.BufferAttribute | null = null;
  private fineCount = 0;
  private material!: THREE.ShaderMaterial;
  private current: FloodRun | null = null;
  private store: FrameStore | null = null;
  private shown = -1;
  private wantT = NaN;
  private followOn = false;
  private stop: (() => void) | null = null;
  private err: string | null = null;
  private texture: THREE.DataTexture | null = null;
  private half: Uint16Array | null = null;
  private cellGrid: Int32Array | null = null;
  /** cells under water in the run's first frame (river, ponds): not counted as flooding */
  private startWater: Uint8Array | null = null;
  private gridMax: Uint16Array | null = null;
  /** two per-grid class arrays, alternated: the core diffs inputs by identity */
  private gridOut: [Int8Array, Int8Array] | null = null;
  private flip = 0;
  /** a new frame waits to be drawn; when the shown frame was drawn */
  private drawPending = false;
  private drawnAt = 0;
  private pieces: RoadPieces | null = null;
  private closed: Uint8Array | null = null;
  private closedN = 0;
  private marks: { mesh: THREE.Mesh; pieceOfVertex: Uint32Array; on: THREE.BufferAttribute } | null = null;
  private marksMat = createRibbonMaterial(FLOOD_DEPTH_CLASSES[3]!.color, { minPx: 3, lift: 0.3, depthTest: true, opacity: 0.9 });
  private highlight: THREE.Mesh | null = null;
  private highlightMat = createRibbonMaterial('#66e0ff', { minPx: 7, lift: 0.5, depthTest: false, opacity: 0.85 });
  readonly api: FloodApi;

  constructor() {
    const self = this;
    this.api = {
      show: (run) => self.show(run),
      run: () => self.current,
      times: () => self.store?.times() ?? EMPTY,
      latestTime: () => { const t = self.store?.times() ?? EMPTY; return t.length ? t[t.length - 1]! : NaN; },
      setTime: (t) => { self.wantT = t; self.followOn = false; self.showIndex(self.store?.indexAt(t) ?? -1); },
      follow: (on) => { self.followOn = on; if (on && self.store) self.showIndex(self.store.count - 1); self.ctx.emit(); },
      following: () => self.followOn,
      time: () => self.store?.frame(self.shown)?.t ?? NaN,
      depthAt: (x, y) => self.store?.depthAt(self.shown, x, y) ?? NaN,
      seriesAt: (x, y) => self.store?.seriesAt(x, y) ?? { t: [], depthM: [] },
      firstWaterTime: () => self.store?.firstWaterTime(Math.round(FLOOD_DRAW_MIN_M * 1000)) ?? null,
      closedCount: () => self.closedN,
      error: () => self.err,
      stormWetCells: () => self.stormWet(),
      drawnAt: () => self.drawnAt,
    };
  }

  attach(ctx: LayerContext) {
    this.ctx = ctx;
    this.u = floodUniforms(ctx);
    // a depth texture of the run's format from the start (pipelines.ts)
    this.u.uFloodDepth.value ??= createDepthTexture(new Uint16Array(1), 1, 1);
    this.material = createWaterSurfaceMaterial(this.u);
    // the terrain's own vertices (shared buffers): the water is the ground lifted by its depth;
    // its own index holds the wet quads of the shown frame only
    const terrain = ctx.layer<TerrainLayer>('terrain')!.mesh.geometry;
    const geometry = new THREE.BufferGeometry();
    for (const name of ['position', 'normal', 'uv']) geometry.setAttribute(name, terrain.getAttribute(name));
    geometry.setIndex(new THREE.BufferAttribute(new Uint32Array(0), 1));
    geometry.setDrawRange(0, 0);
    this.surface = new THREE.Mesh(geometry, this.material);
    this.surface.name = 'flood';
    this.surface.renderOrder = 6;
    this.surface.frustumCulled = false;
    this.surface.visible = false;
    ctx.root.add(this.surface);
    this.warmUp = new PipelineWarmUp({ root: ctx.root, requestThree: () => ctx.requestThree(), groundZ: ctx.groundZ, water: this.surface, marks: this.marksMat });
  }

  afterRender() {
    if (this.drawPending) { this.drawPending = false; this.drawnAt = performance.now(); }
    this.warmUp?.afterRender();
  }

  private warmUp: PipelineWarmUp | null = null;

  /** Cells at or over FLOOD_DRAW_MIN_M in the shown frame and under it in the first frame. */
  private stormWet(): number {
    const s = this.store, f = s?.frame(this.shown), f0 = s?.frame(0);
    if (!f || !f0) return 0;
    const min = Math.round(FLOOD_DRAW_MIN_M * 1000), a = f.depthMm, b = f0.depthMm;
    let n = 0;
    for (let i = 0; i < a.length; i++) if (a[i]! >= min && b[i]! < min) n++;
    return n;
  }

  beforeRender(f: FrameInfo) {
    this.marksMat.uniforms.uMPerPx1!.value = f.mPerPx1;
    this.highlightMat.uniforms.uMPerPx1!.value = f.mPerPx1;
    // rough frames draw the water over the terrain's coarse mesh (terrainLayer), on its vertices
    const geo = this.surface.geometry, index = f.rough ? this.coarseIndex : this.fineIndex;
    if (!index) return;
    if (geo.index !== index) geo.setIndex(index);
    geo.setDrawRange(0, f.rough ? this.wetQuads!.coarseCount : this.fineCount);
  }

  private show(run: FloodRun | null) {
    const prev = this.current;
    if (run && prev && run.id === prev.id) {
      // the same run, a new status: once it is final, the stored file fills any frame the socket missed
      this.current = run;
      if (FINAL.includes(run.status) && !FINAL.includes(prev.status)) {
        this.stop?.();
        this.load(run, false);
      }
      return;
    }
    this.stop?.();
    this.stop = null;
    this.current = run;
    this.err = null;
    this.shown = -1;
    this.wantT = NaN;
    if (!run) {
      this.store = null;
      this.u.uFloodOn.value = 0;
      this.surface.visible = false;
      if (this.marks) this.marks.mesh.visible = false;
      this.closedN = 0;
      this.ctx.setInputs({ floodGrids: null });
      this.ctx.requestThree();
      return;
    }
    this.setGrid(run.grid);
    this.followOn = !FINAL.includes(run.status);
    this.load(run, this.followOn);
    this.ctx.emit();
  }

  private load(run: FloodRun, live: boolean) {
    const sink: FrameSink = {
      frames: (list) => { if (this.current?.id === run.id) this.addFrames(list); },
      live: (f) => {
        if (this.current?.id !== run.id || !this.store?.setLive(f)) return;
        if (!this.pendingShow) this.pendingShow = requestAnimationFrame(this.showAfterFrames);
        this.ctx.emit();
      },
      error: (message) => { if (this.current?.id === run.id) { this.err = message; this.ctx.emit(); } },
    };
    if (live) {
      this.stop = watchFrames(run.id, sink);
    } else {
      const ac = new AbortController();
      this.stop = () => ac.abort();
      void fetchFrames(run.id, sink, ac.signal);
    }
  }

  /** Test and bench entry: frames from bytes (models/depthFrames.ts) on a grid, as for a finished run. */
  loadFrames(bytes: Uint8Array, grid: RunGrid) {
    const frames = decodeDepthFrames(bytes);
    const last = frames[frames.length - 1];
    this.show(null);
    this.current = { id: 'local', grid, outputInterval: frames.length > 1 ? frames[1]!.t - frames[0]!.t : 1, duration: last?.t ?? 0, status: 'succeeded' };
    this.setGrid(grid);
    this.followOn = false;
    this.addFrames(frames);
  }

  /** Per run grid: the depth texture, the cell-to-unit-grid map, the road pieces and their marks. */
  private setGrid(g: RunGrid) {
    this.store = new FrameStore(g);
    const n = g.cols * g.rows;
    const tex = this.texture;
    if (!tex || tex.image.width !== g.cols || tex.image.height !== g.rows) {
      tex?.dispose();
      this.half = new Uint16Array(n);
      this.texture = createDepthTexture(this.half, g.cols, g.rows);
    }
    this.u.uFloodDepth.value = this.texture;
    const geo = this.surface.geometry;
    if (!this.wetQuads?.fits(g)) {
      this.wetQuads = new WetQuads(this.ctx.city.height, g);
      this.fineIndex = new THREE.BufferAttribute(this.wetQuads.index, 1).setUsage(THREE.DynamicDrawUsage);
      this.coarseIndex = new THREE.BufferAttribute(this.wetQuads.coarse, 1).setUsage(THREE.DynamicDrawUsage);
      geo.setIndex(this.fineIndex);
    }
    geo.setDrawRange(0, 0);
    this.fineCount = 0;
    this.wetQuads.coarseCount = 0;
    this.u.uFloodXform.value.set(g.xll, g.yll + g.rows * g.cellSize, 1 / (g.cols * g.cellSize), 1 / (g.rows * g.cellSize));
    const { box, gridRaster, layers } = this.ctx.city;
    this.cellGrid = cellGrids(g, (x, y) => gridAtRaster(box, gridRaster, x, y));
    this.startWater = null;
    const G = layers.grids.count;
    this.gridMax = new Uint16Array(G);
    this.gridOut = [new Int8Array(G), new Int8Array(G)];
    this.pieces = roadPieces(layers.roads, g);
    this.closed = new Uint8Array(this.pieces.count);
    if (this.marks) {
      this.marks.mesh.removeFromParent();
      this.marks.mesh.geometry.dispose();
    }
    const r = buildRibbons(this.pieces.ends, this.pieces.width, this.pieces.count, this.ctx.groundZ);
    const mesh = new THREE.Mesh(r.geometry, this.marksMat);
    mesh.name = 'flood:closed';
    mesh.renderOrder = 7;
    mesh.frustumCulled = false;
    mesh.visible = false;
    this.ctx.root.add(mesh);
    this.marks = { mesh, pieceOfVertex: r.pieceOfVertex, on: r.on };
  }

  private addFrames(list: DepthFrame[]) {
    const s = this.store;
    if (!s) return;
    let added = false;
    for (const f of list) {
      if (s.add(f)) added = true;
      else this.err = `frame ${f.seq}: ${f.cols} x ${f.rows} cells, the run grid is ${s.grid.cols} x ${s.grid.rows}`;
    }
    if (!added) { this.ctx.emit(); return; }
    // a burst of frames (a late viewer gets every stored frame, one message each) is shown once,
    // on the next animation frame: one upload, not one per message
    if (!this.pendingShow) this.pendingShow = requestAnimationFrame(this.showAfterFrames);
    this.ctx.emit();
  }

  private pendingShow = 0;
  private showAfterFrames = () => {
    this.pendingShow = 0;
    const s = this.store;
    if (!s) return;
    if (this.followOn || (this.shown < 0 && Number.isNaN(this.wantT))) this.showIndex(s.count - 1, true);
    else this.showIndex(s.indexAt(Number.isNaN(this.wantT) ? Infinity : this.wantT), true);
  };

  /** Shows frame i: one texture upload, the closure bytes, the grid classes. */
  private showIndex(i: number, force = false) {
    const s = this.store, f = s?.frame(i);
    if (!s || !f || (i === this.shown && !force)) return;
    this.shown = i;
    depthToHalf(f.depthMm, this.half!);
    this.texture!.needsUpdate = true;
    if (this.wetQuads) {
      this.fineCount = this.wetQuads.update(f.depthMm, WET_MM);
      for (const [index, n] of [[this.fineIndex!, this.fineCount], [this.coarseIndex!, this.wetQuads.coarseCount]] as const) {
        index.clearUpdateRanges();
        index.addUpdateRange(0, n);
        index.needsUpdate = true;
      }
    }
    this.drawPending = true;
    this.u.uFloodOn.value = 1;
    this.surface.visible = true;
    this.noteStartWater();
    if (this.pieces && this.closed && this.marks) {
      this.closedN = closedPieces(this.pieces, f.depthMm, this.closed, undefined, this.startWater);
      const on = this.marks.on.array as Uint8Array, pv = this.marks.pieceOfVertex;
      for (let v = 0; v < pv.length; v++) on[v] = this.closed[pv[v]!]!;
      this.marks.on.needsUpdate = true;
      this.marks.mesh.visible = this.closedN > 0;
    }
    if (this.cellGrid && this.gridMax && this.gridOut) {
      this.flip ^= 1;
      const out = gridMaxClasses(f.depthMm, this.cellGrid, this.gridMax, this.gridOut[this.flip]!);
      this.ctx.setInputs({ floodGrids: out });
    }
    this.ctx.requestThree();
    this.ctx.emit();
  }

  /** Once the run's t = 0 frame is here: its wet cells leave the closed roads and the grid classes. */
  private noteStartWater() {
    const f0 = this.store?.frame(0);
    if (this.startWater || !f0 || f0.t !== 0 || !this.cellGrid) return;
    const min = Math.round(WATER_AT_START_M * 1000), d = f0.depthMm;
    this.startWater = new Uint8Array(d.length);
    for (let i = 0; i < d.length; i++) {
      if (d[i]! < min) continue;
      this.startWater[i] = 1;
      this.cellGrid[i] = -1;
    }
  }

  closedCount(): number {
    return this.closedN;
  }

  /** The closed pieces' ends at the shown time (tests). */
  closedEnds(): [number, number, number, number][] {
    const p = this.pieces, c = this.closed, out: [number, number, number, number][] = [];
    if (!p || !c) return out;
    for (let k = 0; k < p.count; k++) if (c[k]) out.push([p.ends[4 * k]!, p.ends[4 * k + 1]!, p.ends[4 * k + 2]!, p.ends[4 * k + 3]!]);
    return out;
  }

  /** Outlines one road piece (from -> to, local metres) drawn through everything; null removes it. */
  highlightSegment(from: [number, number] | null, to: [number, number] | null) {
    if (this.highlight) {
      this.highlight.removeFromParent();
      this.highlight.geometry.dispose();
      this.highlight = null;
    }
    if (from) {
      const b = to ?? from;
      const r = buildRibbons(Float32Array.of(from[0], from[1], b[0], b[1] === from[1] && b[0] === from[0] ? b[1] + 0.01 : b[1]), Float32Array.of(10), 1, this.ctx.groundZ);
      (r.on.array as Uint8Array).fill(1);
      this.highlight = new THREE.Mesh(r.geometry, this.highlightMat);
      this.highlight.name = 'flood:highlight';
      this.highlight.renderOrder = 11;
      this.highlight.frustumCulled = false;
      this.ctx.root.add(this.highlight);
    }
    this.ctx.requestThree();
  }

  debugHide(part: string, hidden: boolean) {
    if (part === 'flood') this.surface.visible = !hidden && this.shown >= 0;
  }

  dispose() {
    cancelAnimationFrame(this.pendingShow);
    this.stop?.();
    this.texture?.dispose();
    this.surface.geometry.dispose();
    this.marksMat.dispose();
    this.highlightMat.dispose();
  }
}

const EMPTY: number[] = [];
