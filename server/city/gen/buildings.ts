// The buildings stage of the sample city: per lattice cell, inside its setbacks, a layout by zone
// (towers in the centre, residential slabs, a low-rise old town, sheds, schools), each building's
// base the lowest DEM cell under its footprint.
import type { Building, Dem } from '../../../models/city';
import { lowestUnder } from '../geometry';
import type { GridStage } from './grids';
import { coreBlock, industrial, lowRise, publicBlock, slabs, towers, type LocalBuilding } from './layouts';
import type { Plan } from './plan';
import { chance, makeRng, randInt } from './random';

export interface CellBuilding {
  b: Building;
  local: LocalBuilding;
  frame: { cx: number; cy: number; ux: number; uy: number };
  /** facade on a street: [south, north, west, east] in the cell's frame */
  front: number[];
}

export interface BuildingStage { buildings: Building[]; cellBuildings: CellBuilding[] }

export function buildingStage(plan: Plan, grids: GridStage, dem: Dem): BuildingStage {
  const { seed, ns, vLines, hLines, rivers, zones, cellFrame } = plan;
  const { cellGrid, cellOrder } = grids;
  // --- 4. buildings
  const rb = makeRng(seed, 'buildings');
  const buildings: Building[] = [];
  const cellBuildings: CellBuilding[] = [];
  const buildingClear = (ring: number[]): boolean => {
    // not in the river (with an 8 m bank), checked along every edge
    for (const rv of rivers) {
      let sign = 0;
      const n = ring.length / 2;
      for (let q = 0; q < n; q++) {
        const ax = ring[2 * q]!, ay = ring[2 * q + 1]!, bx = ring[(2 * q + 2) % ring.length]!, by = ring[(2 * q + 3) % ring.length]!;
        for (let m = 0; m < 4; m++) {
          const d = rv.dist(ax + ((bx - ax) * m) / 4, ay + ((by - ay) * m) / 4);
          if (Math.abs(d) < rv.hw + 8) return false;
          const sg = Math.sign(d);
          if (sign !== 0 && sg !== sign) return false;
          sign = sg;
        }
      }
    }
    return true;
  };
  for (const k of cellOrder) {
    const i = k % ns, j = Math.floor(k / ns);
    const grid = cellGrid[k]!;
    const zone = zones[k]!;
    if (zone === 'park') continue;
    const { cx, cy, ux, uy, vx, vy, rect } = cellFrame(k);
    if (rect.u1 - rect.u0 < 12 || rect.v1 - rect.v0 < 10) continue;
    const roadS = hLines[j]!.seg[i] ? hLines[j]!.kind : null, roadN = hLines[j + 1]!.seg[i] ? hLines[j + 1]!.kind : null;
    const front: 'v0' | 'v1' = roadS === 'main' || (roadS && roadN !== 'main') ? 'v0' : 'v1';
    let local: LocalBuilding[];
    switch (zone) {
      case 'core': local = coreBlock(rect, rb, front); break;
      case 'commercial': local = chance(rb, 0.5) ? coreBlock(rect, rb, front).map((b) => ({ ...b, floors: Math.min(b.floors, randInt(rb, 6, 12)) })) : slabs(rect, rb, [4, 8], 'commercial', [14, 20]); break;
      case 'highres': local = chance(rb, 0.7) ? towers(rect, rb, [18, 33], 'residential') : slabs(rect, rb, [11, 18], 'residential'); break;
      case 'midres': local = slabs(rect, rb, [6, 12], 'residential'); break;
      case 'lowres': local = slabs(rect, rb, [3, 5], 'residential', [10, 13]); break;
      case 'oldtown': local = lowRise(rect, rb, true); break;
      case 'industrial': local = industrial(rect, rb); break;
      case 'public': local = publicBlock(rect, rb); break;
      default: local = [];
    }
    const frontEdges = [roadS ? 1 : 0, roadN ? 1 : 0, vLines[i]!.seg[j] ? 1 : 0, vLines[i + 1]!.seg[j] ? 1 : 0];
    for (const lb of local) {
      const ring: number[] = [];
      for (let q = 0; q < lb.ring.length; q += 2) {
        const u = lb.ring[q]!, v = lb.ring[q + 1]!;
        ring.push(Math.round((cx + u * ux + v * vx) * 100) / 100, Math.round((cy + u * uy + v * vy) * 100) / 100);
      }
      if (!buildingClear(ring)) continue;
      const b: Building = { id: buildings.length, ring, heightM: lb.floors * 3, baseM: 0, floors: lb.floors, use: lb.use, unitGrid: grid };
      buildings.push(b);
      let lu0 = Infinity, lu1 = -Infinity, lv0 = Infinity, lv1 = -Infinity;
      for (let q = 0; q < lb.ring.length; q += 2) {
        lu0 = Math.min(lu0, lb.ring[q]!); lu1 = Math.max(lu1, lb.ring[q]!);
        lv0 = Math.min(lv0, lb.ring[q + 1]!); lv1 = Math.max(lv1, lb.ring[q + 1]!);
      }
      const near = (d: number) => d < 2.5;
      cellBuildings.push({
        b, local: lb, frame: { cx, cy, ux, uy },
        front: [
          near(lv0 - rect.v0) ? frontEdges[0]! : 0, near(rect.v1 - lv1) ? frontEdges[1]! : 0,
          near(lu0 - rect.u0) ? frontEdges[2]! : 0, near(rect.u1 - lu1) ? frontEdges[3]! : 0,
        ],
      });
    }
  }
  // baseM: the lowest DEM cell under the footprint
  for (const b of buildings) b.baseM = Math.round(lowestUnder(dem, b.ring) * 100) / 100;

  return { buildings, cellBuildings };
}
