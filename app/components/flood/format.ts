import type { RunRecord } from '../../../models/runs';
import type { FloodRun } from '../../../scene/flood/floodLayer';

// Small formatters shared by the flood panels.

/** Simulated seconds as h:mm:ss (the storm's clock from the start of the run). */
export function clock(s: number): string {
  if (!Number.isFinite(s)) return '–';
  const v = Math.max(0, Math.round(s));
  const h = Math.floor(v / 3600), m = Math.floor((v % 3600) / 60), sec = v % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}

/** Simulated seconds as h:mm (rounded down to the minute). */
export function clockHm(s: number): string {
  const v = Math.max(0, Math.floor(s / 60));
  return `${Math.floor(v / 60)}:${String(v % 60).padStart(2, '0')}`;
}

/** Whole percent of a run's simulated time (100 only when it is done). */
export function runPercent(run: { status: string; progress: { t: number; duration: number } | null }): number {
  if (run.status === 'succeeded') return 100;
  const p = run.progress;
  if (!p || !(p.duration > 0)) return 0;
  return Math.min(99, Math.floor((100 * p.t) / p.duration));
}

export const ACTIVE_STATUSES = ['queued', 'running'] as const;
export const isActive = (status: string) => status === 'queued' || status === 'running';

/** A number the engine may not have yet (NaN before the first frame) as 0. */
export const or0 = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : 0);

/** What the engine's flood layer needs of a run record (the twin, a story's scene); null before it has a grid. */
export function floodRunOf(r: RunRecord): FloodRun | null {
  if (!r.grid) return null;
  const duration = r.progress?.duration ?? r.outputInterval * Math.max(1, r.frameCount - 1);
  return { id: r.id, grid: r.grid, outputInterval: r.outputInterval, duration, status: r.status };
}
