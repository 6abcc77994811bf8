// An answered case step survives the server being killed with SIGKILL right after: the server runs
// in a child process on an on-disk PGlite; the step is acknowledged over HTTP, the child is killed
// (no close, no exit handlers), and the database is opened again here.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDb } from '../db';
import { sessionCookieFor, TEST_ADMIN } from '../accounts/testSession';

const tmp = mkdtempSync(join(tmpdir(), 'twin-durable-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('durable case steps', () => {
  it('keeps an acknowledged step after SIGKILL', async () => {
    const dataDir = join(tmp, 'data');
    const app = fileURLToPath(new URL('../app.ts', import.meta.url));
    const file = join(tmp, 'server.mts');
    writeFileSync(file, `
      import { createTwinServer } from ${JSON.stringify(app)};
      const s = await createTwinServer({ env: { DATA_DIR: ${JSON.stringify(dataDir)}, INGEST_TOKEN: 'test-token-123456', SIMULATOR: 'off', DEFAULT_CITY_PRESET: 'default',
        TWIN_BOOTSTRAP_ADMIN: ${JSON.stringify(TEST_ADMIN.TWIN_BOOTSTRAP_ADMIN)}, TWIN_BOOTSTRAP_PASSWORD: ${JSON.stringify(TEST_ADMIN.TWIN_BOOTSTRAP_PASSWORD)} }, mqtt: false });
      s.server.listen(0, '127.0.0.1', () => console.log('PORT ' + s.server.address().port + ' CITY ' + [...s.twin.cities.keys()][0]));
    `);
    // node itself (not the tsx wrapper), so the process killed is the one holding the database
    const child = spawn(process.execPath, ['--import', 'tsx', file], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } });
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    try {
      const [port, city] = await new Promise<[string, string]>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d) => {
          out += String(d);
          const m = /PORT (\d+) CITY (\S+)/.exec(out);
          if (m) resolve([m[1]!, m[2]!]);
        });
        child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
      });
      const base = `http://127.0.0.1:${port}`;
      const post = async (path: string, input: unknown, cookie: string) => {
        const r = await fetch(`${base}/api/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(input) });
        expect(r.status, await r.clone().text()).toBe(200);
        return ((await r.json()) as { result: { data: { id: string; version: number; state: string } } }).result.data;
      };
      const admin = await sessionCookieFor(base, TEST_ADMIN.TWIN_BOOTSTRAP_ADMIN, TEST_ADMIN.TWIN_BOOTSTRAP_PASSWORD);
      await post('account.add', { name: 'ins', role: 'inspector', password: 'durable password' }, admin);
      const ins = await sessionCookieFor(base, 'ins', 'durable password');
      const c = await post('case.report', { city, kind: 'event', classCode: '06010', description: '持久', lonDeg: 120.09, latDeg: 30.87 }, ins);
      const stepped = await post('case.step', { id: c.id, version: c.version, action: 'verify' }, ins);
      expect(stepped.state).toBe('verified');
      child.kill('SIGKILL'); // right after the answer
      await exited;
      const db = await openDb({ dataDir: join(dataDir, 'pglite') });
      try {
        const { rows } = await db.query<{ state: string; steps: number }>('select state, (select count(*)::int from case_steps where case_id = cases.id) as steps from cases where id = $1', [c.id]);
        expect(rows).toEqual([{ state: 'verified', steps: 2 }]);
      } finally {
        await db.close();
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 240_000);
});
