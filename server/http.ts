import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { LAYER_NAMES } from '../models/layers';
import { citySlugSchema, layerNameSchema } from '../models/city';
import { appRouter } from './trpc/router';
import type { Twin } from './twin';
import { InputError, NotFoundError, ReportTimeError } from './twin';
import { httpRequests, ingestRejected, limitRefused, registry } from './metrics';
import { bearerToken, tokensEqual } from './secrets';
import { MAX_JSON_PAYLOAD } from '../models/mqtt';
import { binaryBatchBytes, binaryBatchSchema, MAX_BINARY_BATCH } from '../models/ingest';
import { log } from './log';
import type { Db } from './db';
import type { RunManager } from './runs/manager';
import type { ScenarioLibrary } from './runs/library';
import { serveRun } from './runs/http';
import { REPORT_PATH, serveReport } from './runs/report';
import { guardTwinRead, isHttps, sessionToken, userOf, type Accounts } from './accounts/auth';
import { readOnlyRole } from '../models/accounts';
import type { CaseStore } from './cases/store';
import type { Warnings } from './warnings/warnings';
import { StoryStore } from './stories/store';
import { serveCasePhotos } from './cases/http';
import { serveOpen311 } from './cases/open311';
import { serveImport } from './city/import/http';
import { serveTileset } from './city/import/tilesetHttp';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The process's own routes; everything else goes to Next (`fallback`). Kept apart from main.ts
 * so tests run the same routes without a Next build.
 */
