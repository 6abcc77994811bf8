// Independent geometry for the generator's tests (not the generator's own geometry.ts: a check
// computed by the code it checks proves nothing), and a fingerprint of a whole city.
import { createHash } from 'node:crypto';
import type { CityData } from '../../models/city';
import { encodeLayer, LAYER_NAMES } from '../../models/layers';
import { pointInRing } from './generate';
export function fingerprint(c: CityData): string {
  const h = createHash('sha256');
  for (const n of LAYER_NAMES) h.update(encodeLayer(c, n));
  h.update(JSON.stringify([c.meta, c.unitGrids.map((u) => u.code), c.responsibilityGrids, c.roads.map((r) => r.name), c.departments]));
  h.update(c.components.codes.join(','));
  h.update(c.components.state);
  h.update(c.components.ownerDept);
  h.update(c.components.maintainerDept);
  return h.digest('hex');
}

export function segDist(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
  const t = l2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / l2)) : 0;
  return Math.hypot(ax + t * dx - px, ay + t * dy - py);
}

export function segSegDist(a: number[], b: number[]): number {
  // a, b: [x0, y0, x1, y1]
  const [ax, ay, bx, by] = a as [number, number, number, number];
  const [cx, cy, dx, dy] = b as [number, number, number, number];
  const o = (px: number, py: number, qx: number, qy: number, rx: number, ry: number) => Math.sign((qx - px) * (ry - py) - (qy - py) * (rx - px));
  if (o(ax, ay, bx, by, cx, cy) * o(ax, ay, bx, by, dx, dy) < 0 && o(cx, cy, dx, dy, ax, ay) * o(cx, cy, dx, dy, bx, by) < 0) return 0;
  return Math.min(segDist(ax, ay, cx, cy, dx, dy), segDist(bx, by, cx, cy, dx, dy), segDist(cx, cy, ax, ay, bx, by), segDist(dx, dy, ax, ay, bx, by));
}

/** distance from a point to a ring's boundary */
export function ringBoundaryDist(x: number, y: number, r: number[]): number {
  let d = Infinity;
  const n = r.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) d = Math.min(d, segDist(x, y, r[2 * j]!, r[2 * j + 1]!, r[2 * i]!, r[2 * i + 1]!));
  return d;
}

export function signedArea(r: number[]): number {
  let a = 0;
  const n = r.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) a += r[2 * j]! * r[2 * i + 1]! - r[2 * i]! * r[2 * j + 1]!;
  return a / 2;
}

export function bbox(r: number[]): [number, number, number, number] {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < r.length; i += 2) {
    x0 = Math.min(x0, r[i]!); x1 = Math.max(x1, r[i]!); y0 = Math.min(y0, r[i + 1]!); y1 = Math.max(y1, r[i + 1]!);
  }
  return [x0, y0, x1, y1];
}

export function polygonsOverlap(a: number[], b: number[]): boolean {
  const na = a.length / 2, nb = b.length / 2;
  for (let i = 0; i < na; i++) {
    const ea = [a[2 * i]!, a[2 * i + 1]!, a[(2 * i + 2) % a.length]!, a[(2 * i + 3) % a.length]!];
    for (let j = 0; j < nb; j++) {
      const eb = [b[2 * j]!, b[2 * j + 1]!, b[(2 * j + 2) % b.length]!, b[(2 * j + 3) % b.length]!];
      if (segSegDist(ea, eb) === 0) return true;
    }
  }
  return pointInRing(a[0]!, a[1]!, b) || pointInRing(b[0]!, b[1]!, a);
}

/** Priority-flood (Barnes et al. 2014): the DEM with every closed depression filled to its spill height. */
export function fillDepressions(h: Float32Array, cols: number, rows: number): Float32Array {
  const out = Float32Array.from(h);
  const done = new Uint8Array(cols * rows);
  const heap: number[] = [];
  const less = (a: number, b: number) => out[a]! < out[b]!;
  const push = (i: number) => {
    heap.push(i);
    let k = heap.length - 1;
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!less(heap[k]!, heap[p]!)) break;
      [heap[k], heap[p]] = [heap[p]!, heap[k]!];
      k = p;
    }
  };
  const pop = () => {
    const top = heap[0]!, last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      let k = 0;
      for (;;) {
        const l = 2 * k + 1, r = l + 1;
        let m = k;
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
        if (m === k) break;
        [heap[k], heap[m]] = [heap[m]!, heap[k]!];
        k = m;
      }
    }
    return top;
  };
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (r === 0 || c === 0 || r === rows - 1 || c === cols - 1) { done[r * cols + c] = 1; push(r * cols + c); }
    }
  }
  while (heap.length) {
    const i = pop();
    const r = Math.floor(i / cols), c = i % cols;
    for (const [dr, dc] of [[1, 0], [-1, 0], [0, 1], [0, -1]] as const) {
      const rr = r + dr, cc = c + dc;
      if (rr < 0 || cc < 0 || rr >= rows || cc >= cols) continue;
      const j = rr * cols + cc;
      if (done[j]) continue;
      done[j] = 1;
      if (out[j]! < out[i]!) out[j] = out[i]!;
      push(j);
    }
  }
  return out;
}
