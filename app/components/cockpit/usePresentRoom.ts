'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { PresentAck, RoomState, RoomView } from '../../../models/cockpit';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../models/live';

export interface PresentRoom {
  /** the room's state as the server last said (null: nothing pushed yet) */
  state: RoomState | null;
  connected: boolean;
  /** the server's refusal of the join, or null */
  error: string | null;
  /** screens in the room when last heard */
  screens: number;
  /** Date.now() when the last state arrived (tests read it: presenter-to-screen lag) */
  receivedAt: number;
  /** Date.now() when this page last sent a push */
  sentAt: number;
  /** pushes a view (drive only); resolves with the server's answer */
  push(v: RoomView): Promise<PresentAck>;
}

/**
 * A presenter's room over socket.io (server/cockpit/rooms.ts): joins on every (re)connect, so a
 * dropped network or a restarted server is followed again; one socket per mounted page, closed
 * on unmount (no listener outlives it). `room` null: no room.
 */
export function usePresentRoom(city: string, room: string | null, role: 'follow' | 'drive'): PresentRoom {
  const [state, setState] = useState<RoomState | null>(null);
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [screens, setScreens] = useState(0);
  const [receivedAt, setReceivedAt] = useState(0);
  const [sentAt, setSentAt] = useState(0);
  const sockRef = useRef<Socket<ServerToClientEvents, ClientToServerEvents> | null>(null);
  const seqRef = useRef(-1);

  useEffect(() => {
    if (!room) return;
    seqRef.current = -1;
    const s: Socket<ServerToClientEvents, ClientToServerEvents> = io({ transports: ['websocket'] });
    sockRef.current = s;
    const take = (st: RoomState | null) => {
      if (!st) return;
      // an older push never wins (a reconnect's join answer may cross a newer broadcast)
      if (st.seq < seqRef.current) return;
      seqRef.current = st.seq;
      setState(st);
      setReceivedAt(Date.now());
    };
    s.on('connect', () => {
      setConnected(true);
      s.emit('presentJoin', { room, city, role }, (r) => {
        if (!r.ok) { setError(r.error); return; }
        setError(null);
        setScreens(r.screens);
        take(r.state);
      });
    });
    s.on('disconnect', () => setConnected(false));
    s.on('presentState', take);
    return () => {
      s.removeAllListeners();
      s.close();
      sockRef.current = null;
    };
  }, [city, room, role]);

  const push = useCallback((v: RoomView) => new Promise<PresentAck>((resolve) => {
    const s = sockRef.current;
    if (!s?.connected || !room) { resolve({ ok: false, error: 'not connected' }); return; }
    const at = Date.now();
    setSentAt(at);
    s.emit('presentPush', { room, state: v, sentAt: at }, (r) => {
      if (r.ok && r.state) { seqRef.current = r.state.seq; setState(r.state); setScreens(r.screens); }
      resolve(r);
    });
  }), [room]);

  return { state, connected, error, screens, receivedAt, sentAt, push };
}
