// Working time for case time limits (STANDARDS.md: limits in working hours or working days).
// A calendar is data the administrator edits: the working periods of a day, the weekdays that
// work, public holidays, and the weekend days worked instead (调休). Pure: zod only.
import { z } from 'zod';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const dateSchema = z.string().regex(DATE, 'a date as YYYY-MM-DD')
  // the pattern alone lets 2027-13-40 through (a string off the pattern has its one issue already)
  .refine((s) => { const d = new Date(`${s}T00:00:00Z`); return !DATE.test(s) || (!Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s); }, 'no such date');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM');

export const workCalendarSchema = z.object({
  /** minutes east of UTC of the city's clock (China: +480, no daylight saving) */
  utcOffsetMin: z.number().int().min(-720).max(840).default(480),
  /** working periods of a working day, local time, in order, not overlapping */
  periods: z.array(z.object({ from: hhmm, to: hhmm })).min(1).default([{ from: '09:00', to: '12:00' }, { from: '13:00', to: '18:00' }]),
  /** ISO weekdays that work (1 = Monday ... 7 = Sunday) */
  weekdays: z.array(z.number().int().min(1).max(7)).default([1, 2, 3, 4, 5]),
  /** public holidays: no work on these dates */
  holidays: z.array(dateSchema).default([]),
  /** weekend dates worked instead of a holiday (调休) */
  workdays: z.array(dateSchema).default([]),
}).superRefine((c, ctx) => {
  let last = -1;
  c.periods.forEach((p, i) => {
    const a = minutes(p.from), b = minutes(p.to);
    if (b <= a || a < last) ctx.addIssue({ code: 'custom', path: ['periods', i], message: 'periods in order, each ending after it starts, not overlapping' });
    last = b;
  });
});
export type WorkCalendar = z.infer<typeof workCalendarSchema>;

function minutes(s: string): number {
  return Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
}

const DAY = 86_400_000;
const MIN = 60_000;

/** working minutes in one working day of this calendar */
export function workingDayMinutes(cal: WorkCalendar): number {
  return cal.periods.reduce((s, p) => s + minutes(p.to) - minutes(p.from), 0);
}

/** whether the local date (days since the epoch, local) is a working day */
function works(cal: WorkCalendar, localDay: number): boolean {
  const iso = new Date(localDay * DAY).toISOString().slice(0, 10);
  if (cal.workdays.includes(iso)) return true;
  if (cal.holidays.includes(iso)) return false;
  const wd = ((new Date(localDay * DAY).getUTCDay() + 6) % 7) + 1;
  return cal.weekdays.includes(wd);
}

/** The working intervals [start, end) in UTC ms of one local day. */
function dayIntervals(cal: WorkCalendar, localDay: number): [number, number][] {
  if (!works(cal, localDay)) return [];
  const base = localDay * DAY - cal.utcOffsetMin * MIN;
  return cal.periods.map((p) => [base + minutes(p.from) * MIN, base + minutes(p.to) * MIN]);
}

const localDayOf = (cal: WorkCalendar, t: number) => Math.floor((t + cal.utcOffsetMin * MIN) / DAY);

/** Working milliseconds between two instants (0 when b <= a). */
export function workingMsBetween(cal: WorkCalendar, a: number, b: number): number {
  if (b <= a) return 0;
  let sum = 0;
  for (let d = localDayOf(cal, a); d <= localDayOf(cal, b); d++) {
    for (const [s, e] of dayIntervals(cal, d)) sum += Math.max(0, Math.min(e, b) - Math.max(s, a));
  }
  return sum;
}

/** The instant when `ms` working milliseconds have passed after `start` (a deadline). */
export function addWorkingMs(cal: WorkCalendar, start: number, ms: number): number {
  let left = ms;
  // a calendar without any working day in a year would never end: refuse it
  for (let d = localDayOf(cal, start), n = 0; n < 366 * 20; d++, n++) {
    for (const [s, e] of dayIntervals(cal, d)) {
      const from = Math.max(s, start);
      if (from >= e) continue;
      if (left <= e - from) return from + left;
      left -= e - from;
    }
  }
  throw new Error('the working calendar has no working time');
}

/** A time limit: working hours, or working days (of workingDayMinutes each). */
export const timeLimitSchema = z.object({ amount: z.number().positive(), unit: z.enum(['workingHours', 'workingDays']) });
export type TimeLimit = z.infer<typeof timeLimitSchema>;

export function limitMs(cal: WorkCalendar, limit: TimeLimit): number {
  return limit.unit === 'workingHours' ? limit.amount * 3600_000 : limit.amount * workingDayMinutes(cal) * MIN;
}

/**
 * STANDARDS.md: green while under 80% of the limit is used, yellow up to 100%, red when overdue.
 */
export type LimitColour = 'green' | 'yellow' | 'red';
export function limitColour(usedMs: number, limitMsValue: number): LimitColour {
  const f = usedMs / limitMsValue;
  return f < 0.8 ? 'green' : f <= 1 ? 'yellow' : 'red';
}

/** Where a step stands against its limit at `now`: the deadline, the working time left (negative: overdue), the colour. */
export function limitState(cal: WorkCalendar, startedAt: number, limit: TimeLimit, now: number, extraMs = 0) {
  const total = limitMs(cal, limit) + extraMs;
  const used = workingMsBetween(cal, startedAt, now);
  return { deadline: addWorkingMs(cal, startedAt, total), leftMs: total - used, colour: limitColour(used, total) };
}
