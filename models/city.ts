import { z } from 'zod';
import { componentCode17Schema, componentCodeInputSchema, responsibilityGridCodeSchema, unitGridCodeSchema } from './codes';
import { componentClassCodeSchema, componentStateSchema } from './components';
import { BUILDING_USES, LAYER_NAMES, ROAD_KINDS } from './layers';
import { tilesetRefSchema } from './tileset';

// Local frame convention, used everywhere below: metres East (x), North (y), Up (z) in the
// tangent frame at the city's origin (models/geo.ts). Heights are metres above the WGS84
// ellipsoid, which for our sample city is close to sea level.

export const lonDegSchema = z.number().min(-180, 'longitude below -180').max(180, 'longitude above 180');
export const latDegSchema = z.number().min(-90, 'latitude below -90').max(90, 'latitude above 90');
export const citySlugSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'city slug: lowercase letters, digits and dashes');
export const i18nTextSchema = z.object({ zh: z.string().min(1), en: z.string().min(1) });

export const cityPresetSchema = z.enum(['default', 'huaibei']);
export type CityPreset = z.infer<typeof cityPresetSchema>;

export const cityMetaSchema = z.object({
  slug: citySlugSchema,
  name: i18nTextSchema,
  /** 6-digit county code (GB/T 2260) used in grid and component codes */
  adminCode: z.string().regex(/^\d{6}$/),
  originLonDeg: lonDegSchema,
  originLatDeg: latDegSchema,
  originHeightM: z.number().min(-500).max(9000),
  /** IANA time zone, for sun times and local clocks */
  timeZone: z.string().min(1),
  /** how the city was made: a generator preset, or 'imported' from files (server/city/import) */
  preset: z.union([cityPresetSchema, z.literal('imported')]),
  seed: z.number().int(),
  /** local extent: [minX, minY, maxX, maxY] in metres */
  extent: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  /** imported 3D Tiles tilesets, drawn with the city (models/tileset.ts) */
  tilesets: z.array(tilesetRefSchema).optional(),
});
export type CityMeta = z.infer<typeof cityMetaSchema>;

export const citySummarySchema = cityMetaSchema.extend({
  counts: z.object({
    buildings: z.number().int().nonnegative(),
    components: z.number().int().nonnegative(),
    unitGrids: z.number().int().nonnegative(),
    responsibilityGrids: z.number().int().nonnegative(),
    roads: z.number().int().nonnegative(),
    pronePoints: z.number().int().nonnegative(),
  }),
  createdAt: z.string(),
});
export type CitySummary = z.infer<typeof citySummarySchema>;

/** Raster DEM: row 0 is the northmost row; cell (r, c) has its centre at
 *  (x0 + (c + 0.5) * cellSize, y0 - (r + 0.5) * cellSize); x0 = west edge, y0 = north edge. */
export interface Dem {
  cols: number;
  rows: number;
  cellSize: number;
  x0: number;
  y0: number;
  heights: Float32Array;
}

export const roadKindSchema = z.enum(ROAD_KINDS);
export type RoadKind = (typeof ROAD_KINDS)[number];
export type BuildingUse = (typeof BUILDING_USES)[number];

export interface Road {
  id: number;
  name: { zh: string; en: string };
  kind: RoadKind;
  widthM: number;
  /** centreline, x,y pairs in local metres */
  points: number[];
}

export interface Building {
  id: number;
  /** outer ring, x,y pairs, counter-clockwise, not closed (last != first) */
  ring: number[];
  heightM: number;
  /** ground height under the footprint (lowest DEM value), metres */
  baseM: number;
  floors: number;
  use: BuildingUse;
  unitGrid: number;
}

export interface ResponsibilityGrid {
  code: string;
  name: { zh: string; en: string };
}

export interface UnitGrid {
  code: string;
  /** index into responsibilityGrids */
  responsibilityGrid: number;
  /** outer ring, x,y pairs, counter-clockwise, not closed */
  ring: number[];
  areaM2: number;
}

export interface PronePoint {
  id: string;
  name: { zh: string; en: string };
  x: number;
  y: number;
  groundM: number;
  unitGrid: number;
}

/** Components are columnar: 462,894 of them must fit in typed arrays, not objects. */
export interface ComponentColumns {
  count: number;
  /** 17-digit codes */
  codes: string[];
  /** index into COMPONENT_CLASSES */
  classIndex: Uint8Array;
  x: Float32Array;
  y: Float32Array;
  /** ground height at the component */
  z: Float32Array;
  /** radians, counter-clockwise from east; faces the road for lights, bins, stops */
  heading: Float32Array;
  /** index into unitGrids */
  unitGrid: Uint32Array;
  /** initial state code (COMPONENT_STATES) */
  state: Uint8Array;
  /** departments: indices into CityData.departments */
  ownerDept: Uint8Array;
  maintainerDept: Uint8Array;
}

