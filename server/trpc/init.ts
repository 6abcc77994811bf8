import { initTRPC, TRPCError } from '@trpc/server';
import type { Twin } from '../twin';
import { InputError, NotFoundError } from '../twin';
import type { RunManager } from '../runs/manager';
import type { ScenarioLibrary } from '../runs/library';
import { tokensEqual } from '../secrets';

export interface Context {
  twin: Twin;
  /** the bearer token the request carried, if any */
  token: string | null;
  ingestToken: string;
  /** the scenario library and flood runs; null where the process runs none (some tests) */
  runs: { library: ScenarioLibrary; manager: RunManager } | null;
}

const t = initTRPC.context<Context>().create({
  // Subscriptions (run.progress) may be quiet for minutes while a run waits in the queue: a ping
  // keeps proxies from closing them, and a client that hears nothing reconnects (lastEventId).
  sse: { ping: { enabled: true, intervalMs: 10_000 }, client: { reconnectAfterInactivityMs: 25_000 } },
  errorFormatter({ shape, error }) {
    // Say where the input was wrong: zod's issues with their paths, or our InputError's path.
    const cause = error.cause as { issues?: { path: PropertyKey[]; message: string }[] } | InputError | undefined;
    const issues = cause && 'issues' in cause && Array.isArray(cause.issues)
      ? cause.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }))
      : cause instanceof InputError ? [{ path: cause.path.join('.'), message: cause.message }] : undefined;
    return { ...shape, data: { ...shape.data, issues } };
  },
});

/** Domain errors become the matching tRPC codes, with their message kept. */
const errorMapping = t.middleware(async ({ next }) => {
  const r = await next();
  if (!r.ok) {
    const cause = r.error.cause;
    if (cause instanceof NotFoundError) throw new TRPCError({ code: 'NOT_FOUND', message: cause.message, cause });
    if (cause instanceof InputError) throw new TRPCError({ code: 'BAD_REQUEST', message: cause.message, cause });
  }
  return r;
});

export const router = t.router;
export const publicProcedure = t.procedure.use(errorMapping);

/** Procedures that change state from outside (gauges, gateways) need the ingest token. */
export const ingestProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.token) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'missing bearer token (Authorization: Bearer <INGEST_TOKEN>)' });
  if (!tokensEqual(ctx.token, ctx.ingestToken)) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'wrong ingest token' });
  return next();
});
