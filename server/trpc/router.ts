import { z } from 'zod';
import {
  cityIndexInputSchema, cityInputSchema, citySummarySchema, componentByCodeInputSchema, componentDetailSchema, ingestBatchSchema,
  ingestResultSchema, unitGridDetailSchema,
} from '../../models/city';
import { componentHistoryInputSchema, componentHistorySchema } from '../../models/history';
import { ingestProcedure, publicProcedure, router } from './init';
import { NotFoundError, ReportTimeError } from '../twin';
import { ingestRejected } from '../metrics';
import { runRouter, scenarioRouter } from './runs';
import { accountRouter } from './accounts';
import { caseRouter } from './cases';
import { warningsRouter } from './warnings';
import { kioskRouter } from './kiosk';
import { storiesRouter } from './stories';
import { cockpitRouter } from './cockpit';

const cityRouter = router({
  list: publicProcedure.output(z.array(citySummarySchema)).query(({ ctx }) => ctx.twin.listCities()),
  get: publicProcedure
    .input(cityInputSchema)
    .output(citySummarySchema)
    .query(async ({ ctx, input }) => {
      const [c] = await ctx.twin.listCities(input.city);
      if (!c) throw new NotFoundError(`no city "${input.city}"`);
      return c;
    }),
});

const componentRouter = router({
  get: publicProcedure
    .input(cityIndexInputSchema)
    .output(componentDetailSchema)
    .query(({ ctx, input }) => ctx.twin.component(input.city, input.index)),
  byCode: publicProcedure
    .input(componentByCodeInputSchema)
    .output(componentDetailSchema)
    .query(async ({ ctx, input }) => ctx.twin.component(input.city, await ctx.twin.componentIndex(input.city, input.code))),
  /** down-sampled history of the last `hours`, oldest first (models/history.ts) */
  history: publicProcedure
    .input(componentHistoryInputSchema)
    .output(componentHistorySchema)
    .query(({ ctx, input }) => ctx.twin.componentHistory(input.city, input.index, input.hours)),
});

const gridRouter = router({
  get: publicProcedure
    .input(cityIndexInputSchema)
    .output(unitGridDetailSchema)
    .query(({ ctx, input }) => ctx.twin.unitGrid(input.city, input.index)),
});

const ingestRouter = router({
  /** A batch of component state changes: all applied, or none. Needs Authorization: Bearer <INGEST_TOKEN>. */
  batch: ingestProcedure
    .input(ingestBatchSchema)
    .output(ingestResultSchema)
    .mutation(({ ctx, input }) => ctx.twin.ingest(input, 'api').catch((err: unknown) => {
      if (err instanceof ReportTimeError) ingestRejected.inc({ boundary: 'trpc', reason: 'time' });
      throw err;
    })),
});

export const appRouter = router({
  city: cityRouter,
  component: componentRouter,
  grid: gridRouter,
  ingest: ingestRouter,
  scenario: scenarioRouter,
  run: runRouter,
  account: accountRouter,
  case: caseRouter,
  warnings: warningsRouter,
  kiosk: kioskRouter,
  stories: storiesRouter,
  cockpit: cockpitRouter,
});

export type AppRouter = typeof appRouter;
