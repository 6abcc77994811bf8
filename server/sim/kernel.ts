// The local inertial flood kernel on a raster. Pure: typed arrays in, typed arrays out, no IO.
//
// Equations (Bates, Horritt & Fewtrell 2010, J. Hydrol. 387:33-45, eq. 11; with the
// q-weighting of de Almeida, Bates, Freer & Souvaliotis 2012, WRR 48 W05528, eq. 14-15):
//   per face:  h_f = max(eta_i, eta_j) - max(z_i, z_j)                      (flow depth, eq. B10)
//              q' = [theta q + (1-theta)/2 (q_- + q_+) - g dt h_f S] / [1 + g dt n^2 |q| / h_f^(7/3)]
//              S  = (eta_j - eta_i) / dx                                     (water surface slope)
//   per cell:  h' = h + dt/dx (q_west - q_east + q_north - q_south) + rain - sinks   (continuity)
//   step:      dt = alpha dx / sqrt(g h_max)                                 (CFL, Bates 2010 eq. 12)
// q is unit-width discharge (m2/s), positive towards +col (east) on x faces and +row (south) on
// y faces; row 0 is the north edge. Fluxes are double-buffered (read q[par], write q[1-par]) so
// the neighbour weighting reads old values whatever order rows are swept in, which makes every
// cell's result independent of how rows are split across workers.
//
// Wetting and drying: a face carries flow only where h_f > hMin. Outflow through a face is
// limited to a quarter of the donor cell's water per step (four faces), so no cell can go
// negative and the flux both neighbours see is the same number: volume is conserved to round-off.
// Cells outside the domain (NODATA, solid buildings) have z = NaN: every comparison with NaN
// fails, so their faces stay shut.

export const G = 9.81;

export interface Grid {
  cols: number;
  rows: number;
  dx: number;
  /** bed elevation, NaN outside the domain */
  z: Float32Array;
  h: Float32Array;
  /** g n^2 per cell (Manning n) */
  gn2: Float32Array;
  /** x faces: rows * (cols + 1), two buffers */
  qx: [Float32Array, Float32Array];
  /** y faces: (rows + 1) * cols, two buffers */
  qy: [Float32Array, Float32Array];
  hmax: Float32Array;
  tmax: Float32Array;
  /** first time above 0.15, 0.20, 0.27 m (NaN = never) */
  t15: Float32Array;
  t20: Float32Array;
  t27: Float32Array;
  /** per-row volume (m3) taken by sinks and let out through open sides in the last step */
  rowSink: Float64Array;
  rowOut: Float64Array;
}

export interface StepParams {
  dt: number;
  /** simulation time at the end of the step (for maxima and threshold times) */
  t: number;
  /** rain depth over the step (m) added to each active cell */
  rain: number;
  /** capacity of drainage + infiltration over the step (m) */
  sink: number;
  theta: number;
  hMin: number;
  openSlope: number;
  /** open sides bit mask: 1 north, 2 south, 4 east, 8 west */
  open: number;
  /** which flux buffer holds the old values */
  parity: 0 | 1;
}

export const OPEN_N = 1, OPEN_S = 2, OPEN_E = 4, OPEN_W = 8;

/** h^(7/3) as h^2 cbrt(h): one cbrt instead of pow's exp/log. */
function h73(h: number): number {
  return h * h * Math.cbrt(h);
}

/**
 * Face update for an interior face between cells i (west/north) and j (east/south).
 * Returns the new q. qa is the theta-weighted old discharge, qo the old discharge at the face.
 */
function faceFlux(zi: number, zj: number, hi: number, hj: number, qo: number, qa: number, gn2: number, dt: number, dx: number, hMin: number): number {
  const ei = hi + zi;
  const ej = hj + zj;
  const hf = (ei > ej ? ei : ej) - (zi > zj ? zi : zj);
  if (!(hf > hMin)) return 0; // dry face, or a NaN neighbour
  const q = (qa - G * dt * hf * ((ej - ei) / dx)) / (1 + (dt * gn2 * Math.abs(qo)) / h73(hf));
  const lim = dx / (4 * dt);
  if (q > 0) {
    const m = hi * lim;
    return q < m ? q : m;
  }
  const m = -hj * lim;
  return q > m ? q : m;
}

