// 3D Tiles import on the Amsterdam set (read in place from ../shared/data, never copied into the
// repo): where its geometry is, the check of broken tilesets, the stored copy under DATA_DIR with
// the city's reference to it, growing and replacing, and the same-origin file route.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../db';
import { listCities, loadCity } from '../store';
import { importCity } from './index';
import { readTileset } from './tileset';
import { serveTileset } from './tilesetHttp';

const src = fileURLToPath(new URL('../../../../shared/data/3dtiles-amsterdam/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'twin-tiles-'));
const dataDir = join(tmp, 'data');
let db: Db;

beforeAll(async () => { db = await openDb({}); }, 120_000);
afterAll(async () => { await db?.close(); rmSync(tmp, { recursive: true, force: true }); });

/** a broken copy of the set in the temp folder (the shared data stay as they are) */
function brokenCopy(name: string, change: (dir: string) => void) {
  const d = join(tmp, name);
  cpSync(src, d, { recursive: true });
  change(d);
  return join(d, 'tileset.json');
}

describe.skipIf(!existsSync(src))('3D Tiles (Amsterdam, b3dm)', () => {
  it('reads the set: every tile, its place in Amsterdam-Noord and its ground', () => {
    const t = readTileset(join(src, 'tileset.json'));
    expect(t.contents).toBe(10);
    expect(t.files.sort()).toEqual(['tileset.json', ...readdirSync(join(src, 'tiles')).map((f) => `tiles/${f}`)].sort());
    // SOURCE.md: root transform at about 4.924 E, 52.388 N
    const [w, s, e, n] = t.bounds!;
    expect(w).toBeLessThan(4.924); expect(e).toBeGreaterThan(4.924);
    expect(s).toBeLessThan(52.388); expect(n).toBeGreaterThan(52.388);
    expect(e - w).toBeLessThan(0.2); expect(n - s).toBeLessThan(0.1);
    // the ground: NAP about 0 to -2 m, the geoid about 43 m above the ellipsoid there
    expect(t.groundM).toBeGreaterThan(38); expect(t.groundM).toBeLessThan(48);
    expect(t.topM! - t.groundM!).toBeGreaterThan(10);
  });

  it('refuses a missing tile, a URL, a path out of the folder and a wrong version, naming the file', () => {
    expect(() => readTileset(brokenCopy('missing', (d) => rmSync(join(d, 'tiles/3.b3dm'))))).toThrow(/tileset\.json: the content "tiles\/3\.b3dm" is missing/);
    const edit = (name: string, f: (s: string) => string) => brokenCopy(name, (d) => writeFileSync(join(d, 'tileset.json'), f(readFileSync(join(d, 'tileset.json'), 'utf8'))));
    expect(() => readTileset(edit('url', (s) => s.replace('tiles/1.b3dm', 'https://example.org/1.b3dm')))).toThrow(/is a URL/);
    expect(() => readTileset(edit('escape', (s) => s.replace('tiles/1.b3dm', '../../etc/passwd')))).toThrow(/outside the tileset's folder/);
    expect(() => readTileset(edit('version', (s) => s.replace('"version": "1.0"', '"version": "2.0"')))).toThrow(/version 1\.0 or 1\.1/);
    expect(() => readTileset(edit('truncated', (s) => s.slice(0, 300)))).toThrow(/not JSON/);
  });

  it('imports into a new city: the tiles copied under DATA_DIR, the city flat at their ground, then grows and is replaced', async () => {
    const check = await importCity(db, [{ path: join(src, 'tileset.json'), name: 'tileset.json' }], { city: 'ams', replace: false }, {}, { dataDir });
    expect(check.ok).toBe(true);
    expect(check.summary).toMatchObject({ tilesets: 1, buildings: 0, terrain: { source: 'flat' } });
    expect(check.files[0]).toMatchObject({ format: '3dtiles', role: 'tileset', features: 10 });
    const city = await loadCity(db, 'ams');
    const ref = city.meta.tilesets![0]!;
    expect(readFileSync(join(dataDir, 'tilesets/ams', ref.id, 'tiles/7.b3dm'))).toEqual(readFileSync(join(src, 'tiles/7.b3dm')));
    expect(city.dem.heights[0]).toBeCloseTo(ref.groundM, 1);
    // the flat terrain covers the tiles
    expect(city.meta.extent[2] - city.meta.extent[0]).toBeGreaterThan(3000);
    // a broken set added later: refused, the stored city and its tiles untouched
    const bad = await importCity(db, [{ path: brokenCopy('missing2', (d) => rmSync(join(d, 'tiles/5.b3dm'))), name: 'tileset.json' }], { city: 'ams', replace: false }, {}, { dataDir });
    expect(bad.ok).toBe(false);
    expect(readdirSync(join(dataDir, 'tilesets/ams'))).toEqual([ref.id]);
    // the same set again, adding: two tilesets; then --replace with it: one, the old folders gone
    await importCity(db, [{ path: join(src, 'tileset.json'), name: 'tileset.json' }], { city: 'ams', replace: false }, {}, { dataDir });
    expect((await loadCity(db, 'ams')).meta.tilesets).toHaveLength(2);
    await importCity(db, [{ path: join(src, 'tileset.json'), name: 'tileset.json' }], { city: 'ams', replace: true }, {}, { dataDir });
    const after = (await loadCity(db, 'ams')).meta.tilesets!;
    expect(after).toHaveLength(1);
    expect(readdirSync(join(dataDir, 'tilesets/ams'))).toEqual([after[0]!.id]);
    expect((await listCities(db, 'ams'))[0]!.tilesets).toHaveLength(1);
  }, 120_000);

  it('serves the stored files same-origin, never a path outside them', async () => {
    const ref = (await loadCity(db, 'ams')).meta.tilesets![0]!;
    const server: Server = createServer((req, res) => void serveTileset(dataDir, new URL(req.url!, 'http://x').pathname, req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/tilesets/ams/${ref.id}`;
    try {
      const ok = await fetch(`${base}/tileset.json`);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe('application/json');
      expect((await ok.json()).asset.version).toBe('1.0');
      expect((await fetch(`${base}/tiles/2.b3dm`)).status).toBe(200);
      expect((await fetch(`${base}/tiles/99.b3dm`)).status).toBe(404);
      expect((await fetch(`${base}/..%2F..%2F..%2Fpglite`)).status).toBe(400);
      expect((await fetch(`${base}/tiles/2.b3dm`, { method: 'DELETE' })).status).toBe(405);
    } finally {
      server.close();
    }
  });
});
