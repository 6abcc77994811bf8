// The flood scenario: one JSON document, validated here, taken by the CLI
// (`npm run twin -- simulate scenario.json`) and later by the API. Pure: zod only.
// Units are SI (m, s, m3/s) unless the name says otherwise (rainMmPerH, durationMin...).
// Coordinates (x east, y north) are in the terrain's own CRS: map units of the DEM file, or
// local metres from the city origin for a city's terrain.
import { z } from 'zod';
import { ForecastInfo } from './forecastInfo';

const finite = z.number().finite();
const positive = finite.positive();
const nonNegative = finite.nonnegative();

export const Point = z.tuple([finite, finite]);
export type Point = z.infer<typeof Point>;

/** A ring of at least 3 distinct vertices; closing vertex optional. */
export const Ring = z.array(Point).min(3, 'a polygon ring needs at least 3 vertices');

/** Polygon geometry: an inline ring, a GeoJSON file (Polygon/MultiPolygon features), or CSV files of x,y rows. */
export const PolygonSource = z.union([
  z.object({ ring: Ring }).strict(),
  z.object({ geojson: z.string().min(1) }).strict(),
  z.object({ csv: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]) }).strict(),
]);
export type PolygonSource = z.infer<typeof PolygonSource>;

export const StormFormulaSchema = z
  .object({ A1: positive, C: nonNegative, b: nonNegative, n: finite.gt(0).lt(1) })
  .strict();

/** A named formula from STANDARDS.md, or explicit parameters. */
export const FormulaRef = z.union([z.literal('beijing'), StormFormulaSchema]);

const TerrainFile = z
  .object({
    source: z.literal('file'),
    /** ESRI ASCII grid (.asc) or GeoTIFF (.tif/.tiff), relative to the scenario file. */
    path: z.string().min(1),
  })
  .strict();
const TerrainCity = z
  .object({
    source: z.literal('city'),
    preset: z.enum(['default', 'huaibei']).default('default'),
    seed: z.number().int().optional(),
    /** start with the city's rivers and ponds at their normal level (a channel that starts dry
     *  would swallow the first hour of a storm) */
    fillWater: z.boolean().default(true),
  })
  .strict();
/** Generated terrain for tests and benchmarks. */
const TerrainSynthetic = z
  .object({
    source: z.literal('synthetic'),
    cols: z.number().int().min(2).max(20000),
    rows: z.number().int().min(2).max(20000),
    cellSize: positive,
    /** flat: z = base; plane: base + slopeX x + slopeY y; bowl: base + depth*(r/radius)^2;
     *  urban: gentle hills and valleys (deterministic), like a city's site. */
    shape: z.enum(['flat', 'plane', 'bowl', 'urban']).default('flat'),
    base: finite.default(0),
    slopeX: finite.default(0),
    slopeY: finite.default(0),
    bowlDepth: finite.default(1),
    relief: nonNegative.default(10),
  })
  .strict();

export const Terrain = z.discriminatedUnion('source', [TerrainFile, TerrainCity, TerrainSynthetic]);

const Buildings = z
  .object({
    /** buildings from a file or ring; the city's own buildings when terrain is a city and this is "city". */
    from: z.union([PolygonSource, z.literal('city')]),
    /** raise: the footprint's cells go up by `height` (water can overtop); solid: cells leave the domain. */
    mode: z.enum(['raise', 'solid']).default('raise'),
    height: positive.default(3),
    /** GeoJSON property holding a per-building height, used before `height`. */
    heightProperty: z.string().optional(),
  })
  .strict();

const Roughness = z
  .object({
    /** Manning n, s/m^(1/3) */
    defaultN: nonNegative.max(1).default(0.03),
    zones: z.array(z.object({ name: z.string().optional(), polygon: PolygonSource, n: nonNegative.max(1) }).strict()).default([]),
  })
  .strict();

