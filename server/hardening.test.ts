import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as ioClient, type Socket } from 'socket.io-client';
import { createTRPCClient, httpLink } from '@trpc/client';
import { openDb, type Db } from './db';
import { createTwinServer, type TwinServer } from './app';
import type { AppRouter } from './trpc/router';
import type { CityRuntime } from './twin';
import { saveCity } from './city/store';
import { generateCity } from './city/generate';
import { registry } from './metrics';
import { resolveIngestToken, tokensEqual, WELL_KNOWN_INGEST_TOKEN } from './secrets';
import { COMPONENT_CLASSES, STATE_CODE } from '../models/components';
import { decodeFrame, FRAME_SNAPSHOT, STALE_BIT, STATE_MASK } from '../models/live';
import { encodeBinaryBatch } from '../models/ingest';
import { until } from './testUtil';

// Hardening (issue 15): real vs simulated data, report time bounds, size and rate limits, secrets.

const TOKEN = 'test-token-123456';
let db: Db;
let app: TwinServer;
let base: string;
let sim: CityRuntime; // generated: simulator on, with synthetic load so that it touches everything
let imp: CityRuntime; // "imported": stored without the simulator flag
const sockets: Socket[] = [];

const trpc = (token = TOKEN) => createTRPCClient<AppRouter>({
  links: [httpLink({ url: `${base}/api/trpc`, headers: () => ({ authorization: `Bearer ${token}` }) })],
});

async function counter(name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const v = (metric?.values as { labels: Record<string, string>; value: number }[] | undefined)
    ?.find((x) => Object.entries(labels).every(([k, l]) => x.labels[k] === l));
  return v?.value ?? 0;
}

beforeAll(async () => {
  db = await openDb({});
  await saveCity(db, generateCity({ preset: 'default' }), { simulator: true });
  await saveCity(db, generateCity({ preset: 'default', slug: 'imported', seed: 2 }));
  app = await createTwinServer({
    env: { DATA_DIR: '', INGEST_TOKEN: TOKEN, SIMULATOR: 'on', SIMULATOR_RATE: 100_000, DEFAULT_CITY_PRESET: 'default' },
    db, tickMs: 20, simulatorSeed: 7, mqtt: false,
  });
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  sim = app.twin.cities.get('huzhou')!;
  imp = app.twin.cities.get('imported')!;
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await app?.close();
  await db?.close();
});

describe('real and simulated data', () => {
  it('the simulator leaves a component with a real source alone; it goes stale when silent; dataSource says which is which', async () => {
    const c = sim.data.components;
    const i = [...Array(c.count).keys()].find((k) => COMPONENT_CLASSES[c.classIndex[k]!]!.telemetry === 'level')!;
    await trpc().ingest.batch.mutate({ city: sim.slug, changes: [{ componentCode: c.codes[i]!, state: 'warning', value: 0.21 }] });
    const reportedAt = sim.live.lastReportMs[i]!;
    const before = Uint8Array.from(sim.live.states);
    // 100,000 simulated changes a second over ~4,000 components: each is hit many times a second
    await new Promise((r) => setTimeout(r, 1500));
    let changed = 0;
    for (let k = 0; k < c.count; k++) if (k !== i && before[k] !== sim.live.states[k]) changed++;
    expect(changed).toBeGreaterThan(c.count / 10);
    expect(sim.live.states[i]! & STATE_MASK).toBe(STATE_CODE.warning);
    expect(sim.live.values[i]).toBeCloseTo(0.21, 5);
    expect(sim.live.lastReportMs[i]).toBe(reportedAt);

    expect((await trpc().component.get.query({ city: sim.slug, index: i })).dataSource).toBe('real');
    expect((await trpc().component.get.query({ city: sim.slug, index: i === 0 ? 1 : 0 })).dataSource).toBe('simulated');
    const row = await db.query<{ data_source: string }>('select data_source from components where city_id = $1 and idx = $2', [sim.id, i]);
    expect(row.rows[0]!.data_source).toBe('real'); // survives a restart (Twin.load reads it back)

    // silent past its class's limit: stale, and no simulated heartbeat hides it
    sim.live.sweepStale(reportedAt + 30 * 86_400_000);
    expect(sim.live.states[i]! & STALE_BIT).toBe(STALE_BIT);
  });

  it('an imported city starts with the simulator off: its state stays as stored and says so', async () => {
    expect(sim.simulated).toBe(true);
    expect(imp.simulated).toBe(false);
    const before = Uint8Array.from(imp.live.states);
    await new Promise((r) => setTimeout(r, 700));
    expect(imp.live.states).toEqual(before);
    expect((await trpc().component.get.query({ city: imp.slug, index: 3 })).dataSource).toBe('registry');
  });
});

