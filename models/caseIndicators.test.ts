import { describe, expect, it } from 'vitest';
import { caseFacts, caseIndicatorsInputSchema, departmentScore, indicatorRows, periodBounds, volumePoints, type CaseStepFact } from './caseIndicators';
import type { CaseState } from './cases';
import { workCalendarSchema } from './workCalendar';

const cal = workCalendarSchema.parse({});
const local = (iso: string) => Date.parse(`${iso}+08:00`);
const garbage = { amount: 4, unit: 'workingHours' } as const;

/** steps at local times: [action, to, time, extension hours] */
function steps(list: [string, CaseState, string, number?][]): CaseStepFact[] {
  let from: CaseState | null = null;
  return list.map(([action, to, at, h]) => {
    const s = { action, fromState: from, toState: to, at: local(at), extensionMs: (h ?? 0) * 3600_000 };
    from = to;
    return s;
  });
}
const loop = (dispatchAt: string, reportBackAt: string, ext?: [string, number]): CaseStepFact[] => steps([
  ['report', 'reported', '2026-12-04T09:00:00'], ['verify', 'verified', '2026-12-04T09:10:00'], ['file', 'filed', '2026-12-04T09:20:00'],
  ['dispatch', 'dispatched', dispatchAt], ...(ext ? [['grantExtension', 'dispatched', ext[0], ext[1]] as [string, CaseState, string, number]] : []),
  ['reportBack', 'reportedBack', reportBackAt], ['checkPass', 'checked', reportBackAt.replace(/:00$/, ':30')], ['close', 'closed', reportBackAt.replace(/:00$/, ':40')],
]);

describe('case indicators', () => {
  it('tells on-time steps from late ones in working time, across a weekend and with an extension', () => {
    const now = local('2026-12-10T12:00:00');
    // dispatched Friday 16:00 (a 4 working-hour limit ends Monday 11:00): reported back Monday 10:30
    expect(caseFacts(loop('2026-12-04T09:25:00', '2026-12-04T13:00:00'), garbage, cal, now)).toMatchObject({ handlingOnTime: true, allOnTime: true, closedAt: expect.any(Number) });
    const weekend = caseFacts(loop('2026-12-04T16:00:00', '2026-12-07T10:30:00'), garbage, cal, now);
    expect(weekend.handlingOnTime).toBe(true);
    // ... but dispatched Friday 09:25 and reported back Monday: late (the filed step was on time)
    const late = caseFacts(loop('2026-12-04T09:25:00', '2026-12-07T10:30:00'), garbage, cal, now);
    expect(late).toMatchObject({ handlingOnTime: false, allOnTime: false });
    // the same with 24 working hours granted while it ran
    expect(caseFacts(loop('2026-12-04T09:25:00', '2026-12-07T10:30:00', ['2026-12-04T11:00:00', 24]), garbage, cal, now).handlingOnTime).toBe(true);
    // filed 2 hours after verifying (limit 0.5 h): late overall, handling on time
    const slowDesk = steps([['report', 'reported', '2026-12-04T09:00:00'], ['verify', 'verified', '2026-12-04T09:10:00'], ['file', 'filed', '2026-12-04T11:10:00']]);
    expect(caseFacts(slowDesk, garbage, cal, now)).toMatchObject({ allOnTime: false, handlingOnTime: true, dispatched: false });
    // a case still with the department, overdue now
    const open = steps([['report', 'reported', '2026-12-04T09:00:00'], ['verify', 'verified', '2026-12-04T09:10:00'], ['file', 'filed', '2026-12-04T09:20:00'], ['dispatch', 'dispatched', '2026-12-04T09:25:00']]);
    expect(caseFacts(open, garbage, cal, local('2026-12-04T12:00:00')).handlingOnTime).toBe(true);
    expect(caseFacts(open, garbage, cal, now).handlingOnTime).toBe(false);
  });

  it('computes the rates and the department score of STANDARDS.md per group', () => {
    const now = local('2026-12-10T12:00:00');
    const onTime = caseFacts(loop('2026-12-04T09:25:00', '2026-12-04T13:00:00'), garbage, cal, now);
    const late = caseFacts(loop('2026-12-04T09:25:00', '2026-12-07T10:30:00'), garbage, cal, now);
    const rework = caseFacts(steps([
      ['report', 'reported', '2026-12-04T09:00:00'], ['verify', 'verified', '2026-12-04T09:10:00'], ['file', 'filed', '2026-12-04T09:20:00'],
      ['dispatch', 'dispatched', '2026-12-04T09:25:00'], ['reportBack', 'reportedBack', '2026-12-04T10:00:00'], ['checkFail', 'dispatched', '2026-12-04T10:30:00'],
    ]), garbage, cal, local('2026-12-04T11:00:00'));
    const voided = caseFacts(steps([['report', 'reported', '2026-12-04T09:00:00'], ['verify', 'verified', '2026-12-04T09:10:00'], ['file', 'filed', '2026-12-04T09:20:00'], ['void', 'voided', '2026-12-04T09:30:00']]), garbage, cal, now);
    const rows = indicatorRows([{ key: 'A', facts: onTime }, { key: 'A', facts: late }, { key: 'A', facts: rework }, { key: 'A', facts: voided }, { key: 'B', facts: onTime }]);
    expect(rows.map((r) => r.key)).toEqual(['A', 'B']);
    const a = rows[0]!;
    expect(a).toMatchObject({ due: 3, closed: 2, onTimeClosed: 1, dispatched: 3, handledOnTime: 2, reworked: 1, closureRate: 66.7, onTimeClosureRate: 33.3, onTimeHandlingRate: 66.7, reworkRate: 33.3, volumePoints: 2 });
    // 3 cases due: the band from 1 case
    expect([volumePoints(0), volumePoints(3), volumePoints(5), volumePoints(50)]).toEqual([0, 2, 4, 10]);
    expect(a.score).toBeCloseTo(departmentScore(66.7, 66.7, 33.3, 2), 1);
    expect(rows[1]).toMatchObject({ due: 1, closureRate: 100, onTimeClosureRate: 100, reworkRate: 0, score: 92 });
    expect(indicatorRows([{ key: 'C', facts: voided }])).toEqual([]);
  });

  it('reads the period in the city\'s local days and refuses a period that ends before it starts', () => {
    expect(periodBounds('2026-12-01', '2026-12-01', 480)).toEqual([local('2026-12-01T00:00:00'), local('2026-12-02T00:00:00')]);
    const bad = caseIndicatorsInputSchema.safeParse({ city: 'x', by: 'department', from: '2026-12-02', to: '2026-12-01' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ['to'], message: 'the period ends on or after it starts' });
    expect(caseIndicatorsInputSchema.safeParse({ city: 'x', by: 'team', from: '2026-12-01', to: '2026-12-01' }).success).toBe(false);
  });
});
