import * as THREE from 'three';
import { listOf, minVertices, moveTo, verticesOf, wallSamples, type EditList, type EditRef } from '../../models/mapEdit';
import type { Point } from '../../models/scenario';
import { PointerTool } from '../core/pointerTool';
import type { FrameInfo, LayerContext, MapHit, PickHit, Selection, TwinLayer } from '../core/types';
import { clearGroup, Dots, drapedPositions, overlayLine, toScreen } from './draw';

type Doc = Record<string, unknown>;

/** The planner's tool: off, dragging what is there, placing a point item, or drawing a line/polygon. */
export type EditTool = { kind: 'off' } | { kind: 'move' } | { kind: 'place' | 'draw'; list: EditList };

/** What the layer tells the app: a drag ended, or a new item was placed or drawn. */
export type EditEvent = { type: 'move'; ref: EditRef; to: Point } | { type: 'add'; list: EditList; pts: Point[] };

export interface EditApi {
  /** the scenario document whose items are drawn (null: none) */
  setScenario(doc: Doc | null): void;
  setTool(tool: EditTool): void;
  tool(): EditTool;
  /** the app's handler of finished edits */
  onEdit(fn: ((e: EditEvent) => void) | null): void;
  /** vertices of the line/polygon being drawn */
  drawing(): Point[];
  /** ends the line/polygon being drawn (an item when it has enough vertices) */
  finish(): void;
  cancel(): void;
  /** canvas pixel of an item's handle (tests drive drags with it), or null */
  handlePixel(ref: EditRef): { x: number; y: number } | null;
  /** barrier walls drawn */
  wallCount(): number;
}

const COLOURS: Record<EditList, string> = {
  pumps: '#3aa0ff', inflows: '#34d399', probes: '#fbbf24', barriers: '#f59e0b', roughness: '#22c55e', drainage: '#c084fc',
};
const POINT_LISTS = ['pumps', 'inflows', 'probes'] as const;
const SHAPE_LISTS = ['barriers', 'roughness', 'drainage'] as const;
const HANDLE_PX = 10;
/** the pin of a point item, in pixels */
const PIN_PX = 7;

/**
 * The scenario's facilities on the map and the planner's editing of them: pumps, inflows and
 * probes as dots, barriers as walls up to their crest, roughness and drainage zones as outlines.
 * With a tool on, every vertex and point is a handle to drag (snapped to the ground); a click
 * places a point item or adds a vertex to the line being drawn (a double click ends it). Edits
 * go to the app as events: the layer never changes the stored scenario itself.
 */
export class EditLayer implements TwinLayer {
  readonly id = 'edit';
  readonly pickOrder = -100;
  private ctx!: LayerContext;
  private pointer!: PointerTool;
  private doc: Doc | null = null;
  private toolNow: EditTool = { kind: 'off' };
  private handler: ((e: EditEvent) => void) | null = null;
  private draft: Point[] = [];
  private hoverPt: Point | null = null;
  private readonly group = new THREE.Group();
  private readonly shapes = new THREE.Group();
  private readonly dots = new Dots('edit-dots', PIN_PX);
  private readonly handles = new Dots('edit-handles', 5);
  private walls = 0;
  private readonly tmp = new THREE.Vector3();
  readonly api: EditApi;

  constructor() {
    this.group.name = 'edit';
    this.group.add(this.shapes, this.dots.group, this.handles.group);
    const self = this;
    this.api = {
      setScenario: (doc) => { if (doc !== self.doc) { self.doc = doc; self.rebuild(); } },
      setTool: (t) => { self.toolNow = t; self.draft = []; self.hoverPt = null; self.rebuild(); },
      tool: () => self.toolNow,
      onEdit: (fn) => { self.handler = fn; },
      drawing: () => self.draft,
      finish: () => self.finishDraft(),
      cancel: () => { self.draft = []; self.hoverPt = null; self.rebuild(); },
      handlePixel: (ref) => self.handlePixel(ref),
      wallCount: () => self.walls,
    };
  }

