import type { LiveConnection, LiveStats, WorkerIn, WorkerOut } from './protocol';

export type { LiveConnection } from './protocol';

export interface LiveHandlers {
  /** entries of a components frame (a snapshot of some grids, or the next delta) */
  onComponents(m: Extract<WorkerOut, { type: 'components' }>): void;
  /** a roll-up frame: per unit grid counts and five-colour level */
  onRollup(m: Extract<WorkerOut, { type: 'rollup' }>): void;
  onConnection(state: LiveConnection): void;
}

/**
 * The page's side of the live stream: a worker owns the socket and decodes frames
 * (live.worker.ts); this forwards what the view shows (unit grids) and hands decoded entries on.
 */
export class LiveClient {
  private worker: Worker;
  stats: LiveStats = { snapshots: 0, deltas: 0, gaps: 0, lost: 0, lastSeq: -1, entries: 0 };
  problems: string[] = [];
  private view: 'all' | number[] = 'all';

  constructor(private readonly city: string, private readonly counts: { total: number; gridCount: number }, private readonly h: LiveHandlers) {
    this.worker = new Worker(new URL('./live.worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<WorkerOut>) => {
      const m = e.data;
      if (m.type === 'components') { this.stats = m.stats; this.h.onComponents(m); }
      else if (m.type === 'rollup') { this.stats = m.stats; this.h.onRollup(m); }
      else if (m.type === 'connection') this.h.onConnection(m.state);
      else if (m.type === 'problem') this.problems = [...this.problems.slice(-9), m.message];
    };
  }

  private send(m: WorkerIn) {
    this.worker.postMessage(m);
  }

  connect() {
    this.h.onConnection('connecting');
    this.send({ type: 'connect', city: this.city, total: this.counts.total, gridCount: this.counts.gridCount });
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
    this.send({ type: 'close' });
    setTimeout(() => this.worker.terminate(), 100);
  }
}
