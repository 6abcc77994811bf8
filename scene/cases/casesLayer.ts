import * as THREE from 'three';
import type { FrameInfo, LayerContext, PickHit, Selection, TwinLayer } from '../core/types';
import { clusterCell, clusterMarkers, MARKER_COLOURS, type CaseMarker, type Cluster } from './cluster';

/** Marker fill per time-limit state (the desk's countdown chips use the same three). */
const FILL: Record<(typeof MARKER_COLOURS)[number], string> = { none: '#868e96', green: '#40c057', yellow: '#fab005', red: '#fa5252' };
const MARKER_PX = 22;
const CLUSTER_PX = 34;

/** What a click on the case map found: one case, or a cluster (its members' ids and centre). */
export interface CasePick { ids: string[]; x: number; y: number }

/** What the page drives the case map with (engine.layer<CasesLayer>('cases').api). */
export interface CaseMapApi {
  /** the markers to show (null: none) */
  setCases(markers: readonly CaseMarker[] | null): void;
  /** called when a click lands on a marker or a cluster */
  onPick(fn: ((p: CasePick) => void) | null): void;
  marker(id: string): CaseMarker | null;
  /** clusters drawn now (tests) */
  drawn(): { count: number; worst: string }[];
}

/**
 * The case map: a disc per case coloured by its time-limit state (green, yellow, red; grey
 * without a clock), clustered on a grid whose cell follows the view's scale at the screen's centre (far: one disc with
 * the count and the worst colour). Drawn through buildings at a fixed size in pixels (sprites
 * without size attenuation), so no case hides behind a block. Re-clustered only when the cell
 * size (a power of two) or the cases change.
 */
export class CasesLayer implements TwinLayer {
  readonly id = 'cases';
  readonly pickOrder = -10;
  private ctx!: LayerContext;
  private readonly group = new THREE.Group();
  private markers: readonly CaseMarker[] = [];
  private clusters: Cluster[] = [];
  private sprites: THREE.Sprite[] = [];
  private cell = -1;
  private mPerPx1 = 0;
  private pickFn: ((p: CasePick) => void) | null = null;
  private readonly materials = new Map<string, THREE.SpriteMaterial>();
  private readonly tmp = new THREE.Vector3();

  readonly api: CaseMapApi = {
    setCases: (m) => {
      this.markers = m ?? [];
      this.cell = -1; // re-cluster at the next frame
      this.ctx?.requestRender();
    },
    onPick: (fn) => { this.pickFn = fn; },
    marker: (id) => this.markers.find((m) => m.id === id) ?? null,
    drawn: () => this.clusters.map((c) => ({ count: c.members.length, worst: MARKER_COLOURS[c.worst]! })),
  };

  attach(ctx: LayerContext) {
    this.ctx = ctx;
    this.group.name = 'cases';
    ctx.root.add(this.group);
  }

  beforeRender(f: FrameInfo) {
    const cell = this.markers.length ? clusterCell(this.viewDistance(f.camera), f.mPerPx1) : 0;
    if (cell !== this.cell) this.rebuild(cell);
    if (f.mPerPx1 !== this.mPerPx1) {
      this.mPerPx1 = f.mPerPx1;
      for (let i = 0; i < this.sprites.length; i++) this.scaleSprite(this.sprites[i]!, this.clusters[i]!);
    }
  }

  /**
   * The distance from the camera to the ground at the screen's centre (the view's scale there):
   * along the view direction down to the ground height under the camera; a view near the
   * horizon is capped at 4x the height.
   */
  private viewDistance(cam: THREE.PerspectiveCamera): number {
    const p = cam.position;
    const h = Math.max(1, p.z - this.ctx.groundZ(p.x, p.y));
    const down = -cam.getWorldDirection(this.tmp).z;
    return h / Math.max(0.25, down);
  }

  private scaleSprite(s: THREE.Sprite, c: Cluster) {
    // no size attenuation: three multiplies the scale by the depth, so px x (m per px at 1 m) is px on screen
    const px = c.members.length > 1 ? CLUSTER_PX : MARKER_PX;
    s.scale.set(px * this.mPerPx1, px * this.mPerPx1, 1);
  }

  private rebuild(cell: number) {
    this.cell = cell;
    this.clusters = clusterMarkers(this.markers, cell);
    for (const s of this.sprites) this.group.remove(s);
    this.sprites = this.clusters.map((c) => {
      const s = new THREE.Sprite(this.material(c.worst, c.members.length));
      s.position.set(c.x, c.y, this.ctx.groundZ(c.x, c.y) + 3);
      s.renderOrder = 20;
      s.frustumCulled = false;
      this.scaleSprite(s, c);
      this.group.add(s);
      return s;
    });
  }

  /** One material per colour and count label, drawn once on a small canvas. */
  private material(worst: number, count: number): THREE.SpriteMaterial {
    const label = count > 1 ? (count > 99 ? '99+' : String(count)) : '';
    const key = `${worst}:${label}`;
    let m = this.materials.get(key);
    if (m) return m;
    const size = 64, cv = document.createElement('canvas');
    cv.width = cv.height = size;
    const g = cv.getContext('2d')!;
    g.beginPath();
    g.arc(size / 2, size / 2, size / 2 - 4, 0, Math.PI * 2);
    g.fillStyle = FILL[MARKER_COLOURS[worst]!];
    g.fill();
    g.lineWidth = 5;
    g.strokeStyle = '#ffffff';
    g.stroke();
    if (label) {
      g.fillStyle = worst === 2 ? '#212529' : '#ffffff';
      g.font = `bold ${label.length > 2 ? 22 : 28}px sans-serif`;
      g.textAlign = 'center';
      g.textBaseline = 'middle';
      g.fillText(label, size / 2, size / 2 + 1);
    }
    const tex = new THREE.CanvasTexture(cv);
    tex.colorSpace = THREE.SRGBColorSpace;
    m = new THREE.SpriteMaterial({ map: tex, sizeAttenuation: false, depthTest: false, depthWrite: false, transparent: true });
    this.materials.set(key, m);
    return m;
  }

  /** A click within a disc's radius on screen picks its case or cluster (the nearest one). */
  pick(hit: PickHit): Selection | undefined {
    let best = -1, bestD = Infinity;
    for (let i = 0; i < this.sprites.length; i++) {
      const p = this.tmp.copy(this.sprites[i]!.position).project(hit.camera);
      if (p.z > 1) continue; // behind the camera
      const dx = ((p.x + 1) / 2) * hit.width - hit.px, dy = ((1 - p.y) / 2) * hit.height - hit.py;
      const d = Math.hypot(dx, dy), r = (this.clusters[i]!.members.length > 1 ? CLUSTER_PX : MARKER_PX) / 2 + 3;
      if (d <= r && d < bestD) { best = i; bestD = d; }
    }
    if (best < 0) return undefined;
    const c = this.clusters[best]!;
    this.pickFn?.({ ids: c.members.map((i) => this.markers[i]!.id), x: c.x, y: c.y });
    return { kind: 'point', x: c.x, y: c.y };
  }

  dispose() {
    for (const m of this.materials.values()) { m.map?.dispose(); m.dispose(); }
    this.materials.clear();
    this.group.removeFromParent();
  }
}
