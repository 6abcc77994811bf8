// Flood warnings end to end in one process: subscribers confirm through their own channel; a real
// forecast run that floods their grid sends each exactly one warning to a local webhook sink (a
// failing sink gets retries, then the warning); a later forecast that no longer floods it sends
// the all-clear once. Unconfirmed subscriptions get nothing; bad input is refused with where.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as ioClient } from 'socket.io-client';
import { openDb, type Db } from '../db';
import { createTwinServer, type TwinServer } from '../app';
import { sessionCookieFor, TEST_ADMIN } from '../accounts/testSession';
import { EVACUATE_CM, type EvacuationState, type WarningPayload } from '../../models/warnings';
import { distanceToRing, GAUGE_ON_BODY_M, pointInRing } from '../../models/forecast';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let db: Db;
let app: TwinServer;
let base: string;
let slug: string;
let sink: Server;
let sinkBase: string;
const DATA_DIR = mkdtempSync(join(tmpdir(), 'twin-warnings-'));
const who: Record<string, string> = {};
/** every POST the sink got: path, payload, the delivery header, the status it answered */
const got: { path: string; body: WarningPayload; delivery: string; status: number }[] = [];
/** /flaky answers 500 to its first FAILS flood messages */
const FAILS = 3;
let flakyFailed = 0;

async function call<T>(path: string, input: unknown, as?: string) {
  const res = await fetch(`${base}/api/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: (as && who[as]) || '' }, body: JSON.stringify(input) });
  const body = await res.json() as { result?: { data: T }; error?: { message: string; data?: { issues?: { path: string; message: string }[] } } };
  return { status: res.status, data: body.result?.data as T, error: body.error?.message, issues: body.error?.data?.issues };
}
async function read<T>(path: string, input: unknown, as?: string) {
  const res = await fetch(`${base}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: { cookie: (as && who[as]) || '' } });
  return { status: res.status, data: ((await res.json()) as { result?: { data: T } }).result?.data as T };
}
const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 15_000) => {
  for (const t0 = Date.now(); !(await ok()); await new Promise((r) => setTimeout(r, 50))) if (Date.now() - t0 > ms) throw new Error(`waited ${ms} ms for ${what}`);
};
const body = (req: IncomingMessage) => new Promise<string>((resolve) => { let s = ''; req.on('data', (c) => (s += c)); req.on('end', () => resolve(s)); });

