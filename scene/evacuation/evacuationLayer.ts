import * as THREE from 'three';
import type { LayerContext, TwinLayer } from '../core/types';

/** A grid to mark: its index and colour (models/warnings.ts: red = evacuate now, yellow = get ready). */
export interface EvacuationMark { index: number; colour: 'red' | 'yellow' }

export interface EvacuationApi {
  /** the grids to mark now (an empty list clears them) */
  set(marks: readonly EvacuationMark[]): void;
  /** grids drawn now, by colour (tests) */
  drawn(): { red: number; yellow: number };
}

/** wall height above the ground (m): red stands well above the block roofs of a grid, yellow lower */
const HEIGHT = { red: 40, yellow: 15 } as const;
const COLOUR = { red: '#ff1f1f', yellow: '#ffb300' } as const;

/**
 * Evacuation colours over the five-colour grids: each red (or yellow) unit grid gets a glowing
 * curtain standing on its outline and a bright line on top, so it reads at any angle and over any
 * fill the grids layer draws. One mesh and one line set per colour, rebuilt only when the marks change.
 */
export class EvacuationLayer implements TwinLayer {
  readonly id = 'evacuation';
  private ctx!: LayerContext;
  private readonly group = new THREE.Group();
  private readonly walls = {
    red: new THREE.MeshBasicMaterial({ color: COLOUR.red, transparent: true, opacity: 0.55, side: THREE.DoubleSide, depthWrite: false }),
    yellow: new THREE.MeshBasicMaterial({ color: COLOUR.yellow, transparent: true, opacity: 0.3, side: THREE.DoubleSide, depthWrite: false }),
  };
  private readonly lines = { red: new THREE.LineBasicMaterial({ color: COLOUR.red }), yellow: new THREE.LineBasicMaterial({ color: COLOUR.yellow }) };
  private count = { red: 0, yellow: 0 };

  readonly api: EvacuationApi = {
    set: (marks) => this.rebuild(marks),
    drawn: () => ({ ...this.count }),
  };

  attach(ctx: LayerContext) {
    this.ctx = ctx;
    this.group.name = 'evacuation';
    ctx.root.add(this.group);
  }

  private rebuild(marks: readonly EvacuationMark[]) {
    if (!this.ctx) return;
    for (const o of [...this.group.children]) {
      this.group.remove(o);
      (o as THREE.Mesh).geometry.dispose();
    }
    const grids = this.ctx.city.layers.grids;
    this.count = { red: 0, yellow: 0 };
    for (const colour of ['yellow', 'red'] as const) {
      const wall: number[] = [], top: number[] = [];
      for (const m of marks) {
        if (m.colour !== colour || m.index >= grids.count) continue;
        this.count[colour]++;
        const a = grids.start[m.index]!, b = grids.start[m.index + 1]!;
        for (let k = a; k < b; k++) {
          const n = k + 1 < b ? k + 1 : a;
          const x0 = grids.xy[2 * k]!, y0 = grids.xy[2 * k + 1]!, x1 = grids.xy[2 * n]!, y1 = grids.xy[2 * n + 1]!;
          const z0 = this.ctx.groundZ(x0, y0), z1 = this.ctx.groundZ(x1, y1), h = HEIGHT[colour];
          wall.push(x0, y0, z0, x1, y1, z1, x1, y1, z1 + h, x0, y0, z0, x1, y1, z1 + h, x0, y0, z0 + h);
          top.push(x0, y0, z0 + h, x1, y1, z1 + h, x0, y0, z0 + 0.5, x1, y1, z1 + 0.5);
        }
      }
      if (!wall.length) continue;
      const wg = new THREE.BufferGeometry();
      wg.setAttribute('position', new THREE.Float32BufferAttribute(wall, 3));
      const mesh = new THREE.Mesh(wg, this.walls[colour]);
      mesh.name = `evacuation-${colour}`;
      mesh.renderOrder = 5;
      const lg = new THREE.BufferGeometry();
      lg.setAttribute('position', new THREE.Float32BufferAttribute(top, 3));
      const line = new THREE.LineSegments(lg, this.lines[colour]);
      line.renderOrder = 6;
      this.group.add(mesh, line);
    }
    this.ctx.requestRender();
  }

  dispose() {
    for (const o of this.group.children) (o as THREE.Mesh).geometry.dispose();
    for (const m of [...Object.values(this.walls), ...Object.values(this.lines)]) m.dispose();
  }
}