const RainDesign = z
  .object({
    type: z.literal('design'),
    formula: FormulaRef,
    returnPeriodYears: finite.gte(0.1),
    durationMin: positive,
    /** peak coefficient r of the Chicago hyetograph (Beijing 0.355) */
    peakCoefficient: finite.gte(0).lte(1),
    /** hyetograph block length */
    stepMin: positive.default(1),
    /** start of the storm after the start of the simulation */
    start: nonNegative.default(0),
  })
  .strict();
const RainTable = z
  .object({
    type: z.literal('table'),
    /** rate holds from each time until the next; zero after the last */
    table: z
      .array(z.object({ time: nonNegative, rainMmPerH: nonNegative }).strict())
      .min(1)
      .refine((t) => t.every((p, i) => i === 0 || p.time > t[i - 1]!.time), 'times must increase'),
  })
  .strict();
export const Rainfall = z.discriminatedUnion('type', [RainDesign, RainTable]);

export const Drainage = z.union([
  z.object({ rainMmPerH: nonNegative }).strict(),
  z
    .object({
      /** the pipes' design return period: capacity is the formula's mean intensity over the concentration time */
      returnPeriodYears: finite.gte(0.1),
      concentrationMin: positive.default(15),
      /** defaults to the design storm's formula */
      formula: FormulaRef.optional(),
    })
    .strict(),
]);

/** A district whose pipes drain differently from the city-wide `drainage` (an upgrade, or an old
 *  network): inside the polygon the capacity is this zone's; later zones win where they overlap. */
const DrainageZone = z
  .object({
    name: z.string().optional(),
    polygon: PolygonSource,
    drainage: Drainage,
  })
  .strict();

export const Infiltration = z.union([
  z.object({ type: z.literal('constant'), rateMmPerH: nonNegative }).strict(),
  /** Horton: f = fc + (f0 - fc) exp(-k t), t from the start of the simulation */
  z.object({ type: z.literal('horton'), f0MmPerH: nonNegative, fcMmPerH: nonNegative, kPerH: nonNegative }).strict(),
]);

const Hydrograph = z
  .array(z.object({ time: nonNegative, flow: nonNegative }).strict())
  .min(1)
  .refine((t) => t.every((p, i) => i === 0 || p.time > t[i - 1]!.time), 'times must increase');

const Inflow = z
  .object({
    name: z.string().optional(),
    at: Point,
    /** spread over the cells whose centres are within this radius (m); 0 = the one cell */
    radius: nonNegative.default(0),
    /** m3/s over time, linear between points, held after the last */
    hydrograph: Hydrograph,
  })
  .strict();

const Pump = z
  .object({
    name: z.string().optional(),
    at: Point,
    /** m3/s */
    capacity: positive,
    /** the pump runs while the depth at its cell is at least this (m) */
    startDepth: nonNegative.default(0.1),
    /** and stops below this (m); defaults to half the start depth */
    stopDepth: nonNegative.optional(),
  })
  .strict();

const Barrier = z
  .object({
    name: z.string().optional(),
    line: z.array(Point).min(2),
    /** crest height above the ground (m); or give crestElevation */
    height: positive.optional(),
    crestElevation: finite.optional(),
  })
  .strict()
  .refine((b) => (b.height === undefined) !== (b.crestElevation === undefined), 'give exactly one of height or crestElevation');

const Side = z.enum(['closed', 'open']);
const Boundaries = z
  .object({ north: Side.default('closed'), south: Side.default('closed'), east: Side.default('closed'), west: Side.default('closed') })
  .strict();

const InitialWater = z
  .object({
    /** water surface elevation (m); cells below it start wet */
    level: finite,
    /** only inside this polygon (whole domain when absent) */
    polygon: PolygonSource.optional(),
  })
  .strict();

const Probe = z.object({ name: z.string().min(1), at: Point }).strict();