export function createRequestHandler(
  twin: Twin,
  opts: { ingestToken: string; fallback?: Handler; runs?: { db: Db; library: ScenarioLibrary; manager: RunManager }; accounts?: Accounts; cases?: CaseStore; warnings?: Warnings; stories?: StoryStore; dataDir?: string },
): Handler {
  const runs = opts.runs ?? null;
  const accounts = opts.accounts ?? null;
  const cases = opts.cases ?? null;
  // stories live in the same database as the runs
  const stories = opts.stories ?? (runs ? new StoryStore(runs.db) : null);
  const dataDir = opts.dataDir ?? './data';
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/api/trpc/',
    // A chunked body (no content-length) is cut off here once it passes the cap.
    maxBodySize: MAX_TRPC_BODY,
    createContext: async ({ req, res }) => ({
      twin, token: bearerToken(req.headers.authorization), ingestToken: opts.ingestToken, runs, accounts, cases, stories,
      warnings: opts.warnings ?? null, clientIp: req.socket.remoteAddress ?? 'unknown',
      user: await userOf(accounts, req), sessionToken: sessionToken(req), secure: isHttps(req),
      setCookie: (c: string) => void res.appendHeader('set-cookie', c),
    }),
    onError: ({ error, path }) => {
      if (error.code === 'PAYLOAD_TOO_LARGE') limitRefused.inc({ boundary: 'trpc', reason: 'body-size' });
      if (error.code === 'INTERNAL_SERVER_ERROR') log.error({ err: error, path }, 'tRPC error');
    },
  });

  return (req, res) => {
    const readTwin = (serve: () => Promise<void>) => void guardTwinRead(accounts, req, res).then(async (ok) => {
      if (ok) await serve();
    }).catch((err) => {
      log.error({ err }, 'read route failed');
      if (!res.headersSent) sendError(res, 500, 'read route failed');
    });
    const url = new URL(req.url ?? '/', 'http://local');
    const path = url.pathname;
    const route = () => routeRest(req, res, path, url, readTwin);
    res.on('finish', () => httpRequests.inc({ route: routeKind(path), status: String(res.statusCode) }));
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ ok: true, cities: [...twin.cities.keys()], uptimeS: Math.round(process.uptime()) }));
      return;
    }
    if (path === '/metrics') {
      registry.metrics().then((body) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(body);
      }, (err) => sendError(res, 500, String(err)));
      return;
    }
    if (path.startsWith('/api/trpc/')) {
      // Refused before a byte of the body is read when the declared size is over the cap.
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > MAX_TRPC_BODY) {
        limitRefused.inc({ boundary: 'trpc', reason: 'body-size' });
        res.setHeader('connection', 'close');
        sendError(res, 413, `body of ${declared} bytes is over the ${MAX_TRPC_BODY}-byte limit of /api/trpc (send big batches as binary to /api/ingest/<city>)`);
        return void req.destroy();
      }
      return void trpc(req, res);
    }
    // A read-only session (the exhibition kiosk) writes nothing over HTTP either: one check before
    // every route that takes a body (photos, Open311 reports, imports, binary ingest).
    if (req.method !== 'GET' && req.method !== 'HEAD' && sessionToken(req) && accounts) {
      return void userOf(accounts, req).then((user) => {
        if (!readOnlyRole(user?.role)) return route();
        req.resume();
        sendError(res, 403, `${req.method} ${path}: the role ${user!.role} reads only and changes nothing`);
      }).catch((err) => {
        log.error({ err }, 'session check failed');
        if (!res.headersSent) sendError(res, 500, 'session check failed');
      });
    }
    route();
  };

  /** the routes after tRPC (the twin's reads, ingest, Open311, cases, imports, Next) */
  function routeRest(req: IncomingMessage, res: ServerResponse, path: string, url: URL, readTwin: (serve: () => Promise<void>) => void) {
    // the twin's read routes follow the public-twin setting (tRPC checks its own, per procedure)
    if (path.startsWith('/api/layers/')) return readTwin(() => serveLayer(twin, path, req, res));
    if (path.startsWith('/api/ingest/')) return void ingestBinary(twin, opts.ingestToken, path, req, res);
    if (path.startsWith('/open311/v2/') && cases) return void serveOpen311(twin, cases, path, req, res);
    if (path.startsWith('/api/cases/') && cases) {
      return void userOf(accounts, req).then((user) => serveCasePhotos(cases, user, path, req, res)).catch((err) => {
        log.error({ err }, 'case route failed');
        if (!res.headersSent) sendError(res, 500, 'case route failed');
      });
    }
    if (path.startsWith('/api/tilesets/')) return readTwin(() => serveTileset(dataDir, path, req, res));
    if (REPORT_PATH.test(path) && runs) return readTwin(() => serveReport(twin, runs.db, runs.manager, path, url.searchParams, req, res));
    if (path.startsWith('/api/runs/') && runs) return readTwin(() => serveRun(runs.db, runs.manager, path, req, res));
    // importing makes or replaces a city: administrators only
    if (path.startsWith('/api/import/')) {
      return void userOf(accounts, req).then((user) => {
        if (user?.role !== 'administrator') return sendError(res, user ? 403 : 401, user ? `importing a city needs the role administrator (you are ${user.role})` : 'sign in as an administrator to import a city');
        return serveImport(twin.db, dataDir, path, req, res, (slug) => twin.forget(slug));
      }).catch((err) => {
        log.error({ err }, 'import route failed');
        if (!res.headersSent) sendError(res, 500, 'import route failed');
      });
    }
    if (opts.fallback) return opts.fallback(req, res);
    sendError(res, 404, `no route for ${path}`);
  }
}

function routeKind(path: string) {
  if (path.startsWith('/api/trpc/')) return 'trpc';
  if (path.startsWith('/api/layers/')) return 'layers';
  if (path.startsWith('/api/ingest/')) return 'ingest';
  if (path.startsWith('/api/runs/')) return 'runs';
  if (path.startsWith('/api/tilesets/')) return 'tilesets';
  if (path.startsWith('/api/import/')) return 'import';
  if (path === '/healthz' || path === '/metrics') return path.slice(1);
  if (path.startsWith('/_next/') || path.startsWith('/cesium/')) return 'static';
  return 'page';
}

