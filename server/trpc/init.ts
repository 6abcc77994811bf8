import { initTRPC, TRPCError } from '@trpc/server';
import type { Twin } from '../twin';
import { InputError, NotFoundError } from '../twin';
import type { RunManager } from '../runs/manager';
import type { ScenarioLibrary } from '../runs/library';
import { tokensEqual } from '../secrets';
import { readOnlyRole, type Role, type SessionUser } from '../../models/accounts';
import { mayReadTwin, type Accounts } from '../accounts/auth';
import { AuthError } from '../accounts/store';
import type { CaseStore } from '../cases/store';
import type { Warnings } from '../warnings/warnings';
import type { StoryStore } from '../stories/store';

export interface Context {
  twin: Twin;
  /** the bearer token the request carried, if any */
  token: string | null;
  ingestToken: string;
  /** the scenario library and flood runs; null where the process runs none (some tests) */
  runs: { library: ScenarioLibrary; manager: RunManager } | null;
  /** accounts, sessions and settings; null in processes without them (some tests: all anonymous, twin public) */
  accounts: Accounts | null;
  /** the signed-in user of the request's session cookie */
  user: SessionUser | null;
  /** the session cookie's token (sign-out, password change keep or end it) */
  sessionToken: string | null;
  /** adds a Set-Cookie header to the response (sign-in, sign-out) */
  setCookie(cookie: string): void;
  /** the request came over https (the cookie is then Secure) */
  secure: boolean;
  /** the case loop; null in processes without it (some tests) */
  cases?: CaseStore | null;
  /** flood warnings to subscribers; null in processes without them */
  warnings?: Warnings | null;
  /** the request's peer address (rate limits of public mutations) */
  clientIp?: string;
  /** stories (issue 14); null in processes without them (some tests) */
  stories?: StoryStore | null;
}

/**
 * Who may call a procedure. Every mutation must say (a mutation without it is refused, so a new
 * one cannot be forgotten): `roles` it needs, or `access`: 'ingest' (machines, bearer token),
 * 'anyone' (sign-in, setup: their input is the credential), 'self' (any signed-in user, on their
 * own account). Queries default to 'twin': public when the administrator makes the twin public,
 * else any signed-in user.
 */
export interface Meta {
  roles?: readonly Role[];
  access?: 'ingest' | 'anyone' | 'self' | 'twin';
}

const t = initTRPC.context<Context>().meta<Meta>().create({
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
    if (cause instanceof AuthError) throw new TRPCError({ code: cause.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', message: cause.message, cause });
  }
  return r;
});

/** The one role guard of tRPC (runs before the input is read, so a refusal says nothing about it). */
const guard = t.middleware(async ({ ctx, meta, type, path, next }) => {
  // the exhibition kiosk's session changes nothing, whatever a mutation's roles or access say
  // (sign-in and sign-out included: the kiosk's account is managed on /admin/accounts)
  if (type === 'mutation' && readOnlyRole(ctx.user?.role)) throw new TRPCError({ code: 'FORBIDDEN', message: `${path}: the role ${ctx.user!.role} reads only and changes nothing` });
  if (meta?.roles) {
    if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: `${path}: sign in as ${meta.roles.join(' or ')}` });
    if (!meta.roles.includes(ctx.user.role)) throw new TRPCError({ code: 'FORBIDDEN', message: `${path}: needs the role ${meta.roles.join(' or ')} (you are ${ctx.user.role})` });
    return next();
  }
  const access = meta?.access ?? (type === 'mutation' ? undefined : 'twin');
  if (access === undefined) throw new TRPCError({ code: 'FORBIDDEN', message: `${path}: this mutation declares no roles, so nobody may call it` });
  if (access === 'self' && !ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: `${path}: sign in first` });
  if (access === 'twin' && !(await mayReadTwin(ctx.accounts, ctx.user))) throw new TRPCError({ code: 'UNAUTHORIZED', message: `${path}: sign in: the twin is not public on this server` });
  return next();
});

export const router = t.router;
/** Reads of the twin (public when the setting says so); give mutations `.meta({ roles })`. */
export const publicProcedure = t.procedure.use(errorMapping).use(guard);
/** Procedures for these roles only. */
export const rolesProcedure = (roles: readonly Role[]) => publicProcedure.meta({ roles });

/** Procedures that change state from outside (gauges, gateways) need the ingest token. */
export const ingestProcedure = publicProcedure.meta({ access: 'ingest' }).use(({ ctx, next }) => {
  if (!ctx.token) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'missing bearer token (Authorization: Bearer <INGEST_TOKEN>)' });
  if (!tokensEqual(ctx.token, ctx.ingestToken)) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'wrong ingest token' });
  return next();
});
