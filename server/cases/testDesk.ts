// For the case desk's in-process tests (cases.test.ts, cases.photos.test.ts): the twin with photo
// files under a temp DATA_DIR, a signed-in account per role, a real PNG, and tRPC calls as any of them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { expect } from 'vitest';
import { startTestTwin } from '../accounts/testTwin';
import { sessionCookieFor } from '../accounts/testSession';

const PW = 'case loop password';
/** PNG's first bytes and nothing readable after them */
export const PNG_HEAD = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);

type CaseView = { id: string; version: number; state: string; actions: string[]; number: string; department: string | null; limit: { colour: string } | null };

export async function startCaseDesk() {
  // a real 1200 x 800 photo-sized PNG (the server decodes it to make the thumbnail)
  const png = new Uint8Array(await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#3a7' } }).png().toBuffer());
  // photos go to files under DATA_DIR/case-photos
  const dataDir = mkdtempSync(join(tmpdir(), 'twin-cases-'));
  const { db, app, base, slug, admin } = await startTestTwin({ DATA_DIR: dataDir });
  const who: Record<string, string> = { admin };
  async function call<T = CaseView>(path: string, input: unknown, as: string) {
    const res = await fetch(`${base}/api/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: who[as] ?? '' }, body: JSON.stringify(input) });
    const body = await res.json() as { result?: { data: T }; error?: { message: string } };
    return { status: res.status, data: body.result?.data as T, error: body.error?.message };
  }
  async function read<T>(path: string, input: unknown, as: string) {
    const res = await fetch(`${base}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: { cookie: who[as] ?? '' } });
    return { status: res.status, data: ((await res.json()) as { result?: { data: T } }).result?.data as T };
  }
  for (const [name, role, department] of [['ins', 'inspector'], ['lead', 'shift_lead'], ['disp', 'dispatcher'], ['roads', 'department', '道路养护'], ['parks', 'department', '园林'], ['view', 'viewer']] as const) {
    const r = await call('account.add', { name, role, password: PW, department }, 'admin');
    expect(r.status, r.error).toBe(200);
    who[name] = await sessionCookieFor(base, name, PW);
  }
  const close = async () => {
    await app.close();
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { db, app, base, slug, dataDir, png, who, call, read, close };
}

export type CaseDesk = Awaited<ReturnType<typeof startCaseDesk>>;
