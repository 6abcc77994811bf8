import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { io as ioClient, type Socket } from 'socket.io-client';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { openDb, type Db } from './db';
import { createTwinServer, type TwinServer } from './app';
import type { AppRouter } from './trpc/router';
import { decodeFrame, FRAME_DELTA, FRAME_SNAPSHOT, type LiveFrame } from '../models/live';
import { LiveMirror } from '../models/liveMirror';
import { COMPONENT_STATES, STATE_CODE } from '../models/components';
import { decodeLayer } from '../models/layers';
import { encodeBinaryBatch } from '../models/ingest';
import { until } from './testUtil';

const TOKEN = 'test-token-123456';
let db: Db;
let app: TwinServer;
let base: string;
let slug: string;
const clients: Socket[] = [];

function trpc(token?: string) {
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${base}/api/trpc`, headers: () => (token ? { authorization: `Bearer ${token}` } : {}) })],
  });
}

/** A socket.io client that keeps a mirror of one city's live state by the frame rules. */
async function liveClient(city: string, opts: { dropDelta?: number; grids?: 'all' | number[] } = {}) {
  const socket = ioClient(base, { transports: ['websocket'], forceNew: true });
  clients.push(socket);
  const frames: LiveFrame[] = [];
  const rt = app.twin.cities.get(city)!;
  const mirror = new LiveMirror(rt.live.count, rt.live.gridCount);
  let deltasSeen = 0;
  socket.on('frame', (_c: string, data: ArrayBuffer) => {
    const f = decodeFrame(data);
    if (f.kind === FRAME_DELTA && ++deltasSeen === opts.dropDelta) return; // simulate a lost frame
    frames.push(f);
    if (mirror.apply(f) === 'gap') socket.emit('snapshot', { city });
  });
  const ack = await new Promise<{ ok: boolean }>((resolve) => socket.emit('subscribe', { city, grids: opts.grids ?? 'all' }, resolve));
  expect(ack.ok).toBe(true);
  const componentFrames = () => frames.filter((f) => f.kind === FRAME_SNAPSHOT || f.kind === FRAME_DELTA);
  return { socket, frames, componentFrames, mirror, states: mirror.states, get lastSeq() { return mirror.lastSeq; } };
}

beforeAll(async () => {
  db = await openDb({}); // PGlite in memory
  app = await createTwinServer({
    env: { DATA_DIR: '', INGEST_TOKEN: TOKEN, SIMULATOR: 'off', DEFAULT_CITY_PRESET: 'default' },
    db, tickMs: 20,
  });
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  slug = [...app.twin.cities.keys()][0]!;
});

afterAll(async () => {
  for (const c of clients) c.close();
  await app?.close();
  await db?.close();
});

describe('tRPC over HTTP', () => {
  it('lists the generated city with its counts', async () => {
    const list = await trpc().city.list.query();
    expect(list).toHaveLength(1);
    expect(list[0]!.counts.components).toBeGreaterThan(1000);
    expect(list[0]!.counts.unitGrids).toBeGreaterThan(50);
  });
  it('gives one city by slug, NOT_FOUND for another', async () => {
    expect((await trpc().city.get.query({ city: slug })).slug).toBe(slug);
    await expect(trpc().city.get.query({ city: 'nowhere' })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
  });
  it('gives a component with its 17-digit code, class, departments and grid', async () => {
    const c = await trpc().component.get.query({ city: slug, index: 0 });
    expect(c.code).toMatch(/^\d{17}$/);
    expect(c.unitGridCode).toMatch(/^\d{15}$/);
    expect(c.className.zh.length).toBeGreaterThan(0);
    expect(c.lonDeg).toBeGreaterThan(119);
    const same = await trpc().component.byCode.query({ city: slug, code: c.code });
    expect(same.index).toBe(0);
  });
  it('gives a unit grid with counts by state', async () => {
    const g = await trpc().grid.get.query({ city: slug, index: 0 });
    expect(g.code).toMatch(/^\d{15}$/);
    // every component of the grid counted once, under the state the live store holds for it
    const rt = app.twin.cities.get(slug)!;
    const { unitGrid } = rt.data.components;
    const want: Record<string, number> = {};
    for (const s of COMPONENT_STATES) want[s.key] = 0;
    let inGrid = 0;
    for (let i = 0; i < unitGrid.length; i++) {
      if (unitGrid[i] !== 0) continue;
      inGrid++;
      want[COMPONENT_STATES.find((s) => s.code === rt.live.states[i])!.key]!++;
    }
    expect(inGrid).toBeGreaterThan(0);
    expect(g.countsByState).toEqual(want);
  });
  it('answers NOT_FOUND for an unknown component, BAD_REQUEST with the path for bad input', async () => {
    await expect(trpc().component.get.query({ city: slug, index: 10_000_000 })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    const err = await trpc().component.get.query({ city: slug, index: -1 }).catch((e) => e);
    expect(err).toBeInstanceOf(TRPCClientError);
    expect(err.data.code).toBe('BAD_REQUEST');
    expect(err.data.issues[0].path).toBe('index');
  });
});

describe('ingest', () => {
  const historyCount = async () => Number((await db.query<{ n: number }>('select count(*)::int as n from state_changes')).rows[0]!.n);

  it('rejects a missing or wrong token and changes nothing', async () => {
    const city = app.twin.cities.get(slug)!;
    const code = city.data.components.codes[1]!;
    const before = city.live.states[1];
    const h0 = await historyCount();
    for (const client of [trpc(), trpc('wrong-token-0000')]) {
      await expect(client.ingest.batch.mutate({ city: slug, changes: [{ componentCode: code, state: 'missing' }] }))
        .rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    }
    expect(city.live.states[1]).toBe(before);
    expect(await historyCount()).toBe(h0);
  });

  it('rejects a batch with one unknown component, naming it, and applies none of it', async () => {
    const city = app.twin.cities.get(slug)!;
    const good = city.data.components.codes[2]!;
    const before = city.live.states[2];
    const h0 = await historyCount();
    const err = await trpc(TOKEN).ingest.batch
      .mutate({ city: slug, changes: [{ componentCode: good, state: 'damaged' }, { componentCode: '33050201037999999', state: 'damaged' }] })
      .catch((e) => e);
    expect(err.data.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(/changes\[1\]\.componentCode: unknown component 33050201037999999/);
    expect(city.live.states[2]).toBe(before);
    expect(city.live.pending).toBe(0);
    expect(await historyCount()).toBe(h0);
  });

  it('rejects a malformed batch with the field path', async () => {
    const city = app.twin.cities.get(slug)!;
    const err = await trpc(TOKEN).ingest.batch
      .mutate({ city: slug, changes: [{ componentCode: city.data.components.codes[3]!, state: 'exploded' as never }] })
      .catch((e) => e);
    expect(err.data.code).toBe('BAD_REQUEST');
    expect(err.data.issues[0].path).toBe('changes.0.state');
  });

  it('applies a good batch, stores its history and reaches a subscribed client as a delta', async () => {
    const client = await liveClient(slug);
    await until(() => client.frames.some((f) => f.kind === FRAME_SNAPSHOT));
    const city = app.twin.cities.get(slug)!;
    const i = 5;
    const t0 = Date.now();
    const r = await trpc(TOKEN).ingest.batch.mutate({ city: slug, changes: [{ componentCode: city.data.components.codes[i]!, state: 'missing' }] });
    expect(r.accepted).toBe(1);
    await until(() => client.states[i] === STATE_CODE.missing, 'the ingested state at the client', 1000);
    expect(Date.now() - t0).toBeLessThan(1000);
    const detail = await trpc().component.get.query({ city: slug, index: i });
    expect(detail.state).toBe('missing');
    expect(detail.history[0]).toMatchObject({ state: 'missing', source: 'api' });
  });
});

describe('live stream', () => {
  it('a late client gets a snapshot, then consecutive deltas', async () => {
    const city = app.twin.cities.get(slug)!;
    for (let k = 0; k < 3; k++) {
      city.live.set(10 + k, STATE_CODE.damaged, NaN, Date.now());
      await until(() => city.live.pending === 0);
    }
    const client = await liveClient(slug);
    await until(() => client.componentFrames().length >= 1);
    expect(client.componentFrames()[0]!.kind).toBe(FRAME_SNAPSHOT);
    expect(client.states[11]).toBe(STATE_CODE.damaged);
    const s0 = client.componentFrames()[0]!.seq;
    city.live.set(20, STATE_CODE.offline, NaN, Date.now());
    await until(() => client.states[20] === STATE_CODE.offline);
    city.live.set(21, STATE_CODE.offline, NaN, Date.now());
    await until(() => client.states[21] === STATE_CODE.offline);
    const deltas = client.componentFrames().filter((f) => f.kind === FRAME_DELTA).map((f) => f.seq);
    expect(deltas).toEqual([s0 + 1, s0 + 2]);
  });

  it('a gap makes the client ask for a snapshot, and it ends in the server state', async () => {
    const city = app.twin.cities.get(slug)!;
    const client = await liveClient(slug, { dropDelta: 2 });
    await until(() => client.componentFrames().length >= 1);
    for (let k = 0; k < 4; k++) {
      city.live.set(30 + k, STATE_CODE.alarm, 0.5, Date.now());
      await until(() => city.live.pending === 0);
      await new Promise((r) => setTimeout(r, 30));
    }
    await until(() => client.componentFrames().filter((f) => f.kind === FRAME_SNAPSHOT).length >= 2);
    expect(client.mirror.gaps).toBeGreaterThanOrEqual(1);
    await until(() => [...client.states].every((s, i) => s === city.live.states[i]));
    expect([...client.states]).toEqual([...city.live.states]);
  });

  it('rejects malformed socket payloads with the reason', async () => {
    const socket = ioClient(base, { transports: ['websocket'], forceNew: true });
    clients.push(socket);
    const ack = await new Promise<{ ok: boolean; error?: string }>((resolve) => socket.emit('subscribe', { city: 'NOT A SLUG' } as never, resolve));
    expect(ack.ok).toBe(false);
    expect(ack.error).toMatch(/city/);
    const problem = new Promise<string>((resolve) => socket.once('problem', resolve));
    socket.emit('snapshot', { city: slug });
    expect(await problem).toMatch(/subscribe/);
  });

  it('names the field of a malformed unsubscribe or snapshot request', async () => {
    const socket = ioClient(base, { transports: ['websocket'], forceNew: true });
    clients.push(socket);
    for (const event of ['unsubscribe', 'snapshot'] as const) {
      const problem = new Promise<string>((resolve) => socket.once('problem', resolve));
      socket.emit(event, { town: slug } as never);
      expect(await problem).toMatch(new RegExp(`^${event}: city: `));
    }
  });
});

describe('binary ingest over HTTP', () => {
  const post = (body: Uint8Array, token = TOKEN, city = slug) => fetch(`${base}/api/ingest/${city}`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: Buffer.from(body),
  });
  it('applies a good batch', async () => {
    const city = app.twin.cities.get(slug)!;
    const n = city.live.count;
    const res = await post(encodeBinaryBatch(n, 2, [40, 41], [STATE_CODE.warning, STATE_CODE.alarm], [0.3, 0.9]));
    expect(res.status).toBe(200);
    expect((await res.json()).accepted).toBe(2);
    expect([city.live.states[40], city.live.states[41]]).toEqual([STATE_CODE.warning, STATE_CODE.alarm]);
  });
  it('rejects a bad token, another registry, an index outside it and bad bytes, with the reason, changing nothing', async () => {
    const city = app.twin.cities.get(slug)!;
    const n = city.live.count;
    const before = city.live.states.slice();
    const cases: [Promise<Response>, number, RegExp][] = [
      [post(encodeBinaryBatch(n, 1, [50], [1], [0]), 'wrong-token-123'), 401, /Bearer/],
      [post(encodeBinaryBatch(n + 1, 1, [50], [1], [0])), 400, /registry of \d+ components, the city has \d+/],
      [post(encodeBinaryBatch(n, 2, [50, n], [1, 1], [0, 0])), 400, /component index \d+ is outside the registry/],
      [post(new Uint8Array(10)), 400, /shorter than the 24-byte header/],
      [post(encodeBinaryBatch(n, 1, [50], [1], [0]), TOKEN, 'nowhere'), 400, /no city "nowhere"/],
    ];
    for (const [p, status, reason] of cases) {
      const res = await p;
      expect(res.status).toBe(status);
      expect((await res.json()).error).toMatch(reason);
    }
    expect(city.live.states).toEqual(before);
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/twin_ingest_rejected_total\{boundary="http",reason="binary"\} [1-9]/);
  });
});

describe('binary layers', () => {
  it('serves every layer with an ETag, 304 when unchanged, and decodes', async () => {
    const res = await fetch(`${base}/api/layers/${slug}/components`);
    expect(res.status).toBe(200);
    const etag = res.headers.get('etag')!;
    const layer = decodeLayer('components', await res.arrayBuffer());
    expect(layer.count).toBe(app.twin.cities.get(slug)!.data.components.count);
    const again = await fetch(`${base}/api/layers/${slug}/components`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    for (const name of ['terrain', 'buildings', 'roads', 'water', 'grids', 'prone', 'ground'] as const) {
      const r = await fetch(`${base}/api/layers/${slug}/${name}`);
      expect(r.status).toBe(200);
      expect(() => decodeLayer(name, new Uint8Array(0))).toThrow();
      decodeLayer(name, await r.arrayBuffer());
    }
    expect((await fetch(`${base}/api/layers/${slug}/nonsense`)).status).toBe(404);
    expect((await fetch(`${base}/api/layers/nowhere/terrain`)).status).toBe(404);
  });
  it('says what is wrong with a layer URL', async () => {
    const bad = await fetch(`${base}/api/layers/Not_A_Slug/terrain`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/^city "Not_A_Slug": city slug: /);
    expect((await (await fetch(`${base}/api/layers/${slug}/nonsense`)).json()).error).toMatch(/unknown layer "nonsense" \(layers: terrain, /);
    expect((await fetch(`${base}/api/layers/${slug}/terrain/extra`)).status).toBe(404);
  });
  it('serves /healthz and /metrics', async () => {
    expect((await (await fetch(`${base}/healthz`)).json()).ok).toBe(true);
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/twin_live_frames_total/);
  });
});
