// Accounts end to end in one process: sign-in and its cookie, lock-out, password change, the
// public-twin setting on every transport, and every tRPC mutation refused to anonymous visitors
// and viewers. The mutations are read from the router itself, so a new one cannot be forgotten.
import { startTestTwin } from './testTwin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as ioClient } from 'socket.io-client';
import type { Db } from '../db';
import type { TwinServer } from '../app';
import { appRouter } from '../trpc/router';
import type { Meta } from '../trpc/init';
import { MAX_FAILED_SIGNINS } from '../../models/accounts';
import { sessionCookieFor, TEST_ADMIN } from './testSession';

let db: Db;
let app: TwinServer;
let base: string;
let slug: string;
let admin: string;
const PW = 'correct horse battery';

async function call(path: string, input: unknown, cookie?: string, extra: Record<string, string> = {}) {
  const res = await fetch(`${base}/api/trpc/${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}), ...extra }, body: JSON.stringify(input ?? {}),
  });
  return { status: res.status, body: await res.json() as { result?: { data: unknown }; error?: { message: string } }, headers: res.headers };
}
const get = (path: string, input: unknown, cookie?: string) =>
  fetch(`${base}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: cookie ? { cookie } : {} });

async function addUser(name: string, role: string, department?: string) {
  const r = await call('account.add', { name, role, password: PW, department }, admin);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return sessionCookieFor(base, name, PW);
}

/** every procedure of the router with its type and access rule */
function procedures() {
  const procs = (appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: string; meta?: Meta } }> } })._def.procedures;
  return Object.entries(procs).map(([path, p]) => ({ path, type: p._def.type, meta: p._def.meta }));
}

beforeAll(async () => {
  ({ db, app, base, slug, admin } = await startTestTwin());
});

afterAll(async () => {
  await app?.close();
  await db?.close();
});

