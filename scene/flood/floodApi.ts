// What the app calls on the flood layer (engine.flood) and the run it shows: the contract,
// apart from how the layer draws it (re-exported by floodLayer.ts).
import type { RunGrid, RunStatus } from '../../models/runs';

/** A run as the flood layer needs it (models/runs.ts RunRecord has these fields). */
export interface FloodRun {
  id: string;
  grid: RunGrid;
  outputInterval: number;
  duration: number;
  status: RunStatus;
}

/** engine.flood: what the app's scenario panel, timeline and charts call. */
export interface FloodApi {
  /** shows a run (null hides the flood): a running one is watched over socket.io, a finished one fetched once */
  show(run: FloodRun | null): void;
  /** the run shown, or null */
  run(): FloodRun | null;
  /** frame times available so far (s), ascending; the same array until a frame arrives */
  times(): number[];
  latestTime(): number;
  /** shows the frame at or before t (s) */
  setTime(t: number): void;
  /** while following, each new live frame is shown as it arrives (on by default for a running run) */
  follow(on: boolean): void;
  following(): boolean;
  /** the shown frame's time (s), NaN when none */
  time(): number;
  /** depth (m) at a local point in the shown frame; NaN outside the run grid or without frames */
  depthAt(x: number, y: number): number;
  /** depth over time at a local point from all frames so far */
  seriesAt(x: number, y: number): { t: number[]; depthM: number[] };
  /** time of the first frame with water (>= FLOOD_DRAW_MIN_M) anywhere, or null */
  firstWaterTime(): number | null;
  /** road pieces closed (>= 27 cm) at the shown time */
  closedCount(): number;
  /** the last error loading frames, or null */
  error(): string | null;
  /** cells wet in the shown frame that were dry in the first (the storm's water, not the river's) */
  stormWetCells(): number;
  /** performance.now() when the shown frame was first drawn (0 before) */
  drawnAt(): number;
}
