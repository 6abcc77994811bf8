// The briefing room in one process: a presenter's room over socket.io (who may drive, what the
// screens get, late joiners, the presenter dropping and coming back) and cockpit.summary.
import { startTestTwin } from '../accounts/testTwin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as ioClient, type Socket } from 'socket.io-client';
import type { Db } from '../db';
import type { TwinServer } from '../app';
import { sessionCookieFor, TEST_ADMIN } from '../accounts/testSession';
import { OPEN_STATES } from '../../models/cases';
import { cockpitSummarySchema, flyTo, EMPTY_ROOM_VIEW, type PresentAck, type RoomState } from '../../models/cockpit';

let db: Db;
let app: TwinServer;
let base: string;
let slug: string;
const cookies: Record<string, string> = {};
const PW = 'correct horse battery';
const open: Socket[] = [];

function connect(cookie?: string): Promise<Socket> {
  const s = ioClient(base, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: cookie ? { cookie } : {} });
  open.push(s);
  return new Promise((res, rej) => { s.once('connect', () => res(s)); s.once('connect_error', rej); });
}
const emit = (s: Socket, ev: string, payload: unknown) => new Promise<PresentAck>((res) => s.emit(ev, payload, res));
const nextState = (s: Socket) => new Promise<RoomState>((res) => s.once('presentState', res));

beforeAll(async () => {
  let admin: string;
  ({ db, app, base, slug, admin } = await startTestTwin());
  for (const [name, role] of [['pres1', 'presenter'], ['pres2', 'presenter'], ['view1', 'viewer']] as const) {
    const r = await fetch(`${base}/api/trpc/account.add`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: admin }, body: JSON.stringify({ name, role, password: PW }) });
    expect(r.status).toBe(200);
    cookies[name] = await sessionCookieFor(base, name, PW);
  }
}, 60_000);

afterAll(async () => {
  for (const s of open) s.close();
  await app?.close();
  await db?.close();
});

describe('presenter rooms', () => {
  it('a presenter drives, screens follow, a late screen takes the state, others are refused', async () => {
    const screens = await Promise.all([connect(), connect(), connect()]);
    for (const s of screens) expect(await emit(s, 'presentJoin', { room: 'brief1', city: slug, role: 'follow' })).toMatchObject({ ok: true, state: null });
    const pres = await connect(cookies.pres1);
    const hello = nextState(screens[0]!);
    const joined = await emit(pres, 'presentJoin', { room: 'BRIEF1', city: slug, role: 'drive' });
    expect(joined).toMatchObject({ ok: true, screens: 3 });
    // the waiting screens hear that the presenter is here
    expect(await hello).toMatchObject({ seq: 0, presenterOnline: true, by: 'pres1' });

    const view = flyTo({ ...EMPTY_ROOM_VIEW, view: { layersOff: ['roads'] } }, { kind: 'component', index: 5 });
    const got = screens.map(nextState);
    const ack = await emit(pres, 'presentPush', { room: 'brief1', state: view });
    expect(ack).toMatchObject({ ok: true, state: { seq: 1, fly: { kind: 'component', index: 5 }, flySeq: 1, by: 'pres1' } });
    for (const st of await Promise.all(got)) expect(st).toMatchObject({ room: 'BRIEF1', city: slug, seq: 1, view: { layersOff: ['roads'], selection: { kind: 'component', index: 5 } } });

    const late = await connect();
    expect(await emit(late, 'presentJoin', { room: 'brief1', city: slug, role: 'follow' })).toMatchObject({ ok: true, state: { seq: 1, flySeq: 1 } });

    // refused by the server: anonymous, a viewer, another presenter, a push without joining, bad input
    expect(await emit(late, 'presentJoin', { room: 'brief1', city: slug, role: 'drive' })).toMatchObject({ ok: false, error: expect.stringMatching(/sign in as presenter/) });
    const viewer = await connect(cookies.view1);
    expect(await emit(viewer, 'presentJoin', { room: 'brief1', city: slug, role: 'drive' })).toMatchObject({ ok: false, error: expect.stringMatching(/needs the role presenter \(you are viewer\)/) });
    expect(await emit(viewer, 'presentPush', { room: 'brief1', state: view })).toMatchObject({ ok: false, error: expect.stringMatching(/join room BRIEF1 as its presenter/) });
    const other = await connect(cookies.pres2);
    expect(await emit(other, 'presentJoin', { room: 'brief1', city: slug, role: 'drive' })).toMatchObject({ ok: false, error: expect.stringMatching(/another presenter/) });
    expect(await emit(pres, 'presentPush', { room: 'brief1', state: { view: { camera: { lonDeg: 999 } }, fly: null, flySeq: 0 } })).toMatchObject({ ok: false, error: expect.stringMatching(/state\.view\.camera/) });
    expect(await emit(pres, 'presentJoin', { room: 'b!', city: slug, role: 'drive' })).toMatchObject({ ok: false, error: expect.stringMatching(/room: a room code/) });
    expect(app.live.io.sockets.sockets.size).toBeGreaterThan(0);
    // nothing of that changed the room
    expect((await emit(late, 'presentJoin', { room: 'brief1', city: slug, role: 'follow' })).ok && true).toBe(true);

    // the presenter drops: screens keep the state and hear it; it comes back and drives again
    const away = nextState(screens[0]!);
    pres.close();
    expect(await away).toMatchObject({ seq: 1, presenterOnline: false, view: { layersOff: ['roads'] } });
    const back = await connect(cookies.pres1);
    const online = nextState(screens[0]!);
    expect(await emit(back, 'presentJoin', { room: 'brief1', city: slug, role: 'drive' })).toMatchObject({ ok: true, state: { seq: 1 } });
    expect(await online).toMatchObject({ presenterOnline: true, seq: 1 });
    const again = nextState(screens[1]!);
    await emit(back, 'presentPush', { room: 'brief1', state: flyTo(view, { kind: 'home' }) });
    expect(await again).toMatchObject({ seq: 2, fly: { kind: 'home' }, flySeq: 2 });
  });
});

