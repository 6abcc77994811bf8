// warnings.*: flood warnings to subscribers (server/warnings, models/warnings.ts). Subscribing
// and confirming are public (the code sent through the subscriber's own channel is the check,
// and the server limits how often); the duty view needs a duty role.
import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import {
  confirmInputSchema, dutyInputSchema, dutyViewSchema, evacuationStateSchema, subscribeInputSchema, subscribeResultSchema, subscriptionIdSchema,
  WARNING_DUTY_ROLES,
} from '../../models/warnings';
import { cityInputSchema } from '../../models/city';
import { publicProcedure, rolesProcedure, router, type Context } from './init';

const warningsOf = (ctx: Context) => {
  if (!ctx.warnings) throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'flood warnings are not available in this process' });
  return ctx.warnings;
};
const anyone = publicProcedure.meta({ access: 'anyone' });

export const warningsRouter = router({
  /** a new subscription; the code goes out through its channel (SMS or a POST to the webhook) */
  subscribe: anyone.input(subscribeInputSchema).output(subscribeResultSchema)
    .mutation(({ ctx, input }) => warningsOf(ctx).subscribe(input, ctx.clientIp ?? 'unknown')),
  confirm: anyone.input(confirmInputSchema).output(subscribeResultSchema)
    .mutation(({ ctx, input }) => warningsOf(ctx).confirm(input.id, input.code)),
  /** the subscriber ends it with its code */
  unsubscribe: anyone.input(confirmInputSchema).output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => { await warningsOf(ctx).unsubscribe(input.id, input.code); return { ok: true as const }; }),
  /** per unit grid that is not green, its evacuation colour and why (red: evacuate now); public like
   *  the warnings themselves (the subscribe page shows them to anyone, also where the twin is not public) */
  evacuation: anyone.input(cityInputSchema).output(evacuationStateSchema).query(({ ctx, input }) => warningsOf(ctx).evacuation(input.city)),
  duty: rolesProcedure(WARNING_DUTY_ROLES).input(dutyInputSchema).output(dutyViewSchema).query(({ ctx, input }) => warningsOf(ctx).duty(input.city)),
  /** the duty officer ends a subscription (a wrong number, a complaint) */
  cancel: rolesProcedure(WARNING_DUTY_ROLES).input(z.object({ id: subscriptionIdSchema })).output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => { await warningsOf(ctx).unsubscribe(input.id, null); return { ok: true as const }; }),
});
