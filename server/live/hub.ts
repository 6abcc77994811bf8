import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { snapshotRequestSchema, subscribeSchema, type ClientToServerEvents, type InterServerEvents, type ServerToClientEvents, type SocketData } from '../../models/live';
import { formatIssues } from '../../models/issues';
import type { CityRuntime, Twin } from '../twin';
import { framesSent, ingestRejected, liveClients, snapshotsForced, tickSeconds } from '../metrics';
import { log } from '../log';

type TwinSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type TwinIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Frames a client may have queued before it is treated as slow and coalesced to a snapshot. */
const MAX_QUEUED_PACKETS = 32;

const room = (city: string) => `city:${city}`;

/**
 * Fan-out of live component state: one room per city, one delta frame per tick. A client whose
 * socket is backed up gets no more deltas; once it drains it gets one snapshot, so the server
 * never buffers without bound for a slow client (coalescing to the latest state).
 */
export function attachLive(server: HttpServer, twin: Twin, opts: { tickMs?: number } = {}) {
  const io: TwinIo = new Server(server, {
    serveClient: false,
    // Next's dev server owns other upgrade paths (HMR): do not destroy them.
    destroyUpgrade: false,
    maxHttpBufferSize: 1e6,
  });
  const behind = new WeakSet<TwinSocket>();

  io.on('connection', (socket) => {
    liveClients.inc();
    socket.data.cities = [];
    socket.on('disconnect', () => liveClients.dec());

    /** A rejected request: the reason goes to the ack when the client gave one, else as a problem event. */
    const reject = (event: string, error: string, ack?: (res: { ok: false; error: string }) => void) => {
      ingestRejected.inc({ boundary: 'socket', reason: 'invalid' });
      const message = `${event}: ${error}`;
      if (typeof ack === 'function') ack({ ok: false, error: message });
      else socket.emit('problem', message);
    };

    socket.on('subscribe', async (payload, ack) => {
      const r = subscribeSchema.safeParse(payload);
      if (!r.success) return reject('subscribe', formatIssues(r.error).join('; '), ack);
      try {
        const city = await twin.city(r.data.city);
        await socket.join(room(city.slug));
        if (!socket.data.cities.includes(city.slug)) socket.data.cities.push(city.slug);
        sendSnapshot(socket, city);
        if (typeof ack === 'function') ack({ ok: true, seq: city.live.seq });
      } catch (err) {
        reject('subscribe', err instanceof Error ? err.message : String(err), ack);
      }
    });

    socket.on('unsubscribe', (payload) => {
      const r = subscribeSchema.safeParse(payload);
      if (!r.success) return reject('unsubscribe', formatIssues(r.error).join('; '));
      void socket.leave(room(r.data.city));
      socket.data.cities = socket.data.cities.filter((c) => c !== r.data.city);
    });

    socket.on('snapshot', (payload) => {
      const r = snapshotRequestSchema.safeParse(payload);
      if (!r.success) return reject('snapshot', formatIssues(r.error).join('; '));
      const city = twin.cities.get(r.data.city);
      if (!city || !socket.data.cities.includes(city.slug)) return reject('snapshot', `subscribe to city "${r.data.city}" first`);
      snapshotsForced.inc();
      sendSnapshot(socket, city);
    });
  });

  function sendSnapshot(socket: TwinSocket, city: CityRuntime) {
    socket.emit('frame', city.slug, city.live.snapshot());
    framesSent.inc({ kind: 'snapshot' });
  }

  function queued(socket: TwinSocket): number {
    const conn = socket.conn as unknown as { writeBuffer?: unknown[] };
    return conn.writeBuffer?.length ?? 0;
  }

  function tick() {
    const end = tickSeconds.startTimer();
    for (const city of twin.cities.values()) {
      const frame = city.live.flush();
      const members = io.sockets.adapter.rooms.get(room(city.slug));
      if (!members) continue;
      for (const id of members) {
        const socket = io.sockets.sockets.get(id);
        if (!socket) continue;
        if (queued(socket) > MAX_QUEUED_PACKETS) {
          behind.add(socket);
          continue;
        }
        if (behind.has(socket)) {
          behind.delete(socket);
          snapshotsForced.inc();
          sendSnapshot(socket, city);
        } else if (frame) {
          socket.emit('frame', city.slug, frame);
          framesSent.inc({ kind: 'delta' });
        }
      }
    }
    end();
  }

  const timer = setInterval(() => {
    try {
      tick();
    } catch (err) {
      log.error({ err }, 'live tick failed');
    }
  }, opts.tickMs ?? 100);
  timer.unref();

  return {
    io,
    tick,
    close: async () => {
      clearInterval(timer);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
