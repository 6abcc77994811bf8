// The components stage of the sample city: place, tune the flexible classes to a preset's exact
// count, then order by unit grid and class, code (17 digits, GB/T 47678.5), sample ground
// heights and set initial states and departments.
import type { ComponentColumns, Dem } from '../../../models/city';
import { makeComponentCode } from '../../../models/codes';
import { COMPONENT_CLASSES, STATE_CODE } from '../../../models/components';
import { demHeightAt } from '../geometry';
import type { BuildingStage } from './buildings';
import type { GridStage } from './grids';
import {
  C_BIN, C_CHARGER, C_GAUGE, C_GRATE, C_LIGHT, C_SEWER, C_STORM, C_TREE, C_WATER, CompBuf, placeFixed, placeFlex, type PlaceCtx,
} from './placement';
import type { Plan } from './plan';
import { ADMIN_CODE } from './presets';
import { makeRng, type Rng } from './random';
import type { RoadStage } from './roads';
import type { PronePoint } from '../../../models/city';

// ---------------------------------------------------------------------------------------------
// Departments and per-class ownership

export const DEPARTMENTS: { zh: string; en: string }[] = [
  { zh: '城管局', en: 'Urban Management Bureau' },              // 0
  { zh: '水务局', en: 'Water Authority' },                      // 1
  { zh: '供电公司', en: 'Power Supply Company' },               // 2
  { zh: '园林局', en: 'Parks Bureau' },                         // 3
  { zh: '交通局', en: 'Transport Bureau' },                     // 4
  { zh: '环卫处', en: 'Sanitation Department' },                // 5
  { zh: '自来水公司', en: 'Water Supply Company' },             // 6
  { zh: '排水管理处', en: 'Drainage Management Office' },       // 7
  { zh: '消防救援支队', en: 'Fire and Rescue Detachment' },     // 8
  { zh: '路灯管理所', en: 'Street Lighting Office' },           // 9
  { zh: '公交集团', en: 'Bus Group' },                          // 10
  { zh: '沿街商户', en: 'Street-front businesses' },            // 11
  { zh: '广告经营单位', en: 'Advertising operators' },          // 12
];
/** [owner, maintainer] by class index (COMPONENT_CLASSES order) */
export const CLASS_DEPTS: [number, number][] = [
  [1, 6],  // 01001 water-supply cover: Water Authority / Water Supply Company
  [1, 7],  // 01002 sewage cover: Water Authority / Drainage Office
  [1, 7],  // 01003 storm cover
  [1, 7],  // 01004 grate
  [8, 6],  // 01013 hydrant: Fire and Rescue / Water Supply Company
  [0, 9],  // 01037 street light: Urban Management / Street Lighting Office
  [2, 2],  // 01054 EV charger
  [1, 1],  // 01067 water-level gauge
  [4, 10], // 02004 bus stop
  [0, 5],  // 03005 litter bin
  [0, 12], // 03006 outdoor advertising
  [0, 11], // 03007 signboard
  [3, 3],  // 04002 street tree
];


export function componentStage(plan: Plan, road: RoadStage, dem: Dem, grids: GridStage, bld: BuildingStage, pronePoints: PronePoint[], presetName: string): ComponentColumns {
  const { cfg, seed, warp, riverDist, zones, vLines, hLines, sPos, tPos, ns } = plan;
  const { runs } = road;
  const { gridAt, cellOrder } = grids;
  const { cellBuildings } = bld;
  // --- 6. components
  const ctx: PlaceCtx = { warp, gridAt, riverDist, dem };
  const fixed = placeFixed(ctx, runs, pronePoints, makeRng(seed, 'components'), cellOrder, zones, vLines, hLines, sPos, tPos, ns);
  let k = 1;
  let flex = placeFlex(ctx, runs, cellBuildings, makeRng(seed, 'flex'), k);
  const target = cfg.targetComponents;
  if (target !== undefined) {
    const need = target - fixed.length;
    if (need < 0) throw new Error(`preset ${presetName}: ${fixed.length} fixed components exceed the target ${target}`);
    for (let guard = 0; flex.length < need || guard === 0; guard++) {
      if (guard > 8) throw new Error(`preset ${presetName}: could not reach ${target} components`);
      k = k * (need / Math.max(1, flex.length)) * 1.02;
      flex = placeFlex(ctx, runs, cellBuildings, makeRng(seed, 'flex'), k);
    }
    // trim deterministically: drop the flexible items with the smallest random keys
    const excess = flex.length - need;
    if (excess > 0) {
      const rt2 = makeRng(seed, 'trim');
      const keys = Float64Array.from({ length: flex.length }, () => rt2());
      const order = Array.from({ length: flex.length }, (_, q) => q).sort((a, b) => keys[a]! - keys[b]!);
      const drop = new Uint8Array(flex.length);
      for (let q = 0; q < excess; q++) drop[order[q]!] = 1;
      const kept = new CompBuf();
      for (let q = 0; q < flex.length; q++) {
        if (drop[q]) continue;
        kept.cls.push(flex.cls[q]!); kept.x.push(flex.x[q]!); kept.y.push(flex.y[q]!); kept.heading.push(flex.heading[q]!); kept.grid.push(flex.grid[q]!);
      }
      flex = kept;
    }
  }
  return finishComponents(fixed, flex, dem, makeRng(seed, 'states'));
}

