// The scenario library and flood runs as the API sees them: stored scenarios per city, runs
// through the queue, their progress events, frames and results. Pure: zod only.
import { z } from 'zod';
import { citySlugSchema } from './city';
import { Scenario, type ScenarioInput } from './scenario';

export const scenarioIdSchema = z.string().uuid('scenario id: a UUID');
export const runIdSchema = z.string().uuid('run id: a UUID');

/** the largest synthetic terrain (cells) a scenario through the API may ask for (the city grid is ~230,000) */
export const API_SYNTHETIC_MAX_CELLS = 1_000_000;

/**
 * Through the API a scenario names its terrain and polygons only by city or inline rings, never
 * by a path on the server (the CLI alone reads files). Returns zod-style issues with paths.
 */
export function apiScenarioIssues(s: unknown): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  if (!s || typeof s !== 'object') return out;
  const doc = s as Record<string, unknown>;
  const terrain = doc.terrain as Record<string, unknown> | undefined;
  if (terrain && terrain.source === 'file') out.push({ path: ['terrain', 'source'], message: 'a scenario stored in a city takes the city\'s terrain ("city"); file paths on the server are for the command line only' });
  // a synthetic test terrain stays small through the API: the grid is allocated before anything runs
  if (terrain && terrain.source === 'synthetic' && Number(terrain.cols) * Number(terrain.rows) > API_SYNTHETIC_MAX_CELLS)
    out.push({ path: ['terrain', 'cols'], message: `a synthetic terrain through the API has at most ${API_SYNTHETIC_MAX_CELLS.toLocaleString('en')} cells (cols x rows is ${(Number(terrain.cols) * Number(terrain.rows)).toLocaleString('en')})` });
  // every polygon source anywhere in the document must be an inline ring
  const walk = (v: unknown, path: (string | number)[]) => {
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, [...path, i]));
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if ((k === 'geojson' || k === 'csv') && path.length > 0) out.push({ path: [...path, k], message: `polygons are given inline as "ring" through the API, not as a file (${k})` });
      else if (k === 'path' && path[0] === 'terrain') continue;
      else walk(x, [...path, k]);
    }
  };
  walk(doc, []);
  return out;
}

/** A scenario as the library stores it: the CLI's schema, with the API's restrictions. */
export const cityScenarioSchema = Scenario.superRefine((s, ctx) => {
  for (const i of apiScenarioIssues(s)) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
});

export const scenarioNameSchema = z.string().trim().min(1, 'a name is needed').max(120, 'a name of at most 120 characters');