  attach(ctx: LayerContext) {
    this.ctx = ctx;
    ctx.root.add(this.group);
    this.pointer = new PointerTool(ctx, {
      active: () => this.toolNow.kind !== 'off',
      handleAt: (px, py) => (this.toolNow.kind === 'move' ? this.handleAt(px, py) : null),
      dragMove: (h, hit) => {
        // the drag is drawn at once; the app gets the move when the button is released
        if (this.doc) this.doc = moveTo(this.doc, h as EditRef, [hit.x, hit.y]);
        this.rebuild();
      },
      dragEnd: (h, hit) => {
        const ref = h as EditRef;
        const item = this.doc ? listOf(this.doc, ref.list)[ref.index] : undefined;
        const pts = item ? verticesOf(ref.list, item) : [];
        const to = hit ? ([hit.x, hit.y] as Point) : pts[ref.vertex ?? 0];
        if (to) this.handler?.({ type: 'move', ref, to });
      },
      click: (hit) => this.click(hit),
      hover: (hit) => {
        if (this.toolNow.kind !== 'draw' || this.draft.length === 0) return;
        this.hoverPt = hit ? [hit.x, hit.y] : null;
        this.rebuild();
      },
      finish: () => this.finishDraft(),
    });
    this.pointer.attach();
  }

  /** while a tool is on, a click on the map is the tool's, not the inspector's */
  pick(_hit: PickHit): Selection | undefined {
    return this.toolNow.kind !== 'off' ? this.ctx.inputs.selection : undefined;
  }

  private click(hit: MapHit) {
    const t = this.toolNow;
    // snapped to the terrain: a point on a roof stands on the ground below it
    const p: Point = [hit.x, hit.y];
    if (t.kind === 'place') { this.handler?.({ type: 'add', list: t.list, pts: [p] }); return; }
    if (t.kind !== 'draw') return;
    const last = this.draft[this.draft.length - 1];
    // the two clicks of a double click add one vertex
    if (last && Math.hypot(last[0] - p[0], last[1] - p[1]) < 1) return;
    this.draft = [...this.draft, p];
    // the rubber band starts again from the new vertex (a hover may be older than the click)
    this.hoverPt = null;
    this.rebuild();
  }

  private finishDraft() {
    const t = this.toolNow;
    if (t.kind !== 'draw') return;
    const pts = this.draft;
    this.draft = [];
    this.hoverPt = null;
    if (pts.length >= minVertices(t.list)) this.handler?.({ type: 'add', list: t.list, pts });
    this.rebuild();
  }

  /** every handle: point items, and each vertex of lines and polygons */
  private *refs(): Generator<[EditRef, Point]> {
    if (!this.doc) return;
    for (const list of [...POINT_LISTS, ...SHAPE_LISTS]) {
      const items = listOf(this.doc, list);
      for (let i = 0; i < items.length; i++) {
        const pts = verticesOf(list, items[i]!);
        if (POINT_LISTS.includes(list as (typeof POINT_LISTS)[number])) { if (pts[0]) yield [{ list, index: i }, pts[0]]; continue; }
        for (let v = 0; v < pts.length; v++) yield [{ list, index: i, vertex: v }, pts[v]!];
      }
    }
  }

  private pixelOf(p: Point): { x: number; y: number } | null {
    const cam = this.ctx.camera();
    const el = this.ctx.pointerTarget();
    if (!cam) return null;
    this.tmp.set(p[0], p[1], this.ctx.groundZ(p[0], p[1]));
    const q = new THREE.Vector3().copy(this.tmp);
    return toScreen(cam, q, el.clientWidth || 1, el.clientHeight || 1, this.tmp);
  }

