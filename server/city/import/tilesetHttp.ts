// GET /api/tilesets/<city>/<id>/<file>: a stored 3D Tiles tileset's files, same-origin, from
// DATA_DIR/tilesets (never a path outside it). Files never change under an id: cached for good.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, normalize, sep } from 'node:path';
import { citySlugSchema } from '../../../models/city';
import { tilesetsDir } from './tileset';

const TYPES: Record<string, string> = { json: 'application/json', b3dm: 'application/octet-stream', i3dm: 'application/octet-stream', pnts: 'application/octet-stream', cmpt: 'application/octet-stream', glb: 'model/gltf-binary', gltf: 'model/gltf+json', bin: 'application/octet-stream', subtree: 'application/octet-stream', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', ktx2: 'image/ktx2', webp: 'image/webp' };

export async function serveTileset(dataDir: string, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const m = /^\/api\/tilesets\/([^/]+)\/([a-z0-9]{1,32})\/(.+)$/.exec(path);
  const fail = (status: number, error: string) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify({ error })); };
  if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'tilesets are read-only');
  if (!m || !citySlugSchema.safeParse(m[1]).success) return fail(404, `no tileset at ${path}`);
  let rel: string;
  try { rel = normalize(decodeURIComponent(m[3]!)); } catch { return fail(400, 'a file name that is not valid URI text'); }
  if (rel.startsWith('..') || rel.startsWith(sep) || rel.includes(`${sep}..${sep}`)) return fail(400, `"${m[3]}" is outside the tileset`);
  const file = join(tilesetsDir(dataDir, m[1]!), m[2]!, rel);
  const st = await stat(file).catch(() => null);
  if (!st?.isFile()) return fail(404, `no file ${m[3]} in tileset ${m[2]} of ${m[1]}`);
  const ext = /\.([a-z0-9]+)$/i.exec(rel)?.[1]?.toLowerCase() ?? '';
  res.writeHead(200, { 'content-type': TYPES[ext] ?? 'application/octet-stream', 'content-length': st.size, 'cache-control': 'public, max-age=31536000, immutable' });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}
