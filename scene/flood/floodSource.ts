import { decodeDepthFrame, decodeDepthFrames, type DepthFrame } from '../../models/depthFrames';
import { acquirePageSocket as acquire, releasePageSocket as release } from '../core/pageSocket';

/** Where a run's frames come from: the stored file (finished runs) or the run's socket.io room. */
export interface FrameSink {
  frames(list: DepthFrame[]): void;
  /** the water of a running run between its stored frames */
  live?(f: DepthFrame): void;
  error(message: string): void;
}

/**
 * The last few runs' stored frames as fetched (encoded bytes), newest last: when the server is
 * away (an exhibition kiosk on a flaky network), a run seen shortly before still shows. Bounded,
 * so a screen that runs for days keeps at most this many.
 */
const KEPT_RUNS = 3;
const kept = new Map<string, Uint8Array>();

/** All stored frames of a run, once (`GET /api/runs/<id>/frames`, gzip and ETag by the server). */
export async function fetchFrames(runId: string, sink: FrameSink, signal: AbortSignal) {
  try {
    let bytes: Uint8Array;
    try {
      const res = await fetch(`/api/runs/${encodeURIComponent(runId)}/frames`, { signal });
      if (!res.ok) throw new Error(`frames of run ${runId}: HTTP ${res.status}`);
      bytes = new Uint8Array(await res.arrayBuffer());
      kept.delete(runId);
      kept.set(runId, bytes);
      if (kept.size > KEPT_RUNS) kept.delete(kept.keys().next().value!);
    } catch (e) {
      // a 4xx is the server's answer (the run is gone); no answer at all falls back to what was had
      const had = kept.get(runId);
      if (!had || signal.aborted || (e instanceof Error && / HTTP 4\d\d$/.test(e.message))) throw e;
      bytes = had;
    }
    if (!signal.aborted) sink.frames(decodeDepthFrames(bytes));
  } catch (e) {
    if (!signal.aborted) sink.error(e instanceof Error ? e.message : String(e));
  }
}

/** Opens the run connection ahead of a Run press (e.g. while a scenario panel is open); the returned
 *  function lets it go (it closes a little later unless a run is watched by then). */
export function preconnectRunSocket(): () => void {
  acquire().catch(() => { /* a watch reports the failure */ });
  let done = false;
  return () => { if (!done) { done = true; release(30_000); } };
}

/** Live frames come gzipped (runWorker.ts), stored ones raw: the gzip magic tells them apart. */
async function gunzipped(b: Uint8Array): Promise<Uint8Array> {
  if (b[0] !== 0x1f || b[1] !== 0x8b) return b;
  const stream = new Blob([b as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Watches a running run: the server sends the stored frames, then each new one. After a
 * reconnect it watches again and the frames so far come again (the store replaces them by seq).
 * Returns the stop.
 */
export function watchFrames(runId: string, sink: FrameSink): () => void {
  let stopped = false;
  let off = () => {};
  acquire().then((s) => {
    if (stopped) return;
    const watch = () => s.emit('runWatch', { runId }, (ack) => { if (ack && !ack.ok) sink.error(ack.error); });
    const on = (live: boolean) => async (id: string, data: ArrayBuffer) => {
      if (id !== runId) return;
      try {
        const d = decodeDepthFrame(await gunzipped(new Uint8Array(data)));
        const f = { seq: d.seq, t: d.t, cols: d.cols, rows: d.rows, depthMm: d.depthMm };
        if (live) sink.live?.(f);
        else sink.frames([f]);
      } catch (e) {
        sink.error(e instanceof Error ? e.message : String(e));
      }
    };
    const onFrame = on(false), onLive = on(true);
    s.on('connect', watch);
    s.on('runFrame', onFrame);
    s.on('runLive', onLive);
    if (s.connected) watch();
    off = () => {
      s.off('connect', watch);
      s.off('runFrame', onFrame);
      s.off('runLive', onLive);
      if (s.connected) s.emit('runUnwatch', { runId });
    };
  }, (e: unknown) => sink.error(e instanceof Error ? e.message : String(e)));
  return () => {
    if (stopped) return;
    stopped = true;
    off();
    release(5_000);
  };
}
