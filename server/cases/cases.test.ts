// The case loop through the API in one process: five roles take a case from report to
// evaluation; each is refused a step that is not its own, with the reason; photos are checked
// from their bytes and shown only to those who may see the case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { openDb, type Db } from '../db';
import { createTwinServer, type TwinServer } from '../app';
import { sessionCookieFor, TEST_ADMIN } from '../accounts/testSession';
import sharp from 'sharp';
import { enuToGeodetic } from '../../models/geo';
import { STATE_CODE } from '../../models/components';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { movePhotosToStore } from './photoMove';
import { photoKeys, type PhotoStore } from './photoStore';
import { startTestS3 } from './testS3';
import { scenarioTemplate } from '../../models/runs';

let db: Db;
let app: TwinServer;
let base: string;
let slug: string;
// photos go to files under DATA_DIR/case-photos
const DATA_DIR = mkdtempSync(join(tmpdir(), 'twin-cases-'));
const PW = 'case loop password';
const who: Record<string, string> = {};

async function call<T = { id: string; version: number; state: string; actions: string[]; number: string; department: string | null; limit: { colour: string } | null }>(path: string, input: unknown, as: string) {
  const res = await fetch(`${base}/api/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: who[as] ?? '' }, body: JSON.stringify(input) });
  const body = await res.json() as { result?: { data: T }; error?: { message: string } };
  return { status: res.status, data: body.result?.data as T, error: body.error?.message };
}
async function read<T>(path: string, input: unknown, as: string) {
  const res = await fetch(`${base}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: { cookie: who[as] ?? '' } });
  return { status: res.status, data: ((await res.json()) as { result?: { data: T } }).result?.data as T };
}
// a real 1200 x 800 photo-sized PNG (the server decodes it to make the thumbnail)
let PNG: Uint8Array<ArrayBuffer>;
const PNG_HEAD = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);