export interface Water {
  /** polygons (rivers, canals, ponds), x,y pairs */
  polygons: number[][];
  /** water surface height, metres */
  levelM: number;
}

export interface CityData {
  meta: CityMeta;
  dem: Dem;
  roads: Road[];
  water: Water;
  buildings: Building[];
  responsibilityGrids: ResponsibilityGrid[];
  unitGrids: UnitGrid[];
  pronePoints: PronePoint[];
  departments: { zh: string; en: string }[];
  components: ComponentColumns;
}

// --- API inputs (tRPC) ---

export const cityInputSchema = z.object({ city: citySlugSchema });
/** a component or unit grid of a city, by its index in the city's layers */
export const cityIndexInputSchema = z.object({ city: citySlugSchema, index: z.number().int().nonnegative() });
export const componentByCodeInputSchema = z.object({ city: citySlugSchema, code: componentCodeInputSchema });

// --- API shapes (tRPC outputs) ---

export const departmentSchema = i18nTextSchema;

export const componentDetailSchema = z.object({
  index: z.number().int().nonnegative(),
  code: componentCode17Schema,
  classCode: componentClassCodeSchema,
  className: i18nTextSchema,
  state: componentStateSchema,
  value: z.number().nullable(),
  lastReportAt: z.string().nullable(),
  /** silent longer than its class allows (models/components.ts staleAfterMs) */
  stale: z.boolean(),
  ownerDept: departmentSchema,
  maintainerDept: departmentSchema,
  unitGridCode: unitGridCodeSchema,
  responsibilityGridCode: responsibilityGridCodeSchema,
  lonDeg: lonDegSchema,
  latDeg: latDegSchema,
  x: z.number(),
  y: z.number(),
  z: z.number(),
  /**
   * where the state comes from: `real` once a real source (ingest API, MQTT) reported on it,
   * `simulated` when the telemetry simulator drives it, `registry` as stored (no report yet)
   */
  dataSource: z.enum(['real', 'simulated', 'registry']),
  history: z.array(
    z.object({ at: z.string(), state: componentStateSchema, value: z.number().nullable(), source: z.string() }),
  ),
});
export type ComponentDetail = z.infer<typeof componentDetailSchema>;

export const unitGridDetailSchema = z.object({
  index: z.number().int().nonnegative(),
  code: unitGridCodeSchema,
  responsibilityGrid: z.object({ code: responsibilityGridCodeSchema, name: i18nTextSchema }),
  areaM2: z.number(),
  countsByState: z.record(componentStateSchema, z.number().int().nonnegative()),
  countsByClass: z.record(z.string(), z.number().int().nonnegative()),
  /** reporting components silent too long */
  stale: z.number().int().nonnegative(),
  riskLevel: z.number().int().min(0).max(4),
  buildings: z.number().int().nonnegative(),
});
export type UnitGridDetail = z.infer<typeof unitGridDetailSchema>;

/** GET /api/layers/<city>/<layer>: a city's static binary layer (models/layers.ts). */
export const layerNameSchema = z.enum(LAYER_NAMES);

// --- ingest (the API gauges and gateways use) ---

export const stateChangeSchema = z.object({
  componentCode: componentCodeInputSchema,
  state: componentStateSchema,
  /** class-specific reading: fill fraction 0..1 for bins, water depth in metres for gauges, 0/1 for lights */
  // stored as float32 (live state, `real` columns): a larger value would become Infinity or fail the write
  value: z.number().finite().refine((v) => Math.abs(v) <= 3.4e38, 'value: outside the float32 range (|v| <= 3.4e38)').optional(),
  /** when it happened, ISO 8601; defaults to receipt time */
  at: z.iso.datetime({ offset: true }).optional(),
});
export type StateChange = z.infer<typeof stateChangeSchema>;

export const MAX_INGEST_BATCH = 10_000;
export const ingestBatchSchema = z.object({
  city: citySlugSchema,
  changes: z.array(stateChangeSchema).min(1, 'a batch needs at least one change').max(MAX_INGEST_BATCH, `at most ${MAX_INGEST_BATCH} changes a batch`),
});
export type IngestBatch = z.infer<typeof ingestBatchSchema>;

export const ingestResultSchema = z.object({ accepted: z.number().int(), seq: z.number().int() });
