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
// Wetting and drying: a face carries flow only where h_f > hMin. Volume is conserved to round-off:
// each face's discharge is one number both neighbours use, and where a cell's outflows over the
// step would take more than the water it holds, all its outflows are scaled down by
// f = h / outflow (the donor's factor is applied to the face in both cells' continuity, and the
// scaled discharge is what the next step starts from). Cells outside the domain (NODATA, solid
// buildings) have z = NaN: every comparison with NaN fails, so their faces stay shut.
//
// A step is two phases with a barrier between: fluxes() computes raw q from the step's old q
// (buffer A) into buffer B and each cell's outflow factor f; depths() applies continuity with
// the scaled fluxes and writes them back into A, each face by exactly one cell (its east/south
// cell; edge faces by the edge cells), so bands of rows can run in parallel without races.

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
  /** x faces: rows * (cols + 1); [0] the state (scaled) discharge, [1] the step's raw discharge */
  qx: [Float32Array, Float32Array];
  /** y faces: (rows + 1) * cols; as qx */
  qy: [Float32Array, Float32Array];
  /** per cell outflow factor of the step (1 = no limiting) */
  f: Float32Array;
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
}

export const OPEN_N = 1, OPEN_S = 2, OPEN_E = 4, OPEN_W = 8;

const f32b = new Float32Array(1), i32b = new Int32Array(f32b.buffer);

/**
 * h^(7/3) = h^3 y^2 with y = h^(-1/3): a first guess from the float32 bits (magic - bits / 3,
 * 3.5% off), then four Newton steps y <- y (4/3 - h/3 y^3) to float64 round-off (within 1.2e-15
 * of h^2 Math.cbrt(h), which is a call out of the JIT's code and took half the flux time).
 * For h in the float32 normal range (faces only ask for h > hMin > 0).
 */
function h73(h: number): number {
  f32b[0] = h;
  i32b[0] = 0x54a21d2a - ((i32b[0]! / 3) | 0);
  let y = f32b[0]!;
  const x3 = h / 3;
  y = y * (4 / 3 - x3 * y * y * y);
  y = y * (4 / 3 - x3 * y * y * y);
  y = y * (4 / 3 - x3 * y * y * y);
  y = y * (4 / 3 - x3 * y * y * y);
  return h * h * h * y * y;
}

/** New q on an interior face between cells i (west/north) and j (east/south); qo the face's old q, qa its theta-weighted value. */
function faceFlux(zi: number, zj: number, hi: number, hj: number, qo: number, qa: number, gn2: number, dt: number, dx: number, hMin: number): number {
  const ei = hi + zi;
  const ej = hj + zj;
  const hf = Math.max(ei, ej) - Math.max(zi, zj); // Math.max propagates NaN: a face to outside stays shut
  if (!(hf > hMin)) return 0;
  return (qa - G * dt * hf * ((ej - ei) / dx)) / (1 + (dt * gn2 * Math.abs(qo)) / h73(hf));
}

/** Outflow (>= 0) across an open side from a cell of depth h; bedFall = ground slope falling towards the side. */
function openFlux(h: number, qoOut: number, gn2: number, dt: number, hMin: number, bedFall: number, openSlope: number): number {
  if (!(h > hMin)) return 0;
  const s = bedFall === bedFall && bedFall > openSlope ? bedFall : openSlope;
  const qo = qoOut > 0 ? qoOut : 0;
  return (qo + G * dt * h * s) / (1 + (dt * gn2 * qo) / h73(h));
}

/** Raw fluxes of one row of y faces, face row fr (between rows fr-1 and fr), into out[0..cols). */
function yFaceRow(g: Grid, p: StepParams, fr: number, out: Float32Array, o: number): void {
  const { cols: C, rows: R, dx, z, h, gn2 } = g;
  const { dt, hMin, theta, openSlope, open } = p;
  const qyo = g.qy[0];
  const w = (1 - theta) / 2;
  if (fr === 0) {
    for (let c = 0; c < C; c++) out[o + c] = open & OPEN_N ? -openFlux(h[c]!, -qyo[c]!, gn2[c]!, dt, hMin, R > 1 ? (z[C + c]! - z[c]!) / dx : 0, openSlope) : 0;
  } else if (fr === R) {
    const b = (R - 1) * C;
    for (let c = 0; c < C; c++) out[o + c] = open & OPEN_S ? openFlux(h[b + c]!, qyo[R * C + c]!, gn2[b + c]!, dt, hMin, R > 1 ? (z[b - C + c]! - z[b + c]!) / dx : 0, openSlope) : 0;
  } else {
    const yb = fr * C;
    for (let c = 0; c < C; c++) {
      const i = yb - C + c;
      const f = yb + c;
      const qo = qyo[f]!;
      out[o + c] = faceFlux(z[i]!, z[i + C]!, h[i]!, h[i + C]!, qo, theta * qo + w * (qyo[f - C]! + qyo[f + C]!), 0.5 * (gn2[i]! + gn2[i + C]!), dt, dx, hMin);
    }
  }
}