  private handleAt(px: number, py: number): EditRef | null {
    let best: EditRef | null = null, bestD = HANDLE_PX;
    for (const [ref, p] of this.refs()) {
      const s = this.pixelOf(p);
      if (!s) continue;
      const d = Math.hypot(s.x - px, s.y - py);
      if (d <= bestD) { bestD = d; best = ref; }
    }
    return best;
  }

  private handlePixel(ref: EditRef): { x: number; y: number } | null {
    for (const [r, p] of this.refs()) if (r.list === ref.list && r.index === ref.index && (r.vertex ?? -1) === (ref.vertex ?? -1)) return this.pixelOf(p);
    return null;
  }

  private rebuild() {
    if (!this.ctx) return;
    clearGroup(this.shapes);
    this.dots.clear();
    this.handles.clear();
    this.walls = 0;
    const gz = this.ctx.groundZ;
    const doc = this.doc;
    if (doc) {
      for (const list of POINT_LISTS) for (const it of listOf(doc, list)) {
        const p = verticesOf(list, it)[0];
        if (p) this.dots.add(p[0], p[1], gz(p[0], p[1]) + 1, COLOURS[list]);
      }
      for (const b of listOf(doc, 'barriers')) {
        const line = verticesOf('barriers', b);
        if (line.length < 2) continue;
        this.shapes.add(this.wall(line, b as { height?: number; crestElevation?: number }));
        this.walls++;
      }
      for (const list of ['roughness', 'drainage'] as const) for (const z of listOf(doc, list)) {
        const ring = verticesOf(list, z);
        if (ring.length >= 3) this.shapes.add(overlayLine(drapedPositions(ring, gz, 1, true), COLOURS[list], `zone-${list}`));
      }
    }
    if (this.toolNow.kind === 'move') for (const [, p] of this.refs()) this.handles.add(p[0], p[1], gz(p[0], p[1]) + 1, '#ffffff');
    if (this.toolNow.kind === 'draw' && this.draft.length) {
      const pts = this.hoverPt ? [...this.draft, this.hoverPt] : this.draft;
      const closed = this.toolNow.list !== 'barriers';
      if (pts.length > 1) this.shapes.add(overlayLine(drapedPositions(pts, gz, 1, closed), COLOURS[this.toolNow.list], 'edit-draft'));
      for (const p of this.draft) this.handles.add(p[0], p[1], gz(p[0], p[1]) + 1, COLOURS[this.toolNow.list]);
    }
    this.ctx.requestThree();
    this.ctx.emit();
  }

  /** A barrier as a wall from the ground up to its crest, with its crest line drawn over everything. */
  private wall(line: Point[], crest: { height?: number; crestElevation?: number }): THREE.Group {
    const s = wallSamples(line, crest, this.ctx.groundZ, 5);
    const pos = new Float32Array(s.length * 6);
    s.forEach((w, i) => { pos.set([w.x, w.y, Math.min(w.ground, w.crest), w.x, w.y, w.crest], i * 6); });
    const idx: number[] = [];
    for (let i = 0; i + 1 < s.length; i++) { const a = 2 * i; idx.push(a, a + 2, a + 1, a + 1, a + 2, a + 3); }
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(pos, 3));
    g.setIndex(idx);
    const mesh = new THREE.Mesh(g, new THREE.MeshBasicMaterial({ color: COLOURS.barriers, transparent: true, opacity: 0.8, side: THREE.DoubleSide }));
    mesh.name = 'barrier-wall';
    const top = new Float32Array(s.length * 3);
    s.forEach((w, i) => top.set([w.x, w.y, w.crest], i * 3));
    const out = new THREE.Group();
    out.add(mesh, overlayLine(top, '#fde68a', 'barrier-crest'));
    return out;
  }

  beforeRender(f: FrameInfo) {
    this.dots.scale(f);
    this.handles.scale(f);
  }

  dispose() {
    this.pointer?.dispose();
    clearGroup(this.shapes);
    this.dots.dispose();
    this.handles.dispose();
    this.group.removeFromParent();
  }
}