describe('cockpit.summary', () => {
  const summary = async (cookie?: string) => {
    const r = await fetch(`${base}/api/trpc/cockpit.summary?input=${encodeURIComponent(JSON.stringify({ city: slug }))}`, { headers: cookie ? { cookie } : {} });
    expect(r.status).toBe(200);
    return cockpitSummarySchema.parse(((await r.json()) as { result: { data: unknown } }).result.data);
  };
  it('counts the city\'s components and grids; cases only for the case readers and the presenter', async () => {
    const city = await app.twin.city(slug);
    const anon = await summary();
    expect(anon.components.total).toBe(city.data.components.count);
    expect(anon.gridLevels.reduce((a, b) => a + b, 0)).toBe(city.data.unitGrids.length);
    expect(anon.cases).toBeNull();
    expect(anon.outlook).toBeNull();
    const pres = await summary(cookies.pres1);
    expect(pres.cases).toMatchObject({ open: expect.any(Number), overdue: expect.any(Number) });
    expect((await summary(cookies.view1)).cases).toBeNull();
  });
  it('counts every open case, past the 500 that the desk lists', async () => {
    const city = await app.twin.city(slug);
    // an alarm storm: 600 components in alarm open 600 sensor cases
    const indices = Array.from({ length: 600 }, (_, k) => 100 + k);
    await app.twin.ingest({ city: slug, changes: indices.map((i) => ({ componentCode: city.data.components.codes[i]!, state: 'alarm' as const })) }, 'api');
    await app.cases.openSensorCases(slug, indices);
    const openNow = async () => (await app.db.query<{ n: number }>(`select count(*)::int as n from cases where city = $1 and state = any($2)`, [slug, [...OPEN_STATES]])).rows[0]!.n;
    expect(await openNow()).toBeGreaterThanOrEqual(600);
    // screens share one answer for up to 2 s (SHARE_MS)
    let s = await summary(cookies.pres1);
    for (const t0 = Date.now(); s.cases!.open !== await openNow() && Date.now() - t0 < 8000; s = await summary(cookies.pres1)) await new Promise((r) => setTimeout(r, 250));
    expect(s.cases!.open).toBe(await openNow());
    // the storm passes (the cases stay open for the desk)
    await app.twin.ingest({ city: slug, changes: indices.map((i) => ({ componentCode: city.data.components.codes[i]!, state: 'intact' as const })) }, 'api');
  });
  it('lists components in alarm, the latest report first, and gauges against their warning level', async () => {
    const city = await app.twin.city(slug);
    const now = Date.now();
    const gauge = city.data.components.classIndex.indexOf(7);
    const i0 = 1, i1 = 2;
    await app.twin.ingest({ city: slug, changes: [
      { componentCode: city.data.components.codes[i0]!, state: 'alarm', at: new Date(now - 5000).toISOString() },
      { componentCode: city.data.components.codes[i1]!, state: 'alarm', at: new Date(now - 1000).toISOString() },
    ] }, 'api');
    // screens share one answer for up to 2 s (SHARE_MS): the next one has the alarms
    let s = await summary();
    for (const t0 = Date.now(); s.components.alarm < 2 && Date.now() - t0 < 5000; s = await summary()) await new Promise((r) => setTimeout(r, 250));
    expect(s.alerts.slice(0, 2).map((a) => a.index)).toEqual([i1, i0]);
    expect(s.components.alarm).toBeGreaterThanOrEqual(2);
    expect(gauge === -1 || s.gauges.length > 0).toBe(true);
    for (const g of s.gauges) expect(g.warnM).toBeCloseTo(0.15);
  });
});
