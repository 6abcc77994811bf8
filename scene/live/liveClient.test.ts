import { afterEach, describe, expect, it, vi } from 'vitest';
import { LIVE_FRAME_MS, LiveClient } from './liveClient';

// The worker is replaced by a recorder: the test answers each pull itself, as the worker would.
class FakeWorker {
  static last: FakeWorker | null = null;
  sent: { type: string; at: number }[] = [];
  onmessage: ((e: MessageEvent) => void) | null = null;
  constructor() { FakeWorker.last = this; }
  postMessage(m: { type: string }) { this.sent.push({ type: m.type, at: performance.now() }); }
  terminate() {}
  reply() {
    const stats = { snapshots: 0, deltas: 1, gaps: 0, lost: 0, lastSeq: 1, entries: 1 };
    this.onmessage?.({ data: { type: 'changes', stats } } as MessageEvent);
  }
}

/** A connected client on fake timers; `rendering`: what the page answers to each pull's changes. */
function started(rendering: boolean) {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  vi.stubGlobal('Worker', FakeWorker);
  const client = new LiveClient('c', { total: 10, gridCount: 1 }, { onChanges: () => rendering, onConnection: () => {} });
  client.connect();
  return { client, w: FakeWorker.last! };
}

describe('LiveClient pulls', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('hands live changes to the page at most every LIVE_FRAME_MS, however often frames ask', () => {
    const { client, w } = started(true);
    const pulls = () => w.sent.filter((m) => m.type === 'pull');
    expect(pulls()).toHaveLength(1);
    // a fast GPU: a frame every 16 ms, each asking for the next pull as soon as it is drawn
    for (let t = 0; t < 1000; t += 16) {
      if (pulls().length > 0 && w.sent.at(-1)!.type === 'pull') w.reply();
      client.pull();
      vi.advanceTimersByTime(16);
    }
    const at = pulls().map((p) => p.at);
    const gaps = at.slice(1).map((t, k) => t - at[k]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(LIVE_FRAME_MS);
    // and it keeps up: about ten a second, not fewer
    expect(at.length).toBeGreaterThanOrEqual(9);
    client.close();
  });

  it('a pull asked for sooner than LIVE_FRAME_MS after the last waits for the rest of it', () => {
    const { client, w } = started(false);
    w.reply();
    vi.advanceTimersByTime(LIVE_FRAME_MS + 1);
    const n = w.sent.filter((m) => m.type === 'pull').length;
    // the idle timer pulled once more at IDLE_PULL_MS; an explicit pull right after its answer waits
    w.reply();
    client.pull();
    expect(w.sent.filter((m) => m.type === 'pull').length).toBe(n);
    vi.advanceTimersByTime(LIVE_FRAME_MS);
    expect(w.sent.filter((m) => m.type === 'pull').length).toBe(n + 1);
    client.close();
  });
});
