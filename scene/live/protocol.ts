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
  | { type: 'close' };

export type WorkerOut =
  | { type: 'components'; snapshot: boolean; seq: number; serverTimeMs: number; indices: Uint32Array; states: Uint8Array; values: Float32Array; stats: LiveStats }
  | { type: 'rollup'; snapshot: boolean; seq: number; grids: Uint32Array; counts: Uint16Array; levels: Uint8Array; stats: LiveStats }
  | { type: 'connection'; state: LiveConnection }
  | { type: 'problem'; message: string };
