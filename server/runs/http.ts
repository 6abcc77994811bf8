// GET /api/runs/<id>/frames (all stored depth frames back to back, models/depthFrames.ts) and
// GET /api/runs/<id>/files/<name> (a finished run's results, as downloads).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzip, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { runFileSchema, runIdSchema, RUN_FILES } from '../../models/runs';
import { NotFoundError } from '../twin';
import { log } from '../log';
import type { RunManager } from './manager';
import { runFile, runScenario } from './store';
import type { Db } from '../db';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

const TYPES: Record<string, string> = {
  tif: 'image/tiff', csv: 'text/csv; charset=utf-8', geojson: 'application/geo+json', json: 'application/json',
};

function sendError(res: ServerResponse, status: number, message: string) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: message }));
}

export async function serveRun(db: Db, runs: RunManager, path: string, req: IncomingMessage, res: ServerResponse) {
  const [id = '', what = '', name, ...rest] = path.slice('/api/runs/'.length).split('/');
  if (rest.length || !(what === 'frames' ? name === undefined : what === 'files' && name)) {
    return sendError(res, 404, `no route for ${path} (/api/runs/<id>/frames or /api/runs/<id>/files/<name>)`);
  }
  if (!runIdSchema.safeParse(id).success) return sendError(res, 404, `no run "${id}"`);
  try {
    const run = await runs.get(id);
    if (what === 'frames') {
      const frames = await runs.frames(id);
      const etag = `"${id}.${frames.length}.${run.status}"`;
      const headers = { etag, 'cache-control': 'no-cache', 'content-type': 'application/octet-stream', vary: 'accept-encoding' };
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, headers);
        return void res.end();
      }
      // encodeDepthFrames' layout: each frame padded to 4 bytes
      const pad = (n: number) => (n + 3) & ~3;
      const body = new Uint8Array(frames.reduce((s, f) => s + pad(f.byteLength), 0));
      let o = 0;
      for (const f of frames) { body.set(new Uint8Array(f), o); o += pad(f.byteLength); }
      const gz = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const out = gz ? await gzipAsync(body) : body;
      res.writeHead(200, { ...headers, ...(gz ? { 'content-encoding': 'gzip' } : {}), 'content-length': String(out.byteLength) });
      return void res.end(out);
    }
    const file = runFileSchema.safeParse(name);
    if (!file.success) return sendError(res, 404, `no file "${name}" (files: ${RUN_FILES.join(', ')})`);
    // scenario.json is the run's input, there from the start (a running run's rain under the timeline)
    if (run.status !== 'succeeded' && file.data !== 'scenario.json') return sendError(res, 409, `run ${id} is ${run.status}: its files come when it has succeeded`);
    // stored gzipped: sent so to a client that takes gzip, unpacked for one that does not
    let gz: Uint8Array | undefined;
    if (file.data === 'scenario.json') {
      gz = await gzipAsync(JSON.stringify(await runScenario(db, id), null, 2) + '\n');
    } else gz = await runFile(db, id, file.data);
    if (!gz) return sendError(res, 404, `run ${id} no longer has ${file.data} (removed after the retention period)`);
    const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = acceptsGzip ? gz : await gunzipAsync(gz);
    const ext = file.data.slice(file.data.lastIndexOf('.') + 1);
    res.writeHead(200, {
      'content-type': TYPES[ext] ?? 'application/octet-stream',
      'content-disposition': `attachment; filename="${file.data}"`,
      'content-length': String(body.byteLength),
      'cache-control': 'private, max-age=3600',
      vary: 'accept-encoding',
      ...(acceptsGzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(body);
  } catch (err) {
    if (err instanceof NotFoundError) return sendError(res, 404, err.message);
    log.error({ err, path }, 'run route failed');
    sendError(res, 500, 'run route failed');
  }
}
