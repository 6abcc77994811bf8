// A plain single-threaded kernel of the same local inertial equations as kernel.ts (Bates et al.
// 2010 with de Almeida et al. 2012's q-weighting and the same donor-limited outflows), written the
// way a careful programmer would without tuning: one pass over the cells per phase (face fluxes,
// outflow factors, continuity), arrays allocated once in refState and reused (no allocation or
// whole-grid copy in a step), Manning's n per cell and Math.pow for h^(7/3). It is the flood
// benchmark's baseline and a cross-check of the engine (reference.test.ts). Closed sides, no rain
// or sinks; cells with z = NaN are outside the domain (their faces stay shut, as in kernel.ts).
import { G } from './kernel';

export interface RefState {
  cols: number;
  rows: number;
  dx: number;
  z: Float32Array;
  h: Float32Array;
  n: Float32Array;
  /** x faces rows * (cols + 1), y faces (rows + 1) * cols: the discharge a step starts from */
  qx: Float32Array;
  qy: Float32Array;
  /** the step's raw discharges and each cell's outflow factor (work arrays, reused) */
  qxNew: Float32Array;
  qyNew: Float32Array;
  fac: Float32Array;
  hmax: Float32Array;
}

/** The state of a run; h is taken over (and zeroed outside the domain). */
export function refState(cols: number, rows: number, dx: number, z: Float32Array, h: Float32Array, n: Float32Array): RefState {
  const nx = rows * (cols + 1), ny = (rows + 1) * cols;
  for (let i = 0; i < h.length; i++) if (z[i] !== z[i]) h[i] = 0; // no water outside the domain (as the runner)
  return {
    cols, rows, dx, z, h, n,
    qx: new Float32Array(nx), qy: new Float32Array(ny), qxNew: new Float32Array(nx), qyNew: new Float32Array(ny),
    fac: new Float32Array(rows * cols), hmax: Float32Array.from(h),
  };
}

/** New discharge on the face between cells i (west/north) and j (east/south). */
function face(s: RefState, i: number, j: number, q: number, qa: number, dt: number, hMin: number): number {
  const { z, h, n, dx } = s;
  const hf = Math.max(h[i]! + z[i]!, h[j]! + z[j]!) - Math.max(z[i]!, z[j]!);
  if (!(hf > hMin)) return 0;
  const nf = 0.5 * (n[i]! * n[i]! + n[j]! * n[j]!);
  const slope = (h[j]! + z[j]! - h[i]! - z[i]!) / dx;
  return (qa - G * dt * hf * slope) / (1 + (G * dt * nf * Math.abs(q)) / Math.pow(hf, 7 / 3));
}

/** One step with closed sides; returns the largest depth. */
export function referenceStep(s: RefState, dt: number, theta = 0.7, hMin = 0.001): number {
  const { cols: C, rows: R, dx, h, qx, qy, qxNew, qyNew, fac } = s;
  const C1 = C + 1;
  const w = (1 - theta) / 2;
  const k = dt / dx;
  // phase 1: each cell's east and south face (edge faces stay 0: closed sides)
  for (let r = 0; r < R; r++)
    for (let c = 0; c < C; c++) {
      const i = r * C + c;
      if (c < C - 1) {
        const f = r * C1 + c + 1;
        qxNew[f] = face(s, i, i + 1, qx[f]!, theta * qx[f]! + w * (qx[f - 1]! + qx[f + 1]!), dt, hMin);
      }
      if (r < R - 1) {
        const f = i + C;
        qyNew[f] = face(s, i, i + C, qy[f]!, theta * qy[f]! + w * (qy[f - C]! + qy[f + C]!), dt, hMin);
      }
    }
  // phase 2: the share of its outflows a cell can give (1, or what it holds / what would leave)
  for (let r = 0; r < R; r++)
    for (let c = 0; c < C; c++) {
      const i = r * C + c;
      const out = k * (Math.max(0, -qxNew[r * C1 + c]!) + Math.max(0, qxNew[r * C1 + c + 1]!) + Math.max(0, -qyNew[i]!) + Math.max(0, qyNew[i + C]!));
      fac[i] = out > h[i]! ? h[i]! / out : 1;
    }
  // phase 3: continuity with each face scaled by its donor's factor, which is the next step's q
  let hm = 0;
  for (let r = 0; r < R; r++)
    for (let c = 0; c < C; c++) {
      const i = r * C + c;
      const fw = r * C1 + c;
      const qw = qxNew[fw]! * (qxNew[fw]! > 0 ? fac[i - 1]! : fac[i]!);
      const qe = qxNew[fw + 1]! * (qxNew[fw + 1]! < 0 ? fac[i + 1]! : fac[i]!);
      const qn = qyNew[i]! * (qyNew[i]! > 0 ? fac[i - C]! : fac[i]!);
      const qs = qyNew[i + C]! * (qyNew[i + C]! < 0 ? fac[i + C]! : fac[i]!);
      qx[fw + 1] = qe; // each face written once, by its west / north cell
      qy[i + C] = qs;
      const hn = Math.max(0, h[i]! + k * (qw - qe + qn - qs));
      h[i] = hn;
      if (hn > s.hmax[i]!) s.hmax[i] = hn;
      if (hn > hm) hm = hn;
    }
  return hm;
}
