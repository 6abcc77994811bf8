import type { DepthFrame } from '../../models/depthFrames';
import type { RunGrid } from '../../models/runs';

/** The run cell under local (x, y), row 0 = north (as the server's impact does), or -1 outside. */
export function cellOf(g: RunGrid, x: number, y: number): number {
  const c = Math.floor((x - g.xll) / g.cellSize);
  const r = Math.floor((g.yll + g.rows * g.cellSize - y) / g.cellSize);
  return c < 0 || c >= g.cols || r < 0 || r >= g.rows ? -1 : r * g.cols + c;
}

/**
 * A run's depth frames, decoded, in time order. Frames may arrive more than once (a viewer
 * that reconnects gets the stored ones again) or late: a frame replaces the one with its seq.
 * While a run goes on, one live frame (the water now, between stored frames) may follow the
 * stored ones; the next stored frame at or after its time replaces it.
 */
export class FrameStore {
  private stored: DepthFrame[] = [];
  private live: DepthFrame | null = null;
  /** stored + live, what the accessors read */
  private frames: DepthFrame[] = [];
  private timesCache: number[] = [];

  constructor(readonly grid: RunGrid) {}

  get count() {
    return this.frames.length;
  }

  /** Adds (or replaces) a stored frame; false when it does not fit the run grid. */
  add(f: DepthFrame): boolean {
    if (!this.fits(f)) return false;
    const fr = this.stored;
    let i = fr.length;
    while (i > 0 && fr[i - 1]!.t > f.t) i--;
    if (i > 0 && fr[i - 1]!.seq === f.seq) fr[i - 1] = f;
    else fr.splice(i, 0, f);
    if (this.live && this.live.t <= fr[fr.length - 1]!.t) this.live = null;
    this.update();
    return true;
  }

  /** Shows the water now after the stored frames; false when it does not fit or is not newer. */
  setLive(f: DepthFrame): boolean {
    const last = this.stored[this.stored.length - 1];
    if (!this.fits(f) || (last && last.t >= f.t) || (this.live && this.live.t >= f.t)) return false;
    this.live = f;
    this.update();
    return true;
  }

  /** Whether frame i is the live one (not stored: the timeline does not stop on it). */
  isLive(i: number): boolean {
    return this.live !== null && i === this.frames.length - 1;
  }

  private fits(f: DepthFrame) {
    return f.cols === this.grid.cols && f.rows === this.grid.rows;
  }

  private update() {
    this.frames = this.live ? [...this.stored, this.live] : this.stored;
    this.timesCache = this.frames.map((x) => x.t);
  }

  /** Frame times (s), ascending; the same array until a frame is added. */
  times(): number[] {
    return this.timesCache;
  }

  frame(i: number): DepthFrame | null {
    return this.frames[i] ?? null;
  }

  /** Index of the frame at or before t (the first frame when t is before it), -1 when empty. */
  indexAt(t: number): number {
    const fr = this.frames;
    if (fr.length === 0) return -1;
    let lo = 0, hi = fr.length - 1;
    if (t <= fr[0]!.t) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (fr[mid]!.t <= t) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /** Depth (m) at a local point in frame i; NaN outside the grid or without the frame. */
  depthAt(i: number, x: number, y: number): number {
    const f = this.frames[i], c = cellOf(this.grid, x, y);
    return f && c >= 0 ? f.depthMm[c]! / 1000 : NaN;
  }

  /** Depth over time at a local point from every frame (empty outside the grid). */
  seriesAt(x: number, y: number): { t: number[]; depthM: number[] } {
    const c = cellOf(this.grid, x, y);
    if (c < 0) return { t: [], depthM: [] };
    return { t: this.frames.map((f) => f.t), depthM: this.frames.map((f) => f.depthMm[c]! / 1000) };
  }

  /** Time of the first frame with any cell at or over minMm, or null. */
  firstWaterTime(minMm: number): number | null {
    for (const f of this.frames) {
      const d = f.depthMm;
      for (let i = 0; i < d.length; i++) if (d[i]! >= minMm) return f.t;
    }
    return null;
  }
}
