// The terrain stage of the sample city: the DEM (5 m cells) from the natural ground, the river
// channels, pond bowls, closed depressions at the prone points and carriageways below the kerb;
// and the water polygons.
import type { Dem, Water } from '../../../models/city';
import { pointInRing, ringEdgeDist } from '../geometry';
import type { Plan } from './plan';
import { makeRng, rand } from './random';
import type { RoadStage } from './roads';

export interface Dip { x: number; y: number; names: { zh: string; en: string }; at: 'junction' | 'mid'; depth: number; sigma: number }

export interface TerrainStage { dem: Dem; water: Water; dips: Dip[] }

export function terrainStage(plan: Plan, road: RoadStage): TerrainStage {
  const { cfg, seed, warp, sPos, tPos, ns, nt, vLines, hLines, minX, minY, maxX, maxY, rivers, riverDist, levelM, bedM, groundAt, ponds } = plan;
  const { runs, lineName } = road;
  // --- 3. DEM
  const cs = cfg.demCellM;
  const pad = 10;
  const x0 = Math.floor((minX - pad) / cs) * cs, y0 = Math.ceil((maxY + pad) / cs) * cs;
  const cols = Math.ceil((maxX + pad - x0) / cs), rows = Math.ceil((y0 - (minY - pad)) / cs);
  const heights = new Float32Array(cols * rows);
  const dem: Dem = { cols, rows, cellSize: cs, x0, y0, heights };

  // depressions (prone points): on main and secondary roads, away from the river and each other
  const rp = makeRng(seed, 'prone');
  type Cand = { x: number; y: number; names: { zh: string; en: string }; at: 'junction' | 'mid' };
  const cands: Cand[] = [];
  for (let i = 1; i < ns; i++) {
    for (let j = 1; j < nt; j++) {
      const V = vLines[i]!, H = hLines[j]!;
      const vOn = V.kind !== 'lane' && (V.seg[j - 1] || V.seg[j]);
      const hOn = H.kind !== 'lane' && (H.seg[i - 1] || H.seg[i]);
      if (vOn && hOn) {
        warp.fwd(sPos[i]!, tPos[j]!);
        const a = lineName.get(`true${i}`)!, b = lineName.get(`false${j}`)!;
        cands.push({ x: warp.ox, y: warp.oy, at: 'junction', names: { zh: `${a.zh}与${b.zh}交叉口`, en: `${a.en} / ${b.en} junction` } });
      }
      if (V.kind !== 'lane' && V.seg[j]) {
        warp.fwd(sPos[i]!, (tPos[j]! + tPos[j + 1]!) / 2);
        const a = lineName.get(`true${i}`)!;
        cands.push({ x: warp.ox, y: warp.oy, at: 'mid', names: { zh: `${a.zh}低洼路段`, en: `${a.en} low section` } });
      }
      if (H.kind !== 'lane' && H.seg[i]) {
        warp.fwd((sPos[i]! + sPos[i + 1]!) / 2, tPos[j]!);
        const a = lineName.get(`false${j}`)!;
        cands.push({ x: warp.ox, y: warp.oy, at: 'mid', names: { zh: `${a.zh}低洼路段`, en: `${a.en} low section` } });
      }
    }
  }
  for (let i = cands.length - 1; i > 0; i--) {
    const j = Math.floor(rp() * (i + 1));
    [cands[i], cands[j]] = [cands[j]!, cands[i]!];
  }
  const dips: (Cand & { depth: number; sigma: number })[] = [];
  for (let spacing = cfg.proneSpacingM; dips.length < cfg.pronePoints && spacing > 50; spacing *= 0.8) {
    for (const c of cands) {
      if (dips.length >= cfg.pronePoints) break;
      if (riverDist(c.x, c.y) < 90 || ponds.some((p) => Math.hypot(p.cx - c.x, p.cy - c.y) < p.R + 90)) continue;
      if (c.x < minX + 60 || c.x > maxX - 60 || c.y < minY + 60 || c.y > maxY - 60) continue;
      if (dips.some((d) => Math.hypot(d.x - c.x, d.y - c.y) < spacing)) continue;
      // 0.7-1.4 m deep, the bottom staying above the river level
      dips.push({ ...c, depth: Math.max(0.5, Math.min(rand(rp, 0.7, 1.4), groundAt(c.x, c.y) - levelM - 0.6)), sigma: rand(rp, 16, 26) });
    }
  }

  // base terrain + river channel
  for (let r = 0; r < rows; r++) {
    const y = y0 - (r + 0.5) * cs;
    for (let c = 0; c < cols; c++) {
      const x = x0 + (c + 0.5) * cs;
      let h = groundAt(x, y);
      for (const rv of rivers) {
        const d = Math.abs(rv.dist(x, y));
        if (d < rv.hw) {
          const f = d / rv.hw;
          h = Math.min(h, bedM + (levelM + 0.05 - bedM) * f * f);
        } else if (d < rv.hw + 40) {
          const f = (d - rv.hw) / 40, sm = f * f * (3 - 2 * f);
          h = Math.min(h, levelM + 0.05 + (h - levelM - 0.05) * sm);
        }
      }
      heights[r * cols + c] = h;
    }
  }
  // ponds: a bowl below the polygon, banks blending back to the ground within 10 m
  for (const pd of ponds) {
    const R = pd.R + 14;
    const c0 = Math.max(0, Math.floor((pd.cx - R - x0) / cs)), c1 = Math.min(cols - 1, Math.ceil((pd.cx + R - x0) / cs));
    const r0 = Math.max(0, Math.floor((y0 - pd.cy - R) / cs)), r1 = Math.min(rows - 1, Math.ceil((y0 - pd.cy + R) / cs));
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const x = x0 + (c + 0.5) * cs, y = y0 - (r + 0.5) * cs;
        const k = r * cols + c;
        if (pointInRing(x, y, pd.ring)) {
          const e = ringEdgeDist(x, y, pd.ring);
          heights[k] = Math.min(heights[k]!, levelM + 0.05 - Math.min(1.5, e * 0.1));
        } else {
          const e = ringEdgeDist(x, y, pd.ring);
          if (e < 12) {
            const f = e / 12, sm = f * f * (3 - 2 * f);
            heights[k] = Math.min(heights[k]!, levelM + 0.05 + (heights[k]! - levelM - 0.05) * sm);
          }
        }
      }
    }
  }
  // depressions: Gaussian dips
  for (const d of dips) {
    const R = d.sigma * 3.5;
    const c0 = Math.max(0, Math.floor((d.x - R - x0) / cs)), c1 = Math.min(cols - 1, Math.ceil((d.x + R - x0) / cs));
    const r0 = Math.max(0, Math.floor((y0 - d.y - R) / cs)), r1 = Math.min(rows - 1, Math.ceil((y0 - d.y + R) / cs));
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const x = x0 + (c + 0.5) * cs, y = y0 - (r + 0.5) * cs;
        const q = ((x - d.x) ** 2 + (y - d.y) ** 2) / (2 * d.sigma * d.sigma);
        heights[r * cols + c] -= d.depth * Math.exp(-q);
      }
    }
  }
  // carriageways 0.15 m below the kerb (not over the river: bridges leave the channel alone)
  const roadMask = new Uint8Array(cols * rows);
  for (const run of runs) {
    const hw = run.kerb;
    for (let q = 0; q + 1 < run.xs.length; q++) {
      const ax = run.xs[q]!, ay = run.ys[q]!, bx = run.xs[q + 1]!, by = run.ys[q + 1]!;
      const c0 = Math.max(0, Math.floor((Math.min(ax, bx) - hw - x0) / cs)), c1 = Math.min(cols - 1, Math.floor((Math.max(ax, bx) + hw - x0) / cs));
      const r0 = Math.max(0, Math.floor((y0 - Math.max(ay, by) - hw) / cs)), r1 = Math.min(rows - 1, Math.floor((y0 - Math.min(ay, by) + hw) / cs));
      const dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
      for (let r = r0; r <= r1; r++) {
        const y = y0 - (r + 0.5) * cs;
        for (let c = c0; c <= c1; c++) {
          const x = x0 + (c + 0.5) * cs;
          let t = ((x - ax) * dx + (y - ay) * dy) / l2;
          t = t < 0 ? 0 : t > 1 ? 1 : t;
          const ex = ax + t * dx - x, ey = ay + t * dy - y;
          if (ex * ex + ey * ey <= hw * hw) roadMask[r * cols + c] = 1;
        }
      }
    }
  }
  for (let r = 0; r < rows; r++) {
    const y = y0 - (r + 0.5) * cs;
    for (let c = 0; c < cols; c++) {
      const k = r * cols + c;
      if (roadMask[k] && riverDist(x0 + (c + 0.5) * cs, y) > 3) heights[k] -= 0.15;
    }
  }

  const water: Water = {
    polygons: rivers.map((r) => r.polygon(x0, y0 - rows * cs, x0 + cols * cs, y0).map((v) => Math.round(v * 100) / 100)).concat(ponds.map((p) => p.ring)),
    levelM,
  };
  return { dem, water, dips };
}
