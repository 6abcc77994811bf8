import * as THREE from 'three';
import { pathLength, profile, ringArea, type ProfileSample } from '../../models/measure';
import type { Point } from '../../models/scenario';
import { PointerTool } from '../core/pointerTool';
import type { FrameInfo, LayerContext, MapHit, PickHit, Selection, TwinLayer } from '../core/types';
import { clearGroup, Dots, drapedPositions, overlayLine } from '../edit/draw';
import type { FloodLayer } from '../flood/floodLayer';

export type MeasureTool = 'off' | 'distance' | 'area' | 'height' | 'profile';

/** What the planner measured (local metres); null fields: not enough points yet. */
export interface MeasureResult {
  tool: MeasureTool;
  points: number;
  /** horizontal length of the path (distance, profile) */
  distanceM: number | null;
  /** area of the ring (area) */
  areaM2: number | null;
  /** the picked point's height above the ground below it (height) */
  heightM: number | null;
  /** ground and water surface along the line (profile): the water of the shown time step */
  profile: ProfileSample[] | null;
}

export interface MeasureApi {
  setTool(t: MeasureTool): void;
  tool(): MeasureTool;
  /** clears the points (the tool stays) */
  clear(): void;
  result(): MeasureResult;
  /** bumps on every change (React re-reads the result) */
  version(): number;
}

const COLOUR = '#facc15';

/**
 * Measures on the map: clicks add points (snapped to what is under the pointer, buildings
 * included, so "height" reads a roof above its ground); distance and profile along a path,
 * area of a ring. The profile's water is the flood layer's depth at the shown time.
 */
export class MeasureLayer implements TwinLayer {
  readonly id = 'measure';
  readonly pickOrder = -90;
  private ctx!: LayerContext;
  private pointer!: PointerTool;
  private toolNow: MeasureTool = 'off';
  private pts: MapHit[] = [];
  private v = 0;
  private readonly group = new THREE.Group();
  private readonly lines = new THREE.Group();
  private readonly dots = new Dots('measure-dots', 5);
  private flood: FloodLayer | null = null;
  readonly api: MeasureApi;

  constructor() {
    this.group.name = 'measure';
    this.group.add(this.lines, this.dots.group);
    this.api = {
      setTool: (t) => { this.toolNow = t; this.pts = []; this.rebuild(); },
      tool: () => this.toolNow,
      clear: () => { this.pts = []; this.rebuild(); },
      result: () => this.result(),
      version: () => this.v,
    };
  }

  attach(ctx: LayerContext) {
    this.ctx = ctx;
    this.flood = ctx.layer<FloodLayer>('flood');
    ctx.root.add(this.group);
    this.pointer = new PointerTool(ctx, { active: () => this.toolNow !== 'off', click: (h) => this.click(h) });
    this.pointer.attach();
  }

  pick(_hit: PickHit): Selection | undefined {
    return this.toolNow !== 'off' ? this.ctx.inputs.selection : undefined;
  }

  private click(h: MapHit) {
    const t = this.toolNow;
    // height: one point at a time; profile: one line of two points (a third click starts anew)
    if (t === 'height' || (t === 'profile' && this.pts.length >= 2)) this.pts = [];
    this.pts = [...this.pts, h];
    this.rebuild();
  }

  private xy(): Point[] {
    return this.pts.map((p) => [p.x, p.y]);
  }

  private result(): MeasureResult {
    const t = this.toolNow, xy = this.xy(), n = xy.length;
    const flood = this.flood?.api;
    const depthAt = flood?.run() ? (x: number, y: number) => flood.depthAt(x, y) : null;
    return {
      tool: t,
      points: n,
      distanceM: (t === 'distance' || t === 'profile') && n >= 2 ? pathLength(xy) : null,
      areaM2: t === 'area' && n >= 3 ? ringArea(xy) : null,
      heightM: t === 'height' && n === 1 ? this.pts[0]!.z - this.ctx.groundZ(xy[0]![0], xy[0]![1]) : null,
      profile: t === 'profile' && n >= 2 ? profile(xy, this.ctx.groundZ, depthAt) : null,
    };
  }

  private rebuild() {
    if (!this.ctx) return;
    this.v++;
    clearGroup(this.lines);
    this.dots.clear();
    const gz = this.ctx.groundZ;
    const xy = this.xy();
    if (xy.length > 1) this.lines.add(overlayLine(drapedPositions(xy, gz, 1.5, this.toolNow === 'area'), COLOUR, 'measure-line'));
    for (const p of this.pts) {
      this.dots.add(p.x, p.y, p.z + 0.5, COLOUR);
      // height: a plumb line from the picked point to the ground
      if (this.toolNow === 'height') this.lines.add(overlayLine(new Float32Array([p.x, p.y, p.z, p.x, p.y, gz(p.x, p.y)]), COLOUR, 'measure-plumb'));
    }
    this.ctx.requestThree();
    this.ctx.emit();
  }

  beforeRender(f: FrameInfo) {
    this.dots.scale(f);
  }

  dispose() {
    this.pointer?.dispose();
    clearGroup(this.lines);
    this.dots.dispose();
    this.group.removeFromParent();
  }
}
