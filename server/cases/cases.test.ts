// The case loop through the API in one process: five roles take a case from report to
// evaluation; each is refused a step that is not its own, with the reason; photos are checked
// from their bytes and shown only to those who may see the case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db';
import type { TwinServer } from '../app';
import { enuToGeodetic } from '../../models/geo';
import { STATE_CODE } from '../../models/components';
import { scenarioTemplate } from '../../models/runs';
import { PNG_HEAD, startCaseDesk, type CaseDesk } from './testDesk';

// (photos moving between the database, files and S3: cases.photos.test.ts)
let desk: CaseDesk;
let db: Db, app: TwinServer, base: string, slug: string, DATA_DIR: string, PNG: Uint8Array<ArrayBuffer>, who: Record<string, string>;
let call: CaseDesk['call'], read: CaseDesk['read'];

beforeAll(async () => {
  desk = await startCaseDesk();
  ({ db, app, base, slug, dataDir: DATA_DIR, png: PNG, who, call, read } = desk);
});

afterAll(() => desk?.close());

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
