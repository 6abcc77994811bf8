// Opening the cases that real telemetry asks for, many at once: an alarm storm puts thousands of
// components in alarm within a second, and one case (four statements and a history read) at a time
// fell behind without bound, so that shutting down waited for hours of queued work.
import { randomUUID } from 'node:crypto';
import { STATE_CODE } from '../../models/components';
import { STATE_MASK } from '../../models/live';
import { caseNumber } from '../../models/cases';
import type { Db } from '../db';
import type { Twin } from '../twin';

/** The states that open a sensor case. */
export const SENSOR_OPENS: ReadonlySet<number> = new Set([STATE_CODE.alarm, STATE_CODE.damaged, STATE_CODE.missing]);
const WORD = { alarm: '告警', damaged: '破损', missing: '丢失' } as Record<string, string>;
/** a sensor case counts as open in every state but these (the unique index cases_one_open_sensor agrees) */
const OPEN = "source = 'sensor' and state not in ('closed', 'evaluated', 'voided', 'selfHandled')";

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Opens one case for each of `indices` that is in alarm, damaged or missing now and has no open
 * sensor case: per `chunk` components, one query finds those with an open case and one transaction
 * opens the others (case numbers reserved per class in one statement), the event loop let through
 * between chunks. A case another process opened meanwhile is skipped by the unique index.
 * Returns the numbers opened.
 */
export async function openSensorCases(db: Db, twin: Twin, slug: string, indices: Iterable<number>, nowMs: number, chunk = 500): Promise<string[]> {
  const city = await twin.city(slug);
  const codes = city.data.components.codes;
  const todo: number[] = [];
  for (const i of indices) if (SENSOR_OPENS.has(city.live.states[i]! & STATE_MASK)) todo.push(i);
  const opened: string[] = [];
  for (let k = 0; k < todo.length; k += chunk) {
    if (k > 0) await yieldToEventLoop();
    const want = new Map(todo.slice(k, k + chunk).map((i) => [codes[i]!, i]));
    const open = await db.query<{ component_code: string }>(
      `select component_code from cases where city = $1 and ${OPEN} and component_code = any($2)`, [slug, [...want.keys()]]);
    for (const r of open.rows) want.delete(r.component_code);
    if (want.size) opened.push(...(await insertChunk(db, twin, slug, [...want.values()], nowMs)));
  }
  return opened;
}

async function insertChunk(db: Db, twin: Twin, slug: string, indices: number[], nowMs: number): Promise<string[]> {
  const city = await twin.city(slug);
  const rows = indices.map((i) => {
    const c = twin.componentNow(city, i);
    return {
      id: randomUUID(), prefix: caseNumber('component', c.classCode, nowMs, 1).slice(0, -4), c,
      description: `${c.className.zh}：传感器报告${WORD[c.state]} (${c.className.en}: sensor reports ${c.state})`,
    };
  });
  const perPrefix = new Map<string, number>();
  for (const r of rows) perPrefix.set(r.prefix, (perPrefix.get(r.prefix) ?? 0) + 1);
  const at = new Date(nowMs);
  return db.transaction(async (tx) => {
    // one reservation per class: this chunk's k cases of a class take the numbers n - k + 1 .. n
    const seq = await tx.query<{ prefix: string; n: number }>(
      `insert into case_sequences (prefix, n) select * from unnest($1::text[], $2::int[])
       on conflict (prefix) do update set n = case_sequences.n + excluded.n returning prefix, n`,
      [[...perPrefix.keys()], [...perPrefix.values()]]);
    const next = new Map(seq.rows.map((r) => [r.prefix, r.n - perPrefix.get(r.prefix)! + 1]));
    const numbers = rows.map((r) => {
      const n = next.get(r.prefix)!;
      next.set(r.prefix, n + 1);
      return caseNumber('component', r.c.classCode, nowMs, n);
    });
    const ins = await tx.query<{ id: string; number: string }>(
      `insert into cases (id, number, city, kind, class_code, state, description, lon_deg, lat_deg, component_code, unit_grid_code, department, source, reported_by, reported_at, state_since)
       select t.id, t.number, $1, 'component', t.cls, 'reported', t.descr, t.lon, t.lat, t.code, t.grid, t.dept, 'sensor', null, $2, $2
       from unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::float8[], $9::text[], $10::text[], $11::text[])
         as t(id, number, cls, descr, lon, lat, code, grid, dept)
       on conflict do nothing returning id, number`,
      [slug, at, rows.map((r) => r.id), numbers, rows.map((r) => r.c.classCode), rows.map((r) => r.description),
        rows.map((r) => r.c.lonDeg), rows.map((r) => r.c.latDeg), rows.map((r) => r.c.code), rows.map((r) => r.c.unitGridCode), rows.map((r) => r.c.maintainerDept.zh)]);
    await tx.query(
      `insert into case_steps (case_id, action, from_state, to_state, actor_id, actor_name, actor_role, note, at)
       select id, 'report', null, 'reported', null, 'sensor', 'sensor', null, $2 from unnest($1::uuid[]) as t(id)`,
      [ins.rows.map((r) => r.id), at]);
    return ins.rows.map((r) => r.number);
  });
}
