// Case indicators (STANDARDS.md, 数字化城市管理 评价): closure rate 结案率, on-time closure rate
// 按期结案率, on-time handling rate 按期处置率, rework rate 返工率 and the department score.
// Pure: zod and the working calendar only; the server feeds it each case's steps.
import { z } from 'zod';
import { citySlugSchema } from './city';
import { HANDLING_STATES, stepLimit, type CaseState } from './cases';
import { addWorkingMs, limitMs, type TimeLimit, type WorkCalendar } from './workCalendar';

export const INDICATOR_GROUPS = ['department', 'unitGrid', 'responsibilityGrid'] as const;
export type IndicatorGroup = (typeof INDICATOR_GROUPS)[number];

const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD (the city\'s local date)');
export const caseIndicatorsInputSchema = z.object({
  city: citySlugSchema,
  by: z.enum(INDICATOR_GROUPS),
  /** the period: cases filed (立案) from `from` to `to`, both local dates, inclusive */
  from: localDate,
  to: localDate,
}).refine((p) => p.from <= p.to, { path: ['to'], message: 'the period ends on or after it starts' });
export type CaseIndicatorsInput = z.infer<typeof caseIndicatorsInputSchema>;

export const indicatorRowSchema = z.object({
  key: z.string(),
  /** cases filed in the period and not voided: 应结案数 */
  due: z.number().int(),
  closed: z.number().int(),
  onTimeClosed: z.number().int(),
  dispatched: z.number().int(),
  handledOnTime: z.number().int(),
  reworked: z.number().int(),
  /** percentages (0-100); null when the count they divide by is 0 */
  closureRate: z.number().nullable(),
  onTimeClosureRate: z.number().nullable(),
  onTimeHandlingRate: z.number().nullable(),
  reworkRate: z.number().nullable(),
  volumePoints: z.number(),
  /** null when nothing was due */
  score: z.number().nullable(),
});
export type IndicatorRow = z.infer<typeof indicatorRowSchema>;

/**
 * The filing-volume band of the department score (STANDARDS.md names a band, not its bounds):
 * points by the cases due in the period. Our default; a city sets its own.
 */
export const FILING_VOLUME_BANDS: readonly { min: number; points: number }[] = [
  { min: 50, points: 10 }, { min: 20, points: 7 }, { min: 5, points: 4 }, { min: 1, points: 2 },
];

/** STANDARDS.md: closure rate x30% + on-time handling rate x30% + (100 - rework rate) x30% + the volume band. */
export function departmentScore(closureRate: number, onTimeHandlingRate: number, reworkRate: number, volumePoints: number): number {
  return closureRate * 0.3 + onTimeHandlingRate * 0.3 + (100 - reworkRate) * 0.3 + volumePoints;
}

export function volumePoints(due: number): number {
  return FILING_VOLUME_BANDS.find((b) => due >= b.min)?.points ?? 0;
}

export interface CaseStepFact { action: string; fromState: CaseState | null; toState: CaseState; at: number; extensionMs: number }

export interface CaseFacts {
  filedAt: number | null;
  closedAt: number | null;
  voided: boolean;
  dispatched: boolean;
  reportedBack: boolean;
  reworked: boolean;
  /** every dispatched/handling step ended (or, still running, stands) within its limit */
  handlingOnTime: boolean;
  /** every step with a limit ended within it */
  allOnTime: boolean;
}

/**
 * What the indicators need of one case, from its steps in order: each step that changes the
 * state ends the running step, on time if before its deadline (limit + extensions granted
 * meanwhile, in working time); a step still running at `now` counts as late once overdue.
 */
export function caseFacts(steps: readonly CaseStepFact[], handling: TimeLimit, cal: WorkCalendar, now: number): CaseFacts {
  const f: CaseFacts = { filedAt: null, closedAt: null, voided: false, dispatched: false, reportedBack: false, reworked: false, handlingOnTime: true, allOnTime: true };
  if (!steps.length) return f;
  let state: CaseState = steps[0]!.toState;
  let since = steps[0]!.at, ext = 0;
  const late = (s: CaseState, end: number) => {
    const limit = stepLimit(s, handling);
    if (!limit || end <= addWorkingMs(cal, since, limitMs(cal, limit) + ext)) return;
    f.allOnTime = false;
    if (HANDLING_STATES.includes(s)) f.handlingOnTime = false;
  };
  for (const s of steps.slice(1)) {
    if (s.action === 'file' && f.filedAt === null) f.filedAt = s.at;
    if (s.action === 'close' && f.closedAt === null) f.closedAt = s.at;
    if (s.action === 'dispatch') f.dispatched = true;
    if (s.action === 'reportBack') f.reportedBack = true;
    if (s.action === 'checkFail') f.reworked = true;
    if (s.toState === 'voided') f.voided = true;
    if (s.toState === state && s.action !== 'checkFail') { ext += s.extensionMs; continue; }
    late(state, s.at);
    state = s.toState;
    since = s.at;
    ext = 0;
  }
  late(state, now);
  return f;
}

const pct = (n: number, d: number) => (d > 0 ? Math.round((1000 * n) / d) / 10 : null);

/** One row per group key, from the facts of the cases filed in the period. */
export function indicatorRows(cases: readonly { key: string; facts: CaseFacts }[]): IndicatorRow[] {
  const by = new Map<string, { due: number; closed: number; onTimeClosed: number; dispatched: number; handledOnTime: number; reworked: number }>();
  for (const { key, facts: f } of cases) {
    if (f.filedAt === null || f.voided) continue;
    let g = by.get(key);
    if (!g) by.set(key, (g = { due: 0, closed: 0, onTimeClosed: 0, dispatched: 0, handledOnTime: 0, reworked: 0 }));
    g.due++;
    if (f.closedAt !== null) { g.closed++; if (f.allOnTime) g.onTimeClosed++; }
    if (f.dispatched) {
      g.dispatched++;
      if (f.reportedBack && f.handlingOnTime) g.handledOnTime++;
      if (f.reworked) g.reworked++;
    }
  }
  return [...by].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, g]) => {
    const closureRate = pct(g.closed, g.due), onTimeHandlingRate = pct(g.handledOnTime, g.dispatched), reworkRate = pct(g.reworked, g.dispatched);
    const vp = volumePoints(g.due);
    return {
      key, ...g, closureRate, onTimeClosureRate: pct(g.onTimeClosed, g.due), onTimeHandlingRate, reworkRate, volumePoints: vp,
      // nothing dispatched: no handling to be late with, no rework
      score: g.due ? Math.round(10 * departmentScore(closureRate ?? 0, onTimeHandlingRate ?? 0, reworkRate ?? 0, vp)) / 10 : null,
    };
  });
}

/** The period's bounds as instants: local midnight of `from` to local midnight after `to`. */
export function periodBounds(from: string, to: string, utcOffsetMin: number): [number, number] {
  const day = (d: string) => Date.parse(`${d}T00:00:00Z`) - utcOffsetMin * 60_000;
  return [day(from), day(to) + 86_400_000];
}

export const INDICATOR_CSV_COLUMNS = [
  'key', 'due', 'closed', 'onTimeClosed', 'dispatched', 'handledOnTime', 'reworked',
  'closureRate', 'onTimeClosureRate', 'onTimeHandlingRate', 'reworkRate', 'volumePoints', 'score',
] as const;
