// account.*: sign-in, sign-out, password change, the first administrator's setup, and the
// administrator's accounts and settings (models/accounts.ts).
import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import {
  accountAddInputSchema, accountSchema, accountUpdateInputSchema, ADMIN_ROLES, meSchema, passwordChangeInputSchema, sessionUserSchema,
  settingsSchema, settingsUpdateSchema, setupInputSchema, signInInputSchema,
} from '../../models/accounts';
import { sessionCookie } from '../accounts/auth';
import { sessionIdleMs } from '../accounts/store';
import { publicProcedure, rolesProcedure, router, type Context } from './init';

const accountsOf = (ctx: Context) => {
  if (!ctx.accounts) throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'accounts are not available in this process' });
  return ctx.accounts;
};
const ok = z.object({ ok: z.literal(true) });
const adminProcedure = rolesProcedure(ADMIN_ROLES);

export const accountRouter = router({
  /** who I am, and what an anonymous visitor may do here */
  me: publicProcedure.meta({ access: 'anyone' }).output(meSchema).query(async ({ ctx }) => ({
    user: ctx.user,
    twinPublic: ctx.accounts ? (await ctx.accounts.store.settings()).twinPublic : true,
    setupOpen: ctx.accounts?.setup.open ?? false,
  })),
  signIn: publicProcedure.meta({ access: 'anyone' }).input(signInInputSchema).output(sessionUserSchema).mutation(async ({ ctx, input }) => {
    const { token, user } = await accountsOf(ctx).store.signIn(input.name, input.password);
    if (ctx.sessionToken) await accountsOf(ctx).store.signOut(ctx.sessionToken); // a new session, never a reused one
    ctx.setCookie(sessionCookie(token, ctx.secure, sessionIdleMs(user.role)));
    return user;
  }),
  signOut: publicProcedure.meta({ access: 'anyone' }).output(ok).mutation(async ({ ctx }) => {
    if (ctx.sessionToken) await accountsOf(ctx).store.signOut(ctx.sessionToken);
    ctx.setCookie(sessionCookie(null, ctx.secure));
    return { ok: true as const };
  }),
  /** one's own password; the other sessions of the account end */
  changePassword: publicProcedure.meta({ access: 'self' }).input(passwordChangeInputSchema).output(ok).mutation(async ({ ctx, input }) => {
    await accountsOf(ctx).store.changePassword(ctx.user!.id, input.current, input.next, ctx.sessionToken);
    return { ok: true as const };
  }),
  /** the one-time setup link's form: creates the first administrator and signs it in */
  setup: publicProcedure.meta({ access: 'anyone' }).input(setupInputSchema).output(sessionUserSchema).mutation(async ({ ctx, input }) => {
    const { token, user } = await accountsOf(ctx).setup.consume(input.token, input.name, input.password);
    ctx.setCookie(sessionCookie(token, ctx.secure));
    return user;
  }),
  list: adminProcedure.output(z.array(accountSchema)).query(({ ctx }) => accountsOf(ctx).store.list()),
  add: adminProcedure.input(accountAddInputSchema).output(accountSchema).mutation(({ ctx, input }) => accountsOf(ctx).store.add(input)),
  update: adminProcedure.input(accountUpdateInputSchema).output(accountSchema).mutation(({ ctx, input }) => accountsOf(ctx).store.update(input)),
  settings: adminProcedure.output(settingsSchema).query(({ ctx }) => accountsOf(ctx).store.settings()),
  updateSettings: adminProcedure.input(settingsUpdateSchema).output(settingsSchema).mutation(({ ctx, input }) => accountsOf(ctx).store.updateSettings(input)),
});