/** Outflow across an open side from a cell of depth h; bedFall = ground slope falling towards the side. */
function openFlux(h: number, qoOut: number, gn2: number, dt: number, dx: number, hMin: number, bedFall: number, openSlope: number): number {
  if (!(h > hMin)) return 0;
  const s = bedFall > openSlope ? bedFall : openSlope;
  const qo = qoOut > 0 ? qoOut : 0;
  const q = (qo + G * dt * h * s) / (1 + (dt * gn2 * qo) / h73(h));
  const m = (h * dx) / (4 * dt);
  return q < m ? q : m;
}

/** Phase 1: new fluxes on the x faces of rows [r0, r1) and the y faces above them (plus the south edge when r1 = rows). */
export function fluxes(g: Grid, p: StepParams, r0: number, r1: number): void {
  const { cols: C, rows: R, dx, z, h, gn2 } = g;
  const { dt, theta, hMin, openSlope, open } = p;
  const qxo = g.qx[p.parity], qxn = g.qx[1 - p.parity]!;
  const qyo = g.qy[p.parity], qyn = g.qy[1 - p.parity]!;
  const w = (1 - theta) / 2;
  const C1 = C + 1;
  for (let r = r0; r < r1; r++) {
    const base = r * C;
    const fb = r * C1;
    // west side
    if (open & OPEN_W) {
      const bed = C > 1 ? (z[base + 1]! - z[base]!) / dx : 0;
      qxn[fb] = -openFlux(h[base]!, -qxo[fb]!, gn2[base]!, dt, dx, hMin, bed === bed ? bed : 0, openSlope);
    } else qxn[fb] = 0;
    for (let c = 1; c < C; c++) {
      const i = base + c - 1;
      const f = fb + c;
      const qo = qxo[f]!;
      qxn[f] = faceFlux(z[i]!, z[i + 1]!, h[i]!, h[i + 1]!, qo, theta * qo + w * (qxo[f - 1]! + qxo[f + 1]!), 0.5 * (gn2[i]! + gn2[i + 1]!), dt, dx, hMin);
    }
    // east side
    const e = base + C - 1;
    if (open & OPEN_E) {
      const bed = C > 1 ? (z[e - 1]! - z[e]!) / dx : 0;
      qxn[fb + C] = openFlux(h[e]!, qxo[fb + C]!, gn2[e]!, dt, dx, hMin, bed === bed ? bed : 0, openSlope);
    } else qxn[fb + C] = 0;
    // y faces of face row r: between rows r-1 and r
    const yb = r * C;
    if (r === 0) {
      if (open & OPEN_N) {
        for (let c = 0; c < C; c++) {
          const bed = R > 1 ? (z[C + c]! - z[c]!) / dx : 0;
          qyn[c] = -openFlux(h[c]!, -qyo[c]!, gn2[c]!, dt, dx, hMin, bed === bed ? bed : 0, openSlope);
        }
      } else qyn.fill(0, 0, C);
    } else {
      for (let c = 0; c < C; c++) {
        const i = yb - C + c;
        const f = yb + c;
        const qo = qyo[f]!;
        qyn[f] = faceFlux(z[i]!, z[i + C]!, h[i]!, h[i + C]!, qo, theta * qo + w * (qyo[f - C]! + qyo[f + C]!), 0.5 * (gn2[i]! + gn2[i + C]!), dt, dx, hMin);
      }
    }
  }
  if (r1 === R) {
    const yb = R * C;
    if (open & OPEN_S) {
      for (let c = 0; c < C; c++) {
        const i = (R - 1) * C + c;
        const bed = R > 1 ? (z[i - C]! - z[i]!) / dx : 0;
        qyn[yb + c] = openFlux(h[i]!, qyo[yb + c]!, gn2[i]!, dt, dx, hMin, bed === bed ? bed : 0, openSlope);
      }
    } else qyn.fill(0, yb, yb + C);
  }
}

/**
 * Phase 2: continuity for rows [r0, r1), rain and sinks, maxima and threshold times.
 * Writes rowSink/rowOut for these rows and returns the largest depth.
 */
