import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { io as ioClient, type Socket } from 'socket.io-client';
import { openDb, type Db } from '../db';
import { createTwinServer, type TwinServer } from '../app';
import { decodeFrame, type ClientToServerEvents, type ServerToClientEvents } from '../../models/live';
import { LiveMirror } from '../../models/liveMirror';
import { STATE_CODE } from '../../models/components';
import { encodeBinaryBatch } from '../../models/ingest';
import { freePort, until } from '../testUtil';

// Two server processes' worth of twin (two servers, two databases holding the same generated
// city) behind one real redis-server: a change accepted by one reaches the other's clients.
const REDIS = '/usr/bin/redis-server';
const have = existsSync(REDIS);
if (!have && process.env.CI) throw new Error(`${REDIS} is missing: scripts/test.sh installs redis-server`);

let redis: ChildProcess;
const servers: { app: TwinServer; db: Db; base: string }[] = [];
const sockets: Socket[] = [];

describe.skipIf(!have)('several server processes through the socket.io Redis adapter', () => {
  beforeAll(async () => {
    const port = await freePort();
    redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const url = `redis://127.0.0.1:${port}`;
    for (let k = 0; k < 2; k++) {
      const db = await openDb({});
      // both start with the same generated city (the generator is deterministic), as two
      // instances behind one load balancer share one database
      const app = await (async () => {
        for (let tries = 0; ; tries++) {
          try {
            return await createTwinServer({
              env: { DATA_DIR: '', INGEST_TOKEN: 'test-token-123456', SIMULATOR: 'off', DEFAULT_CITY_PRESET: 'default', REDIS_URL: url },
              db, tickMs: 20, mqtt: false,
            });
          } catch (err) {
            if (tries > 50) throw err; // redis-server still starting
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      })();
      await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
      servers.push({ app, db, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` });
    }
  }, 120_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const s of servers) { await s.app.close(); await s.db.close(); }
    redis?.kill();
  });

  it('a change ingested on one server reaches the clients of the other, and both hold the same state', async () => {
    const [a, b] = servers as [typeof servers[0], typeof servers[0]];
    const cityA = a.app.twin.cities.values().next().value!;
    const cityB = b.app.twin.cities.get(cityA.slug)!;
    expect(cityB.live.count).toBe(cityA.live.count);
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = ioClient(b.base, { transports: ['websocket'], forceNew: true });
    sockets.push(socket);
    const mirror = new LiveMirror(cityB.live.count, cityB.live.gridCount);
    socket.on('frame', (_c, data) => { if (mirror.apply(decodeFrame(data)) === 'gap') socket.emit('snapshot', { city: cityB.slug }); });
    await new Promise((r) => socket.emit('subscribe', { city: cityB.slug, grids: 'all' }, r));
    await until(() => mirror.snapshots === 1);

    // JSON over HTTP on A
    const code = cityA.data.components.codes[7]!;
    const res = await fetch(`${a.base}/api/trpc/ingest.batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer test-token-123456' },
      body: JSON.stringify({ city: cityA.slug, changes: [{ componentCode: code, state: 'alarm', value: 0.42 }] }),
    });
    expect(res.status).toBe(200);
    await until(() => mirror.states[7] === STATE_CODE.alarm);
    expect(mirror.values[7]).toBeCloseTo(0.42, 5);
    expect(cityB.live.states[7]).toBe(STATE_CODE.alarm);

    // a binary batch applied on B reaches A
    const n = 500;
    const idx = Array.from({ length: n }, (_, k) => 100 + 3 * k);
    const batch = encodeBinaryBatch(cityB.live.count, n, idx, idx.map(() => STATE_CODE.damaged), idx.map((_, k) => k / 10));
    const r = await b.app.twin.ingestBinary(cityB.slug, batch, 'mqtt');
    expect(r.accepted).toBe(n);
    await until(() => idx.every((i) => cityA.live.states[i] === STATE_CODE.damaged));
    await until(() => idx.every((i) => mirror.states[i] === STATE_CODE.damaged));
    await new Promise((res2) => setTimeout(res2, 700)); // roll-ups
    expect([...cityA.live.states]).toEqual([...cityB.live.states]);
    expect([...cityA.live.rollup]).toEqual([...cityB.live.rollup]);
    expect([...mirror.levels]).toEqual([...cityB.live.level]);
  });
});