describe('accounts', () => {
  it('signs in with an http-only, SameSite=Lax cookie (Secure over https) and signs out', async () => {
    await addUser('alice', 'planner');
    const r = await call('account.signIn', { name: 'alice', password: PW });
    expect(r.status).toBe(200);
    const set = r.headers.get('set-cookie')!;
    expect(set).toMatch(/^twin_session=[\w-]{40,};/);
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Lax/);
    expect(set).not.toMatch(/Secure/);
    const https = await call('account.signIn', { name: 'alice', password: PW }, undefined, { 'x-forwarded-proto': 'https' });
    expect(https.headers.get('set-cookie')).toMatch(/; Secure/);
    const cookie = set.split(';')[0]!;
    const me = await (await get('account.me', undefined, cookie)).json();
    expect(me.result.data.user).toMatchObject({ name: 'alice', role: 'planner' });
    expect((await call('account.signOut', {}, cookie)).headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect((await (await get('account.me', undefined, cookie)).json()).result.data.user).toBeNull();
  });

  it('a wrong password and an unknown name get the same answer; repeated failures lock the account', async () => {
    await addUser('bob', 'viewer');
    const unknown = await call('account.signIn', { name: 'nobody', password: 'x' });
    const wrong = await call('account.signIn', { name: 'bob', password: 'x' });
    expect(unknown.status).toBe(401);
    expect(wrong.body.error!.message).toBe(unknown.body.error!.message);
    for (let i = 1; i < MAX_FAILED_SIGNINS; i++) await call('account.signIn', { name: 'bob', password: 'x' });
    const locked = await call('account.signIn', { name: 'bob', password: PW });
    expect(locked.status).toBe(401);
    expect(locked.body.error!.message).toMatch(/locked/);
    const bob = (await app.accounts.store.list()).find((a) => a.name === 'bob')!;
    expect(bob.lockedUntil).not.toBeNull();
    expect((await call('account.update', { id: bob.id, unlock: true }, admin)).status).toBe(200);
    expect((await call('account.signIn', { name: 'bob', password: PW })).status).toBe(200);
  });

  it('a password change checks the current one and ends the other sessions', async () => {
    const first = await addUser('carol', 'dispatcher');
    const second = await sessionCookieFor(base, 'carol', PW);
    expect((await call('account.changePassword', { current: 'wrong-password', next: 'a new long password' }, first)).status).toBe(400);
    expect((await call('account.changePassword', { current: PW, next: 'short' }, first)).status).toBe(400);
    expect((await call('account.changePassword', { current: PW, next: 'a new long password' }, first)).status).toBe(200);
    expect((await (await get('account.me', undefined, first)).json()).result.data.user.name).toBe('carol');
    expect((await (await get('account.me', undefined, second)).json()).result.data.user).toBeNull();
    expect((await call('account.signIn', { name: 'carol', password: PW })).status).toBe(401);
    expect((await call('account.signIn', { name: 'carol', password: 'a new long password' })).status).toBe(200);
  });

  it('stores no password and no session token in the clear', async () => {
    const { rows } = await db.query<{ password_hash: string }>("select password_hash from accounts where name = 'alice'");
    expect(rows[0]!.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(rows[0]!.password_hash).not.toContain(PW);
    const cookie = await sessionCookieFor(base, 'alice', PW);
    const token = cookie.split('=')[1]!;
    expect((await db.query('select 1 from sessions where token_hash = $1', [token])).rows).toHaveLength(0);
  });
});

describe('role checks', () => {
  it('refuses every mutation to anonymous visitors and viewers, read from the router', async () => {
    const viewer = await addUser('victor', 'viewer');
    const mutations = procedures().filter((p) => p.type === 'mutation');
    expect(mutations.map((m) => m.path)).toEqual(expect.arrayContaining(['scenario.create', 'run.start', 'account.add', 'ingest.batch']));
    // the only mutations open without a role: their input is the credential, or one's own account;
    // a flood-warning subscription is public but used only once its code came back (server/warnings)
    const open = mutations.filter((m) => !m.meta?.roles && m.meta?.access !== 'ingest').map((m) => `${m.path}:${m.meta?.access}`).sort();
    expect(open).toEqual(['account.changePassword:self', 'account.setup:anyone', 'account.signIn:anyone', 'account.signOut:anyone',
      'warnings.confirm:anyone', 'warnings.subscribe:anyone', 'warnings.unsubscribe:anyone']);
    for (const m of mutations.filter((x) => x.meta?.roles || x.meta?.access === 'ingest')) {
      for (const [who, cookie] of [['anonymous', undefined], ['viewer', viewer]] as const) {
        const r = await call(m.path, {}, cookie);
        expect([401, 403], `${m.path} as ${who}: ${r.status}`).toContain(r.status);
        if (m.meta?.roles) expect(m.meta.roles).not.toContain('viewer');
      }
    }
    // the open ones change nothing without their credential
    expect((await call('account.signIn', { name: 'victor', password: 'not it at all' })).status).toBe(401);
    expect((await call('account.setup', { token: 'x'.repeat(32), name: 'mallory', password: 'long enough password' })).status).toBe(403);
    expect((await call('account.changePassword', { current: PW, next: 'another long password' })).status).toBe(401);
  });

  it('a planner may change scenarios; a dispatcher may not', async () => {
    const planner = await addUser('pat', 'planner');
    const dispatcher = await addUser('dora', 'dispatcher');
    expect((await call('scenario.create', { city: slug, name: 'planned' }, planner)).status).toBe(200);
    const refused = await call('scenario.create', { city: slug, name: 'x' }, dispatcher);
    expect(refused.status).toBe(403);
    expect(refused.body.error!.message).toMatch(/planner or administrator/);
    expect((await call('account.add', { name: 'eve', role: 'administrator', password: PW }, planner)).status).toBe(403);
  });

  it('the twin is public by default; made private, anonymous reads are refused on tRPC, HTTP and socket.io', async () => {
    const viewer = await sessionCookieFor(base, 'victor', PW);
    expect((await get('city.list', undefined)).status).toBe(200);
    expect((await call('account.updateSettings', { twinPublic: false }, admin)).status).toBe(200);
    try {
      expect((await get('city.list', undefined)).status).toBe(401);
      expect((await get('city.list', undefined, viewer)).status).toBe(200);
      expect((await fetch(`${base}/api/layers/${slug}/grids`)).status).toBe(401);
      expect((await fetch(`${base}/api/layers/${slug}/grids`, { headers: { cookie: viewer } })).status).toBe(200);
      const connect = (cookie?: string) => new Promise<string>((resolve) => {
        const s = ioClient(base, { transports: ['websocket'], forceNew: true, extraHeaders: cookie ? { cookie } : {} });
        s.on('connect', () => { s.close(); resolve('connected'); });
        s.on('connect_error', (e) => { s.close(); resolve(e.message); });
      });
      expect(await connect()).toMatch(/sign in/);
      expect(await connect(viewer)).toBe('connected');
      // cases and people are never public: the account list needs an administrator
      expect((await get('account.list', undefined, viewer)).status).toBe(403);
    } finally {
      await call('account.updateSettings', { twinPublic: true }, admin);
    }
    expect((await get('city.list', undefined)).status).toBe(200);
  });

  it('the last administrator cannot demote or disable itself', async () => {
    const me = (await app.accounts.store.list()).find((a) => a.name === TEST_ADMIN.TWIN_BOOTSTRAP_ADMIN)!;
    const r = await call('account.update', { id: me.id, role: 'viewer' }, admin);
    expect(r.status).toBe(400);
    expect(r.body.error!.message).toMatch(/last administrator/);
  });
});
