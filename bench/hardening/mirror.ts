// A socket.io client that keeps a mirror of a city's live state and asks for a snapshot on a gap
// (the reconnect check in this process, the soak's clients in bench/hardening/soakClients.ts).
import { io as ioClient } from 'socket.io-client';
import { decodeFrame } from '../../models/live';
import { LiveMirror } from '../../models/liveMirror';

export interface MirrorTarget { base: string; slug: string; count: number; gridCount: number }

export function mirrorClient(t: MirrorTarget, grids: 'all' | number[] = 'all') {
  const mirror = new LiveMirror(t.count, t.gridCount);
  const socket = ioClient(t.base, { transports: ['websocket'], forceNew: true, reconnection: false });
  let lastFrameMs = Date.now();
  socket.on('connect', () => {
    mirror.reset();
    socket.emit('subscribe', { city: t.slug, grids });
  });
  socket.on('frame', (_c: string, data: ArrayBuffer) => {
    lastFrameMs = Date.now();
    if (mirror.apply(decodeFrame(data)) === 'gap') socket.emit('snapshot', { city: t.slug });
  });
  return { socket, mirror, quietFor: () => Date.now() - lastFrameMs };
}
