// socket.io: the presenter's rooms (issue 13). A presenter (or an administrator) drives a room by
// its code; screens (/cockpit/<city>?room=<code>) follow it. The server keeps each room's latest
// state, so a screen that joins late or reloads takes it at once, and screens keep it while the
// presenter is away. Only the account that opened the room (or an administrator) may drive it:
// checked here, from the session the socket's handshake carried (server/app.ts).
import { presentJoinSchema, presentPushSchema, type PresentAck, type RoomState } from '../../models/cockpit';
import { formatIssues } from '../../models/issues';
import type { Role } from '../../models/accounts';
import type { TwinIo } from '../live/hub';
import { log } from '../log';

/** Who may open and drive a room. */
export const PRESENT_ROLES: readonly Role[] = ['presenter', 'administrator'];
/** Rooms kept at most (the oldest unused goes first), and how long an unused room is kept. */
const MAX_ROOMS = 200;
const ROOM_IDLE_MS = 24 * 3600_000;

interface Room {
  state: RoomState;
  /** the account that opened it */
  ownerId: string;
  /** sockets driving it now */
  drivers: Set<string>;
  usedAt: number;
}

const roomKey = (code: string) => `present:${code}`;

export function attachPresentRooms(io: TwinIo, now: () => number = Date.now) {
  const rooms = new Map<string, Room>();

  const sweep = () => {
    const t = now();
    for (const [code, r] of rooms) if (r.drivers.size === 0 && t - r.usedAt > ROOM_IDLE_MS) rooms.delete(code);
    while (rooms.size > MAX_ROOMS) {
      let oldest: string | null = null, at = Infinity;
      for (const [code, r] of rooms) if (r.drivers.size === 0 && r.usedAt < at) { oldest = code; at = r.usedAt; }
      if (oldest === null) break;
      rooms.delete(oldest);
    }
  };
  const timer = setInterval(sweep, 600_000);
  timer.unref();

  const screensOf = (code: string) => io.sockets.adapter.rooms.get(roomKey(code))?.size ?? 0;
  const announce = (code: string, r: Room) => { io.to(roomKey(code)).emit('presentState', r.state); };

  io.on('connection', (s) => {
    /** rooms this socket drives */
    const driving = new Set<string>();

    s.on('presentJoin', (payload, ack) => {
      const reply = (r: PresentAck) => typeof ack === 'function' && ack(r);
      const p = presentJoinSchema.safeParse(payload);
      if (!p.success) return reply({ ok: false, error: `presentJoin: ${formatIssues(p.error).join('; ')}` });
      const { room: code, city, role } = p.data;
      let r = rooms.get(code);
      if (r && r.state.city !== city) return reply({ ok: false, error: `presentJoin: room ${code} shows the city "${r.state.city}", not "${city}"` });
      if (role === 'follow') {
        void s.join(roomKey(code));
        return reply({ ok: true, state: r?.state ?? null, screens: screensOf(code) });
      }
      const user = s.data.user;
      if (!user) return reply({ ok: false, error: 'presentJoin: sign in as presenter to drive a room' });
      if (!PRESENT_ROLES.includes(user.role as Role)) return reply({ ok: false, error: `presentJoin: driving a room needs the role presenter (you are ${user.role})` });
      if (r && r.ownerId !== user.id && user.role !== 'administrator') return reply({ ok: false, error: `presentJoin: room ${code} is driven by another presenter` });
      if (!r) {
        sweep();
        r = { ownerId: user.id, drivers: new Set(), usedAt: now(), state: { room: code, city, view: {}, fly: null, flySeq: 0, seq: 0, by: user.name, presenterOnline: false, at: now() } };
        rooms.set(code, r);
        log.info({ room: code, city, by: user.name }, 'presenter room opened');
      }
      r.drivers.add(s.id);
      driving.add(code);
      r.usedAt = now();
      // the screens waiting learn the presenter is here, or back (the view is unchanged)
      if (!r.state.presenterOnline) { r.state = { ...r.state, presenterOnline: true, by: user.name }; announce(code, r); }
      reply({ ok: true, state: r.state, screens: screensOf(code) });
    });

    s.on('presentPush', (payload, ack) => {
      const reply = (r: PresentAck) => typeof ack === 'function' && ack(r);
      const p = presentPushSchema.safeParse(payload);
      if (!p.success) return reply({ ok: false, error: `presentPush: ${formatIssues(p.error).join('; ')}` });
      const code = p.data.room;
      const r = rooms.get(code);
      if (!r || !driving.has(code)) return reply({ ok: false, error: `presentPush: join room ${code} as its presenter first` });
      const t = now();
      r.state = { ...r.state, ...p.data.state, seq: r.state.seq + 1, by: s.data.user?.name ?? null, presenterOnline: true, at: t };
      r.usedAt = t;
      announce(code, r);
      reply({ ok: true, state: r.state, screens: screensOf(code) });
    });

    s.on('disconnect', () => {
      for (const code of driving) {
        const r = rooms.get(code);
        if (!r) continue;
        r.drivers.delete(s.id);
        r.usedAt = now();
        // the screens keep the last state and say that the presenter is away
        if (r.drivers.size === 0) { r.state = { ...r.state, presenterOnline: false }; announce(code, r); }
      }
    });
  });

  return {
    /** the room's state (tests, bench) */
    state: (code: string) => rooms.get(code.toUpperCase())?.state ?? null,
    close: () => clearInterval(timer),
  };
}
