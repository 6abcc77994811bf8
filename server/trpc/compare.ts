// run.compare and run.compareGrid: two runs compared from their stored results (server/runs/compare.ts).
import { runCompareInputSchema, runCompareSchema, runDiffGridSchema } from '../../models/runCompare';
import { TRPCError } from '@trpc/server';
import { CompareCache } from '../runs/compare';
import { publicProcedure, type Context } from './init';

const caches = new WeakMap<object, CompareCache>();

function cacheOf(ctx: Context): CompareCache {
  const runs = ctx.runs;
  if (!runs) throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'flood runs are not available in this process' });
  let c = caches.get(runs.manager);
  if (!c) {
    c = new CompareCache(runs.manager, (slug) => ctx.twin.city(slug).then((c) => c.data));
    caches.set(runs.manager, c);
  }
  return c;
}

export const compareProcedures = {
  /** B against A: the areas and counts of change and the impact difference per asset */
  compare: publicProcedure.input(runCompareInputSchema).output(runCompareSchema)
    .query(async ({ ctx, input }) => (await cacheOf(ctx).get(input.a, input.b)).table),
  /** the difference of maximum depth (B - A) on A's grid, Int16 mm in base64 */
  compareGrid: publicProcedure.input(runCompareInputSchema).output(runDiffGridSchema)
    .query(({ ctx, input }) => cacheOf(ctx).diffGrid(input.a, input.b)),
};
