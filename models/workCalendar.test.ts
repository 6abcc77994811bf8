import { describe, expect, it } from 'vitest';
import { workCalendarSchema } from './workCalendar';

describe('workCalendarSchema', () => {
  it('takes real dates only, naming the entry that is not one', () => {
    expect(workCalendarSchema.parse({ holidays: ['2027-01-01', '2028-02-29'] }).holidays).toEqual(['2027-01-01', '2028-02-29']);
    for (const [bad, why] of [['2027-13-40', 'no such date'], ['2027-02-29', 'no such date'], ['2027-1-5', 'a date as YYYY-MM-DD']] as const) {
      const r = workCalendarSchema.safeParse({ holidays: ['2027-01-01', bad] });
      expect(r.success).toBe(false);
      expect(r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([`holidays.1: ${why}`]);
    }
  });
});
