// Stage 0 of the sample city, the plan the other stages draw on: the street lattice and its
// warp, the rivers, the zoning, which road segments exist, the natural ground and the ponds.
import type { Building, Road, RoadKind } from '../../../models/city';
import { ccw } from '../geometry';
import type { Rect } from './layouts';
import type { PresetConfig } from './presets';
import { chance, makeRng, rand, randInt, valueNoise, type Rng } from './random';
import { River, Warp } from './warp';


// ---------------------------------------------------------------------------------------------
// Zones, roads

export type Zone = 'core' | 'commercial' | 'highres' | 'midres' | 'lowres' | 'oldtown' | 'industrial' | 'public' | 'park';
export type Use = Building['use'];

const WIDTH_RANGE: Record<RoadKind, [number, number, number]> = { main: [30, 40, 2], secondary: [16, 24, 2], lane: [7, 10, 1] };
export const SIDEWALK: Record<RoadKind, number> = { main: 5, secondary: 3.5, lane: 1.2 };
export const SETBACK: Record<RoadKind, number> = { main: 8, secondary: 5, lane: 2.5 };
const NO_ROAD_MARGIN = 3;
const LANE_P: Record<Zone, number> = {
  core: 0.8, commercial: 0.7, highres: 0.45, midres: 0.55, lowres: 0.65, oldtown: 0.95, industrial: 0.2, public: 0.3, park: 0.15,
};

export interface Line {
  kind: RoadKind;
  widthM: number;
  /** segment k (between crossing lines k and k+1) is a road */
  seg: boolean[];
}

export interface Run {
  road: Road;
  kind: RoadKind;
  w: number;
  /** carriageway half width (kerb line offset from the centreline) */
  kerb: number;
  xs: Float64Array;
  ys: Float64Array;
  arc: Float64Array;
  length: number;
  /** crossings along the run: [from, to] arc interval, hard = a main or secondary road */
  zones: { a: number; b: number; hard: boolean; kind: RoadKind; road: number }[];
}

function lineKinds(n: number, rng: Rng): RoadKind[] {
  const kinds: RoadKind[] = new Array<RoadKind>(n + 1).fill('lane');
  kinds[0] = 'secondary';
  kinds[n] = 'secondary';
  let pos = randInt(rng, 3, 5);
  while (pos <= n - 3) {
    kinds[pos] = 'main';
    pos += randInt(rng, 5, 7);
  }
  const majors = kinds.map((k, i) => (k !== 'lane' ? i : -1)).filter((i) => i >= 0);
  for (let m = 0; m + 1 < majors.length; m++) {
    const a = majors[m]!, b = majors[m + 1]!;
    if (b - a >= 4) kinds[Math.round((a + b) / 2 + (b - a >= 6 ? rand(rng, -0.6, 0.6) : 0))] = 'secondary';
  }
  return kinds;
}

function lineWidth(kind: RoadKind, rng: Rng): number {
  const [lo, hi, step] = WIDTH_RANGE[kind];
  return lo + step * randInt(rng, 0, Math.round((hi - lo) / step));
}

/** n cells with irregular widths, positions centred on 0 */
function latticePositions(n: number, mean: number, rng: Rng): number[] {
  const w = Array.from({ length: n }, () => rand(rng, 0.78, 1.28));
  const sum = w.reduce((a, b) => a + b, 0);
  const pos = [-(n * mean) / 2];
  for (let i = 0; i < n; i++) pos.push(pos[i]! + (w[i]! / sum) * n * mean);
  return pos;
}

export function splitRange(n: number, k: number): number[] {
  // k near-equal parts of n; returns the k+1 boundaries
  const b = [0];
  for (let i = 1; i <= k; i++) b.push(Math.round((i * n) / k));
  return b;
}

export interface CellFrame { cx: number; cy: number; ux: number; uy: number; vx: number; vy: number; rect: Rect }
export interface Pond { ring: number[]; cx: number; cy: number; R: number }