async function serveLayer(twin: Twin, path: string, req: IncomingMessage, res: ServerResponse) {
  const [slug = '', name = '', ...rest] = path.slice('/api/layers/'.length).split('/');
  if (rest.length) return sendError(res, 404, `no route for ${path} (layers are at /api/layers/<city>/<layer>)`);
  const citySlug = citySlugSchema.safeParse(slug);
  if (!citySlug.success) return sendError(res, 400, `city "${slug}": ${citySlug.error.issues[0]!.message}`);
  const layerName = layerNameSchema.safeParse(name);
  if (!layerName.success) return sendError(res, 404, `unknown layer "${name}" (layers: ${LAYER_NAMES.join(', ')})`);
  try {
    const city = await twin.city(citySlug.data);
    const layer = twin.layer(city, layerName.data);
    const headers: Record<string, string> = {
      etag: layer.etag,
      'cache-control': 'no-cache',
      'content-type': 'application/octet-stream',
      vary: 'accept-encoding',
    };
    if (req.headers['if-none-match'] === layer.etag) {
      res.writeHead(304, headers);
      return void res.end();
    }
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? layer.gz : layer.raw;
    res.writeHead(200, { ...headers, ...(gzip ? { 'content-encoding': 'gzip' } : {}), 'content-length': String(body.byteLength) });
    res.end(body);
  } catch (err) {
    if (err instanceof NotFoundError) return sendError(res, 404, err.message);
    log.error({ err }, 'layer failed');
    sendError(res, 500, 'layer failed');
  }
}

/** The largest tRPC request body: a full JSON ingest batch (MAX_INGEST_BATCH changes) is about 1 MB. */
export const MAX_TRPC_BODY = MAX_JSON_PAYLOAD;

/** A binary batch larger than this is refused before it is read (MAX_BINARY_BATCH changes fit). */
const MAX_BINARY_BODY = binaryBatchBytes(MAX_BINARY_BATCH);

/**
 * POST /api/ingest/<city>, body a binary batch (models/ingest.ts), bearer INGEST_TOKEN: the
 * gateway's HTTP path, same checks as MQTT `batch/bin`. 200 {accepted, seq}, or 4xx with the reason.
 */
async function ingestBinary(twin: Twin, token: string, path: string, req: IncomingMessage, res: ServerResponse) {
  const reject = (status: number, reason: string, label: string) => {
    ingestRejected.inc({ boundary: 'http', reason: label });
    sendError(res, status, reason);
    req.resume();
  };
  const limited = () => limitRefused.inc({ boundary: 'http', reason: 'body-size' });
  const slug = path.slice('/api/ingest/'.length);
  if (req.method !== 'POST') return reject(405, 'POST a binary batch (application/octet-stream)', 'method');
  if (!tokensEqual(bearerToken(req.headers.authorization), token)) return reject(401, 'a valid "Authorization: Bearer <INGEST_TOKEN>" is required', 'auth');
  const city = citySlugSchema.safeParse(slug);
  if (!city.success) return reject(400, `city "${slug}": ${city.error.issues[0]!.message}`, 'city');
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BINARY_BODY) return limited(), reject(413, `body of ${declared} bytes: a batch is at most ${MAX_BINARY_BODY} bytes (${MAX_BINARY_BATCH} changes)`, 'size');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BINARY_BODY) return limited(), reject(413, `a batch is at most ${MAX_BINARY_BODY} bytes`, 'size');
    chunks.push(c as Buffer);
  }
  const body = new Uint8Array(Buffer.concat(chunks));
  const parsed = binaryBatchSchema.safeParse(body);
  if (!parsed.success) return reject(400, parsed.error.issues[0]!.message, 'binary');
  try {
    const r = await twin.ingestBinary(city.data, body, 'api');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(r));
  } catch (err) {
    if (err instanceof InputError) return reject(400, err.message, err instanceof ReportTimeError ? 'time' : 'binary');
    log.error({ err }, 'binary ingest failed');
    sendError(res, 500, 'binary ingest failed');
  }
}

function sendError(res: ServerResponse, status: number, message: string) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: message }));
}
