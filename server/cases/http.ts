// Case photos over HTTP: POST /api/cases/<id>/photos?phase=before|after (the image as the body)
// and GET /api/cases/<id>/photos/<photoId>[?size=thumb]; GET /api/cases/indicators.csv. Signed-in users who may see the case only; the type
// is told from the bytes, the size capped before the body is read to the end.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CASE_READ_ROLES, INDICATOR_ROLES } from '../../models/cases';
import { caseIdSchema, MAX_PHOTO_BYTES, photoType } from '../../models/caseApi';
import type { SessionUser } from '../../models/accounts';
import { NotFoundError } from '../twin';
import { AuthError } from '../accounts/store';
import { log } from '../log';
import type { CaseStore } from './store';
import { indicatorsCsv, indicatorsQuery } from './indicators';
import { UnreadableImageError } from './thumbs';

/** GET /api/cases/indicators.csv?city=&by=department|unitGrid|responsibilityGrid&from=YYYY-MM-DD&to=YYYY-MM-DD */
async function serveIndicatorsCsv(cases: CaseStore, user: SessionUser | null, req: IncomingMessage, res: ServerResponse) {
  req.resume();
  if (!user) return send(res, 401, { error: 'sign in: case indicators are not public' });
  if (!INDICATOR_ROLES.includes(user.role)) return send(res, 403, { error: `case indicators are not for the role ${user.role}` });
  if (req.method !== 'GET') return send(res, 405, { error: 'GET /api/cases/indicators.csv?city=&by=&from=&to=' });
  const q = indicatorsQuery(req.url ?? '');
  if (!q.success) return send(res, 400, { error: q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
  try {
    const csv = indicatorsCsv(await cases.indicators(q.data));
    const name = `case-indicators-${q.data.city}-${q.data.by}-${q.data.from}-${q.data.to}.csv`;
    res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"`, 'cache-control': 'no-store' });
    res.end('\ufeff' + csv); // the BOM: spreadsheet programs then read the Chinese names as UTF-8
  } catch (err) {
    if (err instanceof NotFoundError) return send(res, 404, { error: err.message });
    log.error({ err }, 'case indicators CSV failed');
    send(res, 500, { error: 'case indicators CSV failed' });
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export async function serveCasePhotos(cases: CaseStore, user: SessionUser | null, path: string, req: IncomingMessage, res: ServerResponse) {
  if (path === '/api/cases/indicators.csv') return serveIndicatorsCsv(cases, user, req, res);
  const [id = '', what, photoId, ...rest] = path.slice('/api/cases/'.length).split('/');
  if (what !== 'photos' || rest.length) return send(res, 404, { error: `no route for ${path} (/api/cases/<id>/photos[/<photoId>])` });
  if (!user) { req.resume(); return send(res, 401, { error: 'sign in: case photos are not public' }); }
  if (!CASE_READ_ROLES.includes(user.role)) { req.resume(); return send(res, 403, { error: `case photos are not for the role ${user.role}` }); }
  if (!caseIdSchema.safeParse(id).success) { req.resume(); return send(res, 404, { error: `no case "${id}"` }); }
  try {
    if (req.method === 'GET' && photoId && caseIdSchema.safeParse(photoId).success) {
      const size = new URL(req.url ?? '', 'http://local').searchParams.get('size') === 'thumb' ? 'thumb' : 'full';
      const p = await cases.photo(id, photoId, user, size);
      res.writeHead(200, { 'content-type': p.mime, 'content-length': String(p.bytes.byteLength), 'cache-control': 'private, max-age=3600', 'x-content-type-options': 'nosniff' });
      return void res.end(Buffer.from(p.bytes));
    }
    if (req.method !== 'POST' || photoId) { req.resume(); return send(res, 405, { error: 'POST an image to /api/cases/<id>/photos?phase=before|after, GET /api/cases/<id>/photos/<photoId>' }); }
    const phase = new URL(req.url ?? '', 'http://local').searchParams.get('phase');
    if (phase !== 'before' && phase !== 'after') { req.resume(); return send(res, 400, { error: 'phase: before or after' }); }
    if (Number(req.headers['content-length'] ?? 0) > MAX_PHOTO_BYTES) { req.resume(); return send(res, 413, { error: `a photo is at most ${MAX_PHOTO_BYTES} bytes` }); }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > MAX_PHOTO_BYTES) { req.resume(); return send(res, 413, { error: `a photo is at most ${MAX_PHOTO_BYTES} bytes` }); }
      chunks.push(c as Buffer);
    }
    const bytes = new Uint8Array(Buffer.concat(chunks));
    const mime = photoType(bytes);
    if (!mime) return send(res, 415, { error: 'a photo is a JPEG, PNG or WebP image (told from its bytes)' });
    const stored = await cases.addPhoto(id, phase, mime, bytes, user);
    send(res, 201, { id: stored, mime, size: bytes.byteLength });
  } catch (err) {
    if (err instanceof NotFoundError) return send(res, 404, { error: err.message });
    if (err instanceof AuthError) return send(res, err.status, { error: err.message });
    if (err instanceof UnreadableImageError) return send(res, 415, { error: err.message });
    log.error({ err, path }, 'case photo route failed');
    send(res, 500, { error: 'case photo route failed' });
  }
}
