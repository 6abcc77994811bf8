// An Open311 GeoReport v2 client written from the published spec (wiki.open311.org/GeoReport_v2),
// not from our code: discovery, the service list, a form-encoded POST, and reading the request
// back (open, then closed once the loop closes the case).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { openDb, type Db } from '../db';
import { createTwinServer, type TwinServer } from '../app';
import { TEST_ADMIN } from '../accounts/testSession';

let db: Db;
let app: TwinServer;
let base: string;

/** the spec's client: GET returns JSON; POST sends application/x-www-form-urlencoded */
const client = {
  get: async (path: string) => { const r = await fetch(`${base}/open311/v2/${path}`); return { status: r.status, json: await r.json() }; },
  post: async (path: string, fields: Record<string, string>) => {
    const r = await fetch(`${base}/open311/v2/${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
    return { status: r.status, json: await r.json() };
  },
};

beforeAll(async () => {
  db = await openDb({});
  app = await createTwinServer({ env: { DATA_DIR: '', INGEST_TOKEN: 'test-token-123456', SIMULATOR: 'off', DEFAULT_CITY_PRESET: 'default', ...TEST_ADMIN }, db, mqtt: false });
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app?.close();
  await db?.close();
});

describe('Open311 GeoReport v2', () => {
  it('discovers, lists services, takes a request and reports its status', async () => {
    const disc = await client.get('discovery.json');
    expect(disc.json.endpoints[0]).toMatchObject({ specification: 'http://wiki.open311.org/GeoReport_v2', formats: expect.arrayContaining(['application/json']) });
    const services = (await client.get('services.json')).json as { service_code: string; service_name: string; metadata: boolean; type: string }[];
    expect(services.length).toBeGreaterThan(0);
    for (const s of services) expect(s).toMatchObject({ service_code: expect.any(String), service_name: expect.any(String), metadata: false, type: 'realtime' });
    const code = services.find((s) => s.service_code === '0111')!.service_code;
    expect((await client.get(`services/${code}.json`)).json).toMatchObject({ service_code: code, attributes: [] });

    const posted = await client.post('requests.json', { service_code: code, lat: '30.87', long: '120.09', description: '路口积水没过脚踝', email: 'citizen@example.org' });
    expect(posted.status).toBe(201);
    const id = posted.json[0].service_request_id as string;
    expect(id).toMatch(/^E0111\d{8}\d{4}$/);
    const one = await client.get(`requests/${id}.json`);
    expect(one.json).toHaveLength(1);
    expect(one.json[0]).toMatchObject({ service_request_id: id, status: 'open', service_code: code, lat: 30.87, long: 120.09, description: '路口积水没过脚踝' });
    expect(one.json[0].status_notes).toMatch(/Reported/);
    expect(JSON.stringify(one.json)).not.toContain('citizen@example.org');
    expect((await client.get(`requests.json?service_request_id=${id}`)).json.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([id]);

    // the loop voids it (not a case): Open311 then says closed, with the reason in status_notes
    const c = (await db.query<{ id: string }>('select id from cases where number = $1', [id])).rows[0]!;
    await app.accounts.store.add({ name: 'lead', role: 'shift_lead', password: 'long enough password' });
    const lead = (await app.accounts.store.list()).find((a) => a.name === 'lead')!;
    const { CaseStore } = await import('./store');
    await new CaseStore(db, app.twin).step({ id: c.id, version: 1, action: 'void' }, { id: lead.id, name: 'lead', role: 'shift_lead', department: null });
    const closed = await client.get(`requests/${id}.json`);
    expect(closed.json[0]).toMatchObject({ status: 'closed', status_notes: expect.stringMatching(/Void/) });
    expect((await client.get('requests.json?status=open')).json).toHaveLength(0);
  });

  it('answers a bad request with the Open311 error list', async () => {
    const noPlace = await client.post('requests.json', { service_code: '0111', description: 'x' });
    expect(noPlace.status).toBe(400);
    expect(noPlace.json[0]).toMatchObject({ code: 400, description: expect.stringMatching(/lat and long are required/) });
    const unknown = await client.post('requests.json', { service_code: '9999', description: 'x', lat: '30', long: '120' });
    expect(unknown.status).toBe(404);
    expect((await client.get('requests/E0111202601010001.json')).status).toBe(404);
    // only Open311's own requests are public: a case an inspector reported is not listed
    expect((await client.get('requests.json')).json.every((r: { service_request_id: string }) => r.service_request_id.startsWith('E0111'))).toBe(true);
  });
});
