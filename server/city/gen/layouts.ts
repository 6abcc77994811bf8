import type { Building } from '../../../models/city';
import { ccw } from '../geometry';
import { chance, rand, randInt, type Rng } from './random';

type Use = Building['use'];

// Building layouts, in a cell's local frame (u along the cell's s axis, v across), inside the
// rectangle [u0, u1] x [v0, v1]. Rings are CCW.

export interface LocalBuilding { ring: number[]; floors: number; use: Use }
export interface Rect { u0: number; u1: number; v0: number; v1: number }

const rectRing = (u0: number, v0: number, u1: number, v1: number) => [u0, v0, u1, v0, u1, v1, u0, v1];

/** an L-shape: the rectangle minus a notch at corner 0 (SW), 1 (SE), 2 (NE) or 3 (NW) */
function lRing(u0: number, v0: number, u1: number, v1: number, corner: number, nu: number, nv: number): number[] {
  // notch at NE in canonical form, then mirror
  const base = [0, 0, 1, 0, 1, 1 - nv, 1 - nu, 1 - nv, 1 - nu, 1, 0, 1];
  const mu = corner === 0 || corner === 3, mv = corner === 0 || corner === 1;
  const out: number[] = [];
  for (let i = 0; i < base.length; i += 2) {
    const a = mu ? 1 - base[i]! : base[i]!, b = mv ? 1 - base[i + 1]! : base[i + 1]!;
    out.push(u0 + a * (u1 - u0), v0 + b * (v1 - v0));
  }
  return ccw(out);
}

export function slabs(r: Rect, rng: Rng, floors: [number, number], use: Use, depthRange: [number, number] = [11, 15]): LocalBuilding[] {
  const out: LocalBuilding[] = [];
  const W = r.u1 - r.u0, D = r.v1 - r.v0;
  if (W < 14 || D < 10) return out;
  const fl = randInt(rng, floors[0], floors[1]);
  const depth = Math.min(rand(rng, depthRange[0], depthRange[1]), D);
  // sunlight spacing between rows, about 1.0 x the building height in the Taihu basin
  const gap = Math.max(10, fl * 3 * rand(rng, 0.85, 1.1));
  const nRows = Math.max(1, Math.floor((D + gap) / (depth + gap)));
  const used = nRows * depth + (nRows - 1) * gap;
  let v = r.v0 + (D - used) / 2;
  for (let k = 0; k < nRows; k++) {
    let u = r.u0;
    while (r.u1 - u >= 14) {
      let len = Math.min(rand(rng, 28, 60), r.u1 - u);
      if (r.u1 - u - len < 22) len = r.u1 - u <= 75 ? r.u1 - u : (r.u1 - u) / 2 - 5;
      const f = Math.max(1, fl + randInt(rng, -1, 1) * (fl > 4 ? 1 : 0));
      out.push({ ring: rectRing(u, v, u + len, v + depth), floors: f, use });
      u += len + rand(rng, 8, 14);
    }
    v += depth + gap;
  }
  return out;
}

export function towers(r: Rect, rng: Rng, floors: [number, number], use: Use, big = false): LocalBuilding[] {
  const out: LocalBuilding[] = [];
  const W = r.u1 - r.u0, D = r.v1 - r.v0;
  const tw = big ? rand(rng, 28, 42) : rand(rng, 22, 32), td = big ? rand(rng, 24, 36) : rand(rng, 18, 28), gap = big ? rand(rng, 12, 20) : rand(rng, 16, 26);
  const nu = Math.min(3, Math.floor((W + gap) / (tw + gap))), nv = Math.min(3, Math.floor((D + gap) / (td + gap)));
  if (nu < 1 || nv < 1) return slabs(r, rng, [Math.min(12, floors[0]), Math.min(12, floors[0])], use);
  const su = (W - nu * tw) / Math.max(1, nu - 1 + 2), sv = (D - nv * td) / Math.max(1, nv - 1 + 2);
  for (let a = 0; a < nu; a++) {
    for (let b = 0; b < nv; b++) {
      if (nu * nv > 2 && chance(rng, 0.15)) continue;
      const u = r.u0 + su + a * (tw + su), v = r.v0 + sv + b * (td + sv);
      const f = randInt(rng, floors[0], floors[1]);
      out.push({ ring: rectRing(u, v, u + tw, v + td), floors: f, use });
    }
  }
  return out;
}

