// Messages between the page and its live worker (scene/live/live.worker.ts).

export type LiveConnection = 'connecting' | 'live' | 'resync' | 'offline';

export interface LiveStats {
  snapshots: number;
  deltas: number;
  gaps: number;
  lost: number;
  lastSeq: number;
  entries: number;
}

export type WorkerIn =
  | { type: 'connect'; city: string; total: number; gridCount: number }
  | { type: 'view'; grids: 'all' | number[] }
  | { type: 'lose'; n: number }
  /** send what changed since the last pull */
  | { type: 'pull' }
  | { type: 'close' };

export type WorkerOut =
  /**
   * The answer to a pull: every component and unit grid changed since the previous pull, each once
   * with its latest value. snapshot: a snapshot arrived in between; seq: the last component frame's
   * (-1 before the first); deltaEntries: delta entries before coalescing.
   */
  | {
    type: 'changes'; snapshot: boolean; seq: number; deltaEntries: number;
    indices: Uint32Array; states: Uint8Array; values: Float32Array;
    grids: Uint32Array; counts: Uint16Array; levels: Uint8Array; stats: LiveStats;
  }
  | { type: 'connection'; state: LiveConnection }
  | { type: 'problem'; message: string };
