// case.*: the case loop (models/cases.ts decides who may take which step; server/cases stores it).
import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import { ADMIN_ROLES, PLANNING_ROLES } from '../../models/accounts';
import { scenarioIdSchema } from '../../models/runs';
import { caseIndicatorsInputSchema, indicatorRowSchema } from '../../models/caseIndicators';
import { caseDispatchManyInputSchema, caseDispatchManyResultSchema, caseDetailSchema, caseIdSchema, caseListInputSchema, caseRecordSchema, caseReportInputSchema, caseStepInputSchema } from '../../models/caseApi';
import { CASE_READ_ROLES, CASE_STEP_ROLES, CASE_STEPS, INDICATOR_ROLES, REPORT_ROLES } from '../../models/cases';
import { workCalendarSchema } from '../../models/workCalendar';
import { rolesProcedure, router, type Context } from './init';

const casesOf = (ctx: Context) => {
  if (!ctx.cases) throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'cases are not available in this process' });
  return ctx.cases;
};
const floodOf = (ctx: Context) => {
  const f = casesOf(ctx).floodWarnings;
  if (!f) throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'flood warning cases are not available in this process' });
  return f;
};
const readProcedure = rolesProcedure(CASE_READ_ROLES);

export const caseRouter = router({
  list: readProcedure.input(caseListInputSchema).output(z.array(caseRecordSchema)).query(({ ctx, input }) => casesOf(ctx).list(input.city, input.states, ctx.user!)),
  get: readProcedure.input(z.object({ id: caseIdSchema })).output(caseDetailSchema).query(({ ctx, input }) => casesOf(ctx).get(input.id, ctx.user!)),
  report: rolesProcedure(REPORT_ROLES).input(caseReportInputSchema).output(caseRecordSchema)
    .mutation(({ ctx, input }) => casesOf(ctx).report(input, ctx.user!, ctx.user!.role)),
  /** one step of the loop; refused with the reason when the role, the state or the version does not fit */
  step: rolesProcedure(CASE_STEP_ROLES).input(caseStepInputSchema).output(caseRecordSchema).mutation(({ ctx, input }) => casesOf(ctx).step(input, ctx.user!)),
  /** several filed cases to one department in one transaction; the refused ones with the reason */
  dispatchMany: rolesProcedure(CASE_STEPS.dispatch.roles).input(caseDispatchManyInputSchema).output(caseDispatchManyResultSchema)
    .mutation(({ ctx, input }) => casesOf(ctx).dispatchMany(input, ctx.user!)),
  /** closure, on-time and rework rates and the department score per group over a period (CSV: /api/cases/indicators.csv) */
  indicators: rolesProcedure(INDICATOR_ROLES).input(caseIndicatorsInputSchema).output(z.array(indicatorRowSchema))
    .query(({ ctx, input }) => casesOf(ctx).indicators(input)),
  /** whether a scenario's succeeded runs open flood warning cases (server/cases/flood.ts) */
  floodWarnings: rolesProcedure(PLANNING_ROLES).input(z.object({ scenarioId: scenarioIdSchema })).output(z.object({ on: z.boolean() }))
    .query(async ({ ctx, input }) => ({ on: await floodOf(ctx).enabled(input.scenarioId) })),
  setFloodWarnings: rolesProcedure(PLANNING_ROLES).input(z.object({ scenarioId: scenarioIdSchema, on: z.boolean() })).output(z.object({ on: z.boolean() }))
    .mutation(async ({ ctx, input }) => ({ on: await floodOf(ctx).setEnabled(input.scenarioId, input.on) })),
  calendar: readProcedure.output(workCalendarSchema).query(({ ctx }) => casesOf(ctx).calendar()),
  setCalendar: rolesProcedure(ADMIN_ROLES).input(workCalendarSchema).output(workCalendarSchema).mutation(({ ctx, input }) => casesOf(ctx).setCalendar(input)),
});
