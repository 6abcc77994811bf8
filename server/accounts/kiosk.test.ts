// The exhibition kiosk's session in one process (issue 14): it reads the twin and its own
// settings, and every write is refused for its role on the server: every tRPC mutation (read
// from the router, so a new one cannot slip through) and every HTTP route that takes a body.
import { startTestTwin } from './testTwin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db';
import type { TwinServer } from '../app';
import { appRouter } from '../trpc/router';
import { sessionCookieFor, TEST_ADMIN } from './testSession';

let db: Db;
let app: TwinServer;
let base: string;
let slug: string;
let admin: string;
let kiosk: string;
const PW = 'kiosk password 1';

async function call(path: string, input: unknown, cookie?: string) {
  const res = await fetch(`${base}/api/trpc/${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify(input ?? {}),
  });
  return { status: res.status, body: await res.json() as { result?: { data: unknown }; error?: { message: string } } };
}
const get = (path: string, input: unknown, cookie?: string) =>
  fetch(`${base}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: cookie ? { cookie } : {} });

beforeAll(async () => {
  ({ db, app, base, slug, admin } = await startTestTwin());
  expect((await call('account.add', { name: 'hall-kiosk', role: 'kiosk', password: PW }, admin)).status).toBe(200);
  kiosk = await sessionCookieFor(base, 'hall-kiosk', PW);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await db?.close();
});

describe('the kiosk session', () => {
  it('refuses every tRPC mutation for the kiosk role, read from the router', async () => {
    const procs = (appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: string } }> } })._def.procedures;
    const mutations = Object.entries(procs).filter(([, p]) => p._def.type === 'mutation').map(([path]) => path);
    expect(mutations).toEqual(expect.arrayContaining(['scenario.create', 'run.start', 'account.signOut', 'case.report', 'ingest.batch']));
    for (const path of mutations) {
      const r = await call(path, {}, kiosk);
      expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBe(403);
      expect(r.body.error!.message).toMatch(/reads only/);
    }
    // the refusals ended nothing: the session still reads
    const me = await (await get('account.me', undefined, kiosk)).json();
    expect(me.result.data.user).toMatchObject({ name: 'hall-kiosk', role: 'kiosk' });
  });

  it('refuses every HTTP write for the kiosk role (Open311, case photos, imports, binary ingest), and takes the same report anonymously', async () => {
    const form = new URLSearchParams({ service_code: '06010', description: 'rubbish at the gate', lat: '30.87', long: '120.09' }).toString();
    const routes: [string, string, Record<string, string>][] = [
      ['/open311/v2/requests.json', form, { 'content-type': 'application/x-www-form-urlencoded' }],
      ['/api/cases/00000000-0000-4000-8000-000000000000/photos?phase=before', 'x', { 'content-type': 'image/jpeg' }],
      [`/api/import/${slug}`, '{}', { 'content-type': 'application/json' }],
      [`/api/ingest/${slug}`, 'x', { 'content-type': 'application/octet-stream', authorization: 'Bearer test-token-123456' }],
    ];
    for (const [path, body, headers] of routes) {
      const r = await fetch(base + path, { method: 'POST', headers: { ...headers, cookie: kiosk }, body });
      expect(r.status, `${path}: ${await r.clone().text()}`).toBe(403);
      expect(((await r.json()) as { error: string }).error).toMatch(/kiosk reads only/);
    }
    // the refusal is the role's: a citizen's anonymous report goes through
    const anon = await fetch(`${base}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    expect(anon.status).toBe(201);
  });

  it('reads the twin and its kiosk settings; its session cookie lasts 30 days and is renewed by the settings poll', async () => {
    expect((await get('city.list', undefined, kiosk)).status).toBe(200);
    const res = await get('kiosk.config', { city: slug }, kiosk);
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(new RegExp(`Max-Age=${30 * 24 * 3600}`));
    const cfg = ((await res.json()) as { result: { data: { idleS: number; storms: unknown[] } } }).result.data;
    expect(cfg).toEqual({ idleS: 90, storms: [] });
    // the administrator shortens the idle time; a kiosk cannot
    expect((await call('account.updateSettings', { kiosk: { idleS: 2 } }, admin)).status).toBe(400);
    expect((await call('account.updateSettings', { kiosk: { idleS: 20 } }, admin)).status).toBe(200);
    const after = ((await (await get('kiosk.config', { city: slug }, kiosk)).json()) as { result: { data: { idleS: number } } }).result.data;
    expect(after.idleS).toBe(20);
  });
});
