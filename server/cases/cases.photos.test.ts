// Case photos over the API: moved from the database to files at start-up, and from files to an
// S3 bucket (and back); a failed upload leaves no file and no row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db';
import type { TwinServer } from '../app';
import { movePhotosToStore } from './photoMove';
import { photoKeys, type PhotoStore } from './photoStore';
import { startTestS3 } from './testS3';
import { startCaseDesk, type CaseDesk } from './testDesk';

let desk: CaseDesk;
let db: Db, app: TwinServer, base: string, slug: string, DATA_DIR: string, PNG: Uint8Array<ArrayBuffer>, who: Record<string, string>;
let call: CaseDesk['call'];

beforeAll(async () => {
  desk = await startCaseDesk();
  ({ db, app, base, slug, dataDir: DATA_DIR, png: PNG, who, call } = desk);
});

afterAll(() => desk?.close());

describe('case photos over the API', () => {

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
});
