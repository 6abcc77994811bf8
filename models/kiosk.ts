// The exhibition kiosk (issue 14): its settings (part of the administrator's settings,
// models/accounts.ts), what /kiosk/<city> asks the server for, and the storms it offers for
// "flood my street" with friendly names. Pure: zod only.
import { z } from 'zod';
import { citySlugSchema, i18nTextSchema } from './city';
import { runGridSchema, runIdSchema, type RunRecord } from './runs';

/** idle seconds before the attract loop: 90 by default; a few seconds allowed (tests, a demo) */
export const KIOSK_IDLE_DEFAULT_S = 90;
export const KIOSK_MAX_STORMS = 3;

export const kioskStormSettingSchema = z.object({
  runId: runIdSchema,
  /** the name visitors see; derived from the storm (stormLabel) when left out */
  label: i18nTextSchema.optional(),
});

export const kioskSettingsSchema = z.object({
  idleS: z.number().int('whole seconds').min(3, 'at least 3 s').max(3600, 'at most 3600 s').default(KIOSK_IDLE_DEFAULT_S),
  /** the storms offered, in this order; empty: the city's latest succeeded runs (defaultStorms) */
  storms: z.array(kioskStormSettingSchema).max(KIOSK_MAX_STORMS, `at most ${KIOSK_MAX_STORMS} storms`).default([]),
});
export type KioskSettings = z.infer<typeof kioskSettingsSchema>;

export const kioskConfigInputSchema = z.object({ city: citySlugSchema });

/** A storm the kiosk offers: a succeeded run with what the flood layer needs to show it. */
export const kioskStormSchema = z.object({
  runId: runIdSchema,
  label: i18nTextSchema,
  grid: runGridSchema,
  outputInterval: z.number().positive(),
  durationS: z.number().positive(),
});
export type KioskStorm = z.infer<typeof kioskStormSchema>;

export const kioskConfigSchema = z.object({
  idleS: z.number().int().positive(),
  storms: z.array(kioskStormSchema),
});
export type KioskConfig = z.infer<typeof kioskConfigSchema>;

/** Zhengzhou 2021's record hour (STANDARDS.md): a table storm with an hour this wet is "that" storm. */
const RECORD_HOUR_MM = 150;

/**
 * A visitor's name for a stored scenario's storm: a design storm by its return period ("a heavy
 * summer storm" up to 10 years, "the 100-year storm"), a table storm with a record-wet hour as
 * Zhengzhou 2021; else the planner's name for it.
 */
export function stormLabel(scenario: Record<string, unknown>, name: string): { zh: string; en: string } {
  const rain = scenario.rainfall as { type?: string; returnPeriodYears?: number; table?: { rainMmPerH?: number }[] } | undefined;
  if (rain?.type === 'design' && typeof rain.returnPeriodYears === 'number') {
    const p = Math.round(rain.returnPeriodYears);
    if (p <= 10) return { zh: '夏日强降雨', en: 'A heavy summer storm' };
    return p >= 50 ? { zh: `${p} 年一遇暴雨`, en: `The ${p}-year storm` } : { zh: `${p} 年一遇暴雨`, en: `A ${p}-year storm` };
  }
  if (rain?.type === 'table' && (rain.table ?? []).some((r) => (r.rainMmPerH ?? 0) >= RECORD_HOUR_MM)) {
    return { zh: '郑州 2021 特大暴雨', en: 'Zhengzhou 2021' };
  }
  return { zh: name, en: name };
}

export interface StormCandidate {
  run: Pick<RunRecord, 'id' | 'status' | 'scenarioId' | 'scenarioName' | 'grid' | 'createdAt' | 'summary'>;
  /** the run's scenario as stored (null: deleted since) */
  scenario: Record<string, unknown> | null;
}

/**
 * The storms offered when the setting names none: per scenario, its latest succeeded run on the
 * finest grid (a quick 40 m preview is not the storm), forecasts left out (a kiosk illustrates
 * storms; an operational forecast shown to visitors would alarm, not explain), mildest first by
 * the area under 15 cm, at most KIOSK_MAX_STORMS. Runs come newest first (run.list's order).
 */
export function defaultStorms(cands: readonly StormCandidate[]): StormCandidate[] {
  const best = new Map<string, StormCandidate>();
  for (const c of cands) {
    const r = c.run;
    if (r.status !== 'succeeded' || !r.grid || !r.scenarioId || !c.scenario || c.scenario.forecast) continue;
    const had = best.get(r.scenarioId);
    if (!had || r.grid.cellSize < had.run.grid!.cellSize) best.set(r.scenarioId, c);
  }
  const wet = (c: StormCandidate) => c.run.summary?.floodedArea_m2.over15cm ?? 0;
  // the newest scenarios when there are more than fit, then mildest first
  return [...best.values()].slice(0, KIOSK_MAX_STORMS).sort((a, b) => wet(a) - wet(b));
}

/** Two storms with the same friendly name are told apart by the planner's names. */
export function distinctLabels<T extends { label: { zh: string; en: string }; name: string }>(items: T[]): T[] {
  return items.map((it) => (items.filter((o) => o.label.en === it.label.en).length > 1 ? { ...it, label: { zh: `${it.label.zh}（${it.name}）`, en: `${it.label.en} (${it.name})` } } : it));
}
