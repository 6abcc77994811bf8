// The parts of `npm run bench -- hardening`, also run (shorter) by server/hardening.fuzz.test.ts.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { io as ioClient, type Socket } from 'socket.io-client';
import { connectAsync, type MqttClient } from 'mqtt';
import { openDb, type Db } from '../../server/db';
import { createTwinServer, type TwinServer } from '../../server/app';
import type { CityRuntime } from '../../server/twin';
import { STATE_MASK } from '../../models/live';
import { mirrorClient } from './mirror';
import type { SoakPlan } from './soakClients';
import { STATE_COUNT } from '../../models/fiveColour';
import { mulberry32 } from '../../server/live/simulator';
import { Fuzzer, type Malformed } from './fuzz';
import { ImportFuzzer, type ImportMalformed } from './importFuzz';
import { sendImport } from './importSend';
import { sessionCookieFor, TEST_ADMIN } from '../../server/accounts/testSession';

export const TOKEN = 'hardening-bench-token';
const SOAK_CHILD = fileURLToPath(new URL('./soakClients.ts', import.meta.url));
const IDLE_CHILD = fileURLToPath(new URL('./idleLoop.ts', import.meta.url));

export interface Ctx { app: TwinServer; db: Db; base: string; mqttUrl: string; city: CityRuntime; adminCookie: string; dataDir: string | null }

/**
 * The twin in this process (no Next), simulator off, MQTT on a free port. PGlite keeps its files in
 * a temporary directory as the product does under DATA_DIR (`onDisk`); in memory, every history row
 * the soak writes would stay in this process's memory and the soak's RSS would measure the data.
 */
export async function startTwin(opts: { onDisk?: boolean } = {}): Promise<Ctx> {
  const dataDir = opts.onDisk ? mkdtempSync(join(tmpdir(), 'twin-hardening-')) : null;
  const db = await openDb(dataDir ? { dataDir } : {});
  const app = await createTwinServer({
    env: { DATA_DIR: '', INGEST_TOKEN: TOKEN, SIMULATOR: 'off', DEFAULT_CITY_PRESET: 'default', MQTT: 'on', MQTT_PORT: 0, HOST: '127.0.0.1', SIM_CONCURRENCY: 2, ...TEST_ADMIN },
    db, tickMs: 30,
  });
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  // the import routes are for administrators
  const adminCookie = await sessionCookieFor(base, TEST_ADMIN.TWIN_BOOTSTRAP_ADMIN, TEST_ADMIN.TWIN_BOOTSTRAP_PASSWORD);
  return { app, db, base, mqttUrl: `mqtt://127.0.0.1:${app.mqtt!.port}`, city: [...app.twin.cities.values()][0]!, adminCookie, dataDir };
}

export async function stopTwin(ctx: Ctx) {
  await ctx.app.close();
  await ctx.db.close();
  if (ctx.dataDir) rmSync(ctx.dataDir, { recursive: true, force: true });
}

/**
 * Everything a refused message must leave as it was: the live arrays, the history writer's memory
 * (written out first) and the stored tables, as one digest.
 */
