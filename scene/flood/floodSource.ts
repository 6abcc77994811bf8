import type { Socket } from 'socket.io-client';
import { decodeDepthFrame, decodeDepthFrames, type DepthFrame } from '../../models/depthFrames';
import type { ClientToServerEvents, ServerToClientEvents } from '../../models/live';

/** Where a run's frames come from: the stored file (finished runs) or the run's socket.io room. */
export interface FrameSink {
  frames(list: DepthFrame[]): void;
  /** the water of a running run between its stored frames */
  live?(f: DepthFrame): void;
  error(message: string): void;
}

/** All stored frames of a run, once (`GET /api/runs/<id>/frames`, gzip and ETag by the server). */
export async function fetchFrames(runId: string, sink: FrameSink, signal: AbortSignal) {
  try {
    const res = await fetch(`/api/runs/${encodeURIComponent(runId)}/frames`, { signal });
    if (!res.ok) throw new Error(`frames of run ${runId}: HTTP ${res.status}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (!signal.aborted) sink.frames(decodeDepthFrames(bytes));
  } catch (e) {
    if (!signal.aborted) sink.error(e instanceof Error ? e.message : String(e));
  }
}

/**
 * Watches a running run: the server sends the stored frames, then each new one. Its own
 * connection (socket.io-client loaded only when a run is watched); after a reconnect it watches
 * again and the frames so far come again (the store replaces them by seq). Returns the stop.
 */
export function watchFrames(runId: string, sink: FrameSink): () => void {
  let socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  let stopped = false;
  void import('socket.io-client').then(({ io }) => {
    if (stopped) return;
    const s: Socket<ServerToClientEvents, ClientToServerEvents> = io(location.origin, { transports: ['websocket'] });
    socket = s;
    s.on('connect', () => {
      s.emit('runWatch', { runId }, (ack) => { if (ack && !ack.ok) sink.error(ack.error); });
    });
    const on = (live: boolean) => (id: string, data: ArrayBuffer) => {
      if (id !== runId) return;
      try {
        const d = decodeDepthFrame(new Uint8Array(data));
        const f = { seq: d.seq, t: d.t, cols: d.cols, rows: d.rows, depthMm: d.depthMm };
        if (live) sink.live?.(f);
        else sink.frames([f]);
      } catch (e) {
        sink.error(e instanceof Error ? e.message : String(e));
      }
    };
    s.on('runFrame', on(false));
    s.on('runLive', on(true));
  }, (e: unknown) => sink.error(e instanceof Error ? e.message : String(e)));
  return () => {
    stopped = true;
    if (socket) {
      socket.emit('runUnwatch', { runId });
      socket.disconnect();
    }
  };
}
