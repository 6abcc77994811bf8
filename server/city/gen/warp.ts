// The warp from the street lattice's parameter space to the ground, and the rivers.
import { clipRingToBox, ccw, reverseRing, upperIndex } from '../geometry';
import { rand, type Rng } from './random';

// The warp: parameter space (s, t) -> ground (x, y).

export class Warp {
  readonly cos: number;
  readonly sin: number;
  // per term: kx, ky, amp, phase
  private a: Float64Array;
  private b: Float64Array;
  ox = 0; oy = 0; os = 0; ot = 0;
  // Vertex jitter: each lattice vertex moves by (jds, jdt), bilinear inside the cells, so every
  // block is its own quadrilateral and streets jog slightly at junctions.
  private sp: number[] = [0, 1];
  private tp: number[] = [0, 1];
  private jds: Float64Array = new Float64Array(4);
  private jdt: Float64Array = new Float64Array(4);
  private hs = 0; private ht = 0;
  private h11 = 1; private h12 = 0; private h21 = 0; private h22 = 1;

  setJitter(sPos: number[], tPos: number[], jds: Float64Array, jdt: Float64Array): void {
    this.sp = sPos; this.tp = tPos; this.jds = jds; this.jdt = jdt;
  }

  /** H(s, t) = (s, t) + bilinear jitter; sets hs, ht and the Jacobian h11..h22 */
  private jit(s: number, t: number): void {
    const sp = this.sp, tp = this.tp, ns = sp.length - 1, nt = tp.length - 1;
    let i = upperIndex(sp, s), j = upperIndex(tp, t);
    if (i < 0) i = 0; else if (i >= ns) i = ns - 1;
    if (j < 0) j = 0; else if (j >= nt) j = nt - 1;
    const ws = sp[i + 1]! - sp[i]!, wt = tp[j + 1]! - tp[j]!;
    let fs = (s - sp[i]!) / ws, ft = (t - tp[j]!) / wt;
    // constant beyond the lattice
    const cs = fs < 0 || fs > 1, ct = ft < 0 || ft > 1;
    if (fs < 0) fs = 0; else if (fs > 1) fs = 1;
    if (ft < 0) ft = 0; else if (ft > 1) ft = 1;
    const n = ns + 1, k00 = j * n + i, k10 = k00 + 1, k01 = k00 + n, k11 = k01 + 1;
    const D = this.jds, E = this.jdt;
    const ds = (D[k00]! * (1 - fs) + D[k10]! * fs) * (1 - ft) + (D[k01]! * (1 - fs) + D[k11]! * fs) * ft;
    const dt = (E[k00]! * (1 - fs) + E[k10]! * fs) * (1 - ft) + (E[k01]! * (1 - fs) + E[k11]! * fs) * ft;
    this.hs = s + ds; this.ht = t + dt;
    this.h11 = 1 + (cs ? 0 : ((D[k10]! - D[k00]!) * (1 - ft) + (D[k11]! - D[k01]!) * ft) / ws);
    this.h12 = ct ? 0 : ((D[k01]! - D[k00]!) * (1 - fs) + (D[k11]! - D[k10]!) * fs) / wt;
    this.h21 = cs ? 0 : ((E[k10]! - E[k00]!) * (1 - ft) + (E[k11]! - E[k01]!) * ft) / ws;
    this.h22 = 1 + (ct ? 0 : ((E[k01]! - E[k00]!) * (1 - fs) + (E[k11]! - E[k10]!) * fs) / wt);
  }

  constructor(rng: Rng, rot: number) {
    this.cos = Math.cos(rot);
    this.sin = Math.sin(rot);
    // Wavelengths and amplitudes keep |grad A| + |grad B| well below 1: F stays one-to-one.
    const spec: [number, number][] = [[2200, 40], [1100, 16], [520, 5]];
    const terms = () => {
      const t = new Float64Array(spec.length * 4);
      spec.forEach(([wl, amp], i) => {
        const th = rand(rng, 0, 2 * Math.PI), k = (2 * Math.PI) / (wl * rand(rng, 0.85, 1.15));
        t[4 * i] = k * Math.cos(th); t[4 * i + 1] = k * Math.sin(th);
        t[4 * i + 2] = amp * rand(rng, 0.8, 1.1); t[4 * i + 3] = rand(rng, 0, 2 * Math.PI);
      });
      return t;
    };
    this.a = terms();
    this.b = terms();
  }

  /** sets ox, oy */
  fwd(s0: number, t0: number): void {
    this.jit(s0, t0);
    const s = this.hs, t = this.ht;
    let a = s, b = t;
    const A = this.a, B = this.b;
    for (let i = 0; i < A.length; i += 4) a += A[i + 2]! * Math.sin(A[i]! * s + A[i + 1]! * t + A[i + 3]!);
    for (let i = 0; i < B.length; i += 4) b += B[i + 2]! * Math.sin(B[i]! * s + B[i + 1]! * t + B[i + 3]!);
    this.ox = this.cos * a - this.sin * b;
    this.oy = this.sin * a + this.cos * b;
  }