export interface Plan {
  cfg: PresetConfig;
  seed: number;
  warp: Warp;
  sPos: number[];
  tPos: number[];
  ns: number;
  nt: number;
  vLines: Line[];
  hLines: Line[];
  /** ground bounds of the lattice */
  minX: number; minY: number; maxX: number; maxY: number;
  nCells: number;
  cellCx: Float64Array;
  cellCy: Float64Array;
  rivers: River[];
  /** distance from the water's edge; negative inside */
  riverDist: (x: number, y: number) => number;
  zones: Zone[];
  cellFrame: (k: number) => CellFrame;
  levelM: number;
  bedM: number;
  /** the natural ground before channels, ponds, dips and carriageways */
  groundAt: (x: number, y: number) => number;
  ponds: Pond[];
}

export function planCity(cfg: PresetConfig, seed: number): Plan {
  // --- 1. lattice and warp
  const rl = makeRng(seed, 'lattice');
  const rot = rand(rl, -0.2, 0.2);
  const warp = new Warp(rl, rot);
  const sPos = latticePositions(cfg.cols, cfg.meanSpacingM, rl);
  const tPos = latticePositions(cfg.rows, cfg.meanSpacingM, rl);
  const ns = cfg.cols, nt = cfg.rows;
  const vKinds = lineKinds(ns, rl), hKinds = lineKinds(nt, rl);
  const vLines: Line[] = vKinds.map((k) => ({ kind: k, widthM: lineWidth(k, rl), seg: new Array<boolean>(nt).fill(false) }));
  const hLines: Line[] = hKinds.map((k) => ({ kind: k, widthM: lineWidth(k, rl), seg: new Array<boolean>(ns).fill(false) }));
  {
    // vertex jitter across each line: main roads stay nearly straight, lanes wander
    const amp: Record<RoadKind, number> = { main: 2, secondary: 6, lane: 12 };
    const jds = new Float64Array((ns + 1) * (nt + 1)), jdt = new Float64Array((ns + 1) * (nt + 1));
    for (let j = 0; j <= nt; j++) {
      for (let i = 0; i <= ns; i++) {
        jds[j * (ns + 1) + i] = i === 0 || i === ns ? 0 : amp[vKinds[i]!] * (2 * rl() - 1);
        jdt[j * (ns + 1) + i] = j === 0 || j === nt ? 0 : amp[hKinds[j]!] * (2 * rl() - 1);
      }
    }
    warp.setJitter(sPos, tPos, jds, jdt);
  }

  // ground bounds of the lattice
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const bound = (s: number, t: number) => {
    warp.fwd(s, t);
    if (warp.ox < minX) minX = warp.ox; if (warp.ox > maxX) maxX = warp.ox;
    if (warp.oy < minY) minY = warp.oy; if (warp.oy > maxY) maxY = warp.oy;
  };
  for (let k = 0; k <= 200; k++) {
    const fs = sPos[0]! + ((sPos[ns]! - sPos[0]!) * k) / 200, ft = tPos[0]! + ((tPos[nt]! - tPos[0]!) * k) / 200;
    bound(fs, tPos[0]!); bound(fs, tPos[nt]!); bound(sPos[0]!, ft); bound(sPos[ns]!, ft);
  }

  // cell centres and frames
  const nCells = ns * nt;
  const cellCx = new Float64Array(nCells), cellCy = new Float64Array(nCells);
  for (let j = 0; j < nt; j++) {
    for (let i = 0; i < ns; i++) {
      warp.fwd((sPos[i]! + sPos[i + 1]!) / 2, (tPos[j]! + tPos[j + 1]!) / 2);
      cellCx[j * ns + i] = warp.ox; cellCy[j * ns + i] = warp.oy;
    }
  }

  // --- 2. rivers
  const rr = makeRng(seed, 'rivers');
  const cx0 = (minX + maxX) / 2, cy0 = (minY + maxY) / 2;
  const spanY = maxY - minY;
  const rivers: River[] = [];
  const riverSide = chance(rr, 0.5) ? 1 : -1;
  const riverNames = [{ zh: '霅溪', en: 'Zhaxi River' }, { zh: '龙溪港', en: 'Longxi Canal' }, { zh: '西苕溪', en: 'West Tiaoxi River' }];
  for (let k = 0; k < cfg.rivers; k++) {
    const off = cfg.rivers === 1 ? -rand(rr, 0.12, 0.2) * spanY : (k === 0 ? -0.22 : 0.26) * spanY + rand(rr, -0.03, 0.03) * spanY;
    // about 45 degrees to the streets, and meanders gentle enough (slope < tan 31 deg) that the
    // river never runs along a street: it crosses them, under bridges
    const ang = rot + riverSide * rand(rr, 0.7, 0.87);
    const hw = k === 0 ? rand(rr, 20, 26) : rand(rr, 13, 17);
    rivers.push(new River(cx0 - Math.sin(rot) * off, cy0 + Math.cos(rot) * off, ang, hw, rr, k === 0 ? 70 : 50, riverNames[k]!));
  }
  const riverDist = (x: number, y: number): number => {
    let d = Infinity;
    for (const r of rivers) d = Math.min(d, Math.abs(r.dist(x, y)) - r.hw);
    return d; // distance from the water's edge; negative inside
  };

  // --- zones
  const rz = makeRng(seed, 'zones');
  const centres: { x: number; y: number; r: number }[] = [{ x: cx0 + rand(rz, -150, 150), y: cy0 + rand(rz, 50, 250), r: 1 }];
  for (let k = 1; k < cfg.centres; k++) {
    const a = rand(rz, 0, 2 * Math.PI) + (k * 2 * Math.PI) / cfg.centres;
    const d = Math.min(maxX - minX, maxY - minY) * rand(rz, 0.28, 0.34);
    centres.push({ x: centres[0]!.x + d * Math.cos(a), y: centres[0]!.y + d * Math.sin(a), r: 0.7 });
  }
  // the old town sits on the river bank nearest the main centre
  let oldX = centres[0]!.x, oldY = centres[0]!.y;
  {
    const r0 = rivers[0]!;
    let best = Infinity;
    for (let k = 0; k < nCells; k++) {
      const d = Math.abs(r0.dist(cellCx[k]!, cellCy[k]!) - r0.hw - 120) + 0.5 * Math.hypot(cellCx[k]! - centres[0]!.x, cellCy[k]! - centres[0]!.y);
      if (d < best) { best = d; oldX = cellCx[k]!; oldY = cellCy[k]!; }
    }
  }
  const indAngle = rand(rz, 0, 2 * Math.PI);
  const zoneSeed = Math.floor(rz() * 1e6);
  const zones: Zone[] = new Array<Zone>(nCells);
  for (let k = 0; k < nCells; k++) {
    const x = cellCx[k]!, y = cellCy[k]!;
    const n = valueNoise(x / 380, y / 380, zoneSeed) * 160;
    let d = Infinity;
    for (const c of centres) d = Math.min(d, Math.hypot(x - c.x, y - c.y) / c.r);
    d += n;
    const dOld = Math.hypot(x - oldX, y - oldY) + n * 0.6;
    const ang = Math.atan2(y - centres[0]!.y, x - centres[0]!.x);
    const inSector = Math.abs(Math.atan2(Math.sin(ang - indAngle), Math.cos(ang - indAngle))) < 0.6;
    let z: Zone;
    if (dOld < 240) z = 'oldtown';
    else if (d < 230) z = 'core';
    else if (d < 620) z = chance(rz, 0.45) ? 'highres' : 'midres';
    else if (d < 1000) z = chance(rz, 0.6) ? 'midres' : chance(rz, 0.5) ? 'highres' : 'lowres';
    else if (inSector && d > 1050) z = chance(rz, 0.85) ? 'industrial' : 'lowres';
    else z = chance(rz, 0.5) ? 'lowres' : 'midres';
    if (z !== 'core' && z !== 'oldtown') {
      const u = rz();
      if (u < 0.05) z = 'park';
      else if (u < 0.1) z = 'public';
    }
    zones[k] = z;
  }
  // commercial strips along main roads
  for (let j = 0; j < nt; j++) {
    for (let i = 0; i < ns; i++) {
      const k = j * ns + i;
      const onMain = vLines[i]!.kind === 'main' || vLines[i + 1]!.kind === 'main' || hLines[j]!.kind === 'main' || hLines[j + 1]!.kind === 'main';
      if (onMain && (zones[k] === 'midres' || zones[k] === 'highres' || zones[k] === 'lowres') && chance(rz, 0.3)) zones[k] = 'commercial';
    }
  }
  // riverside cells become parks more often
  for (let k = 0; k < nCells; k++) {
    if (zones[k] !== 'oldtown' && zones[k] !== 'core' && riverDist(cellCx[k]!, cellCy[k]!) < 30 && chance(rz, 0.4)) zones[k] = 'park';
  }

  // --- road segments
  const rs = makeRng(seed, 'segments');
  const segInRiver = (vertical: boolean, line: number, k: number): number => {
    // fraction of samples within the water (plus a margin)
    let n = 0;
    for (let q = 0; q <= 10; q++) {
      if (vertical) warp.fwd(sPos[line]!, tPos[k]! + ((tPos[k + 1]! - tPos[k]!) * q) / 10);
      else warp.fwd(sPos[k]! + ((sPos[k + 1]! - sPos[k]!) * q) / 10, tPos[line]!);
      if (riverDist(warp.ox, warp.oy) < 6) n++;
    }
    return n / 11;
  };
  for (let i = 0; i <= ns; i++) {
    const L = vLines[i]!;
    for (let j = 0; j < nt; j++) {
      const inRiver = segInRiver(true, i, j);
      if (L.kind === 'main') L.seg[j] = true;
      else if (L.kind === 'secondary') L.seg[j] = inRiver < 0.35 || chance(rs, 0.6); // a bridge, or the street ends at the bank
      else {
        const zl = zones[j * ns + i - 1]!, zr = zones[j * ns + i]!;
        L.seg[j] = inRiver === 0 && chance(rs, (LANE_P[zl] + LANE_P[zr]) / 2);
      }
    }
  }
  for (let j = 0; j <= nt; j++) {
    const L = hLines[j]!;
    for (let i = 0; i < ns; i++) {
      const inRiver = segInRiver(false, j, i);
      if (L.kind === 'main') L.seg[i] = true;
      else if (L.kind === 'secondary') L.seg[i] = inRiver < 0.35 || chance(rs, 0.6);
      else {
        const zb = zones[(j - 1) * ns + i]!, zt = zones[j * ns + i]!;
        L.seg[i] = inRiver === 0 && chance(rs, (LANE_P[zb] + LANE_P[zt]) / 2);
      }
    }
  }

  /** A cell's local frame (u along its s axis, v across) and the largest rectangle in that frame
   *  inside the cell, clear of the roads on its edges by their half width plus the setback. */
  const cellFrame = (k: number) => {
    const i = k % ns, j = Math.floor(k / ns);
    const sm = (sPos[i]! + sPos[i + 1]!) / 2, tm = (tPos[j]! + tPos[j + 1]!) / 2;
    warp.fwd(sm + 1, tm); const ax = warp.ox, ay = warp.oy;
    warp.fwd(sm - 1, tm);
    let ux = ax - warp.ox, uy = ay - warp.oy;
    const ul = Math.hypot(ux, uy); ux /= ul; uy /= ul;
    const vx = -uy, vy = ux;
    const cx = cellCx[k]!, cy = cellCy[k]!;
    // a road on the edge: half its width plus the setback; none, but a road ends at a corner
    // (dead end, or a street stopping at the river): clear of its end
    const margin = (L: Line, segIdx: number) =>
      L.seg[segIdx] ? (L.widthM / 2 + SETBACK[L.kind]) * 1.05
        : L.seg[segIdx - 1] || L.seg[segIdx + 1] ? Math.max(NO_ROAD_MARGIN, L.widthM / 2 + 1.5) : NO_ROAD_MARGIN;
    const mW = margin(vLines[i]!, j), mE = margin(vLines[i + 1]!, j), mS = margin(hLines[j]!, i), mN = margin(hLines[j + 1]!, i);
    let u0 = -Infinity, u1 = Infinity, v0 = -Infinity, v1 = Infinity;
    for (let q = 0; q <= 8; q++) {
      const tq = tPos[j]! + ((tPos[j + 1]! - tPos[j]!) * q) / 8, sq = sPos[i]! + ((sPos[i + 1]! - sPos[i]!) * q) / 8;
      warp.fwd(sPos[i]!, tq); u0 = Math.max(u0, (warp.ox - cx) * ux + (warp.oy - cy) * uy + mW);
      warp.fwd(sPos[i + 1]!, tq); u1 = Math.min(u1, (warp.ox - cx) * ux + (warp.oy - cy) * uy - mE);
      warp.fwd(sq, tPos[j]!); v0 = Math.max(v0, (warp.ox - cx) * vx + (warp.oy - cy) * vy + mS);
      warp.fwd(sq, tPos[j + 1]!); v1 = Math.min(v1, (warp.ox - cx) * vx + (warp.oy - cy) * vy - mN);
    }
    return { cx, cy, ux, uy, vx, vy, rect: { u0, u1, v0, v1 } as Rect };
  };

  const rt = makeRng(seed, 'terrain');
  const levelM = 2.6; // normal water level of the Huzhou plain river network, about 2.5-3 m
  const bedM = levelM - rand(rt, 2.0, 2.5);
  const landMin = levelM + 1.1;
  const tSeed = Math.floor(rt() * 1e6);
  const slopeAng = rand(rt, 0, 2 * Math.PI), slope = rand(rt, 0.0008, 0.0013);
  const gx = slope * Math.cos(slopeAng), gy = slope * Math.sin(slopeAng);
  const baseH = rand(rt, 6, 7);
  /** the natural ground: a regional slope plus fBm, kept above the river level */
  const groundAt = (x: number, y: number): number => {
    const h = baseH + gx * x + gy * y
      + 2.0 * valueNoise(x / 1300, y / 1300, tSeed)
      + 0.9 * valueNoise(x / 520, y / 520, tSeed + 1)
      + 0.3 * valueNoise(x / 190, y / 190, tSeed + 2);
    // smooth floor above the river level: the plain stays dry at normal water level
    return 0.5 * (h + landMin + Math.sqrt((h - landMin) * (h - landMin) + 0.25));
  };

  // --- ponds in a few low-lying parks (water at the river network's level)
  const ponds: Pond[] = [];
  {
    const rpd = makeRng(seed, 'ponds');
    const want = Math.max(1, Math.round(nCells / 200));
    const parks = Array.from({ length: nCells }, (_, k) => k)
      .filter((k) => zones[k] === 'park' && riverDist(cellCx[k]!, cellCy[k]!) > 80 && groundAt(cellCx[k]!, cellCy[k]!) < levelM + 2.6)
      .sort((a, b) => groundAt(cellCx[a]!, cellCy[a]!) - groundAt(cellCx[b]!, cellCy[b]!));
    for (const k of parks.slice(0, want)) {
      const { cx, cy, ux, uy, vx, vy, rect } = cellFrame(k);
      const W = rect.u1 - rect.u0, D = rect.v1 - rect.v0;
      if (W < 40 || D < 40) continue;
      const mu = (rect.u0 + rect.u1) / 2, mv = (rect.v0 + rect.v1) / 2;
      const ru = W * rand(rpd, 0.34, 0.4), rv = D * rand(rpd, 0.34, 0.4);
      const h1 = rand(rpd, 0.05, 0.12), p1 = rand(rpd, 0, 6.3), h2 = rand(rpd, 0.03, 0.08), p2 = rand(rpd, 0, 6.3);
      const ring: number[] = [];
      for (let a = 0; a < 48; a++) {
        const th = (a / 48) * 2 * Math.PI;
        const f = 1 + h1 * Math.sin(2 * th + p1) + h2 * Math.sin(3 * th + p2);
        const u = mu + ru * f * Math.cos(th), v = mv + rv * f * Math.sin(th);
        ring.push(Math.round((cx + u * ux + v * vx) * 100) / 100, Math.round((cy + u * uy + v * vy) * 100) / 100);
      }
      ponds.push({ ring: ccw(ring), cx: cx + mu * ux + mv * vx, cy: cy + mu * uy + mv * vy, R: Math.max(ru, rv) * 1.15 });
    }
  }


  return {
    cfg, seed, warp, sPos, tPos, ns, nt, vLines, hLines, minX, minY, maxX, maxY, nCells, cellCx, cellCy,
    rivers, riverDist, zones, cellFrame, levelM, bedM, groundAt, ponds,
  };
}
