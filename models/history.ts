import { z } from 'zod';
import { citySlugSchema } from './city';
import { COMPONENT_STATES, componentStateSchema, type ComponentStateKey } from './components';

// Component history, down-sampled: one point per component per time bucket (a minute when
// stored; coarser steps are merged on read so a week stays a few hundred points).

/** Where a change came from; the code is its index (two bits in the writer's packed byte). Append only. */
export const HISTORY_SOURCES = ['api', 'mqtt', 'simulator', 'load'] as const;
export type HistorySource = (typeof HISTORY_SOURCES)[number];

/**
 * States from worst to best, for "the worst state seen in a bucket". Follows the grid risk
 * weights (models/fiveColour.ts): alarm, missing cover, damage, warning, silence; then the
 * states that need nobody.
 */
export const STATE_SEVERITY_ORDER: readonly number[] = [7, 2, 1, 6, 8, 3, 4, 5, 0];

/** The worst state in a states-seen bitmask (bit k = state code k). */
export function worstState(mask: number): ComponentStateKey {
  for (const code of STATE_SEVERITY_ORDER) if (mask & (1 << code)) return COMPONENT_STATES[code]!.key;
  return 'intact';
}

export function statesOfMask(mask: number): ComponentStateKey[] {
  return COMPONENT_STATES.filter((s) => mask & (1 << s.code)).map((s) => s.key);
}

const MINUTE = 60_000;
const NICE_STEPS_MIN = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];
/** Points a chart asks for at most: about one per two pixels of an inspector-wide chart. */
export const HISTORY_MAX_POINTS = 480;

/** The read step for a window of `hours`: the smallest nice multiple of the stored bucket that keeps it under HISTORY_MAX_POINTS. */
export function historyStepMs(hours: number, bucketMs = MINUTE): number {
  const spanMs = hours * 3_600_000;
  for (const m of NICE_STEPS_MIN) {
    const step = m * MINUTE;
    if (step >= bucketMs && step % bucketMs === 0 && spanMs / step <= HISTORY_MAX_POINTS) return step;
  }
  return Math.max(bucketMs, Math.ceil(spanMs / HISTORY_MAX_POINTS / bucketMs) * bucketMs);
}

export const componentHistoryPointSchema = z.object({
  /** the point covers [startMs, endMs), epoch milliseconds */
  startMs: z.number(),
  endMs: z.number(),
  /** reports received in it (several a second count one each) */
  reports: z.number().int().nonnegative(),
  /** state after its last report */
  state: componentStateSchema,
  /** worst state reported in it (STATE_SEVERITY_ORDER) */
  worst: componentStateSchema,
  statesSeen: z.array(componentStateSchema),
  /** readings in it; null when none had a reading */
  min: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable(),
  last: z.number().nullable(),
  /** ISO time of its last report */
  lastAt: z.string(),
  /** source of its last report */
  source: z.string(),
  /** still accumulating in memory (the current bucket) */
  open: z.boolean(),
});
export type ComponentHistoryPoint = z.infer<typeof componentHistoryPointSchema>;

export const HISTORY_HOURS_MAX = 720;
export const componentHistoryInputSchema = z.object({
  city: citySlugSchema,
  index: z.number().int().nonnegative(),
  hours: z.number().int().min(1).max(HISTORY_HOURS_MAX).default(24),
});
export type ComponentHistoryInput = z.input<typeof componentHistoryInputSchema>;

/** In time order, oldest first. */
export const componentHistorySchema = z.array(componentHistoryPointSchema);
