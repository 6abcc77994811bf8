// cockpit.*: the briefing-room screen's vital signs (server/cockpit/summary.ts). A read of the
// twin; its case part only for the case readers and the presenter.
import { cockpitSummaryInputSchema, cockpitSummarySchema } from '../../models/cockpit';
import { cockpitSummaryShared } from '../cockpit/summary';
import { publicProcedure, router } from './init';

export const cockpitRouter = router({
  summary: publicProcedure.input(cockpitSummaryInputSchema).output(cockpitSummarySchema)
    .query(({ ctx, input }) => cockpitSummaryShared({ db: ctx.twin.db, twin: ctx.twin, cases: ctx.cases ?? null, runs: ctx.runs?.manager ?? null, warnings: ctx.warnings ?? null }, input.city, ctx.user)),
});
