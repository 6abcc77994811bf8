// Sends one malformed import (bench/hardening/importFuzz.ts) the way a user would: a file through
// the CLI's path (importCity in this process, as `npm run twin -- import` runs it) or through the
// /import page's HTTP API (upload, then a job on the read worker, polled to its end); broken
// uploads and job requests straight to the API. The answer is a refusal with its reason, or a crash.
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { importOptionsSchema, type ImportCheck, type ImportJobStatus } from '../../models/cityImport';
import type { Db } from '../../server/db';
import { importCity } from '../../server/city/import/index';
import type { ImportMalformed } from './importFuzz';

export type Outcome = { outcome: 'refused' | 'crash'; reason: string };

let serial = 0;

const firstError = (c: ImportCheck): Outcome => {
  const e = c.problems.find((p) => p.severity === 'error');
  if (c.ok || !e) return { outcome: 'crash', reason: `ACCEPTED (stored): ${JSON.stringify(c.summary).slice(0, 120)}` };
  return { outcome: 'refused', reason: `${e.file}${e.line ? `:${e.line}` : ''}${e.index !== undefined ? ` #${e.index}` : ''}: ${e.message}` };
};

async function answer(r: Response): Promise<{ status: number; body: Record<string, unknown> | null; text: string }> {
  const text = await r.text();
  try { return { status: r.status, body: JSON.parse(text) as Record<string, unknown>, text }; } catch { return { status: r.status, body: null, text }; }
}

const refusal = (status: number, body: Record<string, unknown> | null, text: string): Outcome =>
  status >= 400 && status < 500 && typeof body?.error === 'string' && body.error.length > 0
    ? { outcome: 'refused', reason: `${status} ${body.error}` }
    : { outcome: 'crash', reason: `${status} ${text.slice(0, 160)}` };

/** an upload that declares more bytes than it sends: the answer must come before the body */
function declaredTooBig(base: string, cookie: string, session: string, name: string, declared: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const u = new URL(`${base}/api/import/files?session=${encodeURIComponent(session)}&name=${encodeURIComponent(name)}`);
    const req = request(u, { method: 'POST', headers: { cookie, 'content-length': String(declared) } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        req.destroy();
        const text = Buffer.concat(parts).toString('utf8');
        let body: Record<string, unknown> | null = null;
        try { body = JSON.parse(text); } catch { /* not JSON: a crash below */ }
        resolve(refusal(res.statusCode ?? 0, body, text));
      });
    });
    req.on('error', (e) => resolve({ outcome: 'crash', reason: `upload: ${e.message}` }));
    req.write('x'.repeat(64));
  });
}

async function viaHttp(base: string, cookie: string, m: Extract<ImportMalformed, { kind: 'file' }>): Promise<Outcome> {
  const session = `fuzz-${process.pid}-${++serial}`;
  const up = await answer(await fetch(`${base}/api/import/files?session=${session}&name=${encodeURIComponent(m.name)}`, { method: 'POST', headers: { cookie }, body: m.bytes as BodyInit }));
  if (up.status !== 200) return { outcome: 'crash', reason: `the upload of a small file was refused: ${up.status} ${up.text.slice(0, 120)}` };
  const job = await answer(await fetch(`${base}/api/import/jobs`, {
    method: 'POST', headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ session, files: [m.name], city: m.city, mapping: { [m.name]: m.mapping }, commit: true }),
  }));
  if (job.status !== 202) return refusal(job.status, job.body, job.text);
  return pollJob(base, cookie, String(job.body!.id));
}

async function pollJob(base: string, cookie: string, id: string): Promise<Outcome> {
  const until = Date.now() + 120_000;
  for (;;) {
    const r = await answer(await fetch(`${base}/api/import/jobs/${id}`, { headers: { cookie } }));
    const st = r.body as ImportJobStatus | null;
    if (r.status !== 200 || !st) return { outcome: 'crash', reason: `job ${id}: ${r.status} ${r.text.slice(0, 120)}` };
    if (st.state === 'done' && st.check) return firstError(st.check);
    if (st.state === 'failed' || st.state === 'cancelled') return st.error ? { outcome: 'refused', reason: `job failed: ${st.error}` } : { outcome: 'crash', reason: `job ${st.state} with no reason` };
    if (Date.now() > until) return { outcome: 'crash', reason: `job ${id} still running after 120 s` };
    await new Promise((res) => setTimeout(res, 25));
  }
}

export async function sendImport(db: Db, base: string, cookie: string, dir: string, m: ImportMalformed): Promise<Outcome> {
  if (m.kind === 'upload') {
    if (m.declaredBytes) return declaredTooBig(base, cookie, m.session, m.name, m.declaredBytes);
    const r = await answer(await fetch(`${base}/api/import/files?session=${encodeURIComponent(m.session)}&name=${encodeURIComponent(m.name)}`, { method: 'POST', headers: { cookie }, body: m.bytes as BodyInit }));
    return refusal(r.status, r.body, r.text);
  }
  if (m.kind === 'job') {
    const r = await answer(await fetch(`${base}/api/import/jobs`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: m.body }));
    if (r.status === 202 && r.body?.id) return pollJob(base, cookie, String(r.body.id));
    return refusal(r.status, r.body, r.text);
  }
  if (m.via === 'http') return viaHttp(base, cookie, m);
  // the CLI: options parsed as cli-import.ts parses them, the file read in this process
  const sub = join(dir, String(++serial));
  mkdirSync(sub, { recursive: true });
  const path = join(sub, m.name);
  writeFileSync(path, m.bytes);
  try {
    const check = await importCity(db, [{ path, name: m.name }], importOptionsSchema.parse({ city: m.city, replace: false }), { [m.name]: m.mapping as never });
    return firstError(check);
  } catch (e) {
    return { outcome: 'crash', reason: `importCity threw: ${(e as Error).message}` };
  }
}