export function depths(g: Grid, p: StepParams, r0: number, r1: number): number {
  const { cols: C, rows: R, dx, z, h, hmax, tmax, t15, t20, t27 } = g;
  const { dt, t, rain, sink } = p;
  const qx = g.qx[1 - p.parity]!, qy = g.qy[1 - p.parity]!;
  const k = dt / dx;
  const C1 = C + 1;
  const vol = dx * dx;
  let hm = 0;
  for (let r = r0; r < r1; r++) {
    const base = r * C;
    const fb = r * C1;
    let sunk = 0;
    for (let c = 0; c < C; c++) {
      const i = base + c;
      if (z[i] !== z[i]) continue; // outside the domain
      let hn = h[i]! + k * (qx[fb + c]! - qx[fb + c + 1]! + qy[i]! - qy[i + C]!) + rain;
      if (hn > 0 && sink > 0) {
        const s = hn < sink ? hn : sink;
        hn -= s;
        sunk += s;
      }
      if (hn < 0) hn = 0; // round-off of the outflow limiter
      h[i] = hn;
      if (hn > hmax[i]!) {
        // a threshold is first crossed exactly when the maximum crosses it
        const old = hmax[i]!;
        if (hn >= 0.15 && old < 0.15) t15[i] = t;
        if (hn >= 0.2 && old < 0.2) t20[i] = t;
        if (hn >= 0.27 && old < 0.27) t27[i] = t;
        hmax[i] = hn;
        tmax[i] = t;
      }
      if (hn > hm) hm = hn;
    }
    g.rowSink[r] = sunk * vol;
    // outflow through open sides, as the volume the fluxes took
    let out = qx[fb + C]! - qx[fb]!;
    if (r === 0) for (let c = 0; c < C; c++) out -= qy[c]!;
    if (r === R - 1) for (let c = 0; c < C; c++) out += qy[R * C + c]!;
    g.rowOut[r] = out * dt * dx;
  }
  return hm;
}

/** Largest depth in rows [r0, r1). */
export function maxDepth(g: Grid, r0: number, r1: number): number {
  let m = 0;
  const h = g.h;
  for (let i = r0 * g.cols, e = r1 * g.cols; i < e; i++) if (h[i]! > m) m = h[i]!;
  return m;
}

/** The CFL step (Bates et al. 2010 eq. 12), capped by maxDt while the domain is (nearly) dry. */
export function cflDt(hMax: number, dx: number, alpha: number, maxDt: number): number {
  if (!(hMax > 0)) return maxDt;
  const dt = (alpha * dx) / Math.sqrt(G * hMax);
  return dt < maxDt ? dt : maxDt;
}

/** Allocate a grid's arrays on a given buffer factory (shared memory for workers). */
export function gridBytes(cols: number, rows: number): number {
  const n = cols * rows;
  return 4 * (n * 8 + 2 * rows * (cols + 1) + 2 * (rows + 1) * cols) + 8 * 2 * rows + 64;
}

/** Views of a grid's arrays laid out in one buffer (same layout in every worker). */
export function gridOnBuffer(buf: ArrayBufferLike, byteOffset: number, cols: number, rows: number, dx: number): Grid {
  const n = cols * rows;
  let o = byteOffset;
  const f32 = (len: number) => {
    const a = new Float32Array(buf, o, len);
    o += 4 * len;
    return a;
  };
  const nx = rows * (cols + 1), ny = (rows + 1) * cols;
  const g = {
    cols, rows, dx,
    z: f32(n), h: f32(n), gn2: f32(n),
    qx: [f32(nx), f32(nx)] as [Float32Array, Float32Array],
    qy: [f32(ny), f32(ny)] as [Float32Array, Float32Array],
    hmax: f32(n), tmax: f32(n), t15: f32(n), t20: f32(n), t27: f32(n),
  } as Omit<Grid, 'rowSink' | 'rowOut'> as Grid;
  o = (o + 7) & ~7;
  g.rowSink = new Float64Array(buf, o, rows);
  o += 8 * rows;
  g.rowOut = new Float64Array(buf, o, rows);
  return g;
}
