// /open311/v2/...: Open311 GeoReport v2 over the case loop (JSON only; models/open311.ts).
// discovery.json, services.json, services/<code>.json, requests.json (GET, POST),
// requests/<id>.json. Only requests that came in through Open311 are listed: other cases are
// never public. A citizen's name, e-mail and phone are not stored.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CASE_CLASSES, type CaseState } from '../../models/cases';
import { open311PostSchema, open311Status, open311StatusNotes } from '../../models/open311';
import type { Twin } from '../twin';
import { InputError, NotFoundError } from '../twin';
import { log } from '../log';
import type { CaseStore } from './store';

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'access-control-allow-origin': '*' });
  res.end(JSON.stringify(body));
}
/** Open311 errors: an array of {code, description} */
const fail = (res: ServerResponse, status: number, description: string) => send(res, status, [{ code: status, description }]);

const service = (c: (typeof CASE_CLASSES)[number]) => ({
  service_code: c.code, service_name: c.zh, description: c.en, metadata: false, type: 'realtime', keywords: c.kind, group: c.kind === 'event' ? '事件' : '部件',
});

interface Row { id: string; number: string; class_code: string; state: CaseState; description: string; lon_deg: number | null; lat_deg: number | null; reported_at: Date | string; updated_at: Date | string; department: string | null }
const toRequest = (r: Row) => ({
  service_request_id: r.number,
  status: open311Status(r.state),
  status_notes: open311StatusNotes(r.state),
  service_name: CASE_CLASSES.find((c) => c.code === r.class_code)?.zh ?? r.class_code,
  service_code: r.class_code,
  description: r.description,
  agency_responsible: r.department ?? undefined,
  requested_datetime: new Date(r.reported_at).toISOString(),
  updated_datetime: new Date(r.updated_at).toISOString(),
  lat: r.lat_deg, long: r.lon_deg,
});

async function body(req: IncomingMessage): Promise<string> {
  let s = '';
  for await (const c of req) {
    s += String(c);
    if (s.length > 64 * 1024) throw new InputError('a request body is at most 64 KiB');
  }
  return s;
}

export async function serveOpen311(twin: Twin, cases: CaseStore, path: string, req: IncomingMessage, res: ServerResponse) {
  const p = path.slice('/open311/v2/'.length);
  const url = new URL(req.url ?? '', 'http://local');
  try {
    if (p === 'discovery.json') {
      return send(res, 200, { changeset: '2026-12-06', contact: 'the city management centre', key_service: 'none needed',
        endpoints: [{ specification: 'http://wiki.open311.org/GeoReport_v2', url: '/open311/v2', changeset: '2026-12-06', type: 'production', formats: ['application/json'] }] });
    }
    if (p === 'services.json') return send(res, 200, CASE_CLASSES.map(service));
    const svc = /^services\/([^/]+)\.json$/.exec(p);
    if (svc) {
      const c = CASE_CLASSES.find((x) => x.code === svc[1]);
      return c ? send(res, 200, { service_code: c.code, attributes: [] }) : fail(res, 404, `no service ${svc[1]}`);
    }
    if (p === 'requests.json' && req.method === 'POST') {
      const form = Object.fromEntries(new URLSearchParams(await body(req)));
      const parsed = open311PostSchema.safeParse(form);
      if (!parsed.success) return fail(res, 400, parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '));
      const cls = CASE_CLASSES.find((c) => c.code === parsed.data.service_code);
      if (!cls) return fail(res, 404, `no service ${parsed.data.service_code} (see services.json)`);
      const city = parsed.data.jurisdiction_id ?? (await twin.listCities())[0]?.slug;
      if (!city) return fail(res, 404, 'no jurisdiction');
      const c = await cases.report({ city, kind: cls.kind, classCode: cls.code, description: parsed.data.description, lonDeg: parsed.data.long, latDeg: parsed.data.lat }, null, 'open311');
      return send(res, 201, [{ service_request_id: c.number, service_notice: '', account_id: null }]);
    }
    if (p === 'requests.json' && req.method === 'GET') {
      const ids = url.searchParams.get('service_request_id')?.split(',').map((s) => s.trim()).filter(Boolean);
      const status = url.searchParams.get('status');
      const rows = await cases.open311Cases({ numbers: ids, serviceCode: url.searchParams.get('service_code') ?? undefined });
      return send(res, 200, rows.map(toRequest).filter((r) => !status || r.status === status));
    }
    const one = /^requests\/([^/]+)\.json$/.exec(p);
    if (one && req.method === 'GET') {
      const rows = await cases.open311Cases({ numbers: [one[1]!] });
      return rows[0] ? send(res, 200, [toRequest(rows[0])]) : fail(res, 404, `no request ${one[1]}`);
    }
    fail(res, 404, `no route ${path} (discovery.json, services.json, services/<code>.json, requests.json, requests/<id>.json)`);
  } catch (err) {
    if (err instanceof InputError) return fail(res, 400, err.message);
    if (err instanceof NotFoundError) return fail(res, 404, err.message);
    log.error({ err, path }, 'open311 failed');
    fail(res, 500, 'open311 failed');
  }
}
