import * as THREE from 'three';
import type { BuildingsLayer } from '../buildings/buildingsLayer';
import type { PreparedCity } from '../data/prepare';
import { rayHeightField } from '../terrain/heightField';
import type { MapHit, PickHit, Selection, TwinLayer } from './types';

const tmpD = new THREE.Vector3();

/**
 * Rays from the camera against what is opaque (buildings, then the height field), and the
 * click dispatch: the layers that pick are asked in pickOrder; the first answer wins.
 */
export class Picking {
  constructor(
    private readonly city: PreparedCity,
    private readonly buildings: BuildingsLayer | null,
    private readonly camera: () => THREE.PerspectiveCamera,
    private readonly canvas: () => HTMLCanvasElement,
  ) {}

  size() {
    const el = this.canvas();
    return { w: el.clientWidth || 1, h: el.clientHeight || 1, rect: el.getBoundingClientRect() };
  }

  rayFromPixel(x: number, y: number): THREE.Ray {
    const cam = this.camera();
    const { w, h } = this.size();
    const ndcX = (x / w) * 2 - 1, ndcY = -(y / h) * 2 + 1;
    const o = cam.position.clone();
    const d = new THREE.Vector3(ndcX, ndcY, 0.5).unproject(cam).sub(o).normalize();
    return new THREE.Ray(o, d);
  }

  /** Distance to the first opaque thing (building or terrain) along a unit ray, or Infinity. */
  obstacle(o: THREE.Vector3, d: THREE.Vector3, maxT: number): { t: number; building: number } {
    let t = Infinity, building = -1;
    const b = this.buildings?.raycast(o, d, maxT);
    if (b) { t = b.t; building = b.building; }
    const g = this.city.height;
    const tt = rayHeightField(g, o.x, o.y, o.z, d.x, d.y, d.z, Math.min(maxT, t));
    if (tt >= 0 && tt < t) { t = tt; building = -1; }
    return { t, building };
  }

  occluded = (p: THREE.Vector3): boolean => this.lineBlocked(this.camera().position, p);

  lineBlocked(a: THREE.Vector3, b: THREE.Vector3): boolean {
    const d = tmpD.copy(b).sub(a);
    const dist = d.length();
    d.divideScalar(dist);
    return this.obstacle(a, d, dist).t < dist - 0.35;
  }

  /** The first opaque point under canvas pixel (x, y), or null (the sky). */
  hit(x: number, y: number): MapHit | null {
    const ray = this.rayFromPixel(x, y);
    const o = this.obstacle(ray.origin, ray.direction, 1e6);
    if (!Number.isFinite(o.t)) return null;
    const p = ray.at(o.t, new THREE.Vector3());
    return { x: p.x, y: p.y, z: p.z, building: o.building };
  }

  /** The selection for a click at canvas pixel (x, y), and the ground point under it (or null). */
  pick(x: number, y: number, layers: readonly TwinLayer[]): { sel: Selection; point: { x: number; y: number } | null } {
    const ray = this.rayFromPixel(x, y);
    const obst = this.obstacle(ray.origin, ray.direction, 1e6);
    const { w, h } = this.size();
    const hit: PickHit = { ray, t: obst.t, building: obst.building, px: x, py: y, width: w, height: h, camera: this.camera(), occluded: this.occluded };
    const p = Number.isFinite(obst.t) ? ray.at(obst.t, new THREE.Vector3()) : null;
    const point = p ? { x: p.x, y: p.y } : null;
    const order = layers.filter((l) => l.pick).sort((a, b) => (a.pickOrder ?? 100) - (b.pickOrder ?? 100));
    for (const l of order) {
      const sel = l.pick!(hit);
      if (sel !== undefined) return { sel, point };
    }
    return { sel: null, point };
  }
}