/**
 * Phase 1 for rows [r0, r1): raw fluxes on their x faces and on the y faces below them (plus the
 * north edge for the first band), and each cell's outflow factor. The y faces above the band
 * belong to the band above; they are recomputed here into `scratch` (cols floats) only to get
 * the first row's factors, so bands never write the same face.
 */
export function fluxes(g: Grid, p: StepParams, r0: number, r1: number, scratch: Float32Array): void {
  const { cols: C, dx, z, h, gn2, f: fac } = g;
  const { dt, theta, hMin, openSlope, open } = p;
  const qxo = g.qx[0], qxn = g.qx[1];
  const qyn = g.qy[1];
  const w = (1 - theta) / 2;
  const C1 = C + 1;
  const k = dt / dx;
  let above: Float32Array, ao: number;
  if (r0 === 0) {
    yFaceRow(g, p, 0, qyn, 0);
    above = qyn;
    ao = 0;
  } else {
    yFaceRow(g, p, r0, scratch, 0);
    above = scratch;
    ao = 0;
  }
  for (let r = r0; r < r1; r++) {
    const base = r * C;
    const fb = r * C1;
    qxn[fb] = open & OPEN_W ? -openFlux(h[base]!, -qxo[fb]!, gn2[base]!, dt, hMin, C > 1 ? (z[base + 1]! - z[base]!) / dx : 0, openSlope) : 0;
    // the west cell's values and the face's old neighbours carried along the row
    let zi = z[base]!, hi = h[base]!, gi = gn2[base]!, qm = qxo[fb]!, qo = qxo[fb + 1]!;
    for (let c = 1; c < C; c++) {
      const j = base + c;
      const fi = fb + c;
      const zj = z[j]!, hj = h[j]!, gj = gn2[j]!, qp = qxo[fi + 1]!;
      qxn[fi] = faceFlux(zi, zj, hi, hj, qo, theta * qo + w * (qm + qp), 0.5 * (gi + gj), dt, dx, hMin);
      zi = zj;
      hi = hj;
      gi = gj;
      qm = qo;
      qo = qp;
    }
    const e = base + C - 1;
    qxn[fb + C] = open & OPEN_E ? openFlux(h[e]!, qxo[fb + C]!, gn2[e]!, dt, hMin, C > 1 ? (z[e - 1]! - z[e]!) / dx : 0, openSlope) : 0;
    yFaceRow(g, p, r + 1, qyn, (r + 1) * C);
    // outflow factors: what the four faces would take out over the step, against what is there
    const bo = (r + 1) * C;
    for (let c = 0; c < C; c++) {
      const qw = qxn[fb + c]!, qe = qxn[fb + c + 1]!, qn = above[ao + c]!, qs = qyn[bo + c]!;
      const out = k * ((qw < 0 ? -qw : 0) + (qe > 0 ? qe : 0) + (qn < 0 ? -qn : 0) + (qs > 0 ? qs : 0));
      const hi = h[base + c]!;
      fac[base + c] = out > hi ? hi / out : 1;
    }
    above = qyn;
    ao = bo;
  }
}

/**
 * Phase 2 for rows [r0, r1): continuity with the donor-scaled fluxes, rain and sinks, maxima and
 * threshold times; the scaled fluxes become the state for the next step. Writes rowSink/rowOut
 * for these rows and returns the largest depth.
 */
