import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../models/live';

export type PageSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The page's one socket.io connection for what is not the live stream (which its worker owns):
 * run frames, evacuation colours. Shared by every user in the page, kept open while one holds it
 * and a little after (`lingerMs`), so a planner pressing Run waits for no connection.
 * socket.io-client is loaded on first use only.
 */
let shared: Promise<PageSocket> | null = null;
let users = 0;
let closeTimer: ReturnType<typeof setTimeout> | undefined;

export function acquirePageSocket(): Promise<PageSocket> {
  users++;
  clearTimeout(closeTimer);
  shared ??= import('socket.io-client').then(({ io }) => io(location.origin, { transports: ['websocket'] }) as PageSocket);
  return shared;
}

export function releasePageSocket(lingerMs: number) {
  if (--users > 0) return;
  clearTimeout(closeTimer);
  closeTimer = setTimeout(() => {
    if (users > 0 || !shared) return;
    const s = shared;
    shared = null;
    void s.then((sock) => sock.disconnect(), () => {});
  }, lingerMs);
}
