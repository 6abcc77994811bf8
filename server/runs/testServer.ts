// For the runs' in-process tests: a twin server on a free port with the default city, two run
// slots, a fast heartbeat, and the test administrator signed in (its session cookie).
import type { AddressInfo } from 'node:net';
import { openDb, type Db } from '../db';
import { createTwinServer, type TwinServer } from '../app';
import { sessionCookieFor, TEST_ADMIN } from '../accounts/testSession';

export interface RunsTestServer { db: Db; app: TwinServer; base: string; cookie: string; slug: string }

export async function startRunsTestServer(): Promise<RunsTestServer> {
  const db = await openDb({});
  const app = await createTwinServer({
    env: { DATA_DIR: '', INGEST_TOKEN: 'test-token-123456', SIMULATOR: 'off', DEFAULT_CITY_PRESET: 'default', SIM_CONCURRENCY: 2, ...TEST_ADMIN },
    db, mqtt: false, runs: { heartbeatMs: 500, staleS: 2 },
  });
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const cookie = await sessionCookieFor(base, TEST_ADMIN.TWIN_BOOTSTRAP_ADMIN, TEST_ADMIN.TWIN_BOOTSTRAP_PASSWORD);
  return { db, app, base, cookie, slug: [...app.twin.cities.keys()][0]! };
}
