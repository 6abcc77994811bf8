// Component placement for the sample city: the way a city places its street furniture along its
// roads (GB/T 47678.5 classes): lights, grates, hydrants, bins, bus stops, billboards, chargers
// and gauges (fixed), street trees, manhole covers and signboards (flexible, tuned to a count).
import type { Dem, PronePoint } from '../../../models/city';
import { COMPONENT_CLASSES } from '../../../models/components';
import { demHeightAt } from '../geometry';
import type { CellBuilding } from './buildings';
import { SETBACK, SIDEWALK, type Line, type Run, type Zone } from './plan';
import { hash2, rand, randInt, type Rng } from './random';
import type { Warp } from './warp';

const CLS = Object.fromEntries(COMPONENT_CLASSES.map((c) => [c.code, c.index])) as Record<string, number>;
export const C_WATER = CLS['01001']!, C_SEWER = CLS['01002']!, C_STORM = CLS['01003']!, C_GRATE = CLS['01004']!;
export const C_HYDRANT = CLS['01013']!, C_LIGHT = CLS['01037']!, C_CHARGER = CLS['01054']!, C_GAUGE = CLS['01067']!;
export const C_BUS = CLS['02004']!, C_BIN = CLS['03005']!, C_BILLBOARD = CLS['03006']!, C_SIGN = CLS['03007']!, C_TREE = CLS['04002']!;

export class CompBuf {
  cls: number[] = [];
  x: number[] = [];
  y: number[] = [];
  heading: number[] = [];
  grid: number[] = [];
  get length() { return this.cls.length; }
}


// Component placement

export interface PlaceCtx {
  warp: Warp;
  gridAt: (x: number, y: number) => number;
  riverDist: (x: number, y: number) => number;
  dem: Dem;
}


const P = { x: 0, y: 0, tx: 0, ty: 0 };
/** point at arc length a along a run, offset lateral metres to the left; sets P */
function pointAt(run: Run, a: number, lateral: number): void {
  const arc = run.arc;
  let lo = 0, hi = arc.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (arc[mid]! <= a) lo = mid; else hi = mid - 1;
  }
  const l = arc[lo + 1]! - arc[lo]!;
  const f = l > 0 ? Math.min(1, Math.max(0, (a - arc[lo]!) / l)) : 0;
  const tx = (run.xs[lo + 1]! - run.xs[lo]!) / (l || 1), ty = (run.ys[lo + 1]! - run.ys[lo]!) / (l || 1);
  P.tx = tx; P.ty = ty;
  P.x = run.xs[lo]! + f * (run.xs[lo + 1]! - run.xs[lo]!) - ty * lateral;
  P.y = run.ys[lo]! + f * (run.ys[lo + 1]! - run.ys[lo]!) + tx * lateral;
}

function inZones(run: Run, a: number, pad: number, lanesToo: boolean): boolean {
  for (const z of run.zones) if ((lanesToo || z.hard) && a > z.a - pad && a < z.b + pad) return true;
  return false;
}

/** Lights: even spacing of 25-35 m between the main/secondary crossings; a light that lands in a
 *  lane mouth moves to the nearer corner. */
function evenPositions(run: Run, base: number): number[] {
  const out: number[] = [];
  const hard = run.zones.filter((z) => z.hard).sort((a, b) => a.a - b.a);
  const intervals: [number, number][] = [];
  let cur = 2;
  for (const z of hard) {
    if (z.a > cur) intervals.push([cur, z.a]);
    cur = Math.max(cur, z.b);
  }
  if (run.length - 2 > cur) intervals.push([cur, run.length - 2]);
  for (const [a, b] of intervals) {
    const L = b - a;
    if (L < 12) continue;
    if (L < 25) { out.push((a + b) / 2); continue; }
    let n = Math.max(1, Math.round(L / base));
    if (L / n > 35 && L / (n + 1) >= 25) n++;
    if (L / n < 25 && n > 1 && L / (n - 1) <= 35) n--;
    for (let q = 0; q <= n; q++) out.push(a + (L * q) / n);
  }
  const lanes = run.zones.filter((z) => !z.hard);
  return out.map((p) => {
    for (const z of lanes) if (p > z.a && p < z.b) return p - z.a < z.b - p ? z.a : z.b;
    return p;
  });
}

