// Case indicators per department, unit grid or responsibility grid over a period (the pure
// rules are models/caseIndicators.ts): read each filed case's steps, group, and write CSV.
import { caseFacts, caseIndicatorsInputSchema, INDICATOR_CSV_COLUMNS, indicatorRows, periodBounds, type CaseIndicatorsInput, type IndicatorRow } from '../../models/caseIndicators';
import { CASE_CLASSES, DEFAULT_HANDLING, type CaseState } from '../../models/cases';
import type { WorkCalendar } from '../../models/workCalendar';
import type { Db } from '../db';
import type { Twin } from '../twin';
import { csvTable } from '../sim/csv';

/** The key of a case with no department or grid in the rows and the CSV. */
export const NO_KEY = '—';

export async function caseIndicators(db: Db, twin: Twin, cal: WorkCalendar, input: CaseIndicatorsInput, now: number): Promise<IndicatorRow[]> {
  const city = await twin.city(input.city); // NotFound for an unknown city
  const [from, to] = periodBounds(input.from, input.to, cal.utcOffsetMin);
  const cases = (await db.query<{ id: string; class_code: string; department: string | null; unit_grid_code: string | null }>(
    `select c.id, c.class_code, c.department, c.unit_grid_code from cases c where c.city = $1
       and exists (select 1 from case_steps s where s.case_id = c.id and s.action = 'file' and s.at >= $2 and s.at < $3)`,
    [input.city, new Date(from), new Date(to)])).rows;
  if (!cases.length) return [];
  const steps = (await db.query<{ case_id: string; action: string; from_state: CaseState | null; to_state: CaseState; at: Date | string; extension_ms: number | string }>(
    'select case_id, action, from_state, to_state, at, extension_ms from case_steps where case_id = any($1) order by id', [cases.map((c) => c.id)])).rows;
  const byCase = new Map<string, typeof steps>();
  for (const s of steps) {
    let list = byCase.get(s.case_id);
    if (!list) byCase.set(s.case_id, (list = []));
    list.push(s);
  }
  let respOf: Map<string, string> | null = null;
  if (input.by === 'responsibilityGrid') {
    const d = city.data;
    respOf = new Map(d.unitGrids.map((g) => [g.code, d.responsibilityGrids[g.responsibilityGrid]?.code ?? NO_KEY]));
  }
  return indicatorRows(cases.map((c) => {
    const handling = CASE_CLASSES.find((k) => k.code === c.class_code)?.handling ?? DEFAULT_HANDLING;
    const facts = caseFacts((byCase.get(c.id) ?? []).map((s) => ({
      action: s.action, fromState: s.from_state, toState: s.to_state, at: new Date(s.at).getTime(), extensionMs: Number(s.extension_ms),
    })), handling, cal, now);
    const key = input.by === 'department' ? c.department
      : input.by === 'unitGrid' ? c.unit_grid_code
        : c.unit_grid_code ? respOf!.get(c.unit_grid_code) : null;
    return { key: key ?? NO_KEY, facts };
  }));
}

export function indicatorsCsv(rows: readonly IndicatorRow[]): string {
  return csvTable(INDICATOR_CSV_COLUMNS, rows.map((r) => INDICATOR_CSV_COLUMNS.map((k) => r[k])));
}

/** The CSV route's query (?city=&by=&from=&to=), validated like the tRPC input. */
export function indicatorsQuery(url: string) {
  const q = new URL(url, 'http://local').searchParams;
  return caseIndicatorsInputSchema.safeParse({ city: q.get('city'), by: q.get('by'), from: q.get('from'), to: q.get('to') });
}
