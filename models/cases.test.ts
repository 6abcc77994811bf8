import { describe, expect, it } from 'vitest';
import { ROLES } from './accounts';
import {
  availableActions, CASE_ACTIONS, CASE_STATES, CASE_STEPS, caseNumber, caseNumberSchema, caseTransition, stepLimit, type CaseAction, type CaseState,
} from './cases';
import { addWorkingMs, limitColour, limitState, workCalendarSchema, workingMsBetween } from './workCalendar';

const H = 3600_000;
const cal = workCalendarSchema.parse({ holidays: ['2026-10-01', '2026-10-02'], workdays: ['2026-10-10'] });
/** local (UTC+8) time as UTC ms */
const local = (iso: string) => Date.parse(`${iso}+08:00`);

describe('case loop', () => {
  it('goes through the whole loop, each step by its own role', () => {
    const path: [CaseAction, (typeof ROLES)[number], CaseState][] = [
      ['verify', 'inspector', 'verified'], ['file', 'shift_lead', 'filed'], ['dispatch', 'dispatcher', 'dispatched'],
      ['handle', 'department', 'handling'], ['reportBack', 'department', 'reportedBack'], ['checkPass', 'inspector', 'checked'],
      ['close', 'shift_lead', 'closed'], ['evaluate', 'shift_lead', 'evaluated'],
    ];
    let s: CaseState = 'reported';
    for (const [action, role, to] of path) {
      const r = caseTransition(s, action, { role, department: 'roads' }, 'roads');
      expect(r, `${action} by ${role} from ${s}`).toEqual({ ok: true, to });
      s = to;
    }
  });

  it('refuses every step to every role not named for it, and from every state not named, with the reason', () => {
    for (const action of CASE_ACTIONS) {
      const step = CASE_STEPS[action];
      for (const role of ROLES) {
        for (const state of CASE_STATES) {
          const r = caseTransition(state, action, { role, department: 'd' }, 'd');
          const allowed = step.roles.includes(role) && step.from.includes(state);
          expect(r.ok, `${action} by ${role} from ${state}`).toBe(allowed);
          if (!r.ok) expect(r.reason).toMatch(step.roles.includes(role) ? /is taken from/ : /is for/);
        }
      }
    }
    // viewers, planners and administrators take no step of the loop
    for (const role of ['viewer', 'planner', 'administrator'] as const) for (const s of CASE_STATES) expect(availableActions(s, role)).toEqual([]);
  });

  it('a department acts only on its own cases; side paths go where the standard says', () => {
    expect(caseTransition('dispatched', 'handle', { role: 'department', department: 'parks' }, 'roads')).toMatchObject({ ok: false, reason: /with roads/ });
    expect(caseTransition('dispatched', 'return', { role: 'department', department: 'roads' }, 'roads')).toEqual({ ok: true, to: 'returned' });
    expect(caseTransition('returned', 'dispatch', { role: 'dispatcher' })).toEqual({ ok: true, to: 'dispatched' });
    expect(caseTransition('reportedBack', 'checkFail', { role: 'inspector' })).toEqual({ ok: true, to: 'dispatched' });
    expect(caseTransition('handling', 'requestExtension', { role: 'department', department: 'r' }, 'r')).toEqual({ ok: true, to: 'handling' });
    expect(caseTransition('parkRequested', 'approvePark', { role: 'shift_lead' })).toEqual({ ok: true, to: 'parked' });
    expect(caseTransition('reported', 'selfHandle', { role: 'inspector' })).toEqual({ ok: true, to: 'selfHandled' });
    expect(caseTransition('selfHandled', 'close', { role: 'shift_lead' })).toEqual({ ok: true, to: 'closed' });
    expect(caseTransition('dispatched', 'void', { role: 'shift_lead' }).ok).toBe(false);
    expect(availableActions('dispatched', 'department')).toEqual(['handle', 'return', 'requestPark', 'requestExtension']);
  });

  it('numbers cases C/E + class + local date + sequence', () => {
    // 23:30 UTC on 5 December is 07:30 on 6 December in China
    expect(caseNumber('event', '06010', Date.parse('2026-12-05T23:30:00Z'), 7)).toBe('E06010202612060007');
    expect(caseNumber('component', '01001', Date.parse('2026-12-06T03:00:00Z'), 12345)).toBe('C010012026120612345');
    expect(caseNumberSchema.safeParse('E0111202612060001').success).toBe(true);
    expect(() => caseNumber('event', '6010x', 0, 1)).toThrow(/class code/);
    expect(stepLimit('parked', { amount: 4, unit: 'workingHours' })).toBeNull();
    expect(stepLimit('handling', { amount: 4, unit: 'workingHours' })).toEqual({ amount: 4, unit: 'workingHours' });
  });
});

describe('working calendar', () => {
  it('counts only working periods of working days', () => {
    // Friday 16:00 to Monday 10:00: 2 h on Friday + 1 h on Monday
    expect(workingMsBetween(cal, local('2026-12-04T16:00:00'), local('2026-12-07T10:00:00'))).toBe(3 * H);
    // lunch does not count
    expect(workingMsBetween(cal, local('2026-12-07T11:00:00'), local('2026-12-07T14:00:00'))).toBe(2 * H);
    // holidays do not, a worked Saturday (调休) does
    expect(workingMsBetween(cal, local('2026-10-01T00:00:00'), local('2026-10-03T00:00:00'))).toBe(0);
    expect(workingMsBetween(cal, local('2026-10-10T00:00:00'), local('2026-10-11T00:00:00'))).toBe(8 * H);
  });

  it('a 4-working-hour limit from Friday 16:00 ends Monday 11:00; colours across the weekend', () => {
    const start = local('2026-12-04T16:00:00');
    const limit = { amount: 4, unit: 'workingHours' } as const;
    expect(addWorkingMs(cal, start, 4 * H)).toBe(local('2026-12-07T11:00:00'));
    // all weekend the clock stands at 2 of 4 hours: green
    expect(limitState(cal, start, limit, local('2026-12-06T20:00:00'))).toMatchObject({ colour: 'green', leftMs: 2 * H });
    // Monday 10:00: 3 of 4 h (75%) green; 10:30: 87.5% yellow; 11:00 exactly: yellow; 11:01: red
    expect(limitState(cal, start, limit, local('2026-12-07T10:00:00')).colour).toBe('green');
    expect(limitState(cal, start, limit, local('2026-12-07T10:30:00')).colour).toBe('yellow');
    expect(limitState(cal, start, limit, local('2026-12-07T11:00:00')).colour).toBe('yellow');
    expect(limitState(cal, start, limit, local('2026-12-07T11:01:00'))).toMatchObject({ colour: 'red', leftMs: -60_000 });
    // a working day is 8 working hours here (2 on Friday, 3 + 3 on Monday); an extension adds to the limit
    expect(limitState(cal, start, { amount: 1, unit: 'workingDays' }, local('2026-12-07T10:00:00'), 0).deadline).toBe(local('2026-12-07T16:00:00'));
    expect(limitState(cal, start, limit, local('2026-12-07T11:01:00'), 2 * H).colour).toBe('green');
    expect(limitColour(79, 100)).toBe('green');
  });

  it('refuses overlapping periods', () => {
    expect(workCalendarSchema.safeParse({ periods: [{ from: '09:00', to: '12:00' }, { from: '11:00', to: '13:00' }] }).success).toBe(false);
  });
});