export function coreBlock(r: Rect, rng: Rng, front: 'v0' | 'v1'): LocalBuilding[] {
  const D = r.v1 - r.v0;
  if (D < 70 || chance(rng, 0.25)) return towers(r, rng, [18, 40], chance(rng, 0.6) ? 'office' : 'commercial', true);
  // a 3-4 storey commercial podium along the front street, towers behind it
  const pd = rand(rng, 16, 22);
  const out: LocalBuilding[] = [];
  let tr: Rect;
  if (front === 'v0') {
    out.push({ ring: chance(rng, 0.5) ? rectRing(r.u0, r.v0, r.u1, r.v0 + pd) : lRing(r.u0, r.v0, r.u1, r.v0 + pd * 2, chance(rng, 0.5) ? 2 : 3, 0.6, 0.5), floors: randInt(rng, 3, 4), use: 'commercial' });
    tr = { ...r, v0: r.v0 + pd * 2 + 10 };
  } else {
    out.push({ ring: chance(rng, 0.5) ? rectRing(r.u0, r.v1 - pd, r.u1, r.v1) : lRing(r.u0, r.v1 - pd * 2, r.u1, r.v1, chance(rng, 0.5) ? 0 : 1, 0.6, 0.5), floors: randInt(rng, 3, 4), use: 'commercial' });
    tr = { ...r, v1: r.v1 - pd * 2 - 10 };
  }
  return out.concat(towers(tr, rng, [18, 40], 'office', true));
}

export function lowRise(r: Rect, rng: Rng, commercialFront: boolean): LocalBuilding[] {
  // old town: small 2-4 storey houses in rows along narrow alleys (弄堂)
  const out: LocalBuilding[] = [];
  let v = r.v0;
  let row = 0;
  while (r.v1 - v >= 8) {
    const depth = Math.min(rand(rng, 9, 15), r.v1 - v);
    let u = r.u0;
    while (r.u1 - u >= 7) {
      const w = Math.min(rand(rng, 8, 17), r.u1 - u);
      const use: Use = commercialFront && (row === 0 || r.v1 - v - depth < 8) ? 'commercial' : 'residential';
      const ring = chance(rng, 0.25) && w > 10 && depth > 10 ? lRing(u, v, u + w, v + depth, randInt(rng, 0, 3), rand(rng, 0.3, 0.5), rand(rng, 0.3, 0.5)) : rectRing(u, v, u + w, v + depth);
      out.push({ ring, floors: randInt(rng, 2, 4), use });
      u += w + rand(rng, 1.5, 4);
    }
    v += depth + rand(rng, 3, 6);
    row++;
  }
  return out;
}

export function industrial(r: Rect, rng: Rng): LocalBuilding[] {
  const out: LocalBuilding[] = [];
  const W = r.u1 - r.u0, D = r.v1 - r.v0;
  const nu = W > 95 ? 2 : 1, nv = D > 95 ? 2 : 1;
  const pu = W / nu, pv = D / nv;
  for (let a = 0; a < nu; a++) {
    for (let b = 0; b < nv; b++) {
      const m = rand(rng, 4, 9);
      const u0 = r.u0 + a * pu + m, u1 = r.u0 + (a + 1) * pu - m, v0 = r.v0 + b * pv + m, v1 = r.v0 + (b + 1) * pv - m;
      if (u1 - u0 < 15 || v1 - v0 < 12) continue;
      if (chance(rng, 0.2)) out.push({ ring: lRing(u0, v0, u1, v1, randInt(rng, 0, 3), 0.45, 0.5), floors: randInt(rng, 3, 5), use: 'office' });
      else out.push({ ring: rectRing(u0, v0, u1, v1), floors: randInt(rng, 2, 3), use: 'industrial' });
    }
  }
  return out;
}

export function publicBlock(r: Rect, rng: Rng): LocalBuilding[] {
  // a school or clinic: an L-shaped teaching building and a smaller one, the rest a sports field
  const out: LocalBuilding[] = [];
  const W = r.u1 - r.u0, D = r.v1 - r.v0;
  if (W < 30 || D < 30) return slabs(r, rng, [3, 4], 'public');
  const lw = Math.min(W * 0.55, 70), ld = Math.min(D * 0.6, 60);
  out.push({ ring: lRing(r.u0, r.v1 - ld, r.u0 + lw, r.v1, 1, 0.55, 0.6), floors: randInt(rng, 4, 5), use: 'public' });
  if (W - lw > 35) {
    const sw = Math.min(30, W - lw - 15);
    out.push({ ring: rectRing(r.u1 - sw, r.v1 - 20, r.u1, r.v1), floors: randInt(rng, 3, 4), use: 'public' });
  }
  return out;
}

