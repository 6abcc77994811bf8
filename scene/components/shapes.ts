import * as THREE from 'three';
import { mergeGeometries } from 'three/examples/jsm/utils/BufferGeometryUtils.js';
import type { ComponentShape } from '../../models/components';

// Small recognisable 3D objects per component class, built by merging low-poly primitives.
// Local frame: x = the component's heading (towards the road), y = left of it, z = up, origin on
// the ground. Each vertex carries a base colour (aBase) and a mask (aMask): 1 where the live
// state colour shows (lamp head, crown, lid...), 0 for neutral parts (poles, trunks).

type Part = { g: THREE.BufferGeometry; color: string; mask: number };

const GREY = '#9aa3ad', DARK = '#3b4148', STEEL = '#c3cad2', BARK = '#7a5a3c', GLASS = '#8fb3c9';

function part(g: THREE.BufferGeometry, color: string, mask: number, x = 0, y = 0, z = 0, rotZ = 0): Part {
  if (rotZ) g.rotateZ(rotZ);
  g.translate(x, y, z);
  return { g, color, mask };
}
/** box with its base at z */
const box = (sx: number, sy: number, sz: number) => new THREE.BoxGeometry(sx, sy, sz).translate(0, 0, sz / 2);
/** upright cylinder with its base at z = 0 */
const cyl = (r0: number, r1: number, h: number, seg = 8) => new THREE.CylinderGeometry(r1, r0, h, seg).rotateX(Math.PI / 2).translate(0, 0, h / 2);
const ball = (r: number) => new THREE.IcosahedronGeometry(r, 0);

function build(parts: Part[]): THREE.BufferGeometry {
  const c = new THREE.Color();
  const geoms = parts.map(({ g, color, mask }) => {
    const ng = g.index ? g.toNonIndexed() : g;
    ng.deleteAttribute('uv');
    const n = ng.getAttribute('position').count;
    const base = new Float32Array(n * 3);
    c.set(color); // linear working space
    for (let i = 0; i < n; i++) { base[3 * i] = c.r; base[3 * i + 1] = c.g; base[3 * i + 2] = c.b; }
    ng.setAttribute('aBase', new THREE.BufferAttribute(base, 3));
    ng.setAttribute('aMask', new THREE.BufferAttribute(new Float32Array(n).fill(mask), 1));
    return ng;
  });
  const merged = mergeGeometries(geoms, false)!;
  merged.computeBoundingBox();
  merged.computeBoundingSphere();
  return merged;
}

const SHAPES: Record<ComponentShape | 'prone', () => Part[]> = {
  cover: () => [part(cyl(0.42, 0.42, 0.05, 12), DARK, 0), part(cyl(0.34, 0.34, 0.09, 12), GREY, 1)],
  grate: () => [
    part(box(0.9, 0.5, 0.08), GREY, 1),
    ...[-0.3, -0.1, 0.1, 0.3].map((y) => part(box(0.8, 0.06, 0.1), DARK, 0, 0, y * 1.4 * 0.5)),
  ],
  hydrant: () => [
    part(cyl(0.2, 0.2, 0.1), DARK, 0),
    part(cyl(0.15, 0.14, 0.7), GREY, 1),
    part(ball(0.16), GREY, 1, 0, 0, 0.72),
    part(new THREE.CylinderGeometry(0.06, 0.06, 0.5, 6), STEEL, 0, 0, 0, 0.45),
  ],
  light: () => [
    part(cyl(0.14, 0.08, 8), STEEL, 0),
    part(box(1.9, 0.1, 0.1), STEEL, 0, 0.95, 0, 7.85),
    part(box(0.7, 0.32, 0.16), GREY, 1, 1.8, 0, 7.7),
  ],
  gauge: () => [
    part(box(0.5, 0.5, 0.15), DARK, 0),
    part(box(0.14, 0.14, 2.4), '#e9ecef', 1),
    ...[0.4, 0.8, 1.2, 1.6, 2.0].map((z) => part(box(0.2, 0.16, 0.04), DARK, 0, 0.01, 0, z)),
    part(box(0.3, 0.3, 0.25), GREY, 1, 0, 0, 2.4),
  ],
  charger: () => [
    part(box(0.7, 0.45, 0.12), DARK, 0),
    part(box(0.4, 0.55, 1.5), GREY, 1),
    part(box(0.05, 0.35, 0.4), '#1b1f24', 0, 0.21, 0, 1.0),
  ],
  busStop: () => [
    part(box(1.8, 4.2, 0.12), GREY, 1, 0, 0, 2.5),
    part(box(0.06, 4.0, 2.0), GLASS, 0, -0.75, 0, 0.35),
    ...[-1.95, 1.95].map((y) => part(box(0.1, 0.1, 2.5), STEEL, 0, -0.75, y)),
    part(box(0.45, 2.4, 0.08), DARK, 0, -0.4, 0, 0.45),
    part(box(0.08, 0.8, 1.6), GREY, 1, 0.5, 2.3, 0.6),
  ],
  bin: () => [part(cyl(0.24, 0.27, 0.85, 10), GREY, 1), part(cyl(0.3, 0.3, 0.08, 10), DARK, 0, 0, 0, 0.85)],
  billboard: () => [
    ...[-1.2, 1.2].map((y) => part(box(0.18, 0.18, 4), STEEL, 0, 0, y)),
    part(box(0.25, 4.4, 2.4), DARK, 0, 0, 0, 3.8),
    part(box(0.05, 4.2, 2.2), GREY, 1, 0.14, 0, 3.9),
  ],
  signboard: () => [part(box(0.09, 0.09, 2.6), STEEL, 0), part(box(0.06, 1.1, 0.6), GREY, 1, 0.06, 0, 2.0)],
  tree: () => [part(cyl(0.2, 0.13, 2.8, 6), BARK, 0), part(ball(1.7), GREY, 1, 0, 0, 3.9), part(ball(1.2), GREY, 1, 0.4, 0.3, 5.1)],
  prone: () => [
    // a pin floating over the point (a gauge often stands right there) and a ring on the ground
    part(new THREE.ConeGeometry(0.7, 2.4, 10).rotateX(-Math.PI / 2).translate(0, 0, 1.2), GREY, 1, 0, 0, 3.2),
    part(ball(1.0), '#e7f5ff', 0, 0, 0, 6.0),
    part(new THREE.TorusGeometry(2.4, 0.14, 4, 28), GREY, 1, 0, 0, 0.12),
  ],
};

export function shapeGeometry(shape: ComponentShape | 'prone'): THREE.BufferGeometry {
  return build(SHAPES[shape]());
}

/** Characteristic size (m) used to keep tiny objects a few pixels wide when the camera is far. */
export function shapeSize(g: THREE.BufferGeometry): number {
  const b = g.boundingBox!;
  return Math.max(b.max.x - b.min.x, b.max.y - b.min.y, b.max.z - b.min.z);
}