beforeAll(async () => {
  sink = createServer(async (req, res) => {
    const b = JSON.parse(await body(req)) as WarningPayload;
    let status = 200;
    if (req.url === '/flaky' && b.type === 'flood.warning' && flakyFailed < FAILS) { flakyFailed++; status = 500; }
    got.push({ path: req.url ?? '', body: b, delivery: String(req.headers['x-twin-delivery']), status });
    res.writeHead(status).end();
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  sinkBase = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  db = await openDb({});
  app = await createTwinServer({
    env: { DATA_DIR, INGEST_TOKEN: 'test-token-123456', SIMULATOR: 'off', DEFAULT_CITY_PRESET: 'default', WARNING_WEBHOOK_ALLOW: '127.0.0.1', ...TEST_ADMIN }, db, mqtt: false,
    warnings: { outbox: { pollMs: 50, baseDelayMs: 100, maxAttempts: 6 }, gaugeEveryMs: 0, perClient: { max: 1000, windowMs: 60_000 } },
  });
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  slug = [...app.twin.cities.keys()][0]!;
  who.admin = await sessionCookieFor(base, TEST_ADMIN.TWIN_BOOTSTRAP_ADMIN, TEST_ADMIN.TWIN_BOOTSTRAP_PASSWORD);
  expect((await call('account.add', { name: 'view', role: 'viewer', password: 'viewer password 1' }, 'admin')).status).toBe(200);
  who.view = await sessionCookieFor(base, 'view', 'viewer password 1');
});

afterAll(async () => {
  await app?.close();
  await db?.close();
  await new Promise((r) => sink?.close(r));
  rmSync(DATA_DIR, { recursive: true, force: true });
});

describe('flood warnings to subscribers', () => {
  it('refuses bad input with what and where', async () => {
    const city = app.twin.cities.get(slug)!.data;
    const grid = city.unitGrids[0]!.code;
    const badPhone = await call('warnings.subscribe', { city: slug, target: { kind: 'grid', code: grid }, channel: { kind: 'sms', phone: '12345' } });
    expect(badPhone.status).toBe(400);
    expect(badPhone.issues).toEqual([expect.objectContaining({ path: 'channel.phone', message: expect.stringMatching(/mobile number/) })]);
    const badUrl = await call('warnings.subscribe', { city: slug, target: { kind: 'grid', code: grid }, channel: { kind: 'webhook', url: 'ftp://example.org/x' } });
    expect(badUrl.status).toBe(400);
    expect(badUrl.issues).toEqual([expect.objectContaining({ path: 'channel.url', message: 'only http and https URLs (not ftp:)' })]);
    const creds = await call('warnings.subscribe', { city: slug, target: { kind: 'grid', code: grid }, channel: { kind: 'webhook', url: 'https://a:b@example.org/' } });
    expect(creds.issues?.[0]?.message).toMatch(/no user name or password/);
    // anyone may subscribe, so the server calls public addresses only (WARNING_WEBHOOK_ALLOW names
    // the exceptions, here the test's sink on 127.0.0.1): not the rest of loopback, a LAN, a cloud's metadata
    for (const url of ['http://127.0.0.53:9/x', 'http://10.1.2.3/hook', 'http://169.254.169.254/latest/meta-data', 'http://[::ffff:192.168.1.1]/']) {
      const r = await call('warnings.subscribe', { city: slug, target: { kind: 'grid', code: grid }, channel: { kind: 'webhook', url } });
      expect(r.status, url).toBe(400);
      expect(r.issues, url).toEqual([expect.objectContaining({ path: 'channel.url', message: expect.stringMatching(/is not a public address; an administrator can allow it with WARNING_WEBHOOK_ALLOW/) })]);
    }
    const unknown = await call('warnings.subscribe', { city: slug, target: { kind: 'grid', code: '320582110152999' }, channel: { kind: 'sms', phone: '13812345678' } });
    expect(unknown.status).toBe(400);
    expect(unknown.issues).toEqual([{ path: 'target.code', message: 'no unit grid 320582110152999 in this city' }]);
    const nowhere = await call('warnings.subscribe', { city: slug, target: { kind: 'address', text: '不存在的路' }, channel: { kind: 'sms', phone: '13812345678' } });
    expect(nowhere.issues).toEqual([expect.objectContaining({ path: 'target.text', message: expect.stringMatching(/no place or road named/) })]);
    // a place name resolves to the grid of the prone point (or road) it names
    // (generated names repeat: one that names a single point)
    const p = city.pronePoints.find((q) => city.pronePoints.filter((o) => o.name.zh === q.name.zh).length === 1)!;
    const byName = await call<{ gridCode: string; place: { zh: string } }>('warnings.subscribe', { city: slug, target: { kind: 'address', text: p.name.zh }, channel: { kind: 'sms', phone: '138 1234 5678' } });
    expect(byName.status, byName.error).toBe(200);
    expect(byName.data).toMatchObject({ gridCode: city.unitGrids[p.unitGrid]!.code, place: { zh: p.name.zh } });
    // three codes may wait for one number; a fourth is refused until one is confirmed
    for (let k = 0; k < 2; k++) expect((await call('warnings.subscribe', { city: slug, target: { kind: 'grid', code: grid }, channel: { kind: 'sms', phone: '13812345678' } })).status).toBe(200);
    const fourth = await call('warnings.subscribe', { city: slug, target: { kind: 'grid', code: grid }, channel: { kind: 'sms', phone: '+86 138 1234 5678' } });
    expect(fourth.status).toBe(429);
    expect(fourth.error).toMatch(/3 subscriptions to this number wait for their code already/);
    // the duty view needs a duty role
    expect((await read('warnings.duty', { city: slug }, 'view')).status).toBe(403);
    expect((await read('warnings.duty', { city: slug })).status).toBe(401);
  });

  it('a forecast that floods a subscribed grid warns each confirmed subscriber once; retries a failing sink; the all-clear follows', async () => {
    const city = app.twin.cities.get(slug)!.data;
    // every grid with prone points gets a webhook subscriber; the first of them two more (one
    // failing at first, one never confirmed) and an SMS subscriber
    const grids = [...new Set(city.pronePoints.map((p) => p.unitGrid))];
    const first = city.unitGrids[grids[0]!]!.code;
    const subs: { id: string; path: string; grid: string; confirm: boolean }[] = [];
    const subscribe = async (grid: string, channel: object, path: string, confirm = true) => {
      const r = await call<{ id: string; confirmed: boolean }>('warnings.subscribe', { city: slug, target: { kind: 'grid', code: grid }, channel, lang: 'en', label: path });
      expect(r.status, r.error).toBe(200);
      expect(r.data.confirmed).toBe(false);
      subs.push({ id: r.data.id, path, grid, confirm });
    };
    for (const g of grids) await subscribe(city.unitGrids[g]!.code, { kind: 'webhook', url: `${sinkBase}/g/${g}` }, `/g/${g}`);
    const dry = city.unitGrids.findIndex((_, g) => !grids.includes(g));
    await subscribe(city.unitGrids[dry]!.code, { kind: 'webhook', url: `${sinkBase}/dry` }, '/dry');
    await subscribe(first, { kind: 'webhook', url: `${sinkBase}/flaky` }, '/flaky');
    await subscribe(first, { kind: 'webhook', url: `${sinkBase}/unconfirmed` }, '/unconfirmed', false);
    await subscribe(first, { kind: 'sms', phone: '13912345678' }, 'sms');
    // the codes arrive through each subscriber's own channel; the subscriber posts them back
    await until('the confirmation codes', () => got.filter((g) => g.body.type === 'subscription.confirm').length === subs.length - 1 && app.warnings.sms.sent.some((m) => m.to === '+8613912345678'));
    const wrong = await call('warnings.confirm', { id: subs[0]!.id, code: '000000' === got[0]!.body.code ? '000001' : '000000' });
    expect(wrong.issues).toEqual([{ path: 'code', message: 'wrong code (4 tries left)' }]);
    for (const s of subs.filter((x) => x.confirm)) {
      const code = s.path === 'sms' ? /Code (\d{6})/.exec(app.warnings.sms.sent.find((m) => m.to === '+8613912345678')!.text)![1] : got.find((g) => g.path === s.path && g.body.type === 'subscription.confirm')!.body.code;
      const r = await call<{ confirmed: boolean }>('warnings.confirm', { id: s.id, code });
      expect(r.status, r.error).toBe(200);
      expect(r.data.confirmed).toBe(true);
    }
    const evacuation: EvacuationState[] = [];
    const sock = ioClient(base, { transports: ['websocket'] });
    sock.on('evacuation', (s) => evacuation.push(s));
    await new Promise<void>((r) => sock.on('connect', () => r()));
    sock.emit('evacuationWatch', { city: slug });

    // a real forecast: 130 mm/h for half an hour on 25 m cells (issue 12: past 27 cm at the sample city's prone points)
    const run = async (name: string, rainMmPerH: number) => {
      const sc = await call<{ id: string; scenario: Record<string, unknown> }>('scenario.createForecast', { city: slug, name, rows: [{ minutes: 0, rainMmPerH }], horizonH: 0.5 }, 'admin');
      expect(sc.status, sc.error).toBe(200);
      expect(sc.data.scenario.forecast).toBeTruthy();
      expect((await call('scenario.update', { id: sc.data.id, scenario: { ...sc.data.scenario, cellSize: 25, outputInterval: 900 } }, 'admin')).status).toBe(200);
      const st = await call<{ run: { id: string } }>('run.start', { scenarioId: sc.data.id, force: true }, 'admin');
      expect(st.status, st.error).toBe(200);
      await until(`run ${name}`, async () => {
        const r = await read<{ status: string; error: string | null }>('run.get', { id: st.data.run.id }, 'admin');
        if (r.data.status === 'failed' || r.data.status === 'cancelled') throw new Error(`run ${r.data.status}: ${r.data.error}`);
        return r.data.status === 'succeeded';
      }, 240_000);
      return st.data.run.id;
    };
    const runId = await run('暴雨预报', 130);
    const impact = await read<{ pronePoints: { id: string; maxDepth_m: number }[] }>('run.impact', { id: runId }, 'admin');
    const red = new Set(impact.data.pronePoints.filter((p) => Math.round(p.maxDepth_m * 100) >= EVACUATE_CM).map((p) => city.pronePoints.find((q) => q.id === p.id)!.unitGrid));
    console.log(`forecast run: ${red.size} of ${grids.length} grids with prone points red`);
    expect(red.has(grids[0]!), 'the first grid floods past 27 cm').toBe(true);
    const warnings = () => got.filter((g) => g.body.type === 'flood.warning' && g.status === 200);
    const expected = subs.filter((s) => s.confirm && s.path !== 'sms' && red.has(city.unitGrids.findIndex((u) => u.code === s.grid)));
    await until('the warnings', () => warnings().length === expected.length && app.warnings.sms.sent.some((m) => m.text.includes('Flood warning: red')));
    // the duty view (rows written after the sink answered) and the evacuation colours
    await until('the log', async () => (await read<{ deliveries: { status: string; kind: string }[] }>('warnings.duty', { city: slug }, 'admin')).data.deliveries.filter((d) => d.kind === 'warning' && d.status === 'delivered').length === expected.length + 1);
    // a second look at the same run (as a reused result would cause) sends nothing new
    expect(await app.warnings.fromRun(runId)).toBe(false);
    await new Promise((r) => setTimeout(r, 600));
    const w = warnings();
    expect(w.map((g) => g.path).sort()).toEqual(expected.map((s) => s.path).sort());
    const mine = w.find((g) => g.path === `/g/${grids[0]}`)!.body;
    expect(mine).toMatchObject({ type: 'flood.warning', city: slug, colour: 'red', grid: { code: first } });
    expect(mine.depthCm).toBeGreaterThanOrEqual(EVACUATE_CM);
    expect(mine.text.en).toContain(`Grid ${first}`);
    expect(mine.text.en).toMatch(/Evacuate now/);
    expect(mine.text.zh).toMatch(/立即撤离/);
    // the failing sink: FAILS refusals with the same delivery id, then the warning
    const flaky = got.filter((g) => g.path === '/flaky' && g.body.type === 'flood.warning');
    expect(flaky.map((g) => g.status)).toEqual([...Array(FAILS).fill(500), 200]);
    expect(new Set(flaky.map((g) => g.delivery)).size).toBe(1);
    // a grid the forecast leaves dry: nothing after the code
    expect(red.has(dry)).toBe(false);
    expect(got.filter((g) => g.path === '/dry').map((g) => g.body.type)).toEqual(['subscription.confirm']);
    // the unconfirmed subscriber got its code and nothing else
    expect(got.filter((g) => g.path === '/unconfirmed').map((g) => g.body.type)).toEqual(['subscription.confirm']);
    const duty = await read<{ deliveries: { subscriptionId: string; kind: string; attempts: number; status: string }[]; attempts: { ok: boolean; error: string | null }[]; active: { code: string; colour: string }[] }>('warnings.duty', { city: slug }, 'admin');
    const flakySub = subs.find((s) => s.path === '/flaky')!.id;
    expect(duty.data.deliveries.find((d) => d.subscriptionId === flakySub && d.kind === 'warning')).toMatchObject({ status: 'delivered', attempts: FAILS + 1 });
    expect(duty.data.attempts.filter((a) => a.error === 'HTTP 500')).toHaveLength(FAILS);
    expect(duty.data.active.filter((a) => a.colour === 'red').map((a) => a.code).sort()).toEqual([...red].map((g) => city.unitGrids[g]!.code).sort());
    const ev = await read<EvacuationState>('warnings.evacuation', { city: slug });
    expect(ev.data.grids.find((g) => g.code === first)).toMatchObject({ colour: 'red', source: 'run', runId, why: { en: expect.stringMatching(/Forecast "暴雨预报"/) } });
    await until('the socket.io event', () => evacuation.some((s) => s.grids.some((g) => g.code === first && g.colour === 'red')));

    // a later forecast of light rain no longer floods it: the warning ends and each warned subscriber hears so once
    await run('小雨预报', 5);
    const clear = () => got.filter((g) => g.body.type === 'flood.allclear');
    await until('the all-clears', () => clear().length === expected.length && app.warnings.sms.sent.some((m) => m.text.includes('cancelled')));
    await new Promise((r) => setTimeout(r, 600));
    expect(clear().map((g) => g.path).sort()).toEqual(expected.map((s) => s.path).sort());
    expect(clear().find((g) => g.path === `/g/${grids[0]}`)!.body.text.en).toMatch(/warning is cancelled/);
    expect(got.filter((g) => g.path === '/unconfirmed')).toHaveLength(1);
    expect((await read<EvacuationState>('warnings.evacuation', { city: slug })).data.grids.filter((g) => g.colour === 'red')).toEqual([]);
    await until('the socket.io all-clear', () => !evacuation.at(-1)!.grids.some((g) => g.colour === 'red'));
    sock.close();
  });

  it('a street gauge of a real source over 27 cm warns its grid now; back under it, the all-clear', async () => {
    const rt = app.twin.cities.get(slug)!, c = rt.data.components;
    const bodies = rt.data.water.polygons.map((f) => Array.from({ length: f.length / 2 }, (_, k) => [f[2 * k]!, f[2 * k + 1]!] as [number, number]));
    // a gauge away from rivers and ponds (on a body it measures the body, not a street)
    let i = -1;
    for (let k = 0; k < c.count && i < 0; k++) if (c.classIndex[k] === 7 && bodies.every((b) => !pointInRing(c.x[k]!, c.y[k]!, b) && distanceToRing(c.x[k]!, c.y[k]!, b) > GAUGE_ON_BODY_M)) i = k;
    expect(i).toBeGreaterThanOrEqual(0);
    const grid = rt.data.unitGrids[c.unitGrid[i]!]!.code;
    const s = await call<{ id: string }>('warnings.subscribe', { city: slug, target: { kind: 'grid', code: grid }, channel: { kind: 'webhook', url: `${sinkBase}/gauge` } });
    await until('the code', () => got.some((g) => g.path === '/gauge'));
    expect((await call('warnings.confirm', { id: s.data.id, code: got.find((g) => g.path === '/gauge')!.body.code })).status).toBe(200);
    const reading = async (value: number) => {
      const r = await fetch(`${base}/api/trpc/ingest.batch`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer test-token-123456' },
        body: JSON.stringify({ city: slug, changes: [{ componentCode: c.codes[i], state: 'intact', value }] }) });
      expect(r.status, await r.text()).toBe(200);
      await app.warnings.fromGauges();
    };
    await reading(0.35);
    const ev = await read<EvacuationState>('warnings.evacuation', { city: slug });
    expect(ev.data.grids.find((g) => g.code === grid)).toMatchObject({ colour: 'red', source: 'gauge', depthCm: 35, why: { en: `gauge ${c.codes[i]} reads 35 cm of water` } });
    await until('the gauge warning', () => got.some((g) => g.path === '/gauge' && g.body.type === 'flood.warning'));
    await reading(0.36); // still red: no second warning
    await reading(0.02);
    await until('the gauge all-clear', () => got.some((g) => g.path === '/gauge' && g.body.type === 'flood.allclear'));
    await new Promise((r) => setTimeout(r, 300));
    expect(got.filter((g) => g.path === '/gauge').map((g) => g.body.type)).toEqual(['subscription.confirm', 'flood.warning', 'flood.allclear']);
  });

  it('a message queued when the process stops goes out after the restart', async () => {
    await app.warnings.outbox.close(); // the queue stops taking rows, as a process that died would
    const s = await call<{ id: string }>('warnings.subscribe', { city: slug, target: { kind: 'grid', code: app.twin.cities.get(slug)!.data.unitGrids[3]!.code }, channel: { kind: 'webhook', url: `${sinkBase}/restart` } });
    expect(s.status, s.error).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(got.filter((g) => g.path === '/restart')).toEqual([]);
    await app.close();
    app = await createTwinServer({
      env: { DATA_DIR, INGEST_TOKEN: 'test-token-123456', SIMULATOR: 'off', DEFAULT_CITY_PRESET: 'default', WARNING_WEBHOOK_ALLOW: '127.0.0.1', ...TEST_ADMIN }, db, mqtt: false,
      warnings: { outbox: { pollMs: 50, baseDelayMs: 100 }, gaugeEveryMs: 0 },
    });
    await until('the code after the restart', () => got.some((g) => g.path === '/restart' && g.body.subscriptionId === s.data.id));
  });
});