beforeAll(async () => {
  PNG = new Uint8Array(await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#3a7' } }).png().toBuffer());
  db = await openDb({});
  app = await createTwinServer({ env: { DATA_DIR, INGEST_TOKEN: 'test-token-123456', SIMULATOR: 'off', DEFAULT_CITY_PRESET: 'default', ...TEST_ADMIN }, db, mqtt: false });
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  slug = [...app.twin.cities.keys()][0]!;
  who.admin = await sessionCookieFor(base, TEST_ADMIN.TWIN_BOOTSTRAP_ADMIN, TEST_ADMIN.TWIN_BOOTSTRAP_PASSWORD);
  for (const [name, role, department] of [['ins', 'inspector'], ['lead', 'shift_lead'], ['disp', 'dispatcher'], ['roads', 'department', '道路养护'], ['parks', 'department', '园林'], ['view', 'viewer']] as const) {
    const r = await call('account.add', { name, role, password: PW, department }, 'admin');
    expect(r.status, r.error).toBe(200);
    who[name] = await sessionCookieFor(base, name, PW);
  }
});

afterAll(async () => {
  await app?.close();
  await db?.close();
  rmSync(DATA_DIR, { recursive: true, force: true });
});

describe('case loop over the API', () => {
  it('takes a case from report to evaluation with five roles, refusing each a step that is not its own', async () => {
    const comp = app.twin.cities.get(slug)!.data;
    const code = (await app.twin.component(slug, 0)).code;
    expect(comp).toBeTruthy();
    const rep = await call('case.report', { city: slug, kind: 'component', classCode: '01001', description: '井盖破损', componentCode: code }, 'ins');
    expect(rep.status, rep.error).toBe(200);
    expect(rep.data.number).toMatch(/^C01001\d{8}0001$/);
    expect(rep.data).toMatchObject({ state: 'reported', actions: ['verify', 'selfHandle'] });
    let c = rep.data;
    const step = async (as: string, action: string, extra: Record<string, unknown> = {}) => {
      const r = await call('case.step', { id: c.id, version: c.version, action, ...extra }, as);
      expect(r.status, `${action} by ${as}: ${r.error}`).toBe(200);
      c = r.data;
      return c;
    };
    const refused = async (as: string, action: string, why: RegExp, extra: Record<string, unknown> = {}) => {
      const r = await call('case.step', { id: c.id, version: c.version, action, ...extra }, as);
      expect(r.status, `${action} by ${as}`).toBe(403);
      expect(r.error).toMatch(why);
    };
    await refused('disp', 'verify', /is for inspector or intake, not dispatcher/);
    await step('ins', 'verify');
    await refused('ins', 'file', /is for intake or shift_lead/);
    await step('lead', 'file');
    await refused('lead', 'dispatch', /is for dispatcher/, { department: '道路养护' });
    await step('disp', 'dispatch', { department: '道路养护' });
    expect(c.department).toBe('道路养护');
    await refused('parks', 'handle', /with 道路养护, not 园林/);
    await step('roads', 'handle');
    await refused('roads', 'close', /is for shift_lead/);
    await step('roads', 'reportBack');
    // the photo after handling
    const up = await fetch(`${base}/api/cases/${c.id}/photos?phase=after`, { method: 'POST', headers: { cookie: who.roads!, 'content-type': 'image/png' }, body: PNG });
    expect(up.status).toBe(201);
    // the photo and its thumbnail are files under DATA_DIR; the row keeps no bytes
    const upId = ((await up.json()) as { id: string }).id;
    expect(readdirSync(join(DATA_DIR, 'case-photos', c.id)).sort()).toEqual([upId, `${upId}.thumb`]);
    expect(new Uint8Array(readFileSync(join(DATA_DIR, 'case-photos', c.id, upId)))).toEqual(PNG);
    expect((await db.query('select store, has_thumb, bytes, thumb from case_photos where id = $1', [upId])).rows).toEqual([{ store: 'file', has_thumb: true, bytes: null, thumb: null }]);
    await refused('disp', 'checkPass', /is for inspector/);
    await step('ins', 'checkPass');
    await step('lead', 'close');
    await refused('lead', 'close', /is taken from checked or selfHandled; this case is closed/);
    await step('lead', 'evaluate');
    expect(c.state).toBe('evaluated');
    const detail = await read<{ steps: { action: string; actorName: string }[]; photos: { id: string; mime: string }[]; unitGridCode: string; responsibilityGrid: { code: string } | null }>('case.get', { id: c.id }, 'lead');
    // the component's unit grid, and the responsibility grid that grid belongs to
    const cityData = app.twin.cities.get(slug)!.data;
    const ug = cityData.unitGrids.find((g) => g.code === detail.data.unitGridCode)!;
    expect(detail.data.responsibilityGrid).toEqual({ code: cityData.responsibilityGrids[ug.responsibilityGrid]!.code, name: cityData.responsibilityGrids[ug.responsibilityGrid]!.name });
    expect(detail.data.steps.map((s) => `${s.action}:${s.actorName}`)).toEqual([
      'report:ins', 'verify:ins', 'file:lead', 'dispatch:disp', 'handle:roads', 'reportBack:roads', 'checkPass:ins', 'close:lead', 'evaluate:lead',
    ]);
    expect(detail.data.photos).toMatchObject([{ mime: 'image/png' }]);
    // a photo is never served to someone who may not see its case
    const photoUrl = `${base}/api/cases/${c.id}/photos/${detail.data.photos[0]!.id}`;
    expect((await fetch(photoUrl, { headers: { cookie: who.lead! } })).status).toBe(200);
    expect((await fetch(photoUrl)).status).toBe(401);
    expect((await fetch(photoUrl, { headers: { cookie: who.view! } })).status).toBe(403);
    expect((await fetch(photoUrl, { headers: { cookie: who.parks! } })).status).toBe(403);
    // its thumbnail: WebP, 320 px on the longer side, the same rule for who may see it
    const thumb = await fetch(`${photoUrl}?size=thumb`, { headers: { cookie: who.lead! } });
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(new Uint8Array(await thumb.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 320, 213]);
    expect((await fetch(`${photoUrl}?size=thumb`)).status).toBe(401);
    expect((await fetch(`${photoUrl}?size=thumb`, { headers: { cookie: who.view! } })).status).toBe(403);
    expect((await fetch(`${photoUrl}?size=thumb`, { headers: { cookie: who.parks! } })).status).toBe(403);
    // PNG's first bytes and nothing readable after them: refused, not stored
    const fake = await fetch(`${base}/api/cases/${c.id}/photos?phase=after`, { method: 'POST', headers: { cookie: who.roads!, 'content-type': 'image/png' }, body: PNG_HEAD });
    expect(fake.status).toBe(415);
    expect(((await fake.json()) as { error: string }).error).toMatch(/could not be read/);
  });

  it('refuses a stale version, a photo that is not an image, and cases to viewers and anonymous visitors', async () => {
    const rep = await call('case.report', { city: slug, kind: 'event', classCode: '06010', description: '暴露垃圾', lonDeg: 120.09, latDeg: 30.87 }, 'ins');
    expect(rep.status, rep.error).toBe(200);
    expect(rep.data.limit?.colour).toMatch(/green|yellow|red/);
    const ok = await call('case.step', { id: rep.data.id, version: rep.data.version, action: 'verify' }, 'ins');
    expect(ok.status).toBe(200);
    const stale = await call('case.step', { id: rep.data.id, version: rep.data.version, action: 'void' }, 'lead');
    expect(stale.status).toBe(400);
    expect(stale.error).toMatch(/changed since you saw it/);
    const text = await fetch(`${base}/api/cases/${rep.data.id}/photos?phase=before`, { method: 'POST', headers: { cookie: who.ins!, 'content-type': 'image/png' }, body: 'not an image, whatever the header says' });
    expect(text.status).toBe(415);
    expect((await read('case.list', { city: slug }, 'view')).status).toBe(403);
    expect((await read('case.list', { city: slug }, 'nobody')).status).toBe(401);
    expect((await call('case.report', { city: slug, kind: 'event', classCode: '06010', description: 'x', lonDeg: 1, latDeg: 1 }, 'view')).status).toBe(403);
    // a department sees its own department's cases only
    const parks = await read<{ department: string | null }[]>('case.list', { city: slug }, 'parks');
    expect(parks.data.every((x) => x.department === '园林')).toBe(true);
    const bad = await call('case.report', { city: slug, kind: 'event', classCode: '99999', description: 'x', lonDeg: 1, latDeg: 1 }, 'ins');
    expect(bad.status).toBe(400);
    expect(bad.error).toMatch(/unknown case class 99999/);
  });

  it('moves photos stored in the database to files at start-up; a failed upload leaves no file and no row', async () => {
    const rep = await call('case.report', { city: slug, kind: 'event', classCode: '06010', description: '旧照片', lonDeg: 120.09, latDeg: 30.87 }, 'ins');
    expect(rep.status, rep.error).toBe(200);
    const id = rep.data.id;
    const files = () => readdirSync(join(DATA_DIR, 'case-photos', id), { withFileTypes: true }).filter((f) => f.isFile()).map((f) => f.name).sort();
    // a photo as the server stored it before 012_case_photo_files: bytes in the row, no thumbnail
    const old = '00000000-0000-4000-8000-000000000012';
    await db.query("insert into case_photos (id, case_id, phase, mime, bytes, size) values ($1, $2, 'before', 'image/png', $3, $4)", [old, id, Buffer.from(PNG), PNG.byteLength]);
    const url = `${base}/api/cases/${id}/photos/${old}`;
    const before = new Uint8Array(await (await fetch(url, { headers: { cookie: who.lead! } })).arrayBuffer());
    expect(before).toEqual(PNG); // served from the row until it moves
    // what createTwinServer runs at start-up
    expect(await movePhotosToStore(db, app.cases.photos)).toEqual({ moved: 1, swept: 0 });
    expect((await db.query('select store, has_thumb, bytes, thumb from case_photos where id = $1', [old])).rows).toEqual([{ store: 'file', has_thumb: true, bytes: null, thumb: null }]);
    expect(files()).toEqual([old, `${old}.thumb`]);
    expect(new Uint8Array(await (await fetch(url, { headers: { cookie: who.lead! } })).arrayBuffer())).toEqual(PNG);
    const thumb = await fetch(`${url}?size=thumb`, { headers: { cookie: who.lead! } });
    expect([thumb.headers.get('content-type'), (await sharp(new Uint8Array(await thumb.arrayBuffer())).metadata()).width]).toEqual(['image/webp', 320]);
    expect((await fetch(url, { headers: { cookie: who.view! } })).status).toBe(403);
    expect((await movePhotosToStore(db, app.cases.photos)).moved).toBe(0);

    const real = app.cases.photos;
    const upload = () => fetch(`${base}/api/cases/${id}/photos?phase=before`, { method: 'POST', headers: { cookie: who.ins!, 'content-type': 'image/png' }, body: PNG });
    const rows = async () => (await db.query('select id from case_photos where case_id = $1', [id])).rows.length;
    try {
      // the disk fails on the thumbnail: the photo written just before it is removed, no row
      app.cases.photos = { ...real, kind: real.kind, get: real.get.bind(real), remove: real.remove.bind(real),
        put: async (key, bytes) => { if (key.endsWith('.thumb')) throw new Error('ENOSPC: no space left on device'); await real.put(key, bytes); } } satisfies PhotoStore;
      expect((await upload()).status).toBe(500);
      expect(files()).toEqual([old, `${old}.thumb`]);
      expect(await rows()).toBe(1);
      // the row cannot be written (its case went away meanwhile): both files are removed
      const gone = await call('case.report', { city: slug, kind: 'event', classCode: '06010', description: '将被删除', lonDeg: 120.09, latDeg: 30.87 }, 'ins');
      app.cases.photos = { ...real, kind: real.kind, get: real.get.bind(real), remove: real.remove.bind(real),
        put: async (key, bytes) => { await real.put(key, bytes); if (key.endsWith('.thumb')) await db.query('delete from cases where id = $1', [gone.data.id]); } } satisfies PhotoStore;
      const res = await fetch(`${base}/api/cases/${gone.data.id}/photos?phase=before`, { method: 'POST', headers: { cookie: who.ins!, 'content-type': 'image/png' }, body: PNG });
      expect(res.status).toBe(500);
      expect(readdirSync(join(DATA_DIR, 'case-photos', gone.data.id))).toEqual([]);
    } finally {
      app.cases.photos = real;
    }
    expect((await upload()).status).toBe(201);
    expect(files()).toHaveLength(4);
  });

  it('with S3 configured, photos kept in files move to the bucket at start-up and are served from it (and back)', async () => {
    const s3 = await startTestS3();
    const files = app.cases.photos;
    try {
      const n = Number((await db.query<{ n: string }>("select count(*) as n from case_photos where store = 'file'")).rows[0]!.n);
      expect(n).toBeGreaterThan(1);
      app.cases.photos = s3.store;
      expect(await movePhotosToStore(db, s3.store, files)).toEqual({ moved: n, swept: 0 });
      expect((await db.query("select id from case_photos where store = 'file'")).rows).toEqual([]);
      const [p] = (await db.query<{ id: string; case_id: string }>("select id, case_id from case_photos where store = 's3' and has_thumb order by created_at limit 1")).rows;
      expect(await files.get(photoKeys(p!.case_id, p!.id).full)).toBeNull(); // the file went once the row named the bucket
      const url = `${base}/api/cases/${p!.case_id}/photos/${p!.id}`;
      expect(new Uint8Array(await (await fetch(url, { headers: { cookie: who.lead! } })).arrayBuffer())).toEqual(PNG);
      expect((await fetch(`${url}?size=thumb`, { headers: { cookie: who.lead! } })).headers.get('content-type')).toBe('image/webp');
      expect((await fetch(url, { headers: { cookie: who.view! } })).status).toBe(403);
      expect(await movePhotosToStore(db, files, s3.store)).toEqual({ moved: n, swept: 0 });
    } finally {
      app.cases.photos = files;
      await s3.close();
    }
    expect((await db.query("select id from case_photos where store <> 'file'")).rows).toEqual([]);
  });

  it('a sensor alarm opens exactly one case; the simulator opens none', async () => {
    const rt = app.twin.cities.get(slug)!;
    const a = await app.twin.component(slug, 5), b = await app.twin.component(slug, 6);
    const sensorCases = async (code: string) => (await db.query<{ number: string; state: string }>("select number, state from cases where component_code = $1 and source = 'sensor'", [code])).rows;
    await app.twin.ingest({ city: slug, changes: [{ componentCode: a.code, state: 'intact' }] }, 'api');
    await app.twin.ingest({ city: slug, changes: [{ componentCode: a.code, state: 'damaged' }] }, 'api');
    await app.sensorCases.flush();
    await app.twin.ingest({ city: slug, changes: [{ componentCode: a.code, state: 'alarm' }] }, 'mqtt');
    await app.twin.ingest({ city: slug, changes: [{ componentCode: a.code, state: 'intact' }] }, 'api');
    await app.twin.ingest({ city: slug, changes: [{ componentCode: a.code, state: 'missing' }] }, 'api');
    await app.sensorCases.flush();
    const opened = await sensorCases(a.code);
    expect(opened).toHaveLength(1);
    expect(opened[0]!.number).toMatch(new RegExp(`^C${a.classCode}\\d{12}$`));
    // the simulator's changes are not telemetry from the street
    app.twin.applyChanges(rt, 1, [6], [STATE_CODE.alarm], [0], Date.now(), 'simulator');
    await app.sensorCases.flush();
    expect(await sensorCases(b.code)).toHaveLength(0);
    // once that case is voided, a new alarm opens a new one
    const lead = (await app.accounts.store.list()).find((x) => x.name === 'lead')!;
    const c = (await db.query<{ id: string; version: number }>('select id, version from cases where number = $1', [opened[0]!.number])).rows[0]!;
    await app.cases.step({ id: c.id, version: c.version, action: 'void' }, { id: lead.id, name: 'lead', role: 'shift_lead', department: null });
    await app.twin.ingest({ city: slug, changes: [{ componentCode: a.code, state: 'intact' }] }, 'api');
    await app.twin.ingest({ city: slug, changes: [{ componentCode: a.code, state: 'alarm' }] }, 'api');
    await app.sensorCases.flush();
    expect((await sensorCases(a.code)).map((r) => r.state).sort()).toEqual(['reported', 'voided']);
  });

  it('dispatches several filed cases in one go, listing each refused one with the reason; indicators and their CSV', async () => {
    const filed = async (desc: string) => {
      let c = (await call('case.report', { city: slug, kind: 'event', classCode: '06010', description: desc, lonDeg: 120.09, latDeg: 30.87 }, 'ins')).data;
      c = (await call('case.step', { id: c.id, version: c.version, action: 'verify' }, 'ins')).data;
      return (await call('case.step', { id: c.id, version: c.version, action: 'file' }, 'lead')).data;
    };
    const a = await filed('bulk a'), b = await filed('bulk b'), stale = await filed('bulk stale');
    const notFiled = (await call('case.report', { city: slug, kind: 'event', classCode: '06010', description: 'bulk reported', lonDeg: 120.09, latDeg: 30.87 }, 'ins')).data;
    const items = [a, b, { ...stale, version: stale.version - 1 }, notFiled].map((c) => ({ id: c.id, version: c.version }));
    expect((await call('case.dispatchMany', { items, department: '园林' }, 'lead')).status).toBe(403);
    const r = await call<{ dispatched: { id: string; state: string; department: string }[]; refused: { number: string; reason: string }[] }>('case.dispatchMany', { items, department: '园林' }, 'disp');
    expect(r.status, r.error).toBe(200);
    expect(r.data.dispatched.map((c) => [c.id, c.state, c.department])).toEqual([[a.id, 'dispatched', '园林'], [b.id, 'dispatched', '园林']]);
    expect(r.data.refused).toEqual([
      { id: stale.id, number: stale.number, reason: expect.stringMatching(/changed since you saw it/) },
      { id: notFiled.id, number: notFiled.number, reason: expect.stringMatching(/"dispatch" is taken from filed or returned; this case is reported/) },
    ]);
    expect((await call('case.dispatchMany', { items: [], department: '园林' }, 'disp')).error).toMatch(/pick at least one case/);
    // the park department handles one of them; the indicators count it
    const p = (await call('case.step', { id: a.id, version: a.version + 1, action: 'handle' }, 'parks')).data;
    const back = (await call('case.step', { id: p.id, version: p.version, action: 'reportBack' }, 'parks')).data;
    await call('case.step', { id: back.id, version: back.version, action: 'checkFail' }, 'ins');
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const period = { city: slug, from: today, to: today };
    const byDept = await read<{ key: string; due: number; closed: number; dispatched: number; reworked: number; reworkRate: number; closureRate: number; score: number }[]>('case.indicators', { ...period, by: 'department' }, 'lead');
    expect(byDept.status).toBe(200);
    expect(byDept.data.find((x) => x.key === '园林')).toMatchObject({ due: 2, dispatched: 2, closed: 0, reworked: 1, reworkRate: 50, closureRate: 0 });
    expect(byDept.data.find((x) => x.key === '道路养护')).toMatchObject({ due: 1, closed: 1, closureRate: 100 });
    expect((await read('case.indicators', { ...period, by: 'department' }, 'parks')).status).toBe(403);
    const byResp = await read<{ key: string; due: number }[]>('case.indicators', { ...period, by: 'responsibilityGrid' }, 'lead');
    expect(byResp.data.find((x) => /^\d{12}$/.test(x.key))?.due).toBeGreaterThan(0); // the component case's grid
    const csv = await fetch(`${base}/api/cases/indicators.csv?city=${slug}&by=department&from=${today}&to=${today}`, { headers: { cookie: who.lead! } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).replace(/^\ufeff/, '').trim().split(/\r?\n/);
    expect(lines[0]).toBe('key,due,closed,onTimeClosed,dispatched,handledOnTime,reworked,closureRate,onTimeClosureRate,onTimeHandlingRate,reworkRate,volumePoints,score');
    expect(lines.find((l) => l.startsWith('园林,'))).toMatch(/^园林,2,0,0,2,\d,1,0,0,[\d.]+,50,2,[\d.]+$/);
    const bad = await fetch(`${base}/api/cases/indicators.csv?city=${slug}&by=team&from=${today}&to=${today}`, { headers: { cookie: who.lead! } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^by: /);
    expect((await fetch(`${base}/api/cases/indicators.csv?city=${slug}&by=department&from=${today}&to=${today}`, { headers: { cookie: who.parks! } })).status).toBe(403);
    expect((await fetch(`${base}/api/cases/indicators.csv?city=${slug}&by=department&from=${today}&to=${today}`)).status).toBe(401);
  });

  it('a component intact again reports its sensor case back; the inspector confirms and the shift lead closes', async () => {
    const comp = await app.twin.component(slug, 9);
    await app.twin.ingest({ city: slug, changes: [{ componentCode: comp.code, state: 'damaged' }] }, 'api');
    await app.sensorCases.flush();
    const q = async () => (await db.query<{ id: string; version: number; state: string; department: string }>("select id, version, state, department from cases where component_code = $1 and source = 'sensor'", [comp.code])).rows[0]!;
    let c = await q();
    // intact again before the case reached a department: nothing moves (the desk voids or files it)
    await app.twin.ingest({ city: slug, changes: [{ componentCode: comp.code, state: 'intact' }] }, 'api');
    await app.sensorCases.flush();
    expect((await q()).state).toBe('reported');
    for (const [as, action, extra] of [['ins', 'verify', {}], ['lead', 'file', {}], ['disp', 'dispatch', { department: c.department }]] as const) {
      const r = await call('case.step', { id: c.id, version: c.version, action, ...extra }, as);
      expect(r.status, r.error).toBe(200);
      c = { ...c, version: r.data.version };
    }
    await app.twin.ingest({ city: slug, changes: [{ componentCode: comp.code, state: 'alarm' }] }, 'api');
    await app.sensorCases.flush();
    expect((await q()).state).toBe('dispatched');
    await app.twin.ingest({ city: slug, changes: [{ componentCode: comp.code, state: 'intact' }] }, 'mqtt');
    await app.sensorCases.flush();
    c = await q();
    expect(c.state).toBe('reportedBack');
    const detail = await read<{ steps: { action: string; actorName: string; note: string }[]; actions: string[] }>('case.get', { id: c.id }, 'ins');
    expect(detail.data.steps.at(-1)).toMatchObject({ action: 'reportBack', actorName: 'sensor', note: expect.stringMatching(/intact again/) });
    expect(detail.data.actions).toContain('checkPass');
    const checked = await call('case.step', { id: c.id, version: c.version, action: 'checkPass' }, 'ins');
    expect((await call('case.step', { id: c.id, version: checked.data.version, action: 'close' }, 'lead')).data.state).toBe('closed');
  });

  it('a flood run over 27 cm at prone points opens one warning case per unit grid when its scenario says so', async () => {
    const sc = await call<{ id: string }>('scenario.create', { city: slug, name: 'e2e 暴雨' }, 'admin');
    expect(sc.status, sc.error).toBe(200);
    expect((await read<{ on: boolean }>('case.floodWarnings', { scenarioId: sc.data.id }, 'admin')).data).toEqual({ on: false });
    expect((await call('case.setFloodWarnings', { scenarioId: sc.data.id, on: true }, 'disp')).status).toBe(403);
    expect((await call<{ on: boolean }>('case.setFloodWarnings', { scenarioId: sc.data.id, on: true }, 'admin')).data).toEqual({ on: true });
    const city = app.twin.cities.get(slug)!.data;
    // two prone points in one grid over 27 cm, one in another grid at 20 cm only
    const grid = city.pronePoints[0]!.unitGrid;
    const same = city.pronePoints.filter((p) => p.unitGrid === grid);
    const other = city.pronePoints.find((p) => p.unitGrid !== grid)!;
    const point = (p: typeof other, depth: number) => ({ id: p.id, name: p.name.zh, x: p.x, y: p.y, maxDepth_m: depth, timeOfMax_s: 1800, over15cm_s: 300, over20cm_s: 600, over27cm_s: depth >= 0.27 ? 900 : null });
    const impact = { pronePoints: [...same.map((p, i) => point(p, 0.3 + i / 10)), point(other, 0.21)] };
    const opened = await app.cases.floodWarnings!.fromImpact(slug, 'e2e 暴雨', impact);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatch(/^E0111\d{12}$/);
    const c = (await db.query<{ unit_grid_code: string; source: string; description: string; lon_deg: number }>('select * from cases where number = $1', [opened[0]])).rows[0]!;
    expect(c).toMatchObject({ unit_grid_code: city.unitGrids[grid]!.code, source: 'flood', description: expect.stringMatching(/超过 27 cm/) });
    // while it is open, the next run opens none there
    expect(await app.cases.floodWarnings!.fromImpact(slug, 'e2e 暴雨', impact)).toEqual([]);
    // a report with a location only gets the unit grid it lies in
    const g5 = city.unitGrids[5]!;
    const n = g5.ring.length / 2;
    const cx = g5.ring.filter((_, i) => i % 2 === 0).reduce((a, b) => a + b, 0) / n, cy = g5.ring.filter((_, i) => i % 2 === 1).reduce((a, b) => a + b, 0) / n;
    const at = enuToGeodetic([cx, cy, 0], { lonDeg: city.meta.originLonDeg, latDeg: city.meta.originLatDeg, heightM: city.meta.originHeightM });
    const rep = await call<{ unitGridCode: string | null }>('case.report', { city: slug, kind: 'event', classCode: '06010', description: 'by location', lonDeg: at.lonDeg, latDeg: at.latDeg }, 'ins');
    expect(rep.data.unitGridCode).toBe(g5.code);
    const outside = await call<{ unitGridCode: string | null }>('case.report', { city: slug, kind: 'event', classCode: '06010', description: 'far away', lonDeg: 10, latDeg: 10 }, 'ins');
    expect(outside.data.unitGridCode).toBeNull();
  });

  it('a real run through the queue whose water passes 27 cm at prone points opens their warning cases (onSucceeded -> fromRun)', async () => {
    const city = app.twin.cities.get(slug)!.data;
    // a Zhengzhou-like hour (STANDARDS.md: 201.9 mm) for 30 minutes on 25 m cells: a few seconds of kernel
    // (130 mm/h over pipes built for the 2-year storm floods every prone point of the sample city
    // past 27 cm; below ~115 mm/h none): so the first three points' districts get pipes that take
    // any rain, and the water there stays lower
    const zones = city.pronePoints.slice(0, 3).map((p, i) => ({ name: `upgrade ${i}`, drainage: { rainMmPerH: 1000 },
      polygon: { ring: [[p.x - 150, p.y - 150], [p.x + 150, p.y - 150], [p.x + 150, p.y + 150], [p.x - 150, p.y + 150]] } }));
    const storm = (name: string) => ({ ...scenarioTemplate(name), cellSize: 25, duration: 1800, outputInterval: 900, rainfall: { type: 'table', table: [{ time: 0, rainMmPerH: 130 }] },
      drainage: { returnPeriodYears: 2, formula: 'beijing' }, drainageZones: zones });
    const run = async (scenarioId: string, force = true) => {
      const st = await call<{ run: { id: string } }>('run.start', { scenarioId, force }, 'admin');
      expect(st.status, st.error).toBe(200);
      for (const t0 = Date.now(); Date.now() - t0 < 240_000; await new Promise((r) => setTimeout(r, 200))) {
        const r = await read<{ status: string; error: string | null }>('run.get', { id: st.data.run.id }, 'admin');
        if (r.data.status === 'succeeded') return st.data.run.id;
        if (r.data.status === 'failed' || r.data.status === 'cancelled') throw new Error(`run ${r.data.status}: ${r.data.error}`);
      }
      throw new Error('the run did not finish');
    };
    const flood = async (scenario: string) => (await db.query<{ number: string; class_code: string; kind: string; state: string; unit_grid_code: string; description: string; lon_deg: number; lat_deg: number }>(
      "select * from cases where source = 'flood' and description like $1 order by number", [`%「${scenario}」%`])).rows;
    const openBefore = new Set((await db.query<{ unit_grid_code: string }>("select unit_grid_code from cases where source = 'flood' and state not in ('closed', 'evaluated', 'voided', 'selfHandled')")).rows.map((r) => r.unit_grid_code));

    // the setting off: the same storm opens nothing
    const off = await call<{ id: string }>('scenario.create', { city: slug, name: '特大暴雨 关', scenario: storm('same storm') }, 'admin');
    expect(off.status, off.error).toBe(200);
    const offRunId = await run(off.data.id);
    await new Promise((r) => setTimeout(r, 500)); // onSucceeded is not awaited by the queue
    expect(await flood('特大暴雨 关')).toEqual([]);

    // the same storm with warnings on: Run offers the stored result (reused, not run again), and
    // the warnings open from it all the same
    const on = await call<{ id: string }>('scenario.create', { city: slug, name: '特大暴雨 开', scenario: storm('same storm') }, 'admin');
    expect((await call('case.setFloodWarnings', { scenarioId: on.data.id, on: true }, 'admin')).status).toBe(200);
    const runId = await run(on.data.id, false);
    expect(runId).toBe(offRunId);
    const impact = await read<{ pronePoints: { id: string; x: number; y: number; maxDepth_m: number; over27cm_s: number | null }[] }>('run.impact', { id: runId }, 'admin');
    const over = impact.data.pronePoints.filter((p) => p.over27cm_s !== null);
    console.log(`flood warning run: ${over.length} of ${impact.data.pronePoints.length} prone points over 27 cm, depths ${impact.data.pronePoints.map((p) => Math.round(p.maxDepth_m * 100)).sort((a, b) => b - a).join(' ')} cm`);
    expect(over.length).toBeGreaterThan(0);
    const under = impact.data.pronePoints.filter((p) => p.over27cm_s === null);
    expect(under.length).toBeGreaterThan(0);
    const gridOf = (id: string) => city.unitGrids[city.pronePoints.find((p) => p.id === id)!.unitGrid]!.code;
    const want = [...new Set(over.map((p) => gridOf(p.id)))].filter((g) => !openBefore.has(g)).sort();
    expect(want.length).toBeGreaterThan(0);
    let cases = await flood('特大暴雨 开');
    for (const t0 = Date.now(); cases.length < want.length && Date.now() - t0 < 10_000; cases = await flood('特大暴雨 开')) await new Promise((r) => setTimeout(r, 100));
    console.log(`warning cases opened: ${cases.map((c) => `${c.number} grid ${c.unit_grid_code}`).join(', ')}`);
    expect(cases.map((c) => c.unit_grid_code).sort()).toEqual(want);
    // a grid whose points all stayed under 27 cm gets none
    const dry = under.map((p) => gridOf(p.id)).filter((g) => !over.some((p) => gridOf(p.id) === g));
    expect(dry.length).toBeGreaterThan(0);
    expect(cases.filter((c) => dry.includes(c.unit_grid_code))).toEqual([]);
    const origin = { lonDeg: city.meta.originLonDeg, latDeg: city.meta.originLatDeg, heightM: city.meta.originHeightM };
    for (const c of cases) {
      expect(c).toMatchObject({ class_code: '0111', kind: 'event', state: 'reported', number: expect.stringMatching(/^E0111\d{12}$/) });
      // at the deepest of the grid's points over 27 cm, naming its depth
      const deepest = over.filter((p) => gridOf(p.id) === c.unit_grid_code).sort((a, b) => b.maxDepth_m - a.maxDepth_m)[0]!;
      const at = enuToGeodetic([deepest.x, deepest.y, 0], origin);
      expect([c.lon_deg, c.lat_deg]).toEqual([expect.closeTo(at.lonDeg, 6), expect.closeTo(at.latDeg, 6)]);
      expect(c.description).toContain(`最深 ${Math.round(deepest.maxDepth_m * 100)} cm`);
    }
    // the desk lists them for the intake clerk's queue (reported)
    const listed = await read<{ number: string }[]>('case.list', { city: slug, states: ['reported'] }, 'lead');
    expect(listed.data.map((c) => c.number)).toEqual(expect.arrayContaining(cases.map((c) => c.number)));
    // the next run of the same storm opens none while they are open
    await run(on.data.id);
    await new Promise((r) => setTimeout(r, 500));
    expect((await flood('特大暴雨 开')).length).toBe(cases.length);
  });
});