export async function stateDigest(ctx: Ctx): Promise<string> {
  // one hash per part, so that a difference says where it is
  const parts: string[] = [];
  const hash = (name: string, ...data: (string | Uint8Array)[]) => {
    const h = createHash('sha256');
    for (const d of data) h.update(d);
    parts.push(`${name}:${h.digest('hex').slice(0, 16)}`);
  };
  const live = ctx.city.live;
  const bytes = (a: Float32Array | Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  // staleness is time's doing, not a message's: a component that turns stale during a long run
  // sets its stale bit (and moves its grid's roll-up), so the digest takes the states without it
  // and leaves the roll-ups (derived from the states) out
  hash('live', live.states.map((x) => x & STATE_MASK), bytes(live.values), bytes(live.lastReportMs), String(ctx.app.twin.history.pending));
  await ctx.app.twin.history.flush();
  for (const [name, sql] of [
    ['components', `select md5(coalesce(string_agg(concat_ws(',', idx, state, value, last_report_at, data_source), ';' order by city_id, idx), '')) as d from components`],
    ['state_changes', `select md5(coalesce(string_agg(concat_ws(',', id, city_id, component_idx, at, state, value, source), ';' order by id), '')) as d from state_changes`],
    ['component_history', `select md5(coalesce(string_agg(concat_ws(',', city_id, component_idx, bucket_start, reports, readings, state_first, state_last, states_seen,
       value_min, value_max, value_mean, value_last, last_at, source, sources_seen), ';' order by city_id, component_idx, bucket_start), '')) as d from component_history`],
  ] as const) hash(name, (await ctx.db.query<{ d: string }>(sql)).rows[0]!.d);
  // the city tables an import writes (every row, in a fixed order)
  for (const t of ['cities', 'city_blobs', 'components', 'unit_grids', 'responsibility_grids', 'prone_points', 'departments']) {
    const { rows } = await ctx.db.query<{ h: string | null; n: number }>(`select md5(string_agg(md5(t::text), '' order by md5(t::text))) as h, count(*)::int as n from ${t} t`);
    hash(`${t} rows`, `${rows[0]!.n}:${rows[0]!.h}`);
  }
  return parts.join(' ');
}

/** The parts of two digests that differ. */
export const digestDiff = (a: string, b: string) => a.split(' ').filter((p) => !b.split(' ').includes(p)).map((p) => p.split(':')[0]);

export interface FuzzResult {
  sent: number;
  refused: number;
  /** 5xx, internal rejections, dropped connections, unanswered messages, exceptions in the process */
  crashes: number;
  byChannel: Record<string, { sent: number; refused: number; crashes: number }>;
  /** a few reasons per channel, to show what the refusals say */
  samples: Record<string, string[]>;
  ms: number;
}

/**
 * Sends `count` malformed messages over HTTP ingest, tRPC, MQTT, socket.io and file import
 * (`importShare` of them, through the CLI's and the /import page's paths), `concurrency` at a time.
 */
export async function fuzz(ctx: Ctx, count: number, seed = 1, concurrency = 8, importShare = 0.1): Promise<FuzzResult> {
  const f = new Fuzzer(seed, { slug: ctx.city.slug, codes: ctx.city.data.components.codes, count: ctx.city.live.count, gridCount: ctx.city.live.gridCount });
  const fi = new ImportFuzzer(seed, { slug: ctx.city.slug, lon: ctx.city.data.meta.originLonDeg, lat: ctx.city.data.meta.originLatDeg });
  const importDir = mkdtempSync(join(tmpdir(), 'twin-fuzz-import-'));
  const res: FuzzResult = { sent: 0, refused: 0, crashes: 0, byChannel: {}, samples: {}, ms: 0 };
  const note = (ch: string, outcome: 'refused' | 'crash', reason: string) => {
    const b = (res.byChannel[ch] ??= { sent: 0, refused: 0, crashes: 0 });
    if (outcome === 'refused') { b.refused++; res.refused++; } else { b.crashes++; res.crashes++; }
    const s = (res.samples[ch] ??= []);
    if (outcome === 'crash' || (s.length < (ch === 'import' ? 60 : 4) && reason && !s.includes(reason.slice(0, 160)))) s.push(`${outcome === 'crash' ? 'CRASH ' : ''}${reason.slice(0, 160)}`);
  };
  let uncaught = 0;
  const onUncaught = () => uncaught++;
  process.on('uncaughtException', onUncaught);

  // MQTT: a publisher and a watcher of the rejections; each malformed message must be answered there.
  const pub: MqttClient = await connectAsync(ctx.mqttUrl, { username: 'twin', password: TOKEN, reconnectPeriod: 0 });
  const watch: MqttClient = await connectAsync(ctx.mqttUrl, { username: 'twin', password: TOKEN, reconnectPeriod: 0 });
  let mqttClosed = 0;
  pub.on('close', () => mqttClosed++);
  await watch.subscribeAsync('twin/v1/+/rejected', { qos: 0 });
  let replies = 0;
  watch.on('message', (_t, payload) => {
    replies++;
    const r = JSON.parse(payload.toString()) as { kind: string; reason: string };
    note('mqtt', r.kind === 'internal' ? 'crash' : 'refused', `${r.kind}: ${r.reason}`);
  });
  // socket.io: several clients (the subscribe budget is per client)
  const sockets: Socket[] = [];
  for (let k = 0; k < 16; k++) {
    const s = ioClient(ctx.base, { transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise<void>((resolve, reject) => { s.once('connect', () => resolve()); s.once('connect_error', reject); });
    sockets.push(s);
  }
  const send = async (m: Malformed, s?: Socket) => {
    const ch = m.channel;
    const ts = performance.now();
    const slow = process.env.BENCH_DEBUG ? setTimeout(() => console.log(`slow ${ch}: ${JSON.stringify(m).slice(0, 300)}`), 5000) : undefined;
    try { await send1(m, s); } finally { clearTimeout(slow); timing[ch] = (timing[ch] ?? 0) + performance.now() - ts; }
  };
  const timing: Record<string, number> = {};
  const sendImportOne = async (m: ImportMalformed) => {
    const ts = performance.now();
    (res.byChannel.import ??= { sent: 0, refused: 0, crashes: 0 }).sent++;
    res.sent++;
    try {
      const what = m.kind === 'file' ? `${m.format} ${m.broken} (${m.via})` : m.kind;
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<{ outcome: 'crash'; reason: string }>((r) => { timer = setTimeout(() => r({ outcome: 'crash', reason: `no answer in 60 s to ${what}` }), 60_000); });
      const o = await Promise.race([sendImport(ctx.db, ctx.base, ctx.adminCookie, importDir, m), hung]);
      clearTimeout(timer);
      if (process.env.BENCH_DEBUG) console.log(`import ${what}: ${o.outcome} ${Math.round(performance.now() - ts)} ms ${o.reason.slice(0, 200)}`);
      note('import', o.outcome, m.kind === 'file' ? `${m.format} ${m.broken} (${m.via}): ${o.reason}` : `${m.kind}: ${o.reason}`);
    } catch (err) {
      note('import', 'crash', err instanceof Error ? err.message : String(err));
    } finally { timing.import = (timing.import ?? 0) + performance.now() - ts; }
  };
  const send1 = async (m: Malformed, s?: Socket) => {
    const ch = m.channel;
    (res.byChannel[ch] ??= { sent: 0, refused: 0, crashes: 0 }).sent++;
    res.sent++;
    const auth: Record<string, string> = m.channel !== 'mqtt' && m.channel !== 'socket' && m.token !== 'none'
      ? { authorization: `Bearer ${m.token === 'good' ? TOKEN : 'not-the-token'}` } : {};
    try {
      if (m.channel === 'http' || m.channel === 'trpc') {
        const url = m.channel === 'http' ? `${ctx.base}/api/ingest/${m.city}` : `${ctx.base}/api/trpc/ingest.batch`;
        const method = m.channel === 'http' ? m.method ?? 'POST' : 'POST';
        const r = await fetch(url, { method, headers: { ...auth, 'content-type': m.channel === 'http' ? 'application/octet-stream' : 'application/json' }, body: method === 'GET' ? undefined : m.body as BodyInit });
        const text = await r.text();
        const reason = (() => { try { const j = JSON.parse(text); return j.error?.message ?? j.error ?? ''; } catch { return ''; } })();
        if (r.status >= 400 && r.status < 500 && String(reason).length > 0) note(ch, 'refused', `${r.status} ${reason}`);
        else note(ch, 'crash', `${r.status} ${text.slice(0, 200)}`);
      } else if (m.channel === 'mqtt') {
        await pub.publishAsync(m.topic, m.payload, { qos: 1 });
      } else {
        if (!s) throw new Error('no socket');
        if (m.event === 'subscribe') {
          const ack = await s.timeout(5000).emitWithAck('subscribe', m.payload as never) as { ok: boolean; error?: string };
          if (!ack.ok && ack.error) note(ch, 'refused', ack.error);
          else note(ch, 'crash', `accepted: ${JSON.stringify(m.payload).slice(0, 100)}`);
        } else {
          const problem = new Promise<string>((resolve, reject) => {
            const t = setTimeout(() => reject(new Error(`no answer to ${m.event} ${JSON.stringify(m.payload)?.slice(0, 100)}`)), 5000);
            s.once('problem', (p: string) => { clearTimeout(t); resolve(p); });
          });
          s.emit(m.event, m.payload as never);
          note(ch, 'refused', await problem);
        }
      }
    } catch (err) {
      note(ch, 'crash', err instanceof Error ? err.message : String(err));
    }
  };

  const t0 = performance.now();
  // socket requests are answered by event, not by id: one at a time per client keeps answers matched
  let made = 0, turn = 0;
  const chains = sockets.map(() => Promise.resolve());
  // a fuzzer bug must end the run, not be counted by the uncaught-exception counter above
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (made < count) {
      made++;
      if (f.r() < importShare) { await sendImportOne(fi.next()); continue; }
      const m = f.next();
      if (m.channel === 'socket') {
        const k = turn++ % sockets.length;
        const p = chains[k]!.then(() => send(m, sockets[k]));
        chains[k] = p;
        await p;
      } else {
        await send(m);
      }
    }
  })).catch((e: unknown) => { process.off('uncaughtException', onUncaught); throw e; });
  await Promise.all(chains);
  const mqttSent = res.byChannel.mqtt?.sent ?? 0;
  const until = Date.now() + 10_000;
  while (replies < mqttSent && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  for (let k = replies; k < mqttSent; k++) note('mqtt', 'crash', 'no rejection reply');
  res.ms = performance.now() - t0;
  rmSync(importDir, { recursive: true, force: true });
  if (process.env.BENCH_DEBUG) console.log('ms per channel', timing);
  res.crashes += uncaught + mqttClosed;
  process.off('uncaughtException', onUncaught);
  for (const s of sockets) s.close();
  await pub.endAsync(true);
  await watch.endAsync(true);
  return res;
}

/** Random changes straight into the twin at `perS` a second (the stream), until stopped. */
export function stream(ctx: Ctx, perS: number, seed = 5) {
  const r = mulberry32(seed);
  const city = ctx.city, n = city.live.count;
  const every = 10;
  const cap = Math.max(1, Math.round(perS / 10)); // at most 100 ms of changes at once
  const idx = new Uint32Array(cap), st = new Uint8Array(cap), val = new Float32Array(cap);
  let applied = 0;
  const t0 = performance.now();
  // by elapsed time: a late timer is made up for, so the rate holds when the loop is busy
  const timer = setInterval(() => {
    const per = Math.min(cap, Math.floor((perS * (performance.now() - t0)) / 1000) - applied);
    if (per <= 0) return;
    for (let k = 0; k < per; k++) { idx[k] = Math.floor(r() * n); st[k] = Math.floor(r() * STATE_COUNT); val[k] = Math.fround(r()); }
    ctx.app.twin.applyChanges(city, per, idx, st, val, Date.now(), 'load');
    applied += per;
  }, every);
  return { stop() { clearInterval(timer); return { applied, perS: applied / ((performance.now() - t0) / 1000) }; } };
}

const target = (ctx: Ctx) => ({ base: ctx.base, slug: ctx.city.slug, count: ctx.city.live.count, gridCount: ctx.city.live.gridCount });

/**
 * A client drops its connection during the stream and connects again: the time from the new
 * connection to its snapshot (from then on it follows in sequence), then, once the stream stops,
 * whether it holds exactly the server's state (no update lost).
 */
export async function reconnect(ctx: Ctx, perS: number, streamMs = 1500) {
  const c = mirrorClient(target(ctx));
  await waitFor(() => c.mirror.snapshots >= 1, 'the first snapshot');
  const s = stream(ctx, perS);
  await sleep(streamMs / 2);
  c.socket.disconnect();
  await sleep(200);
  const before = c.mirror.snapshots;
  const t0 = performance.now();
  c.socket.connect();
  await waitFor(() => c.mirror.snapshots > before, 'the snapshot after reconnecting', 10_000);
  const convergeMs = performance.now() - t0;
  await sleep(streamMs / 2);
  const rate = s.stop();
  await waitFor(() => c.quietFor() > 300, 'the stream to go quiet', 10_000);
  const live = ctx.city.live;
  let wrong = 0;
  for (let i = 0; i < live.count; i++) {
    const a = c.mirror.values[i]!, b = live.values[i]!;
    if (c.mirror.states[i] !== live.states[i] || !(a === b || (a !== a && b !== b))) wrong++;
  }
  c.socket.close();
  return { reconnectConvergeMs: Math.round(convergeMs), updatesLost: wrong, gaps: c.mirror.gaps, streamPerS: Math.round(rate.perS) };
}

/**
 * `clients` socket clients on random views while a stream of `perS` updates a second comes in over
 * HTTP ingest for `seconds`; the clients and the stream run in a child process, so the figures are
 * the server's own. RSS growth after a fifth of the time (warm-up), the longest event-loop stall
 * after it, and (with `stalls`) when each stall over 100 ms happened.
 */
export async function soak(ctx: Ctx, perS: number, clients: number, seconds: number) {
  const child = fork(SOAK_CHILD, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise<Record<string, number> & { type: string }>((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`the soak's clients exited (${code})`));
    child.once('exit', onExit);
    child.once('message', (m: Record<string, number> & { type: string }) => { child.off('exit', onExit); resolve(m); });
  });
  // the baseline: an idle event loop at the same priority, measured over the same window
  const idle = fork(IDLE_CHILD, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const idleReady = new Promise((r) => idle.once('message', r));
  try {
    await idleReady;
    const ready = next();
    child.send({ ...target(ctx), token: TOKEN, clients, perS } satisfies SoakPlan);
    await ready;
    const done = next();
    child.send({ type: 'stream' });
    const h = monitorEventLoopDelay({ resolution: 10 });
    const stalls = stallSampler(100);
    const warm = Math.max(1, Math.round(seconds / 5));
    await sleep(warm * 1000);
    const rows = async () => Number((await ctx.db.query<{ n: string }>('select count(*)::text as n from component_history')).rows[0]!.n);
    const rows0 = await rows();
    const m0 = process.memoryUsage();
    const rss0 = m0.rss;
    h.enable();
    stalls.reset();
    idle.send('start');
    let rssMax = rss0;
    for (let t = warm; t < seconds; t++) {
      await sleep(1000);
      rssMax = Math.max(rssMax, process.memoryUsage().rss);
    }
    h.disable();
    const over = stalls.stop();
    const base = new Promise<{ maxMs: number; p99Ms: number; over100: number }>((r) => idle.once('message', r));
    idle.send('stop');
    const b = await base;
    const m1 = process.memoryUsage();
    const rss1 = m1.rss;
    child.send({ type: 'stop' });
    const r = await done;
    const mb = (b: number) => Math.round(b / 1e5) / 10;
    return {
      soakSeconds: seconds, soakClients: clients, soakPerS: Math.round(r.perS!), soakIngestRefused: r.refused!, soakIngestResets: r.resets!,
      soakRssGrowthPct: Math.round(((rss1 - rss0) / rss0) * 1000) / 10, soakRssMaxGrowthPct: Math.round(((rssMax - rss0) / rss0) * 1000) / 10,
      maxEventLoopStallMs: Math.round(h.max / 1e6), eventLoopP99Ms: Math.round(h.percentile(99) / 1e5) / 10,
      stallsOver100Ms: over.length, gapsInSoak: r.gaps!,
      idleProcessMaxStallMs: b.maxMs, idleProcessP99Ms: b.p99Ms, idleProcessStallsOver100Ms: b.over100,
      // where memory went after warm-up: the JS heap, buffers outside it, and the history the soak stored
      soakRssMb: [mb(rss0), mb(rss1)], soakHeapUsedMb: [mb(m0.heapUsed), mb(m1.heapUsed)], soakExternalMb: [mb(m0.external), mb(m1.external)],
      soakHistoryRows: [rows0, await rows()], soakDbOnDisk: ctx.dataDir !== null,
    };
  } finally {
    if (child.exitCode === null) child.kill();
    if (idle.exitCode === null) idle.kill();
  }
}

/** Each event-loop turn later than `overMs`: when, and by how much (BENCH_DEBUG prints them as they come). */
function stallSampler(overMs: number) {
  let seen: { atS: number; ms: number }[] = [];
  const t0 = performance.now();
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now(), late = now - last - 20;
    if (late > overMs) {
      seen.push({ atS: Math.round((now - t0) / 100) / 10, ms: Math.round(late) });
      if (process.env.BENCH_DEBUG) console.log(`stall ${Math.round(late)} ms at ${((now - t0) / 1000).toFixed(1)} s`);
    }
    last = now;
  }, 20);
  return { reset() { seen = []; }, stop() { clearInterval(timer); return seen; } };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(cond: () => boolean, what: string, ms = 10_000) {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export { STATE_MASK };
