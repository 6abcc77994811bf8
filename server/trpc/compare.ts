// run.compare and run.compareGrid: two runs compared from their stored results (server/runs/compare.ts);
// run.preview: the coarse-then-full runs an edit starts.
import { runCompareInputSchema, runCompareSchema, runDiffGridSchema } from '../../models/runCompare';
import { TRPCError } from '@trpc/server';
import { previewScenario, runPreviewInputSchema, runPreviewResultSchema } from '../../models/preview';
import { CompareCache } from '../runs/compare';
import { PLANNING_ROLES } from '../../models/accounts';
import { publicProcedure, rolesProcedure, type Context } from './init';

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

/** run.preview: an edit's coarse preview and full run, the last edit's runs cancelled. */
// starting runs is for planners (the one role guard of tRPC, server/trpc/init.ts)
export const previewProcedure = rolesProcedure(PLANNING_ROLES).input(runPreviewInputSchema).output(runPreviewResultSchema).mutation(async ({ ctx, input }) => {
  const runs = ctx.runs;
  if (!runs) throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'flood runs are not available in this process' });
  // stale runs first, so the new ones take their place in the queue and on the cores
  await Promise.all(input.cancel.map((id) => runs.manager.cancel(id).catch(() => undefined)));
  const preview = await runs.manager.startRun(input.scenarioId, true, previewScenario, 'preview');
  const full = await runs.manager.startRun(input.scenarioId, false);
  return { preview: preview.run, full: full.run, fullReused: full.reused };
});

export const compareProcedures = {
  /** B against A: the areas and counts of change and the impact difference per asset */
  compare: publicProcedure.input(runCompareInputSchema).output(runCompareSchema)
    .query(async ({ ctx, input }) => (await cacheOf(ctx).get(input.a, input.b)).table),
  /** the difference of maximum depth (B - A) on A's grid, Int16 mm in base64 */
  compareGrid: publicProcedure.input(runCompareInputSchema).output(runDiffGridSchema)
    .query(({ ctx, input }) => cacheOf(ctx).diffGrid(input.a, input.b)),
  preview: previewProcedure,
};