export function depths(g: Grid, p: StepParams, r0: number, r1: number): number {
  const { cols: C, rows: R, dx, z, h, hmax, tmax, t15, t20, t27, f: fac } = g;
  const { dt, t, rain, sink } = p;
  const qx = g.qx[1], qy = g.qy[1];
  const sx = g.qx[0], sy = g.qy[0];
  const k = dt / dx;
  const C1 = C + 1;
  const vol = dx * dx;
  let hm = 0;
  for (let r = r0; r < r1; r++) {
    const base = r * C;
    const fb = r * C1;
    let sunk = 0;
    let out = 0;
    for (let c = 0; c < C; c++) {
      const i = base + c;
      const fi = fac[i]!;
      // west face: donor is the west cell when q > 0
      let qw = qx[fb + c]!;
      qw *= qw > 0 ? fac[i - 1]! : fi;
      let qe = qx[fb + c + 1]!;
      qe *= qe < 0 ? fac[i + 1]! : fi;
      let qn = qy[i]!;
      qn *= qn > 0 ? fac[i - C]! : fi;
      let qs = qy[i + C]!;
      qs *= qs < 0 ? fac[i + C]! : fi;
      sx[fb + c] = qw;
      sy[i] = qn;
      if (r === R - 1) sy[i + C] = qs;
      if (z[i] !== z[i]) continue; // outside the domain: its faces are all 0
      let hn = h[i]! + k * (qw - qe + qn - qs) + rain;
      if (hn > 0 && sink > 0) {
        const s = hn < sink ? hn : sink;
        hn -= s;
        sunk += s;
      }
      if (hn < 0) hn = 0; // round-off of the outflow scaling
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
    // east edge face, and the volume that left through the open sides of this row
    const e = base + C - 1;
    let qe = qx[fb + C]!;
    qe *= qe < 0 ? 0 : fac[e]!;
    sx[fb + C] = qe;
    out += qe - sx[fb]!;
    if (r === 0) for (let c = 0; c < C; c++) out -= sy[c]!;
    if (r === R - 1) for (let c = 0; c < C; c++) out += sy[R * C + c]!;
    g.rowSink[r] = sunk * vol;
    g.rowOut[r] = out * dt * dx;
  }
  return hm;
}

/**
 * The edge faces of rows [r0, r1) for kernels that do the interior themselves (kernel.wat):
 * the west and east faces of each row, and the north / south edge rows when the band holds
 * them, as raw discharges into qx[1] / qy[1] (exactly what fluxes() writes there).
 */
export function edgeFaces(g: Grid, p: StepParams, r0: number, r1: number): void {
  const { cols: C, rows: R, dx, z, h, gn2 } = g;
  const { dt, hMin, openSlope, open } = p;
  const qxo = g.qx[0], qxn = g.qx[1];
  const C1 = C + 1;
  if (r0 === 0) yFaceRow(g, p, 0, g.qy[1], 0);
  if (r1 === R) yFaceRow(g, p, R, g.qy[1], R * C);
  for (let r = r0; r < r1; r++) {
    const base = r * C;
    const fb = r * C1;
    qxn[fb] = open & OPEN_W ? -openFlux(h[base]!, -qxo[fb]!, gn2[base]!, dt, hMin, C > 1 ? (z[base + 1]! - z[base]!) / dx : 0, openSlope) : 0;
    const e = base + C - 1;
    qxn[fb + C] = open & OPEN_E ? openFlux(h[e]!, qxo[fb + C]!, gn2[e]!, dt, hMin, C > 1 ? (z[e - 1]! - z[e]!) / dx : 0, openSlope) : 0;
  }
}

/**
 * After an interior depths pass (kernel.wat) over rows [r0, r1): scale the east edge faces,
 * and the volume each row let out through the open sides (rowOut), as depths() does.
 */
export function edgeDepths(g: Grid, p: StepParams, r0: number, r1: number): void {
  const { cols: C, rows: R, dx, f: fac } = g;
  const { dt } = p;
  const qx = g.qx[1];
  const sx = g.qx[0], sy = g.qy[0];
  const C1 = C + 1;
  for (let r = r0; r < r1; r++) {
    const fb = r * C1;
    const e = r * C + C - 1;
    let qe = qx[fb + C]!;
    qe *= qe < 0 ? 0 : fac[e]!;
    sx[fb + C] = qe;
    let out = qe - sx[fb]!;
    if (r === 0) for (let c = 0; c < C; c++) out -= sy[c]!;
    if (r === R - 1) for (let c = 0; c < C; c++) out += sy[R * C + c]!;
    g.rowOut[r] = out * dt * dx;
  }
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
  return 4 * (n * 9 + 2 * rows * (cols + 1) + 2 * (rows + 1) * cols) + 8 * 2 * rows + 64;
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
    f: f32(n), hmax: f32(n), tmax: f32(n), t15: f32(n), t20: f32(n), t27: f32(n),
  } as Omit<Grid, 'rowSink' | 'rowOut'> as Grid;
  o = (o + 7) & ~7;
  g.rowSink = new Float64Array(buf, o, rows);
  o += 8 * rows;
  g.rowOut = new Float64Array(buf, o, rows);
  return g;
}