/** Regular positions every `spacing` metres from `phase`, skipping crossings (plus pad). */
function stepPositions(run: Run, spacing: number, phase: number, pad: number, jitter: number, rng: Rng, lanesToo = true): number[] {
  const out: number[] = [];
  for (let a = phase; a < run.length; a += spacing) {
    const q = a + (jitter ? jitter * (2 * rng() - 1) : 0);
    if (q < 1.5 || q > run.length - 1.5) continue;
    if (inZones(run, q, pad, lanesToo)) continue;
    out.push(q);
  }
  return out;
}

function emit(ctx: PlaceCtx, buf: CompBuf, cls: number, x: number, y: number, heading: number, riverPad: number | null): void {
  if (riverPad !== null && ctx.riverDist(x, y) < riverPad) return;
  const g = ctx.gridAt(x, y);
  if (g < 0) return;
  buf.cls.push(cls); buf.x.push(x); buf.y.push(y); buf.heading.push(heading); buf.grid.push(g);
}

/** emit at arc a, lateral offset; heading toward the road centre (or along it) */
function emitAlong(ctx: PlaceCtx, buf: CompBuf, run: Run, cls: number, a: number, lateral: number, face: 'road' | 'along', riverPad: number | null): void {
  pointAt(run, a, lateral);
  const heading = face === 'along' ? Math.atan2(P.ty, P.tx) : lateral >= 0 ? Math.atan2(-P.tx, P.ty) : Math.atan2(P.tx, -P.ty);
  emit(ctx, buf, cls, P.x, P.y, heading, riverPad);
}

/** Everything but the flexible classes: lights, grates, hydrants, bins, bus stops, billboards,
 *  chargers and gauges. Components over the water (bridges) are left out: z is the ground. */