/** Order by unit grid then class, number per class, sample heights, set states and departments. */
function finishComponents(fixed: CompBuf, flex: CompBuf, dem: Dem, rng: Rng): ComponentColumns {
  const n = fixed.length + flex.length;
  const get = (q: number) => (q < fixed.length ? [fixed, q] as const : [flex, q - fixed.length] as const);
  const order = new Uint32Array(n);
  const keyGrid = new Uint32Array(n), keyCls = new Uint8Array(n);
  for (let q = 0; q < n; q++) {
    const [b, i] = get(q);
    order[q] = q; keyGrid[q] = b.grid[i]!; keyCls[q] = b.cls[i]!;
  }
  const sorted = Array.from(order).sort((a, b) => keyGrid[a]! - keyGrid[b]! || keyCls[a]! - keyCls[b]! || a - b);
  const classIndex = new Uint8Array(n), x = new Float32Array(n), y = new Float32Array(n), z = new Float32Array(n);
  const heading = new Float32Array(n), unitGrid = new Uint32Array(n), state = new Uint8Array(n);
  const ownerDept = new Uint8Array(n), maintainerDept = new Uint8Array(n);
  const codes: string[] = new Array<string>(n);
  const serial = new Array<number>(COMPONENT_CLASSES.length).fill(0);
  const S = STATE_CODE;
  for (let q = 0; q < n; q++) {
    const [b, i] = get(sorted[q]!);
    const c = b.cls[i]!;
    classIndex[q] = c;
    x[q] = b.x[i]!; y[q] = b.y[i]!;
    z[q] = demHeightAt(dem, b.x[i]!, b.y[i]!);
    heading[q] = b.heading[i]!;
    unitGrid[q] = b.grid[i]!;
    codes[q] = makeComponentCode(ADMIN_CODE, COMPONENT_CLASSES[c]!.code, ++serial[c]!);
    ownerDept[q] = CLASS_DEPTS[c]![0];
    maintainerDept[q] = CLASS_DEPTS[c]![1];
    const r = rng();
    let st: number = S.intact;
    switch (c) {
      case C_LIGHT: break; // lights start intact; the simulator switches them
      case C_WATER: case C_SEWER: case C_STORM: case C_GRATE:
        st = r < 0.012 ? S.damaged : r < 0.015 ? S.missing : S.intact; break;
      case C_CHARGER: st = r < 0.03 ? S.offline : r < 0.04 ? S.damaged : S.intact; break;
      case C_GAUGE: st = r < 0.05 ? S.offline : S.intact; break;
      case C_BIN: st = r < 0.02 ? S.damaged : r < 0.025 ? S.missing : S.intact; break;
      case C_TREE: st = r < 0.01 ? S.damaged : r < 0.014 ? S.missing : S.intact; break;
      default: st = r < 0.015 ? S.damaged : S.intact;
    }
    state[q] = st;
  }
  return { count: n, codes, classIndex, x, y, z, heading, unitGrid, state, ownerDept, maintainerDept };
}

/** Counts by class code, for CLI output and tests. */
export function componentCountsByClass(c: ComponentColumns): Record<string, number> {
  const out: Record<string, number> = {};
  for (const cl of COMPONENT_CLASSES) out[cl.code] = 0;
  for (let q = 0; q < c.count; q++) out[COMPONENT_CLASSES[c.classIndex[q]!]!.code]!++;
  return out;
}
