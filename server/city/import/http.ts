// The /import page's HTTP side: uploads (streamed to a temporary folder, size-capped) and import
// jobs (check or store, with progress and cancel; files are read on a worker thread). Everything is validated by models/cityImport.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  importJobRequestSchema, MAX_UPLOAD_BYTES, uploadNameSchema, uploadSessionSchema, type ImportJobStatus,
} from '../../../models/cityImport';
import type { Db } from '../../db';
import { log } from '../../log';
import { importCity } from './index';
import { readInWorker } from './readInWorker';

const ROOT = join(tmpdir(), 'city-twin-import');
const JOB_TTL_MS = 30 * 60_000;

interface Job { status: ImportJobStatus; ac: AbortController; at: number }
const jobs = new Map<string, Job>();

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
};
const fail = (res: ServerResponse, status: number, error: string) => send(res, status, { error });

async function readJson(req: IncomingMessage, max = 1_000_000): Promise<unknown> {
  let n = 0;
  const parts: Buffer[] = [];
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > max) throw new Error(`the request body is over ${max} bytes`);
    parts.push(c as Buffer);
  }
  return JSON.parse(Buffer.concat(parts).toString('utf8'));
}

/** routes under /api/import/; `onStored` is told which city changed */
export async function serveImport(db: Db, dataDir: string, path: string, req: IncomingMessage, res: ServerResponse, onStored: (slug: string) => void): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://local');
  const rest = path.slice('/api/import/'.length);
  try {
    if (rest === 'files' && req.method === 'POST') return await upload(url, req, res);
    if (rest === 'jobs' && req.method === 'POST') {
      let body: unknown;
      try { body = await readJson(req); } catch (e) { return fail(res, 400, `the body is not JSON: ${(e as Error).message}`); }
      const r = importJobRequestSchema.safeParse(body);
      if (!r.success) return fail(res, 400, r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
      return send(res, 202, startJob(db, dataDir, r.data, onStored));
    }
    const m = /^jobs\/([0-9a-f-]{36})$/.exec(rest);
    if (m) {
      const job = jobs.get(m[1]!);
      if (!job) return fail(res, 404, `no import job ${m[1]}`);
      if (req.method === 'GET') return send(res, 200, job.status);
      if (req.method === 'DELETE') { job.ac.abort(); return send(res, 200, job.status); }
    }
    fail(res, 404, `no route for ${req.method} ${path}`);
  } catch (e) {
    log.error({ err: e }, 'import request failed');
    fail(res, 500, (e as Error).message);
  }
}

async function upload(url: URL, req: IncomingMessage, res: ServerResponse) {
  const session = uploadSessionSchema.safeParse(url.searchParams.get('session') ?? '');
  const name = uploadNameSchema.safeParse(url.searchParams.get('name') ?? '');
  if (!session.success) return fail(res, 400, session.error.issues[0]!.message);
  if (!name.success) return fail(res, 400, `name: ${name.error.issues[0]!.message}`);
  const mb = Math.round(MAX_UPLOAD_BYTES / 1048576);
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > MAX_UPLOAD_BYTES) {
    // answered at once; the body is read and dropped so the client sees the answer, not a reset
    fail(res, 413, `${name.data} is ${Math.round(declared / 1048576)} MB: uploads are limited to ${mb} MB`);
    req.resume();
    return;
  }
  const dir = join(ROOT, session.data);
  await mkdir(dir, { recursive: true });
  const file = join(dir, name.data);
  await mkdir(dirname(file), { recursive: true });
  const out = createWriteStream(file);
  let n = 0;
  try {
    for await (const c of req) {
      n += (c as Buffer).length;
      if (n > MAX_UPLOAD_BYTES) throw new RangeError(`${name.data} is over ${mb} MB: uploads are limited to ${mb} MB`);
      if (!out.write(c)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  } catch (e) {
    out.destroy();
    await rm(file, { force: true });
    if (e instanceof RangeError) { fail(res, 413, e.message); req.resume(); return; }
    throw e;
  }
  send(res, 200, { name: name.data, bytes: (await stat(file)).size });
}

function startJob(db: Db, dataDir: string, r: ReturnType<typeof importJobRequestSchema.parse>, onStored: (slug: string) => void): ImportJobStatus {
  const now = Date.now();
  for (const [id, j] of jobs) if (j.status.state !== 'running' && now - j.at > JOB_TTL_MS) jobs.delete(id);
  const id = randomUUID();
  const job: Job = { status: { id, state: 'running', phase: 'parse', commit: r.commit }, ac: new AbortController(), at: now };
  jobs.set(id, job);
  const dir = join(ROOT, r.session);
  importCity(db, r.files.map((f) => ({ path: join(dir, f), name: f })), { city: r.city, name: r.name, adminCode: r.adminCode, crs: r.crs, replace: r.replace }, r.mapping, {
    signal: job.ac.signal, checkOnly: !r.commit, reader: readInWorker, dataDir,
    onProgress: (p) => { Object.assign(job.status, p); },
  }).then((check) => {
    job.status = { ...job.status, state: 'done', phase: 'done', check };
    if (r.commit && check.ok) {
      onStored(r.city);
      void rm(dir, { recursive: true, force: true });
    }
  }, (e: Error) => {
    job.status = { ...job.status, state: job.ac.signal.aborted ? 'cancelled' : 'failed', error: e.message };
  }).finally(() => { job.at = Date.now(); });
  return job.status;
}
