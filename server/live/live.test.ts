import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { io as ioClient, type Socket } from 'socket.io-client';
import { openDb, type Db } from '../db';
import { createTwinServer, type TwinServer } from '../app';
import { decodeFrame, FRAME_DELTA, ROLLUP_COLUMNS, type ClientToServerEvents, type LiveFrame, type ServerToClientEvents } from '../../models/live';
import { LiveMirror } from '../../models/liveMirror';
import type { CityRuntime } from '../twin';
import { until } from '../testUtil';

let db: Db;
let app: TwinServer;
let base: string;
let city: CityRuntime;
const sockets: Socket[] = [];

/** A client that keeps a mirror by the frame rules and re-subscribes after every reconnect. */
function client(grids: 'all' | number[]) {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = ioClient(base, { transports: ['websocket'], forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 100 });
  sockets.push(socket);
  const mirror = new LiveMirror(city.live.count, city.live.gridCount);
  const c = { socket, mirror, grids, frames: [] as LiveFrame[], problems: [] as string[], subscribed: 0 };
  socket.on('connect', () => {
    mirror.reset();
    socket.emit('subscribe', { city: city.slug, grids: c.grids }, (res) => { if (res.ok) c.subscribed++; else c.problems.push(res.error); });
  });
  socket.on('frame', (_city, data) => {
    const f = decodeFrame(data);
    c.frames.push(f);
    if (mirror.apply(f) === 'gap') socket.emit('snapshot', { city: city.slug });
  });
  socket.on('problem', (m) => c.problems.push(m));
  return c;
}

/** The components of the given unit grids (all when 'all'). */
function componentsOf(grids: 'all' | number[]): number[] {
  if (grids === 'all') return Array.from({ length: city.live.count }, (_, i) => i);
  const { start, components } = city.byGrid;
  return grids.flatMap((g) => Array.from(components.subarray(start[g]!, start[g + 1]!)));
}

function sameAsServer(m: LiveMirror, grids: 'all' | number[]) {
  const wrong: number[] = [];
  for (const i of componentsOf(grids)) {
    const a = m.values[i]!, b = city.live.values[i]!;
    if (m.states[i] !== city.live.states[i] || !(a === b || (a !== a && b !== b))) wrong.push(i);
  }
  const rollupWrong: number[] = [];
  for (let g = 0; g < city.live.gridCount; g++) {
    let ok = m.levels[g] === city.live.level[g];
    for (let k = 0; k < ROLLUP_COLUMNS; k++) ok &&= m.rollup[g * ROLLUP_COLUMNS + k] === city.live.rollup[g * ROLLUP_COLUMNS + k];
    if (!ok) rollupWrong.push(g);
  }
  return { wrong, rollupWrong };
}

/** Random changes straight into the twin, as an ingest source would make them, until stopped. */
function load(perTick: number) {
  let seed = 99;
  const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296);
  const idx = new Uint32Array(perTick), st = new Uint8Array(perTick), val = new Float32Array(perTick);
  const timer = setInterval(() => {
    for (let k = 0; k < perTick; k++) {
      idx[k] = Math.floor(rand() * city.live.count);
      st[k] = Math.floor(rand() * 9);
      val[k] = Math.fround(rand());
    }
    app.twin.applyChanges(city, perTick, idx, st, val, Date.now(), 'load');
  }, 5);
  return () => clearInterval(timer);
}

/** Waits for quiet: nothing pending and the roll-ups sent (they leave at most every 500 ms). */
async function quiet() {
  await until(() => city.live.pending === 0);
  await new Promise((r) => setTimeout(r, 700));
}

beforeAll(async () => {
  db = await openDb({});
  app = await createTwinServer({
    env: { DATA_DIR: '', INGEST_TOKEN: 'test-token-123456', SIMULATOR: 'off', DEFAULT_CITY_PRESET: 'default' },
    db, tickMs: 20, mqtt: false,
  });
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  city = app.twin.cities.values().next().value!;
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await app?.close();
  await db?.close();
});

describe('live stream under load', () => {
  it('clients that reconnect during the stream, or show a viewport, end in the server state', async () => {
    const viewport = [3, 4, 5, 23, 24, 25];
    const all = client('all');
    const part = client(viewport);
    const flaky = client('all');
    await until(() => all.subscribed && part.subscribed && flaky.subscribed ? true : false);
    const stop = load(400);
    await new Promise((r) => setTimeout(r, 300));
    // drop the connection under the client, as a network blip does; socket.io reconnects
    (flaky.socket.io.engine as unknown as { close(): void }).close();
    await until(() => flaky.subscribed >= 2);
    await new Promise((r) => setTimeout(r, 300));
    stop();
    await quiet();
    expect(flaky.mirror.snapshots).toBeGreaterThanOrEqual(2);
    for (const [c, grids] of [[all, 'all'], [part, viewport], [flaky, 'all']] as const) {
      const r = sameAsServer(c.mirror, grids);
      expect(r.wrong).toEqual([]);
      expect(r.rollupWrong).toEqual([]);
    }
    // the viewport client got only its grids in detail
    const mine = new Set(componentsOf(viewport));
    const deltas = part.frames.filter((f) => f.kind === FRAME_DELTA);
    expect(deltas.length).toBeGreaterThan(3);
    for (const f of deltas) if (f.kind === FRAME_DELTA) for (const i of f.indices) expect(mine.has(i)).toBe(true);
  });

  it('a view change sends the newly shown grids, then their deltas', async () => {
    const c = client([0, 1]);
    await until(() => c.subscribed === 1);
    await until(() => c.mirror.snapshots >= 1);
    const next = [1, 2, 40, 41];
    c.grids = next;
    const acked = new Promise((r) => c.socket.emit('subscribe', { city: city.slug, grids: next }, r));
    expect(await acked).toMatchObject({ ok: true, grids: 4 });
    const stop = load(100);
    await new Promise((r) => setTimeout(r, 300));
    stop();
    await quiet();
    expect(sameAsServer(c.mirror, next).wrong).toEqual([]);
    expect(c.mirror.snapshots).toBe(2);
  });

  it('a gap makes the client ask for a snapshot and it ends in the server state', async () => {
    const c = client('all');
    await until(() => c.subscribed === 1 && c.mirror.snapshots === 1);
    let dropped = 0;
    const orig = c.mirror.apply.bind(c.mirror);
    c.mirror.apply = (f) => (f.kind === FRAME_DELTA && dropped++ === 1 ? 'ignored' : orig(f)); // the second delta is lost
    const stop = load(50);
    await until(() => c.mirror.gaps >= 1);
    stop();
    await quiet();
    expect(c.mirror.snapshots).toBeGreaterThanOrEqual(2);
    const r = sameAsServer(c.mirror, 'all');
    expect(r.wrong).toEqual([]);
    expect(r.rollupWrong).toEqual([]);
  });

  it('rejects malformed subscriptions with the reason and keeps the old one', async () => {
    const c = client([0]);
    await until(() => c.subscribed === 1);
    const bad = await new Promise<{ ok: boolean; error?: string }>((r) => c.socket.emit('subscribe', { city: city.slug, grids: [0, 99_999] }, r));
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(/unit grid 99999 does not exist/);
    const worse = await new Promise<{ ok: boolean; error?: string }>((r) => c.socket.emit('subscribe', { city: city.slug, grids: 'some' as never }, r));
    expect(worse.error).toMatch(/^subscribe: grids: /);
    expect(app.live.subscriptions().find((s) => s.id === c.socket.id)).toMatchObject({ grids: 1, all: false });
  });
});
