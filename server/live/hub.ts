import type { Server as HttpServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Server, type Socket } from 'socket.io';
import {
  FRAME_ROLLUP_DELTA, FRAME_ROLLUP_SNAPSHOT, snapshotRequestSchema, subscribeSchema, unsubscribeSchema,
  type ClientToServerEvents, type InterServerEvents, type ServerToClientEvents, type SocketData, type SubscribeAck,
} from '../../models/live';
import { formatIssues } from '../../models/issues';
import type { CityRuntime, Twin } from '../twin';
import { framesSent, ingestRejected, limitRefused, liveBytesSent, liveClients, snapshotsForced, stateChanges, tickSeconds } from '../metrics';
import { log } from '../log';
import { Outbox } from './outbox';
import { deltaCount, deltaFrame, rollupFrame, snapshotFrame } from './frames';
import { shareThroughRedis } from './hubRedis';

type TwinSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type TwinIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Packets a client may have queued (or bytes in its websocket) before it is treated as slow. */
const MAX_QUEUED_PACKETS = 32;
const MAX_BUFFERED_BYTES = 16 << 20;
/**
 * A client's `snapshot` requests are served at most this often: more are coalesced into one sent
 * when the interval is over (a full snapshot is 4.2 MB at huaibei; a client must not make the
 * server build them in a loop). A gap seen twice within a second still converges.
 */
export const SNAPSHOT_MIN_INTERVAL_MS = 1000;
/** `subscribe` requests per client: a burst of this many, then one per SUBSCRIBE_REFILL_MS. */
const SUBSCRIBE_BURST = 20;
const SUBSCRIBE_REFILL_MS = 200;

export interface LiveOptions {
  /** components tick: changes leave at most this often (ms) */
  tickMs?: number;
  /** roll-ups leave at most this often (ms) */
  rollupMs?: number;
  /** redis://... : share accepted changes with other server processes through the socket.io Redis adapter */
  redisUrl?: string;
}

/** One client's subscription: a city and the unit grids it gets in detail. */
interface Sub {
  socket: TwinSocket;
  city: CityRuntime;
  all: boolean;
  /** per unit grid: 1 when subscribed (null when all) */
  mask: Uint8Array | null;
  grids: Uint32Array;
  /** last components frame sent */
  seq: number;
  /** waiting for a snapshot: after a gap, or after being too slow */
  behind: boolean;
  /** when the last snapshot the client asked for (`snapshot`) left */
  lastSnapshotMs: number;
  /** a requested snapshot waits for SNAPSHOT_MIN_INTERVAL_MS to pass */
  snapshotDue: boolean;
}

interface CityStream {
  rollupSeq: number;
  lastRollupMs: number;
  subs: Set<Sub>;
}

/**
 * Fan-out of live state. Per tick, a city's changes are grouped by unit grid once; each client
 * gets one frame with the changes of the grids it shows (its viewport), in its own sequence.
 * Roll-ups (per unit grid counts and five-colour level) go to every client of the city at a
 * lower rate. A client whose socket is backed up gets nothing more until it drains, then one
 * snapshot of what it shows: coalesced to the latest state, never buffered without bound.
 */