export const scenarioRecordSchema = z.object({
  id: scenarioIdSchema,
  city: citySlugSchema,
  name: scenarioNameSchema,
  /** the scenario as entered (defaults not filled in), so editing shows what was typed */
  scenario: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ScenarioRecord = z.infer<typeof scenarioRecordSchema>;

export const scenarioCreateInputSchema = z.object({
  city: citySlugSchema,
  name: scenarioNameSchema,
  /** validated against cityScenarioSchema by the server; a template when absent */
  scenario: z.record(z.string(), z.unknown()).optional(),
});
export const scenarioUpdateInputSchema = z.object({
  id: scenarioIdSchema,
  name: scenarioNameSchema.optional(),
  scenario: z.record(z.string(), z.unknown()).optional(),
});
export const scenarioIdInputSchema = z.object({ id: scenarioIdSchema });
export const cityOnlyInputSchema = z.object({ city: citySlugSchema });

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export const runStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof runStatusSchema>;

export const runGridSchema = z.object({
  cols: z.number().int().positive(),
  rows: z.number().int().positive(),
  cellSize: z.number().positive(),
  /** south-west corner of the grid, local metres (x east, y north) */
  xll: z.number(),
  yll: z.number(),
});
export type RunGrid = z.infer<typeof runGridSchema>;

export const runProgressSchema = z.object({
  /** simulated seconds so far */
  t: z.number().nonnegative(),
  duration: z.number().positive(),
  steps: z.number().int().nonnegative(),
  wallSeconds: z.number().nonnegative(),
});
export type RunProgress = z.infer<typeof runProgressSchema>;

export const runSummarySchema = z.object({
  volumes: z.record(z.string(), z.number()),
  floodedArea_m2: z.object({ over15cm: z.number(), over20cm: z.number(), over27cm: z.number() }),
  maxDepth_m: z.number(),
  cellUpdatesPerSecond: z.number(),
  kernel: z.string(),
});

export const runRecordSchema = z.object({
  id: runIdSchema,
  city: citySlugSchema,
  scenarioId: scenarioIdSchema.nullable(),
  scenarioName: z.string(),
  status: runStatusSchema,
  /** 1-based place among queued runs (null when not queued) */
  queuePosition: z.number().int().positive().nullable(),
  progress: runProgressSchema.nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** engine version (package version + kernel source hash) and sha256 of the exact input */
  engineVersion: z.string(),
  inputHash: z.string(),
  grid: runGridSchema.nullable(),
  outputInterval: z.number().positive(),
  /** depth frames stored so far */
  frameCount: z.number().int().nonnegative(),
  summary: runSummarySchema.nullable(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

export const runStartInputSchema = z.object({
  scenarioId: scenarioIdSchema,
  /** run again even if an identical finished run exists */
  force: z.boolean().default(false),
});
/** `reused`: an identical input already ran (same hash and engine); its run is returned. */
export const runStartResultSchema = z.object({ run: runRecordSchema, reused: z.boolean() });

export const runIdInputSchema = z.object({ id: runIdSchema });
export const runProgressInputSchema = z.object({ id: runIdSchema, lastEventId: z.string().nullish() });

/** The progress subscription's event: the run's record at that moment (tracked by its event id). */
export const runEventSchema = runRecordSchema;

// --- impact (server/sim/impact.ts computes it) ---

const exceedance = {
  maxDepth_m: z.number(),
  timeOfMax_s: z.number().nullable(),
  over15cm_s: z.number().nullable(),
  over20cm_s: z.number().nullable(),
  over27cm_s: z.number().nullable(),
};
const xy = z.tuple([z.number(), z.number()]);
export const impactSchema = z.object({
  thresholds_m: z.tuple([z.literal(0.15), z.literal(0.2), z.literal(0.27)]),
  counts: z.object({
    pronePoints: z.number(), roadSegments: z.number(), roadSegmentsClosed: z.number(), buildings: z.number(), components: z.number(), unitGrids: z.number(),
  }),
  pronePoints: z.array(z.object({ id: z.string(), name: z.string(), x: z.number(), y: z.number(), ...exceedance })),
  roadSegments: z.array(z.object({ roadId: z.number(), name: z.string(), kind: z.string(), segment: z.number(), from: xy, to: xy, length_m: z.number(), ...exceedance })),
  buildings: z.array(z.object({ id: z.number(), use: z.string(), unitGrid: z.string(), ...exceedance })),
  components: z.array(z.object({ code: z.string(), classCode: z.string(), className: z.string(), x: z.number(), y: z.number(), unitGrid: z.string(), ...exceedance })),
  unitGrids: z.array(z.object({ code: z.string(), areaOver15cm_m2: z.number(), areaOver20cm_m2: z.number(), areaOver27cm_m2: z.number(), ...exceedance })),
});
export type ImpactResult = z.infer<typeof impactSchema>;

/** Files a finished run offers at GET /api/runs/<id>/files/<name>. */
export const RUN_FILES = [
  'max_depth.tif', 'max_stage.tif', 'time_of_max_s.tif', 'first_above_15cm_s.tif', 'first_above_20cm_s.tif', 'first_above_27cm_s.tif',
  'impact.csv', 'impact.geojson', 'probes.csv', 'summary.json', 'scenario.json',
] as const;
export const runFileSchema = z.enum(RUN_FILES);

/** Probe series of a finished run (hydrographs). */
export const probeSeriesSchema = z.array(z.object({
  name: z.string(), x: z.number(), y: z.number(), time: z.array(z.number()), depth: z.array(z.number()), stage: z.array(z.number()),
}));

// --- socket.io: depth frames of a run ---

export const runWatchSchema = z.object({ runId: runIdSchema });
export type RunWatchAck = { ok: true; frames: number } | { ok: false; error: string };

// --- templates and presets the editor starts from ---

/**
 * Zhengzhou, 20 July 2021, hourly rain at the city station (mm in each hour, from 00:00). The
 * published figures are kept exactly: 201.9 mm from 16:00 to 17:00 (mainland record), 333 mm in
 * the three hours 15:00-18:00 and 552.5 mm in the day; the other hours are a reconstruction
 * that keeps those totals.
 */
export const ZHENGZHOU_2021_HOURLY_MM = [
  2.1, 1.8, 3.0, 4.2, 5.5, 7.9, 12.4, 14.6, 11.3, 9.8, 10.7, 15.9, 18.6, 22.4, 28.5, 68.2, 201.9, 62.9, 25.3, 12.1, 5.6, 3.1, 2.4, 2.3,
] as const;

export function zhengzhouTable(): { time: number; rainMmPerH: number }[] {
  return ZHENGZHOU_2021_HOURLY_MM.map((mm, h) => ({ time: h * 3600, rainMmPerH: mm }));
}

/** The scenario a new library entry starts from: a 2-hour 10-year Beijing storm on the city. */
export function scenarioTemplate(name = 'scenario'): ScenarioInput {
  return {
    name,
    terrain: { source: 'city' },
    buildings: { from: 'city', mode: 'raise', height: 3 },
    roughness: { defaultN: 0.03, zones: [] },
    rainfall: { type: 'design', formula: 'beijing', returnPeriodYears: 10, durationMin: 120, peakCoefficient: 0.355, stepMin: 5 },
    drainage: { returnPeriodYears: 2 },
    duration: 7200,
    outputInterval: 300,
  };
}
