// What a "start from now" forecast scenario records about where it started: when it was made,
// where "now" sits on the run's clock, and which gauge readings set which water. The engine
// does not read it (the levels are in the scenario's initialWater); the workspace shows it and
// the report lists it. Pure: zod only.
import { z } from 'zod';
import { citySlugSchema } from './city';

const finite = z.number().finite();

export const forecastGaugeSchema = z
  .object({
    code: z.string().min(1),
    x: finite,
    y: finite,
    /** water surface elevation the gauge gives: its height (the component's z) + its reading */
    levelM: finite,
    /** the reading, water depth at the gauge (m) */
    depthM: finite,
    /** a river or pond (index into bodies) it sits on, a street low point whose ponding starts
     *  the run, or not used (the run replays the observed rain there instead) */
    use: z.enum(['body', 'ponding', 'unused']),
    body: z.number().int().nonnegative().optional(),
  })
  .strict();

export const forecastBodySchema = z
  .object({
    /** index into the city's water polygons */
    index: z.number().int().nonnegative(),
    /** gauges: from their readings (interpolated along the channel when several); normal: none reports */
    source: z.enum(['gauges', 'normal']),
    minLevelM: finite,
    maxLevelM: finite,
    gauges: z.number().int().nonnegative(),
  })
  .strict();

export const ForecastInfo = z
  .object({
    /** when the forecast was made (the live readings' moment), ISO 8601 */
    madeAt: z.iso.datetime({ offset: true }),
    /** "now" on the run's clock (s): the observed rain comes before it, the forecast after */
    nowS: finite.nonnegative(),
    observedRows: z.number().int().nonnegative(),
    forecastRows: z.number().int().nonnegative(),
    gauges: z.array(forecastGaugeSchema).max(10_000),
    bodies: z.array(forecastBodySchema).max(10_000),
  })
  .strict();
export type ForecastInfo = z.infer<typeof ForecastInfo>;
export type ForecastGauge = z.infer<typeof forecastGaugeSchema>;
export type ForecastBody = z.infer<typeof forecastBodySchema>;

/** One row of the duty officer's rain table: minutes from now (negative = observed), mm/h from then on. */
export const rainRowSchema = z.object({ minutes: z.number().int().min(-1440).max(2880), rainMmPerH: finite.nonnegative().max(500) }).strict();
export type RainRow = z.infer<typeof rainRowSchema>;

/** scenario.createForecast: the rain table (already parsed: models/forecast.ts parseRainTable) and the horizon. */
export const forecastCreateInputSchema = z.object({
  city: citySlugSchema,
  name: z.string().trim().min(1, 'a name is needed').max(120),
  rows: z
    .array(rainRowSchema)
    .min(1, 'the rain table needs at least one row')
    .max(1000)
    .refine((t) => t.every((p, i) => i === 0 || p.minutes > t[i - 1]!.minutes), 'rain table: times must increase'),
  /** how far past now the run goes */
  horizonH: finite.min(0.5).max(48),
});
export type ForecastCreateInput = z.infer<typeof forecastCreateInputSchema>;

/** scenario.forecastNow: where the city stands, as a forecast made now would start from it. */
export const forecastNowSchema = z.object({
  madeAt: z.string(),
  normalLevelM: finite,
  gauges: z.array(forecastGaugeSchema),
  bodies: z.array(forecastBodySchema),
  /** level gauges of the city without a usable reading (none yet, offline, damaged, stale) */
  silentGauges: z.number().int().nonnegative(),
});
export type ForecastNow = z.infer<typeof forecastNowSchema>;