export function placeFixed(
  ctx: PlaceCtx, runs: Run[], prone: PronePoint[], rng: Rng, cellOrder: number[], zones: Zone[],
  vLines: Line[], hLines: Line[], sPos: number[], tPos: number[], ns: number,
): CompBuf {
  const buf = new CompBuf();
  for (const run of runs) {
    const k = run.kind, kerb = run.kerb, half = run.w / 2;
    const lightBase = rand(rng, 28.5, 31.5);
    // street lights: both sides of main and secondary roads, one side of lanes
    const lightSides = k === 'lane' ? [half - 0.4] : [kerb + 0.7, -(kerb + 0.7)];
    for (const lat of lightSides) for (const a of evenPositions(run, lightBase)) emitAlong(ctx, buf, run, C_LIGHT, a, lat, 'road', 0);
    // storm grates along the kerbs, and at the road's low points
    const gSpacing = k === 'main' ? 30 : k === 'secondary' ? 35 : 40;
    const gSides = k === 'lane' ? [-(kerb - 0.3)] : [kerb - 0.3, -(kerb - 0.3)];
    const lows = lowPoints(ctx.dem, run);
    for (const lat of gSides) {
      const ph = rand(rng, 5, gSpacing);
      for (const a of stepPositions(run, gSpacing, ph, 1, 1.5, rng)) {
        if (lows.some((l) => Math.abs(l - a) < 8)) continue;
        emitAlong(ctx, buf, run, C_GRATE, a, lat, 'along', 2);
      }
      for (const a of lows) if (!inZones(run, a, 0, true)) emitAlong(ctx, buf, run, C_GRATE, a, lat, 'along', 2);
    }
    // hydrants about every 120 m, alternating sides on wide roads
    {
      let side = 1;
      for (const a of stepPositions(run, 120, rand(rng, 20, 120), 4, 6, rng)) {
        const lat = k === 'lane' ? -(half - 0.3) : side * (kerb + 0.6);
        emitAlong(ctx, buf, run, C_HYDRANT, a, lat, 'road', 4);
        if (k !== 'lane') side = -side;
      }
    }
    // litter bins every 50-80 m on main roads (both sides), sparser on secondary roads
    if (k !== 'lane') {
      const sides = k === 'main' ? [kerb + 1.4, -(kerb + 1.4)] : [rng() < 0.5 ? kerb + 1.2 : -(kerb + 1.2)];
      for (const lat of sides) {
        for (const a of stepPositions(run, k === 'main' ? rand(rng, 55, 75) : 85, rand(rng, 10, 60), 6, 5, rng)) emitAlong(ctx, buf, run, C_BIN, a, lat, 'road', 4);
      }
    }
    // bus stops every ~500 m on main roads, staggered between the two directions
    if (k === 'main') {
      const ph = rand(rng, 120, 380);
      for (const [lat, off] of [[kerb + 1.8, 0], [-(kerb + 1.8), 250]] as const) {
        for (let a = ph + off; a < run.length - 20; a += rand(rng, 450, 550)) {
          let q = a;
          for (let tries = 0; tries < 10 && inZones(run, q, 25, false); tries++) q += 20;
          if (q > run.length - 20 || inZones(run, q, 25, false)) continue;
          emitAlong(ctx, buf, run, C_BUS, q, lat, 'road', 6);
        }
      }
    }
    // outdoor advertising: roadside boards on main roads, beyond the sidewalk
    if (k === 'main') {
      for (const a of stepPositions(run, rand(rng, 180, 260), rand(rng, 40, 150), 12, 20, rng)) {
        emitAlong(ctx, buf, run, C_BILLBOARD, a, (rng() < 0.5 ? 1 : -1) * (half + 2.5), 'road', 8);
      }
    } else if (k === 'secondary' && rng() < 0.5) {
      for (const a of stepPositions(run, 400, rand(rng, 50, 300), 12, 30, rng)) emitAlong(ctx, buf, run, C_BILLBOARD, a, (rng() < 0.5 ? 1 : -1) * (half + 2), 'road', 8);
    }
  }
  // billboards at the corners of main x main junctions
  for (let i = 0; i < vLines.length; i++) {
    for (let j = 0; j < hLines.length; j++) {
      const V = vLines[i]!, H = hLines[j]!;
      if (V.kind !== 'main' || H.kind !== 'main') continue;
      ctx.warp.fwd(sPos[i]!, tPos[j]!);
      const jx = ctx.warp.ox, jy = ctx.warp.oy;
      ctx.warp.fwd(sPos[i]! + 1, tPos[j]!);
      const ux = ctx.warp.ox - jx, uy = ctx.warp.oy - jy;
      ctx.warp.fwd(sPos[i]!, tPos[j]! + 1);
      const vx = ctx.warp.ox - jx, vy = ctx.warp.oy - jy;
      for (const [su, sv] of [[1, 1], [-1, 1], [-1, -1], [1, -1]] as const) {
        if (rng() < 0.5) continue;
        const du = su * (V.widthM / 2 + 4), dv = sv * (H.widthM / 2 + 4);
        const x = jx + du * ux + dv * vx, y = jy + du * uy + dv * vy;
        emit(ctx, buf, C_BILLBOARD, x, y, Math.atan2(jy - y, jx - x), 8);
      }
    }
  }
  // EV chargers: rows of 4-8 in the setback of some commercial, office and public cells
  for (const k of cellOrder) {
    const z = zones[k]!;
    const p = z === 'core' || z === 'commercial' ? 0.22 : z === 'public' || z === 'highres' ? 0.1 : z === 'industrial' ? 0.06 : 0;
    if (!(rng() < p)) continue;
    const i = k % ns, j = Math.floor(k / ns);
    // along the widest setback edge with a road: south or north edge
    const S = hLines[j]!, N = hLines[j + 1]!;
    const useS = S.seg[i] && (!N.seg[i] || S.widthM >= N.widthM);
    const L = useS ? S : N;
    if (!L.seg[i] || L.kind === 'lane') continue;
    const tEdge = useS ? tPos[j]! : tPos[j + 1]!;
    const n = randInt(rng, 4, 8);
    const sMid = (sPos[i]! + sPos[i + 1]!) / 2 + rand(rng, -15, 15);
    ctx.warp.fwd(sMid, tEdge);
    const ex = ctx.warp.ox, ey = ctx.warp.oy;
    ctx.warp.fwd(sMid + 1, tEdge);
    let tx = ctx.warp.ox - ex, ty = ctx.warp.oy - ey;
    const tl = Math.hypot(tx, ty); tx /= tl; ty /= tl;
    const inward = useS ? 1 : -1; // toward the cell centre
    const off = L.widthM / 2 + SETBACK[L.kind] * 0.55;
    for (let q = 0; q < n; q++) {
      const along = (q - (n - 1) / 2) * 3;
      const x = ex + tx * along - ty * off * inward, y = ey + ty * along + tx * off * inward;
      emit(ctx, buf, C_CHARGER, x, y, Math.atan2(tx * inward, -ty * inward), 4);
    }
  }
  // water-level gauges at the prone points
  for (const p of prone) emit(ctx, buf, C_GAUGE, p.x, p.y, 0, null);
  return buf;
}