const Numerics = z
  .object({
    /** CFL coefficient alpha in dt = alpha dx / sqrt(g h_max) (Bates et al. 2010 use 0.7) */
    alpha: finite.gt(0).lte(1).default(0.7),
    /** weighting theta of de Almeida et al. (2012); 1 = Bates et al. (2010) */
    theta: finite.gte(0.5).lte(1).default(0.7),
    /** depth below which a face carries no flow (m) */
    hMin: finite.gt(0).lte(0.1).default(0.001),
    /** largest step (s), used while the domain is dry */
    maxDt: positive.default(10),
    /** water surface slope driving outflow across an open side when the ground there does not fall */
    openSlope: finite.gt(0).lte(1).default(0.001),
  })
  .strict();

export const Scenario = z
  .object({
    name: z.string().default('scenario'),
    terrain: Terrain,
    /** compute cell size (m); the terrain's own when absent */
    cellSize: positive.optional(),
    buildings: Buildings.optional(),
    roughness: Roughness.default({ defaultN: 0.03, zones: [] }),
    rainfall: Rainfall.optional(),
    drainage: Drainage.optional(),
    /** drainage per district: the engine takes drainage per cell (the city-wide `drainage` elsewhere) */
    drainageZones: z.array(DrainageZone).default([]),
    infiltration: Infiltration.optional(),
    inflows: z.array(Inflow).default([]),
    pumps: z.array(Pump).default([]),
    barriers: z.array(Barrier).default([]),
    boundaries: Boundaries.default({ north: 'closed', south: 'closed', east: 'closed', west: 'closed' }),
    initialWater: z.array(InitialWater).default([]),
    /** simulated time, s */
    duration: positive,
    /** time between depth frames, s */
    outputInterval: positive,
    probes: z.array(Probe).default([]),
    numerics: Numerics.default({ alpha: 0.7, theta: 0.7, hMin: 0.001, maxDt: 10, openSlope: 0.001 }),
    /** the city whose impact to report; implied by a city terrain */
    city: z.object({ preset: z.enum(['default', 'huaibei']), seed: z.number().int().optional() }).strict().optional(),
    /** a "start from now" forecast: where it started (models/forecast.ts); the engine reads initialWater, not this */
    forecast: ForecastInfo.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.drainage && 'returnPeriodYears' in s.drainage && !s.drainage.formula && s.rainfall?.type !== 'design') {
      ctx.addIssue({ code: 'custom', path: ['drainage', 'formula'], message: 'a drainage return period needs a storm formula (here or in a design rainfall)' });
    }
    s.drainageZones.forEach((zone, i) => {
      if ('returnPeriodYears' in zone.drainage && !zone.drainage.formula && s.rainfall?.type !== 'design')
        ctx.addIssue({ code: 'custom', path: ['drainageZones', i, 'drainage', 'formula'], message: 'a drainage return period needs a storm formula (here or in a design rainfall)' });
    });
    if (s.buildings?.from === 'city' && s.terrain.source !== 'city' && !s.city) {
      ctx.addIssue({ code: 'custom', path: ['buildings', 'from'], message: '"city" buildings need a city terrain or a city' });
    }
    const names = new Set<string>();
    s.probes.forEach((p, i) => {
      if (names.has(p.name)) ctx.addIssue({ code: 'custom', path: ['probes', i, 'name'], message: `duplicate probe name "${p.name}"` });
      names.add(p.name);
    });
    if (s.outputInterval > s.duration) ctx.addIssue({ code: 'custom', path: ['outputInterval'], message: 'output interval exceeds the duration' });
  });

export type ScenarioInput = z.input<typeof Scenario>;
export type Scenario = z.infer<typeof Scenario>;
export type Rainfall = z.infer<typeof Rainfall>;
export type Drainage = z.infer<typeof Drainage>;
export type DrainageZone = z.infer<typeof DrainageZone>;

export { formatIssues } from './issues';

/** Flood thresholds (m) tracked per cell: 15 cm one-lane design criterion (GB 51222-2017),
 *  20 cm Beijing yellow line, 27 cm Beijing red line (road closed). */
export const DEPTH_THRESHOLDS = [0.15, 0.2, 0.27] as const;
