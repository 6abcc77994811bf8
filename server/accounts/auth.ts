// Who a request is: the session cookie (http-only, SameSite=Lax, Secure over https) to a user,
// and what anonymous visitors may read. One place for every transport (tRPC, HTTP, socket.io).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SessionUser } from '../../models/accounts';
import { SESSION_IDLE_MS, type AccountStore } from './store';
import type { SetupLink } from './setup';

export const SESSION_COOKIE = 'twin_session';

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    try {
      out.set(k, decodeURIComponent(part.slice(i + 1).trim()));
    } catch { /* a malformed cookie is no cookie */ }
  }
  return out;
}

/** https directly, or behind a proxy that says so */
export function isHttps(req: IncomingMessage): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted) return true;
  return String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]!.trim() === 'https';
}

/** The session cookie; it lives as long as the session would without a request (maxAgeMs). */
export function sessionCookie(token: string | null, secure: boolean, maxAgeMs = SESSION_IDLE_MS): string {
  const attrs = ['Path=/', 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])];
  return token === null
    ? `${SESSION_COOKIE}=; ${attrs.join('; ')}; Max-Age=0`
    : `${SESSION_COOKIE}=${token}; ${attrs.join('; ')}; Max-Age=${Math.floor(maxAgeMs / 1000)}`;
}

export interface Accounts {
  store: AccountStore;
  setup: SetupLink;
}

/** The session token a request carries, or null. */
export function sessionToken(req: Pick<IncomingMessage, 'headers'>): string | null {
  const v = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
  return v && v.length <= 128 ? v : null;
}

export async function userOf(accounts: Accounts | null, req: Pick<IncomingMessage, 'headers'>): Promise<SessionUser | null> {
  const token = sessionToken(req);
  return token && accounts ? accounts.store.session(token) : null;
}

/** Whether this visitor may read the twin (city, layers, live state, scenarios and runs). */
export async function mayReadTwin(accounts: Accounts | null, user: SessionUser | null): Promise<boolean> {
  return !!user || !accounts || (await accounts.store.settings()).twinPublic;
}

/**
 * The HTTP guard for the twin's read routes: true when the request may go on; otherwise it has
 * answered 401 with the reason.
 */
export async function guardTwinRead(accounts: Accounts | null, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (await mayReadTwin(accounts, await userOf(accounts, req))) return true;
  res.writeHead(401, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: 'sign in: the twin is not public on this server' }));
  return false;
}
