// kiosk.*: what the exhibition kiosk (/kiosk/<city>) reads: its idle time and the storms of
// "flood my street" (models/kiosk.ts). A read of the twin, public when the twin is.
import { TRPCError } from '@trpc/server';
import { defaultStorms, distinctLabels, kioskConfigInputSchema, kioskConfigSchema, stormLabel, type KioskConfig, type StormCandidate } from '../../models/kiosk';
import { settingsSchema } from '../../models/accounts';
import type { RunRecord } from '../../models/runs';
import { sessionCookie } from '../accounts/auth';
import { sessionIdleMs } from '../accounts/store';
import { publicProcedure, router, type Context } from './init';

async function kioskConfig(ctx: Context, city: string): Promise<KioskConfig> {
  const settings = ctx.accounts ? await ctx.accounts.store.settings() : settingsSchema.parse({});
  const { idleS, storms: wanted } = settings.kiosk;
  if (!ctx.runs) throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'flood runs are not available in this process' });
  await ctx.twin.city(city); // NOT_FOUND for an unknown city
  const [runs, scenarios] = await Promise.all([ctx.runs.manager.list(city), ctx.runs.library.list(city)]);
  const byId = new Map(scenarios.map((s) => [s.id, s]));
  const cand = (r: RunRecord): StormCandidate => ({ run: r, scenario: (r.scenarioId && byId.get(r.scenarioId)?.scenario) || null });
  // the administrator's list (runs of other cities or not succeeded are left out), else the default
  const chosen: { c: StormCandidate; label?: { zh: string; en: string } }[] = wanted.length
    ? wanted.flatMap((w) => {
      const r = runs.find((x) => x.id === w.runId && x.status === 'succeeded' && x.grid);
      return r ? [{ c: cand(r), label: w.label }] : [];
    })
    : defaultStorms(runs.map(cand)).map((c) => ({ c }));
  const storms = distinctLabels(chosen.map(({ c, label }) => ({
    name: c.run.scenarioName,
    label: label ?? stormLabel(c.scenario ?? {}, c.run.scenarioName),
    run: c.run as RunRecord,
  })));
  return {
    idleS,
    storms: storms.map(({ label, run }) => ({
      runId: run.id, label, grid: run.grid!, outputInterval: run.outputInterval,
      durationS: run.progress?.duration ?? run.outputInterval * Math.max(1, run.frameCount - 1),
    })),
  };
}

export const kioskRouter = router({
  /**
   * The kiosk's settings and storms. A kiosk polls it every minute, which also renews its
   * session cookie (the session slides on the server; the cookie's Max-Age would not).
   */
  config: publicProcedure.input(kioskConfigInputSchema).output(kioskConfigSchema).query(({ ctx, input }) => {
    if (ctx.user?.role === 'kiosk' && ctx.sessionToken) ctx.setCookie(sessionCookie(ctx.sessionToken, ctx.secure, sessionIdleMs('kiosk')));
    return kioskConfig(ctx, input.city);
  }),
});
