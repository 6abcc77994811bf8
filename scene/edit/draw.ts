import * as THREE from 'three';
import type { Point } from '../../models/scenario';
import type { FrameInfo } from '../core/types';

// Drawing helpers the map tools share (scene/edit, scene/measure): lines laid on the ground and
// dots that keep a size in pixels.

/** Positions of a path laid on the ground: each segment sampled every `stepM`, `liftM` above it. */
export function drapedPositions(pts: readonly Point[], groundZ: (x: number, y: number) => number, liftM: number, closed = false, stepM = 10): Float32Array {
  const path = closed && pts.length > 2 ? [...pts, pts[0]!] : pts;
  const out: number[] = [];
  for (let i = 0; i + 1 < path.length; i++) {
    const [ax, ay] = path[i]!, [bx, by] = path[i + 1]!;
    const n = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) / stepM));
    for (let k = 0; k < n; k++) {
      const x = ax + ((bx - ax) * k) / n, y = ay + ((by - ay) * k) / n;
      out.push(x, y, groundZ(x, y) + liftM);
    }
  }
  const last = path[path.length - 1];
  if (last) out.push(last[0], last[1], groundZ(last[0], last[1]) + liftM);
  return new Float32Array(out);
}

/** A line drawn over everything (a tool's lines must not hide behind a building). */
export function overlayLine(positions: Float32Array, color: string, name: string): THREE.Line {
  const g = new THREE.BufferGeometry();
  g.setAttribute('position', new THREE.BufferAttribute(positions, 3));
  const line = new THREE.Line(g, new THREE.LineBasicMaterial({ color, depthTest: false, transparent: true, opacity: 0.95 }));
  line.renderOrder = 20;
  line.frustumCulled = false;
  line.name = name;
  return line;
}

const dotGeometry = new THREE.SphereGeometry(1, 12, 8);

/** Round dots (handles, points) that stay `px` pixels in radius whatever the camera distance. */
export class Dots {
  readonly group = new THREE.Group();
  private readonly materials = new Map<string, THREE.MeshBasicMaterial>();

  constructor(name: string, private readonly px = 6) {
    this.group.name = name;
  }

  private material(color: string) {
    let m = this.materials.get(color);
    if (!m) {
      m = new THREE.MeshBasicMaterial({ color, depthTest: false, transparent: true, opacity: 0.95 });
      this.materials.set(color, m);
    }
    return m;
  }

  add(x: number, y: number, z: number, color: string, userData: Record<string, unknown> = {}): THREE.Mesh {
    const m = new THREE.Mesh(dotGeometry, this.material(color));
    m.position.set(x, y, z);
    m.renderOrder = 21;
    m.frustumCulled = false;
    m.userData = userData;
    this.group.add(m);
    return m;
  }

  clear() {
    this.group.clear();
  }

  /** per frame: the size in pixels at each dot's distance */
  scale(f: FrameInfo) {
    const cam = f.camera.position;
    for (const o of this.group.children) {
      const r = this.px * cam.distanceTo(o.position) * f.mPerPx1;
      o.scale.setScalar(r);
    }
  }

  dispose() {
    this.clear();
    for (const m of this.materials.values()) m.dispose();
  }
}

/** Disposes the geometries and materials under a group (not the group itself), and empties it. */
export function clearGroup(g: THREE.Group) {
  g.traverse((o) => {
    if (o === g) return;
    const m = o as THREE.Mesh;
    m.geometry?.dispose();
    const mat = m.material as THREE.Material | THREE.Material[] | undefined;
    if (Array.isArray(mat)) mat.forEach((x) => x.dispose());
    else mat?.dispose();
  });
  g.clear();
}

/** Screen pixel of a local point, or null behind the camera. */
export function toScreen(camera: THREE.PerspectiveCamera, p: THREE.Vector3, w: number, h: number, tmp: THREE.Vector3): { x: number; y: number } | null {
  tmp.copy(p).project(camera);
  if (tmp.z < -1 || tmp.z > 1) return null;
  return { x: ((tmp.x + 1) / 2) * w, y: ((1 - tmp.y) / 2) * h };
}
