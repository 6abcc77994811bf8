// A plain single-threaded reference of the same local inertial equations as kernel.ts, written
// the straightforward way (one loop per term, Math.pow for h^(7/3)), as the benchmark's baseline
// and a cross-check of the engine.
import { G } from './kernel';

export interface RefState {
  cols: number;
  rows: number;
  dx: number;
  z: Float32Array;
  h: Float32Array;
  n: Float32Array;
  qx: Float32Array;
  qy: Float32Array;
  hmax: Float32Array;
}

export function refState(cols: number, rows: number, dx: number, z: Float32Array, h: Float32Array, n: Float32Array): RefState {
  return { cols, rows, dx, z, h, n, qx: new Float32Array(rows * (cols + 1)), qy: new Float32Array((rows + 1) * cols), hmax: Float32Array.from(h) };
}

/** One step with closed sides; returns the largest depth. */
export function referenceStep(s: RefState, dt: number, theta = 0.7, hMin = 0.001): number {
  const { cols: C, rows: R, dx, z, h, n } = s;
  const qx = Float32Array.from(s.qx), qy = Float32Array.from(s.qy);
  const face = (i: number, j: number, q: number, qa: number) => {
    const hf = Math.max(h[i]! + z[i]!, h[j]! + z[j]!) - Math.max(z[i]!, z[j]!);
    if (!(hf > hMin)) return 0;
    const nf = 0.5 * (n[i]! * n[i]! + n[j]! * n[j]!);
    const slope = (h[j]! + z[j]! - h[i]! - z[i]!) / dx;
    return (qa - G * dt * hf * slope) / (1 + (G * dt * nf * Math.abs(q)) / Math.pow(hf, 7 / 3));
  };
  for (let r = 0; r < R; r++)
    for (let c = 1; c < C; c++) {
      const f = r * (C + 1) + c;
      qx[f] = face(r * C + c - 1, r * C + c, s.qx[f]!, theta * s.qx[f]! + ((1 - theta) / 2) * (s.qx[f - 1]! + s.qx[f + 1]!));
    }
  for (let r = 1; r < R; r++)
    for (let c = 0; c < C; c++) {
      const f = r * C + c;
      qy[f] = face((r - 1) * C + c, r * C + c, s.qy[f]!, theta * s.qy[f]! + ((1 - theta) / 2) * (s.qy[f - C]! + s.qy[f + C]!));
    }
  const fac = new Float32Array(R * C);
  for (let r = 0; r < R; r++)
    for (let c = 0; c < C; c++) {
      const i = r * C + c;
      const out = (dt / dx) * (Math.max(0, -qx[r * (C + 1) + c]!) + Math.max(0, qx[r * (C + 1) + c + 1]!) + Math.max(0, -qy[i]!) + Math.max(0, qy[i + C]!));
      fac[i] = out > h[i]! ? h[i]! / out : 1;
    }
  for (let r = 0; r < R; r++)
    for (let c = 1; c < C; c++) {
      const f = r * (C + 1) + c;
      qx[f] = qx[f]! * (qx[f]! > 0 ? fac[r * C + c - 1]! : fac[r * C + c]!);
    }
  for (let r = 1; r < R; r++)
    for (let c = 0; c < C; c++) {
      const f = r * C + c;
      qy[f] = qy[f]! * (qy[f]! > 0 ? fac[f - C]! : fac[f]!);
    }
  let hm = 0;
  for (let r = 0; r < R; r++)
    for (let c = 0; c < C; c++) {
      const i = r * C + c;
      const hn = Math.max(0, h[i]! + (dt / dx) * (qx[r * (C + 1) + c]! - qx[r * (C + 1) + c + 1]! + qy[i]! - qy[i + C]!));
      h[i] = hn;
      if (hn > s.hmax[i]!) s.hmax[i] = hn;
      if (hn > hm) hm = hn;
    }
  s.qx.set(qx);
  s.qy.set(qy);
  return hm;
}
