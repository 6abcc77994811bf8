// The coarse preview of a scenario that an edit starts before the full run: the same scenario on
// a coarser grid with fewer outputs, so the planner sees the rough effect of a change at once and
// the exact one when the full run arrives. Pure: zod only.
import { z } from 'zod';
import type { Scenario } from './scenario';
import { runIdSchema, runRecordSchema, scenarioIdSchema } from './runs';

/** Cell size of a preview (m): 8 x the city's 5 m DEM, 64 x fewer cells and 8 x longer steps, so
 *  a 2-hour storm on the default city is about half a second on one core (20 m took 2-6 s:
 *  bench/workspace.ts); at least twice the scenario's own cell size when that is coarser already. */
export const PREVIEW_CELL_M = 40;
/** Frames a preview writes over its duration (the full run keeps its own interval). */
export const PREVIEW_FRAMES = 6;

export function previewScenario(s: Scenario): Scenario {
  const cellSize = Math.max(2 * (s.cellSize ?? 0), PREVIEW_CELL_M);
  const outputInterval = Math.max(s.outputInterval, s.duration / PREVIEW_FRAMES);
  return { ...s, cellSize, outputInterval };
}

export const runPreviewInputSchema = z.object({
  scenarioId: scenarioIdSchema,
  /** the runs the last edit started: cancelled now, their results would be stale */
  cancel: z.array(runIdSchema).max(20).default([]),
});
/** The coarse preview (queued first) and the full run of the edited scenario. */
export const runPreviewResultSchema = z.object({ preview: runRecordSchema, full: runRecordSchema, fullReused: z.boolean() });
