// Sample-city generator: a plausible district of Wuxing, Huzhou (Zhejiang), deterministic
// from a seed, pure computation (no IO, no Math.random).
//
// How the district is built (all in local ENU metres from the origin, models/city.ts):
//  1. A street lattice in a warped parameter space: lines s = s_i ("north-south") and t = t_j
//     ("east-west") with irregular spacing, mapped to the ground by F(s, t) = R(rot) (s + A, t + B),
//     A and B smooth sums of sinusoids, so streets bend gently and no two blocks are alike.
//     Every lattice line is a main road, a secondary road or a lane; lane segments are present
//     or not (T-junctions, dead ends, merged blocks). Each lattice cell is one unit grid
//     (about 1 ha); a block (cells joined by missing lanes) is split into several grids.
//  2. A meandering river (analytic centreline, so distances are cheap on millions of cells).
//  3. The DEM (5 m cells): gentle fBm terrain on a regional slope, the river channel, closed
//     depressions at chosen road points (the prone points, 易积水点), carriageways 0.15 m below
//     the kerb.
//  4. Buildings per cell, inside the cell with setbacks from the roads on its edges, laid out
//     by zone: towers in the centre, residential slabs, a low-rise old town by the river,
//     industrial sheds, schools, parks.
//  5. Components the way a city places them along its roads (GB/T 47678.5 classes), each with
//     its 17-digit code, unit grid, ground height, state and departments.
//
// Codes: unit grid 15 digits (GB/T 30428.1 / GB/T 47678.3), component 17 digits (GB/T 47678.5).
//
// The work is split by stage (server/city/stages.ts), one module each under gen/: plan (lattice,
// rivers, zones, ponds), roads, terrain, grids, buildings, prone points, components. Each stage
// draws from its own named random stream, so tuning one stage does not reshuffle the others.
import type { CityData, CityMeta } from '../../models/city';
import { buildingStage } from './gen/buildings';
import { componentStage, DEPARTMENTS } from './gen/components';
import { gridStage } from './gen/grids';
import { planCity } from './gen/plan';
import { ADMIN_CODE, DEFAULT_SEED, ORIGIN_LAT, ORIGIN_LON, PRESETS, type GenerateOptions } from './gen/presets';
import { proneStage } from './gen/prone';
import { roadStage } from './gen/roads';
import { terrainStage } from './gen/terrain';
import { assembleCity } from './stages';

export { DEFAULT_SEED, type GenerateOptions } from './gen/presets';
export { makeRng, sfc32, type Rng } from './gen/random';
export { demCellIndex, demHeightAt, pointInRing } from './geometry';
export { componentCountsByClass } from './gen/components';

export function generateCity(opts: GenerateOptions): CityData {
  const cfg = PRESETS[opts.preset];
  if (!cfg) throw new Error(`unknown preset "${String(opts.preset)}" (default | huaibei)`);
  const seed = opts.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  const slug = opts.slug ?? cfg.slug;

  const plan = planCity(cfg, seed);
  const road = roadStage(plan);
  const terrain = terrainStage(plan, road);
  const grids = gridStage(plan);
  const bld = buildingStage(plan, grids, terrain.dem);
  const pronePoints = proneStage(terrain.dips, terrain.dem, grids.gridAt);
  const components = componentStage(plan, road, terrain.dem, grids, bld, pronePoints, opts.preset);

  const { x0, y0, cols, rows, cellSize: cs } = terrain.dem;
  const meta: CityMeta = {
    slug,
    name: cfg.name,
    adminCode: ADMIN_CODE,
    originLonDeg: ORIGIN_LON,
    originLatDeg: ORIGIN_LAT,
    originHeightM: 0,
    timeZone: 'Asia/Shanghai',
    preset: opts.preset,
    seed,
    extent: [x0, y0 - rows * cs, x0 + cols * cs, y0],
  };
  return assembleCity(meta, DEPARTMENTS.map((d) => ({ ...d })), {
    terrain: { dem: terrain.dem, water: terrain.water },
    roads: road.roads,
    grids: { responsibilityGrids: grids.responsibilityGrids, unitGrids: grids.unitGrids },
    buildings: bld.buildings,
    pronePoints,
    components,
  });
}