describe('report times', () => {
  const code = () => imp.data.components.codes[5]!;
  it('refuses reports dated beyond the skew ahead or older than the retention window, over tRPC, with the reason', async () => {
    const states = Uint8Array.from(imp.live.states);
    const rejected = await counter('twin_ingest_rejected_total', { boundary: 'trpc', reason: 'time' });
    const future = new Date(Date.now() + 3_600_000).toISOString();
    await expect(trpc().ingest.batch.mutate({ city: imp.slug, changes: [{ componentCode: code(), state: 'alarm', at: future }] }))
      .rejects.toThrow(/changes\[0\]\.at: time .* is 60 min ahead of the server clock .* at most 120 s ahead/);
    await expect(trpc().ingest.batch.mutate({ city: imp.slug, changes: [{ componentCode: code(), state: 'alarm', at: '9999-01-01T00:00:00Z' }] }))
      .rejects.toThrow(/ahead of the server clock/);
    await expect(trpc().ingest.batch.mutate({ city: imp.slug, changes: [{ componentCode: code(), state: 'alarm', at: '2001-01-01T00:00:00Z' }] }))
      .rejects.toThrow(/older than the 90 days retention window/);
    expect(imp.live.states).toEqual(states);
    expect(await counter('twin_ingest_rejected_total', { boundary: 'trpc', reason: 'time' })).toBe(rejected + 3);
    expect(app.twin.history.openBucketStart).toBeLessThan(Date.now() + 3_600_000);
    // a little ahead (a device clock that drifts) is fine
    await trpc().ingest.batch.mutate({ city: imp.slug, changes: [{ componentCode: code(), state: 'alarm', at: new Date(Date.now() + 30_000).toISOString() }] });
    expect(imp.live.states[5]! & STATE_MASK).toBe(STATE_CODE.alarm);
  });

  it('refuses a binary batch dated in the future over HTTP ingest, with the reason, and counts it', async () => {
    const states = Uint8Array.from(imp.live.states);
    const rejected = await counter('twin_ingest_rejected_total', { boundary: 'http', reason: 'time' });
    const body = encodeBinaryBatch(imp.live.count, 2, [10, 11], [STATE_CODE.alarm, STATE_CODE.alarm], [NaN, NaN], Date.now() + 86_400_000);
    const res = await fetch(`${base}/api/ingest/${imp.slug}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: Buffer.from(body) });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/binary batch: time .* ahead of the server clock.*nothing applied/);
    expect(imp.live.states).toEqual(states);
    expect(await counter('twin_ingest_rejected_total', { boundary: 'http', reason: 'time' })).toBe(rejected + 1);
  });
});

describe('limits', () => {
  it('refuses a tRPC body over the cap before reading it (413 with the reason), declared or chunked, and counts both', async () => {
    const before = await counter('twin_limit_refused_total', { boundary: 'trpc', reason: 'body-size' });
    const big = Buffer.alloc(5 * 1024 * 1024, 0x20);
    const declared = await fetch(`${base}/api/trpc/ingest.batch`, {
      method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: big,
    }).catch((err: unknown) => err as Error);
    // the server answers and closes without reading: the client sees the 413 or, mid-upload, a reset
    if (!(declared instanceof Error)) {
      expect(declared.status).toBe(413);
      expect((await declared.json()).error).toMatch(/over the \d+-byte limit of \/api\/trpc/);
    }
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(`${base}/api/trpc/ingest.batch`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } },
        (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', reject);
      let sent = 0;
      const more = () => {
        while (sent < big.length) {
          sent += 256 * 1024;
          if (!req.write(big.subarray(sent - 256 * 1024, sent))) return void req.once('drain', more);
        }
        req.end();
      };
      more();
    });
    expect(chunked).toBe(413);
    expect(await counter('twin_limit_refused_total', { boundary: 'trpc', reason: 'body-size' })).toBe(before + 2);
  });

  it('serves at most one asked-for snapshot a second per client, coalescing the rest, and counts them', async () => {
    const socket = ioClient(base, { transports: ['websocket'], forceNew: true });
    sockets.push(socket);
    let snapshots = 0;
    socket.on('frame', (_c: string, data: ArrayBuffer) => { if (decodeFrame(data).kind === FRAME_SNAPSHOT) snapshots++; });
    const ack = await new Promise<{ ok: boolean }>((r) => socket.emit('subscribe', { city: imp.slug, grids: 'all' }, r));
    expect(ack.ok).toBe(true);
    await until(() => snapshots === 1, 'the subscription snapshot');
    const rate = await counter('twin_limit_refused_total', { boundary: 'socket', reason: 'snapshot-rate' });
    for (let k = 0; k < 20; k++) socket.emit('snapshot', { city: imp.slug });
    await until(() => snapshots === 2, 'the first asked-for snapshot');
    await new Promise((r) => setTimeout(r, 300));
    expect(snapshots).toBe(2);
    await until(() => snapshots === 3, 'the coalesced snapshot after the interval', 3000);
    await new Promise((r) => setTimeout(r, 1300));
    expect(snapshots).toBe(3);
    expect(await counter('twin_limit_refused_total', { boundary: 'socket', reason: 'snapshot-rate' })).toBe(rate + 19);
  });

  it('refuses a burst of subscribe requests past its budget, with the reason', async () => {
    const socket = ioClient(base, { transports: ['websocket'], forceNew: true });
    sockets.push(socket);
    const acks = await Promise.all(Array.from({ length: 40 }, () =>
      new Promise<{ ok: boolean; error?: string }>((r) => socket.emit('subscribe', { city: imp.slug, grids: [0] }, r))));
    const refused = acks.filter((a) => !a.ok);
    expect(refused.length).toBeGreaterThanOrEqual(15);
    expect(refused[0]!.error).toMatch(/subscribe: too many requests/);
  });
});

describe('secrets', () => {
  it('compares tokens in constant time, whatever their lengths', () => {
    expect(tokensEqual('abc-123-xyz', 'abc-123-xyz')).toBe(true);
    expect(tokensEqual('abc-123-xy', 'abc-123-xyz')).toBe(false);
    expect(tokensEqual(Buffer.from('abc-123-xyz'), 'abc-123-xyz')).toBe(true);
    expect(tokensEqual(null, 'abc-123-xyz')).toBe(false);
  });

  it('refuses the well-known token beyond loopback, and generates one under DATA_DIR (0600) when none is set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'twin-token-'));
    try {
      expect(() => resolveIngestToken({ INGEST_TOKEN: WELL_KNOWN_INGEST_TOKEN, HOST: '0.0.0.0', DATA_DIR: dir })).toThrow(/well-known/);
      expect(() => resolveIngestToken({ INGEST_TOKEN: WELL_KNOWN_INGEST_TOKEN, HOST: '::', DATA_DIR: dir })).toThrow(/well-known/);
      expect(resolveIngestToken({ INGEST_TOKEN: WELL_KNOWN_INGEST_TOKEN, HOST: '127.0.0.1', DATA_DIR: dir }).token).toBe(WELL_KNOWN_INGEST_TOKEN);
      expect(resolveIngestToken({ INGEST_TOKEN: 'my-own-secret-1', HOST: '0.0.0.0', DATA_DIR: dir })).toEqual({ token: 'my-own-secret-1', origin: 'env' });
      const first = resolveIngestToken({ HOST: '0.0.0.0', DATA_DIR: join(dir, 'data') });
      expect(first.origin).toBe('generated');
      expect(first.token).toMatch(/^[\w-]{32}$/);
      expect(statSync(first.file!).mode & 0o777).toBe(0o600);
      expect(readFileSync(first.file!, 'utf8').trim()).toBe(first.token);
      const again = resolveIngestToken({ HOST: '0.0.0.0', DATA_DIR: join(dir, 'data') });
      expect(again).toMatchObject({ token: first.token, origin: 'file' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
