// Messages between the page and its live worker (scene/live/live.worker.ts).
import type { MapBand } from '../components/stateMap';

export type LiveConnection = 'connecting' | 'live' | 'resync' | 'offline';

export interface LiveStats {
  snapshots: number;
  deltas: number;
  gaps: number;
  lost: number;
  lastSeq: number;
  entries: number;
}

/** what the worker needs to keep the far state map: the components' positions and the city extent */
export interface MapSource { x: Float32Array; y: Float32Array; extent: [number, number, number, number] }

export type WorkerIn =
  | { type: 'connect'; city: string; total: number; gridCount: number; map?: MapSource }
  | { type: 'view'; grids: 'all' | number[] }
  | { type: 'lose'; n: number }
  /**
   * send what changed since the last pull; spare: buffers of earlier map bands, handed back for
   * reuse; mapMinLevel: the finest map level the view samples (finer ones are kept for later)
   */
  | { type: 'pull'; spare?: ArrayBuffer[]; mapMinLevel?: number }
  | { type: 'close' };

export type WorkerOut =
  /**
   * The answer to a pull: every component and unit grid changed since the previous pull, each once
   * with its latest value. snapshot: a snapshot arrived in between; seq: the last component frame's
   * (-1 before the first); deltaEntries: delta entries before coalescing; mapBands: the rows of
   * the far state map that changed (see StateMap.takeBands); arrivedAt: see below.
   */
  | {
    type: 'changes'; snapshot: boolean; seq: number; deltaEntries: number;
    indices: Uint32Array; states: Uint8Array; values: Float32Array;
    grids: Uint32Array; counts: Uint16Array; levels: Uint8Array; mapBands: MapBand[]; stats: LiveStats;
    /** epoch ms (timeOrigin + now) when the first component change in this message reached the worker; NaN: none */
    arrivedAt: number;
  }
  | { type: 'connection'; state: LiveConnection }
  | { type: 'problem'; message: string };