/** arc positions of the local minima of a road's centreline profile (lowest within +-20 m) */
function lowPoints(dem: Dem, run: Run): number[] {
  const step = 5;
  const n = Math.floor(run.length / step);
  if (n < 3) return [];
  const h = new Float64Array(n + 1);
  for (let q = 0; q <= n; q++) { pointAt(run, q * step, 0); h[q] = demHeightAt(dem, P.x, P.y); }
  const out: number[] = [];
  for (let q = 1; q < n; q++) {
    let low = true;
    for (let m = Math.max(0, q - 4); m <= Math.min(n, q + 4) && low; m++) if (m !== q && h[m]! <= h[q]!) low = false;
    if (low) out.push(q * step);
  }
  return out;
}

/** The flexible classes (street trees, the three manhole covers, signboards) at density k:
 *  tuned to reach a preset's exact component count. */
export function placeFlex(ctx: PlaceCtx, runs: Run[], cellBuildings: CellBuilding[], rng: Rng, k: number): CompBuf {
  const buf = new CompBuf();
  for (const run of runs) {
    const kind = run.kind, kerb = run.kerb, sw = SIDEWALK[kind];
    // street trees on the sidewalk, every ~8 m on main roads
    const tSpacing = (kind === 'main' ? 8 : kind === 'secondary' ? 8 : 10) / k;
    const tSides = kind === 'lane' ? (k > 1.3 ? [run.w / 2 - 0.5, -(run.w / 2 - 0.5)] : [-(run.w / 2 - 0.5)]) : [kerb + Math.min(2.2, sw - 1), -(kerb + Math.min(2.2, sw - 1))];
    for (const lat of tSides) {
      for (const a of stepPositions(run, tSpacing, rand(rng, 0, tSpacing), 3, 0.4, rng)) emitAlong(ctx, buf, run, C_TREE, a, lat, 'along', 3);
    }
    // manhole covers in the carriageway: sewage, storm water, and water supply under the sidewalk
    const cov = (cls: number, spacing: number, lat: number) => {
      for (const a of stepPositions(run, spacing / k, rand(rng, 0, spacing / k), 0, 2, rng, false)) emitAlong(ctx, buf, run, cls, a, lat, 'along', 1);
    };
    if (kind === 'lane') {
      cov(C_SEWER, 40, 0.9); cov(C_STORM, 40, -0.9); cov(C_WATER, 80, run.w / 2 - 0.8);
    } else {
      cov(C_SEWER, kind === 'main' ? 45 : 50, kerb * 0.25);
      cov(C_STORM, kind === 'main' ? 40 : 45, -kerb * 0.3);
      cov(C_WATER, kind === 'main' ? 70 : 80, kerb + sw * 0.5);
    }
  }
  // signboards on ground-floor shop fronts facing a street
  for (const cb of cellBuildings) {
    const { b, local, frame } = cb;
    const shop = b.use === 'commercial' || b.use === 'office' || (b.use === 'residential' && b.floors <= 12 && (hash2(b.id, 7, 3) < 0.5));
    if (!shop) continue;
    let lu0 = Infinity, lu1 = -Infinity, lv0 = Infinity, lv1 = -Infinity;
    for (let q = 0; q < local.ring.length; q += 2) {
      lu0 = Math.min(lu0, local.ring[q]!); lu1 = Math.max(lu1, local.ring[q]!);
      lv0 = Math.min(lv0, local.ring[q + 1]!); lv1 = Math.max(lv1, local.ring[q + 1]!);
    }
    const { cx, cy, ux, uy } = frame;
    const vx = -uy, vy = ux;
    const spacing = 8 / k;
    // facades: south (v0), north (v1), west (u0), east (u1); the sign hangs 0.4 m in front
    for (let side = 0; side < 4; side++) {
      if (!cb.front[side]) continue;
      const alongU = side < 2;
      const lo = alongU ? lu0 : lv0, hi = alongU ? lu1 : lv1;
      const fixedC = side === 0 ? lv0 - 0.4 : side === 1 ? lv1 + 0.4 : side === 2 ? lu0 - 0.4 : lu1 + 0.4;
      const out = side === 0 || side === 2 ? -1 : 1;
      const nx = alongU ? out * vx : out * ux, ny = alongU ? out * vy : out * uy;
      for (let w = lo + 3 + rng() * spacing * 0.5; w <= hi - 3; w += spacing) {
        const u = alongU ? w : fixedC, v = alongU ? fixedC : w;
        emit(ctx, buf, C_SIGN, cx + u * ux + v * vx, cy + u * uy + v * vy, Math.atan2(ny, nx), null);
      }
    }
  }
  return buf;
}
