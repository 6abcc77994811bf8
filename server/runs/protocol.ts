// Messages between the server and a run's worker thread (server/runs/runWorker.ts).
import type { CityData } from '../../models/city';
import type { Scenario } from '../../models/scenario';
import type { RunGrid, RunProgress } from '../../models/runs';

export type ToWorker =
  /** lean: a coarse preview; only the results the workspace shows and compares (max depth, impact,
   *  probes, summary), not the downloads (the full run of the same edit writes those) */
  | { type: 'run'; runId: string; scenario: Scenario; city: CityData; threads: number; liveEveryMs: number; lean?: boolean; watched: boolean }
  | { type: 'abort' }
  /** whether anyone watches the run now (live frames are made only then) */
  | { type: 'watched'; on: boolean };

export interface RunSummary {
  volumes: Record<string, number>;
  /** on land: cells not under water at the start (server/sim/impact.ts waterAtStart) */
  floodedArea_m2: { over15cm: number; over20cm: number; over27cm: number };
  maxDepth_m: number;
  cellUpdatesPerSecond: number;
  kernel: string;
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'grid'; grid: RunGrid }
  /** encodeDepthFrame bytes: to viewers at once, gzipped off the event loop for run_frames */
  | { type: 'frame'; seq: number; t: number; raw: Uint8Array }
  /** the water between stored frames, for viewers only (seq = the next stored frame's); gzipped encodeDepthFrame bytes */
  | { type: 'live'; t: number; raw: Uint8Array }
  | { type: 'progress'; progress: RunProgress }
  | {
      /** result files, each gzipped (stored so: a 5 m city grid's six GeoTIFFs are 5.6 MB raw, mostly zeros) */
      type: 'done'; files: Record<string, Uint8Array>; summary: RunSummary;
      /** wall milliseconds of each phase in the worker (logged: where a run's time goes) */
      timings: { prepareMs: number; simulateMs: number; resultsMs: number };
    }
  | { type: 'failed'; message: string }
  | { type: 'cancelled' };
