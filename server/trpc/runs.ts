// The scenario library and flood runs (models/runs.ts): scenario.* and run.* of the API.
import { z } from 'zod';
import { tracked, TRPCError } from '@trpc/server';
import {
  cityOnlyInputSchema, impactSchema, probeSeriesSchema, runIdInputSchema, runProgressInputSchema, runRecordSchema, runStartInputSchema,
  runStartResultSchema, scenarioCreateInputSchema, scenarioIdInputSchema, scenarioRecordSchema, scenarioUpdateInputSchema,
} from '../../models/runs';
import { citySlugSchema } from '../../models/city';
import { publicProcedure, rolesProcedure, router, type Context } from './init';
import { PLANNING_ROLES } from '../../models/accounts';

/** scenario and run changes: planners and administrators */
const planProcedure = rolesProcedure(PLANNING_ROLES);
import { eventIdOf } from '../runs/manager';
import { compareProcedures } from './compare';
import { forecastCreateInputSchema, forecastNowSchema } from '../../models/forecastInfo';
import { createForecast, forecastNow } from '../runs/forecast';

const runsOf = (ctx: Context) => {
  if (!ctx.runs) throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'flood runs are not available in this process' });
  return ctx.runs;
};

export const scenarioRouter = router({
  list: publicProcedure.input(cityOnlyInputSchema).output(z.array(scenarioRecordSchema)).query(({ ctx, input }) => runsOf(ctx).library.list(input.city)),
  get: publicProcedure.input(scenarioIdInputSchema).output(scenarioRecordSchema).query(({ ctx, input }) => runsOf(ctx).library.get(input.id)),
  create: planProcedure.input(scenarioCreateInputSchema).output(scenarioRecordSchema)
    .mutation(({ ctx, input }) => runsOf(ctx).library.create(input.city, input.name, input.scenario)),
  update: planProcedure.input(scenarioUpdateInputSchema).output(scenarioRecordSchema)
    .mutation(({ ctx, input }) => runsOf(ctx).library.update(input.id, input.name, input.scenario)),
  duplicate: planProcedure.input(scenarioIdInputSchema).output(scenarioRecordSchema).mutation(({ ctx, input }) => runsOf(ctx).library.duplicate(input.id)),
  delete: planProcedure.input(scenarioIdInputSchema).output(z.object({ ok: z.literal(true) })).mutation(({ ctx, input }) => runsOf(ctx).library.delete(input.id)),
  /** where the city stands now: the level gauges' readings and the water levels a forecast would start from */
  forecastNow: publicProcedure.input(cityOnlyInputSchema).output(forecastNowSchema).query(({ ctx, input }) => forecastNow(ctx.twin, input.city)),
  /** a "start from now" forecast scenario (models/forecast.ts), stored like any scenario */
  createForecast: planProcedure.input(forecastCreateInputSchema).output(scenarioRecordSchema)
    .mutation(({ ctx, input }) => createForecast(ctx.twin, runsOf(ctx).library, input)),
  validate: publicProcedure
    .input(z.object({ city: citySlugSchema, scenario: z.unknown() }))
    .output(z.object({ ok: z.boolean(), issues: z.array(z.object({ path: z.string(), message: z.string() })) }))
    .query(({ ctx, input }) => runsOf(ctx).library.validate(input.city, input.scenario)),
});

export const runRouter = router({
  start: planProcedure.input(runStartInputSchema).output(runStartResultSchema).mutation(({ ctx, input }) => runsOf(ctx).manager.startRun(input.scenarioId, input.force)),
  cancel: planProcedure.input(runIdInputSchema).output(runRecordSchema).mutation(({ ctx, input }) => runsOf(ctx).manager.cancel(input.id)),
  get: publicProcedure.input(runIdInputSchema).output(runRecordSchema).query(({ ctx, input }) => runsOf(ctx).manager.get(input.id)),
  list: publicProcedure.input(cityOnlyInputSchema).output(z.array(runRecordSchema)).query(({ ctx, input }) => runsOf(ctx).manager.list(input.city)),
  impact: publicProcedure.input(runIdInputSchema).output(impactSchema).query(({ ctx, input }) => runsOf(ctx).manager.result(input.id, 'impact.json', impactSchema)),
  ...compareProcedures,
  probes: publicProcedure.input(runIdInputSchema).output(probeSeriesSchema).query(({ ctx, input }) => runsOf(ctx).manager.result(input.id, 'probes.json', probeSeriesSchema)),
  /**
   * The run's record now (also after a reconnect: lastEventId only resumes the stream, the
   * current state is what matters), then each change, until a final status. SSE, tracked ids.
   */
  progress: publicProcedure.input(runProgressInputSchema).subscription(async function* ({ ctx, input, signal }) {
    for await (const rec of runsOf(ctx).manager.watch(input.id, signal)) yield tracked(eventIdOf(rec), runRecordSchema.parse(rec));
  }),
});
