// The grids stage of the sample city: responsibility grids (one community team each) and unit
// grids (one lattice cell each), coded west to east, north to south (GB/T 30428.1 / 47678.3).
import type { ResponsibilityGrid, UnitGrid } from '../../../models/city';
import { makeUnitGridCode } from '../../../models/codes';
import { ccw, ringArea, upperIndex } from '../geometry';
import { COMMUNITY_WORDS, NamePool, STREET_NAMES } from './names';
import { splitRange, type Plan } from './plan';
import { ADMIN_CODE } from './presets';
import { makeRng } from './random';

export interface GridStage {
  responsibilityGrids: ResponsibilityGrid[];
  unitGrids: UnitGrid[];
  /** unit grid index of each lattice cell */
  cellGrid: Int32Array;
  /** lattice cells in unit grid order */
  cellOrder: number[];
  /** unit grid index at a ground point, -1 outside the managed area */
  gridAt: (x: number, y: number) => number;
}

export function gridStage(plan: Plan): GridStage {
  const { cfg, seed, warp, sPos, tPos, ns, nt, nCells } = plan;
  // --- responsibility grids, communities, unit grids (codes west to east, north to south)
  const rg = makeRng(seed, 'grids');
  const colB = splitRange(ns, cfg.respCols), rowB = splitRange(nt, cfg.respRows);
  const stColB = splitRange(cfg.respCols, cfg.streetCols), stRowB = splitRange(cfg.respRows, cfg.streetRows);
  const communityNames = new NamePool(COMMUNITY_WORDS, rg);
  const responsibilityGrids: ResponsibilityGrid[] = [];
  const unitGrids: UnitGrid[] = [];
  const cellGrid = new Int32Array(nCells).fill(-1);
  const cellOrder: number[] = [];
  let streetNo = 0;
  // streets: north to south, west to east (rows of the lattice run south to north: reverse)
  for (let sr = cfg.streetRows - 1; sr >= 0; sr--) {
    for (let sc = 0; sc < cfg.streetCols; sc++) {
      streetNo++;
      const streetName = STREET_NAMES[(streetNo - 1) % STREET_NAMES.length]!;
      let team = 0;
      for (let gr = stRowB[sr + 1]! - 1; gr >= stRowB[sr]!; gr--) {
        for (let gc = stColB[sc]!; gc < stColB[sc + 1]!; gc++) {
          team++;
          const cn = communityNames.take();
          const code = ADMIN_CODE + String(streetNo).padStart(3, '0') + String(team).padStart(3, '0');
          const ri = responsibilityGrids.length;
          responsibilityGrids.push({
            code,
            name: { zh: `${streetName[0]}${cn.zh}社区责任网格`, en: `${cn.en} Community grid, ${streetName[1]}` },
          });
          let serial = 0;
          for (let j = rowB[gr + 1]! - 1; j >= rowB[gr]!; j--) {
            for (let i = colB[gc]!; i < colB[gc + 1]!; i++) {
              serial++;
              const ring: number[] = [];
              const edge = (sa: number, ta: number, sb: number, tb: number) => {
                const n = Math.max(1, Math.ceil(Math.max(Math.abs(sb - sa), Math.abs(tb - ta)) / 10));
                for (let m = 0; m < n; m++) {
                  warp.fwd(sa + ((sb - sa) * m) / n, ta + ((tb - ta) * m) / n);
                  ring.push(warp.ox, warp.oy);
                }
              };
              const s0 = sPos[i]!, s1 = sPos[i + 1]!, t0 = tPos[j]!, t1 = tPos[j + 1]!;
              edge(s0, t0, s1, t0); edge(s1, t0, s1, t1); edge(s1, t1, s0, t1); edge(s0, t1, s0, t0);
              cellGrid[j * ns + i] = unitGrids.length;
              cellOrder.push(j * ns + i);
              unitGrids.push({ code: makeUnitGridCode(ADMIN_CODE, streetNo, team, serial), responsibilityGrid: ri, ring: ccw(ring), areaM2: Math.abs(ringArea(ring)) });
            }
          }
        }
      }
    }
  }
  /** unit grid index at a ground point, -1 outside the managed area */
  const gridAt = (x: number, y: number): number => {
    warp.inv(x, y);
    const i = upperIndex(sPos, warp.os), j = upperIndex(tPos, warp.ot);
    if (i < 0 || j < 0 || i >= ns || j >= nt) return -1;
    return cellGrid[j * ns + i]!;
  };
  return { responsibilityGrids, unitGrids, cellGrid, cellOrder, gridAt };
}
