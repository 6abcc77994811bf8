import * as THREE from 'three';
import { FLOOD_DEPTH_CLASSES } from '../../models/floodDepth';
import { ROLLUP_COLUMNS } from '../../models/live';
import type { LayerContext, PickHit, Selection, TwinInputs, TwinLayer } from '../core/types';
import type { WorkerOut } from '../live/protocol';
import { gridAtRaster } from './rasterGrids';
import { fiveColourBytes } from './rollup';

/** Packed sRGB bytes of the flood depth classes (index = class). */
function floodClassBytes(): Uint8Array {
  const out = new Uint8Array(FLOOD_DEPTH_CLASSES.length * 3);
  FLOOD_DEPTH_CLASSES.forEach((c, i) => {
    const v = parseInt(c.color.slice(1), 16);
    out[3 * i] = (v >> 16) & 255; out[3 * i + 1] = (v >> 8) & 255; out[3 * i + 2] = v & 255;
  });
  return out;
}

/**
 * The unit grids: their id raster (draped by the terrain shader, which draws fills and outlines)
 * and one colour per grid in a small texture: the five-colour level from the server's roll-ups,
 * or, while a flood run is shown, the grid's flood depth class (dry grids unfilled). The ground
 * under a click that nothing else claims selects its grid.
 */
export class GridsLayer implements TwinLayer {
  readonly id = 'grids';
  readonly pickOrder = 200;
  private ctx!: LayerContext;
  /** per unit grid, from the server's roll-ups: counts by state then stale, and the five-colour level */
  rollupCounts!: Uint16Array;
  rollupLevels!: Uint8Array;
  private rgba!: Uint8Array;
  /** per grid colours (RGBA, alpha 0: no fill) and the id raster, for the terrain material */
  colors!: THREE.DataTexture;
  colorsWidth = 256;
  idTexture!: THREE.DataTexture;
  private readonly five = fiveColourBytes();
  private readonly flood = floodClassBytes();
  private floodGrids: Int8Array | null = null;

  attach(ctx: LayerContext) {
    this.ctx = ctx;
    const { box, layers, gridRaster } = ctx.city;
    const id = new THREE.DataTexture(gridRaster, box.width, box.height, THREE.RGBAFormat);
    id.magFilter = THREE.NearestFilter;
    id.minFilter = THREE.NearestFilter;
    id.needsUpdate = true;
    this.idTexture = id;
    const G = layers.grids.count;
    const cw = this.colorsWidth, ch = Math.max(1, Math.ceil(G / cw));
    this.rgba = new Uint8Array(cw * ch * 4);
    this.colors = new THREE.DataTexture(this.rgba, cw, ch, THREE.RGBAFormat);
    this.colors.colorSpace = THREE.SRGBColorSpace;
    this.colors.magFilter = THREE.NearestFilter;
    this.colors.minFilter = THREE.NearestFilter;
    this.rollupCounts = new Uint16Array(G * ROLLUP_COLUMNS);
    this.rollupLevels = new Uint8Array(G);
    for (let g = 0; g < G; g++) this.paint(g);
    this.colors.needsUpdate = true;
  }

  update(changed: Partial<TwinInputs>) {
    if (changed.floodGrids === undefined) return;
    this.floodGrids = changed.floodGrids;
    for (let g = 0; g < this.rollupLevels.length; g++) this.paint(g);
    this.colors.needsUpdate = true;
    this.ctx.requestThree();
  }

  /** Grid g's colour: its flood class while a run is shown, else its five-colour level. */
  private paint(g: number) {
    const rgba = this.rgba, f = this.floodGrids;
    if (f) {
      const k = f[g] ?? -1;
      if (k < 0) { rgba[4 * g + 3] = 0; return; }
      rgba[4 * g] = this.flood[3 * k]!; rgba[4 * g + 1] = this.flood[3 * k + 1]!; rgba[4 * g + 2] = this.flood[3 * k + 2]!;
      rgba[4 * g + 3] = 255;
      return;
    }
    const lv = this.rollupLevels[g]!, five = this.five;
    rgba[4 * g] = five[3 * lv]!; rgba[4 * g + 1] = five[3 * lv + 1]!; rgba[4 * g + 2] = five[3 * lv + 2]!;
    rgba[4 * g + 3] = 255;
  }

  /** Roll-ups from the live stream: counts copied by hand (a subarray per grid was thousands of objects). */
  live(m: Extract<WorkerOut, { type: 'changes' }>): boolean {
    const counts = this.rollupCounts, levels = this.rollupLevels, sel = this.ctx.inputs.selection;
    let painted = false;
    const mc = m.counts, C = ROLLUP_COLUMNS;
    for (let k = 0; k < m.grids.length; k++) {
      const g = m.grids[k]!;
      if (g >= levels.length) continue;
      for (let j = 0; j < C; j++) counts[g * C + j] = mc[k * C + j]!;
      if (levels[g] !== m.levels[k]!) {
        levels[g] = m.levels[k]!;
        if (!this.floodGrids) { this.paint(g); painted = true; }
      }
      if (sel?.kind === 'grid' && sel.index === g) this.ctx.selectionLive();
    }
    if (painted) this.colors.needsUpdate = true;
    return painted;
  }

  /** The ground under the click: the grid of the building hit, else of the ground point. */
  pick(hit: PickHit): Selection | undefined {
    if (!Number.isFinite(hit.t)) return undefined;
    const { layers, box, gridRaster } = this.ctx.city;
    let g = -1;
    if (hit.building >= 0) g = layers.buildings.unitGrid[hit.building] ?? -1;
    if (g < 0 || g >= layers.grids.count) {
      const p = hit.ray.at(hit.t, new THREE.Vector3());
      g = gridAtRaster(box, gridRaster, p.x, p.y);
    }
    return g >= 0 ? { kind: 'grid', index: g } : null;
  }

  level(g: number): number {
    return this.rollupLevels[g] ?? 0;
  }

  counts(g: number): Uint16Array {
    return this.rollupCounts.subarray(g * ROLLUP_COLUMNS, (g + 1) * ROLLUP_COLUMNS);
  }

  dispose() {
    this.colors.dispose();
    this.idTexture.dispose();
  }
}
