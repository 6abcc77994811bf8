import type { LiveConnection, LiveStats, MapSource, WorkerIn, WorkerOut } from './protocol';

export type { LiveConnection } from './protocol';

export interface LiveHandlers {
  /**
   * components and roll-ups changed since the previous pull (latest values, each once); returns
   * true when it asked for a render (the next pull then follows that frame, see pull())
   */
  onChanges(m: Extract<WorkerOut, { type: 'changes' }>): boolean;
  onConnection(state: LiveConnection): void;
  /** buffers the page is done with, handed back to the worker with the next pull */
  spare?(): ArrayBuffer[];
  /** the finest level of the far state map the view samples (StateMap.takeBands) */
  mapMinLevel?(): number;
}

/** idle pull interval: how stale the page may be when nothing is drawn */
const IDLE_PULL_MS = 100;
/** after asking for a render, pull anyway after this long in case no frame comes (hidden tab) */
const RENDER_PULL_MS = 1000;
/**
 * Live changes reach the screen at most this often (10 a second). State colours need no more; on
 * a machine whose GPU draws 60 frames a second, pulling after every frame would spend the main
 * thread on 60 live frames a second that no one can tell from 10. Camera moves are not held back.
 */
export const LIVE_FRAME_MS = 100;

/**
 * The page's side of the live stream: a worker owns the socket and decodes frames
 * (live.worker.ts); this forwards what the view shows (unit grids) and hands decoded entries on.
 */
export class LiveClient {
  private worker: Worker;
  stats: LiveStats = { snapshots: 0, deltas: 0, gaps: 0, lost: 0, lastSeq: -1, entries: 0 };
  problems: string[] = [];
  private view: 'all' | number[] = 'all';
  private pulling = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private lastPullAt = -Infinity;
  /** epoch ms when the oldest change handed to the page and not yet drawn reached the worker (NaN: none) */
  private undrawnSince = NaN;
  /** per drawn frame with live changes: ms from the oldest change's arrival to the end of that frame (bench, newest last) */
  readonly drawLatencyMs: number[] = [];

  constructor(private readonly city: string,
    private readonly counts: { total: number; gridCount: number; map?: MapSource },
    private readonly h: LiveHandlers) {
    this.worker = new Worker(new URL('./live.worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<WorkerOut>) => {
      const m = e.data;
      if (m.type === 'changes') {
        this.pulling = false;
        this.stats = m.stats;
        const rendering = this.h.onChanges(m);
        if (!this.closed) this.timer = setTimeout(() => this.pull(), rendering ? RENDER_PULL_MS : IDLE_PULL_MS);
      }
      else if (m.type === 'connection') this.h.onConnection(m.state);
      else if (m.type === 'problem') this.problems = [...this.problems.slice(-9), m.message];
    };
  }

  private send(m: WorkerIn, transfer: Transferable[] = []) {
    this.worker.postMessage(m, transfer);
  }

  connect() {
    this.h.onConnection('connecting');
    // the positions are the caller's copies: handed over, not cloned
    const map = this.counts.map;
    this.send({ type: 'connect', city: this.city, total: this.counts.total, gridCount: this.counts.gridCount, map }, map ? [map.x.buffer, map.y.buffer] : []);
    this.pull();
  }

  /**
   * Ask the worker for what changed (one request in flight at most). The page calls this after
   * each rendered frame; between frames a timer does (IDLE_PULL_MS), so updates are applied once
   * per frame however many server frames came in between.
   */
  pull() {
    if (this.pulling || this.closed) return;
    clearTimeout(this.timer);
    const wait = this.lastPullAt + LIVE_FRAME_MS - performance.now();
    if (wait > 0) {
      this.timer = setTimeout(() => this.pull(), wait);
      return;
    }
    this.lastPullAt = performance.now();
    this.pulling = true;
    const spare = this.h.spare?.() ?? [];
    this.send({ type: 'pull', spare, mapMinLevel: this.h.mapMinLevel?.() ?? 0 }, spare);
  }

  /** The changes just handed to the page will be in the next frame drawn. */
  changesShown(arrivedAt: number) {
    if (arrivedAt === arrivedAt && !(this.undrawnSince <= arrivedAt)) this.undrawnSince = arrivedAt;
  }

  /** A frame was drawn: the changes shown since the last one are in it. */
  drawn() {
    if (this.undrawnSince !== this.undrawnSince) return;
    this.drawLatencyMs.push(performance.timeOrigin + performance.now() - this.undrawnSince);
    if (this.drawLatencyMs.length > 4096) this.drawLatencyMs.splice(0, 2048);
    this.undrawnSince = NaN;
  }

  /** The unit grids the view shows ('all' at a city view); sent only when it changed. */
  setView(grids: 'all' | number[]) {
    const same = grids === 'all' ? this.view === 'all'
      : this.view !== 'all' && this.view.length === grids.length && this.view.every((g, k) => g === grids[k]);
    if (same) return false;
    this.view = grids;
    this.send({ type: 'view', grids });
    return true;
  }

  get viewGrids() {
    return this.view;
  }

  /** test hook: pretend the next n deltas were lost on the way (exercises the gap -> snapshot path) */
  loseNext(n: number) {
    this.send({ type: 'lose', n });
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    this.send({ type: 'close' });
    setTimeout(() => this.worker.terminate(), 100);
  }
}
