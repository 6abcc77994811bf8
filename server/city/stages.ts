// The stages every city is made of. The sample-city generator (server/city/gen/) and the file
// importer (server/city/import/) both fill the same stage outputs; assembleCity turns them into
// the CityData that store.ts saves, so a generated and an imported city are stored alike.
import type {
  Building, CityData, CityMeta, ComponentColumns, Dem, PronePoint, ResponsibilityGrid, Road, UnitGrid, Water,
} from '../../models/city';

/** in the order they are built: later stages read the earlier ones (heights from the terrain,
 *  unit grids for buildings and components, ...) */
export const CITY_STAGES = ['terrain', 'roads', 'grids', 'buildings', 'pronePoints', 'components'] as const;
export type CityStage = (typeof CITY_STAGES)[number];

export interface TerrainOutput { dem: Dem; water: Water }
export interface GridsOutput { responsibilityGrids: ResponsibilityGrid[]; unitGrids: UnitGrid[] }

export interface StageOutputs {
  terrain: TerrainOutput;
  roads: Road[];
  grids: GridsOutput;
  buildings: Building[];
  pronePoints: PronePoint[];
  components: ComponentColumns;
}

export type Department = { zh: string; en: string };

export function emptyComponents(): ComponentColumns {
  return {
    count: 0, codes: [], classIndex: new Uint8Array(0), x: new Float32Array(0), y: new Float32Array(0), z: new Float32Array(0),
    heading: new Float32Array(0), unitGrid: new Uint32Array(0), state: new Uint8Array(0), ownerDept: new Uint8Array(0), maintainerDept: new Uint8Array(0),
  };
}

/** The stored shape of a city from its stages (field order kept: hashes of stored cities compare). */
export function assembleCity(meta: CityMeta, departments: Department[], s: StageOutputs): CityData {
  return {
    meta, dem: s.terrain.dem, roads: s.roads, water: s.terrain.water, buildings: s.buildings,
    responsibilityGrids: s.grids.responsibilityGrids, unitGrids: s.grids.unitGrids, pronePoints: s.pronePoints,
    departments, components: s.components,
  };
}