  /** Newton's method on F(s, t) = (x, y); sets os, ot */
  inv(x: number, y: number): void {
    const p = this.cos * x + this.sin * y, q = -this.sin * x + this.cos * y;
    let s = p, t = q;
    const A = this.a, B = this.b;
    for (let it = 0; it < 12; it++) {
      let fa = 0, as = 0, at = 0, fb = 0, bs = 0, bt = 0;
      for (let i = 0; i < A.length; i += 4) {
        const ph = A[i]! * s + A[i + 1]! * t + A[i + 3]!, amp = A[i + 2]!, c = amp * Math.cos(ph);
        fa += amp * Math.sin(ph); as += c * A[i]!; at += c * A[i + 1]!;
      }
      for (let i = 0; i < B.length; i += 4) {
        const ph = B[i]! * s + B[i + 1]! * t + B[i + 3]!, amp = B[i + 2]!, c = amp * Math.cos(ph);
        fb += amp * Math.sin(ph); bs += c * B[i]!; bt += c * B[i + 1]!;
      }
      const r1 = s + fa - p, r2 = t + fb - q;
      const j11 = 1 + as, j12 = at, j21 = bs, j22 = 1 + bt;
      const det = j11 * j22 - j12 * j21;
      const ds = (r1 * j22 - r2 * j12) / det, dt = (j11 * r2 - j21 * r1) / det;
      s -= ds; t -= dt;
      if (Math.abs(ds) + Math.abs(dt) < 1e-9) break;
    }
    // then H^-1: Newton on the piecewise-bilinear jitter
    const u = s, v = t;
    for (let it = 0; it < 20; it++) {
      this.jit(s, t);
      const r1 = this.hs - u, r2 = this.ht - v;
      const det = this.h11 * this.h22 - this.h12 * this.h21;
      const ds = (r1 * this.h22 - r2 * this.h12) / det, dt = (this.h11 * r2 - this.h21 * r1) / det;
      s -= ds; t -= dt;
      if (Math.abs(ds) + Math.abs(dt) < 1e-9) break;
    }
    this.os = s;
    this.ot = t;
  }
}

// ---------------------------------------------------------------------------------------------
// Rivers: centreline b = g(a) in a frame (a along, b across) through a point.

export class River {
  private terms: [number, number, number][] = []; // amp, k, phase
  constructor(
    readonly px: number, readonly py: number, angle: number, readonly hw: number, rng: Rng, meander: number,
    readonly name: { zh: string; en: string },
  ) {
    this.dx = Math.cos(angle); this.dy = Math.sin(angle);
    this.terms.push([meander * rand(rng, 0.8, 1.2), (2 * Math.PI) / rand(rng, 1400, 1900), rand(rng, 0, 6.3)]);
    this.terms.push([meander * 0.33 * rand(rng, 0.7, 1.2), (2 * Math.PI) / rand(rng, 520, 700), rand(rng, 0, 6.3)]);
  }
  readonly dx: number;
  readonly dy: number;
  g(a: number): number {
    let v = 0;
    for (const [amp, k, ph] of this.terms) v += amp * Math.sin(k * a + ph);
    return v;
  }
  gp(a: number): number {
    let v = 0;
    for (const [amp, k, ph] of this.terms) v += amp * k * Math.cos(k * a + ph);
    return v;
  }
  /** signed distance to the centreline (approximate, exact on straight reaches), m */
  dist(x: number, y: number): number {
    const rx = x - this.px, ry = y - this.py;
    const a = rx * this.dx + ry * this.dy, b = -rx * this.dy + ry * this.dx;
    const gp = this.gp(a);
    return (b - this.g(a)) / Math.sqrt(1 + gp * gp);
  }
  polygon(minX: number, minY: number, maxX: number, maxY: number): number[] {
    const ext = Math.hypot(maxX - minX, maxY - minY) + 200;
    const a0 = (minX + maxX) / 2 - this.px, a1 = (minY + maxY) / 2 - this.py;
    const ac = a0 * this.dx + a1 * this.dy;
    const left: number[] = [], right: number[] = [];
    for (let a = ac - ext; a <= ac + ext; a += 8) {
      const g = this.g(a), gp = this.gp(a);
      const cx = this.px + a * this.dx - g * this.dy, cy = this.py + a * this.dy + g * this.dx;
      let tx = this.dx - gp * this.dy, ty = this.dy + gp * this.dx;
      const l = Math.hypot(tx, ty); tx /= l; ty /= l;
      left.push(cx - ty * this.hw, cy + tx * this.hw);
      right.push(cx + ty * this.hw, cy - tx * this.hw);
    }
    const ring = left.concat(reverseRing(right));
    return ccw(clipRingToBox(ring, minX, minY, maxX, maxY));
  }
}