export async function attachLive(server: HttpServer, twin: Twin, opts: LiveOptions = {}) {
  const io: TwinIo = new Server(server, {
    serveClient: false,
    // Next's dev server owns other upgrade paths (HMR): do not destroy them.
    destroyUpgrade: false,
    maxHttpBufferSize: 1e6,
    perMessageDeflate: false,
  });
  const tickMs = opts.tickMs ?? 30;
  const rollupMs = opts.rollupMs ?? 500;
  const streams = new Map<string, CityStream>();
  const subs = new Map<string, Sub>();
  const processId = randomUUID();
  let redis: { close(): Promise<void> } | null = null;

  const stream = (slug: string) => {
    let s = streams.get(slug);
    if (!s) streams.set(slug, (s = { rollupSeq: 0, lastRollupMs: 0, subs: new Set() }));
    return s;
  };

  if (opts.redisUrl) redis = await shareThroughRedis(io, twin, opts.redisUrl, processId);

  io.on('connection', (socket) => {
    liveClients.inc();
    socket.data.city = null;
    socket.on('disconnect', () => {
      liveClients.dec();
      drop(socket);
    });

    /** A rejected request: the reason goes to the ack when the client gave one, else as a problem event. */
    const reject = (event: string, error: string, ack?: (res: { ok: false; error: string }) => void) => {
      ingestRejected.inc({ boundary: 'socket', reason: 'invalid' });
      const message = `${event}: ${error}`;
      if (typeof ack === 'function') ack({ ok: false, error: message });
      else socket.emit('problem', message);
    };

    let subscribeTokens = SUBSCRIBE_BURST, subscribeRefilledMs = Date.now();
    socket.on('subscribe', async (payload, ack) => {
      const now = Date.now();
      subscribeTokens = Math.min(SUBSCRIBE_BURST, subscribeTokens + (now - subscribeRefilledMs) / SUBSCRIBE_REFILL_MS);
      subscribeRefilledMs = now;
      if (subscribeTokens < 1) {
        limitRefused.inc({ boundary: 'socket', reason: 'subscribe-rate' });
        const message = `subscribe: too many requests (a burst of ${SUBSCRIBE_BURST}, then ${1000 / SUBSCRIBE_REFILL_MS} a second)`;
        if (typeof ack === 'function') ack({ ok: false, error: message });
        else socket.emit('problem', message);
        return;
      }
      subscribeTokens--;
      const r = subscribeSchema.safeParse(payload);
      if (!r.success) return reject('subscribe', formatIssues(r.error).join('; '), ack);
      try {
        const city = await twin.city(r.data.city);
        const gridCount = city.data.unitGrids.length;
        const sel = r.data.grids;
        if (sel !== 'all') {
          const bad = sel.find((g) => g >= gridCount);
          if (bad !== undefined) return reject('subscribe', `grids: unit grid ${bad} does not exist (city "${city.slug}" has ${gridCount})`, ack);
        }
        const old = subs.get(socket.id);
        let sub: Sub;
        let added: Uint32Array | 'all';
        if (old && old.city === city) {
          // a view change: send only what the client did not have
          sub = old;
          added = sel === 'all' ? (old.all ? new Uint32Array(0) : 'all') : Uint32Array.from(new Set(sel)).filter((g) => old.all ? false : !old.mask![g]);
        } else {
          if (old) drop(socket);
          sub = { socket, city, all: true, mask: null, grids: new Uint32Array(0), seq: 0, behind: false, lastSnapshotMs: 0, snapshotDue: false };
          subs.set(socket.id, sub);
          stream(city.slug).subs.add(sub);
          socket.data.city = city.slug;
          added = sel === 'all' ? 'all' : Uint32Array.from(new Set(sel));
          sendRollupSnapshot(sub);
        }
        setSelection(sub, sel, gridCount);
        if (added === 'all' || added.length > 0) sendSnapshot(sub, added);
        if (typeof ack === 'function') ack({ ok: true, grids: sub.all ? gridCount : sub.grids.length, components: componentsOf(sub) } satisfies SubscribeAck);
      } catch (err) {
        reject('subscribe', err instanceof Error ? err.message : String(err), ack);
      }
    });

    socket.on('unsubscribe', (payload) => {
      const r = unsubscribeSchema.safeParse(payload);
      if (!r.success) return reject('unsubscribe', formatIssues(r.error).join('; '));
      if (socket.data.city === r.data.city) drop(socket);
    });

    socket.on('snapshot', (payload) => {
      const r = snapshotRequestSchema.safeParse(payload);
      if (!r.success) return reject('snapshot', formatIssues(r.error).join('; '));
      const sub = subs.get(socket.id);
      if (!sub || sub.city.slug !== r.data.city) return reject('snapshot', `subscribe to city "${r.data.city}" first`);
      // A client that is backed up gets its snapshot when it has drained (the tick's slow-client
      // path); one that asks again too soon gets one when the interval is over: coalesced, never queued.
      if (slow(socket)) {
        limitRefused.inc({ boundary: 'socket', reason: 'snapshot-slow' });
        sub.behind = true;
        return;
      }
      if (Date.now() - sub.lastSnapshotMs < SNAPSHOT_MIN_INTERVAL_MS) {
        limitRefused.inc({ boundary: 'socket', reason: 'snapshot-rate' });
        sub.snapshotDue = true;
        return;
      }
      snapshotsForced.inc();
      sub.lastSnapshotMs = Date.now();
      sendSnapshot(sub, sub.all ? 'all' : sub.grids);
      sendRollupSnapshot(sub);
    });
  });

  function drop(socket: TwinSocket) {
    const sub = subs.get(socket.id);
    if (!sub) return;
    subs.delete(socket.id);
    streams.get(sub.city.slug)?.subs.delete(sub);
    socket.data.city = null;
  }

  function setSelection(sub: Sub, sel: 'all' | number[], gridCount: number) {
    if (sel === 'all') {
      sub.all = true;
      sub.mask = null;
      sub.grids = new Uint32Array(0);
      return;
    }
    const mask = new Uint8Array(gridCount);
    for (const g of sel) mask[g] = 1;
    const grids: number[] = [];
    for (let g = 0; g < gridCount; g++) if (mask[g]) grids.push(g);
    sub.all = false;
    sub.mask = mask;
    sub.grids = Uint32Array.from(grids);
  }

  function componentsOf(sub: Sub): number {
    if (sub.all) return sub.city.live.count;
    const { start } = sub.city.byGrid;
    let n = 0;
    for (const g of sub.grids) n += start[g + 1]! - start[g]!;
    return n;
  }

  const outbox = new Outbox<{ sub: Sub; buf: ArrayBuffer; kind: string }>(({ sub, buf, kind }) => {
    if (!sub.socket.connected) return;
    sub.socket.emit('frame', sub.city.slug, buf);
    framesSent.inc({ kind });
    liveBytesSent.inc(buf.byteLength);
  });
  const emit = (sub: Sub, buf: ArrayBuffer, kind: string) => outbox.push({ sub, buf, kind });

  /** The current state of the given grids (or all), as a snapshot that restarts the client's sequence. */
  function sendSnapshot(sub: Sub, grids: Uint32Array | 'all') {
    sub.seq = (sub.seq + 1) >>> 0;
    emit(sub, snapshotFrame(sub.city, sub.seq, grids, Date.now()), 'snapshot');
  }

  function sendRollupSnapshot(sub: Sub) {
    const s = stream(sub.city.slug);
    const all = new Uint32Array(sub.city.live.gridCount);
    for (let g = 0; g < all.length; g++) all[g] = g;
    // bring pending roll-up changes into the levels first, so the snapshot is current
    flushRollups(sub.city, s, Date.now(), true);
    emit(sub, rollupFrame(sub.city, FRAME_ROLLUP_SNAPSHOT, s.rollupSeq, all, Date.now()), 'rollup-snapshot');
  }

  /** Roll-up changes since the last frame go to every client of the city (one shared buffer). */
  function flushRollups(city: CityRuntime, s: CityStream, now: number, force: boolean) {
    if (!force && now - s.lastRollupMs < rollupMs) return;
    const changed = city.live.takeRollupChanges();
    if (changed.length === 0) return;
    s.lastRollupMs = now;
    s.rollupSeq = (s.rollupSeq + 1) >>> 0;
    const buf = rollupFrame(city, FRAME_ROLLUP_DELTA, s.rollupSeq, changed, now);
    for (const sub of s.subs) if (!sub.behind) emit(sub, buf, 'rollup');
  }

  function slow(socket: TwinSocket): boolean {
    const conn = socket.conn as unknown as { writeBuffer?: unknown[]; transport?: { socket?: { bufferedAmount?: number } } };
    return (conn.writeBuffer?.length ?? 0) > MAX_QUEUED_PACKETS || (conn.transport?.socket?.bufferedAmount ?? 0) > MAX_BUFFERED_BYTES;
  }

  let lastSweep = 0;
  function tick() {
    // the last tick's frames are still going out (./outbox.ts): this tick's changes wait for the next (they coalesce)
    if (outbox.busy) return;
    const end = tickSeconds.startTimer();
    const now = Date.now();
    const sweep = now - lastSweep >= 1000;
    if (sweep) lastSweep = now;
    for (const city of twin.cities.values()) {
      if (sweep) city.live.sweepStale(now);
      const t = city.live.flush();
      const s = stream(city.slug);
      for (const sub of s.subs) {
        // the city was reloaded (an import stored it again): follow it, from a snapshot
        if (sub.city !== city) {
          sub.city = city;
          if (!sub.all) setSelection(sub, [...sub.grids].filter((g) => g < city.data.unitGrids.length), city.data.unitGrids.length);
          sub.behind = true;
        }
        if (slow(sub.socket)) {
          sub.behind = true;
          continue;
        }
        if (sub.behind || (sub.snapshotDue && now - sub.lastSnapshotMs >= SNAPSHOT_MIN_INTERVAL_MS)) {
          if (sub.snapshotDue) sub.lastSnapshotMs = now;
          sub.behind = false;
          sub.snapshotDue = false;
          snapshotsForced.inc();
          sendSnapshot(sub, sub.all ? 'all' : sub.grids);
          sendRollupSnapshot(sub);
          continue;
        }
        if (!t) continue;
        const grids = sub.all ? 'all' : sub.grids;
        const n = deltaCount(t, grids);
        if (n === 0) continue;
        sub.seq = (sub.seq + 1) >>> 0;
        emit(sub, deltaFrame(city, t, sub.seq, grids, n, now), 'delta');
      }
      flushRollups(city, s, now, false);
    }
    for (const [source, n] of Object.entries(twin.takeCounts())) if (n) stateChanges.inc({ source }, n);
    end();
  }

  const timer = setInterval(() => {
    try {
      tick();
    } catch (err) {
      log.error({ err }, 'live tick failed');
    }
  }, tickMs);
  timer.unref();

  return {
    io,
    tick,
    processId,
    /** subscriptions (tests, metrics) */
    subscriptions: () => [...subs.values()].map((s) => ({ id: s.socket.id, city: s.city.slug, all: s.all, grids: s.grids.length, seq: s.seq, behind: s.behind })),
    close: async () => {
      clearInterval(timer);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await redis?.close();
    },
  };
}
