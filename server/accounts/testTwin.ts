// For in-process tests: the twin server (no Next, no MQTT) on a free loopback port with PGlite in
// memory, its first city, and the bootstrapped administrator's session cookie.
import type { AddressInfo } from 'node:net';
import { openDb } from '../db';
import { createTwinServer } from '../app';
import { sessionCookieFor, TEST_ADMIN } from './testSession';

/** `env`: settings over the defaults (the case tests give a DATA_DIR for their photo files). */
export async function startTestTwin(env: Record<string, string> = {}) {
  const db = await openDb({});
  const app = await createTwinServer({ env: { DATA_DIR: '', INGEST_TOKEN: 'test-token-123456', SIMULATOR: 'off', DEFAULT_CITY_PRESET: 'default', ...TEST_ADMIN, ...env }, db, mqtt: false });
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const slug = [...app.twin.cities.keys()][0]!;
  const admin = await sessionCookieFor(base, TEST_ADMIN.TWIN_BOOTSTRAP_ADMIN, TEST_ADMIN.TWIN_BOOTSTRAP_PASSWORD);
  return { db, app, base, slug, admin };
}
