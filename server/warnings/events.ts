// Warnings as events: a grid a run or the gauges put over a threshold has one active event per
// source. What a subscriber hears is per grid, whatever the sources: one warning when the grid
// turns red (a second source saying red too sends nothing more), and the all-clear only when no
// source keeps it red (a gauge falling back must not clear a grid a forecast still floods).
// The unique keys (warning_events_active, warning_deliveries_once) make a repeat a no-op.
import { randomUUID } from 'node:crypto';
import type { Db, DbTx } from '../db';
import { warningText, type WarningPayload } from '../../models/warnings';
import type { GridLevel } from './levels';

interface ActiveRow { id: string; unit_grid_code: string; grid_index: number; colour: 'red' | 'yellow'; depth_cm: number; from_at: Date | string }
interface SubRow { id: string; place_zh: string; place_en: string }

const iso = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString();

/** One warning (or all-clear) row per subscriber; a second one for the same event and kind is dropped. */
async function enqueue(tx: DbTx, city: string, ev: { id: string; gridIndex: number; gridCode: string; colour: 'red' | 'yellow'; depthCm: number; fromAt: string }, kind: 'warning' | 'allclear', subs: SubRow[]) {
  for (const s of subs) {
    const id = randomUUID(), place = { zh: s.place_zh, en: s.place_en };
    const payload: WarningPayload = {
      type: kind === 'warning' ? 'flood.warning' : 'flood.allclear', deliveryId: id, subscriptionId: s.id, city,
      grid: { index: ev.gridIndex, code: ev.gridCode, place }, eventId: ev.id, colour: kind === 'warning' ? ev.colour : 'green', depthCm: ev.depthCm, fromAt: ev.fromAt,
      text: warningText({ kind, gridCode: ev.gridCode, place, depthCm: ev.depthCm, fromAt: ev.fromAt }),
    };
    await tx.query(`insert into warning_deliveries (id, subscription_id, event_id, kind, payload) values ($1, $2, $3, $4, $5)
      on conflict (subscription_id, event_id, kind) where event_id is not null do nothing`, [id, s.id, ev.id, kind, JSON.stringify(payload)]);
  }
}

/**
 * Subscribers of a grid warned red and not given the all-clear since, over every source's events
 * (a delivery row counts once queued: the outbox delivers it however long that takes).
 */
const stillWarned = (tx: DbTx, city: string, grid: string) => tx.query<SubRow>(`select distinct s.id, s.place_zh, s.place_en
  from warning_deliveries d join warning_events e on e.id = d.event_id join warning_subscriptions s on s.id = d.subscription_id
  where e.city = $1 and e.unit_grid_code = $2 and d.kind = 'warning' and s.cancelled_at is null
    and not exists (select 1 from warning_deliveries c join warning_events ce on ce.id = c.event_id
      where c.subscription_id = d.subscription_id and c.kind = 'allclear' and ce.city = $1 and ce.unit_grid_code = $2 and c.created_at >= d.created_at)`,
[city, grid]).then((r) => r.rows);

/** Whether another source keeps the grid red. */
const redFromOther = (tx: DbTx, city: string, grid: string, source: 'run' | 'gauge') => tx.query(
  `select 1 from warning_events where city = $1 and unit_grid_code = $2 and source <> $3 and colour = 'red' and cancelled_at is null limit 1`,
  [city, grid, source]).then((r) => r.rows.length > 0);

/** Confirmed, live subscriptions of a grid. */
export const subscribersOf = (tx: DbTx, city: string, grid: string) => tx.query<SubRow>(
  'select id, place_zh, place_en from warning_subscriptions where city = $1 and unit_grid_code = $2 and confirmed_at is not null and cancelled_at is null', [city, grid]).then((r) => r.rows);

/**
 * The grids of one source now (`next`: grid index -> level; absent grids are green). Returns
 * whether any grid's colour changed. Deliveries are written in the same transaction.
 */
export async function applyLevels(db: Db, city: string, gridCodes: readonly string[], source: 'run' | 'gauge', runId: string | null, next: Map<number, GridLevel>): Promise<boolean> {
  return db.transaction(async (tx) => {
    const active = (await tx.query<ActiveRow>('select id, unit_grid_code, grid_index, colour, depth_cm, from_at from warning_events where city = $1 and source = $2 and cancelled_at is null', [city, source])).rows;
    let changed = false;
    const kept = new Set<number>();
    for (const a of active) {
      const n = next.get(a.grid_index);
      if (n && n.colour === a.colour) {
        // the same colour: the event goes on (no new message); its figures follow the latest reading
        kept.add(a.grid_index);
        await tx.query('update warning_events set depth_cm = $2, why_zh = $3, why_en = $4, run_id = coalesce($5, run_id) where id = $1', [a.id, n.depthCm, n.why.zh, n.why.en, runId]);
        continue;
      }
      changed = true;
      await tx.query('update warning_events set cancelled_at = now() where id = $1', [a.id]);
      if (a.colour === 'red' && n?.colour !== 'red' && !(await redFromOther(tx, city, a.unit_grid_code, source))) {
        // the all-clear to each subscriber warned for this grid, by whichever source (whether or not the warning got through yet)
        const warned = await stillWarned(tx, city, a.unit_grid_code);
        await enqueue(tx, city, { id: a.id, gridIndex: a.grid_index, gridCode: a.unit_grid_code, colour: a.colour, depthCm: a.depth_cm, fromAt: iso(a.from_at) }, 'allclear', warned);
      }
    }
    for (const [g, n] of next) {
      if (kept.has(g)) continue;
      changed = true;
      const id = randomUUID(), code = gridCodes[g]!;
      // (another process may have opened it a moment ago: then its warnings are its own)
      const ins = await tx.query(`insert into warning_events (id, city, unit_grid_code, grid_index, source, run_id, colour, depth_cm, from_at, why_zh, why_en)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) on conflict (city, unit_grid_code, source) where cancelled_at is null do nothing returning id`,
      [id, city, code, g, source, runId, n.colour, n.depthCm, n.fromAt, n.why.zh, n.why.en]);
      if (ins.rows.length && n.colour === 'red') {
        // subscribers another source warned already hear nothing new
        const warned = new Set((await stillWarned(tx, city, code)).map((w) => w.id));
        const subs = (await subscribersOf(tx, city, code)).filter((x) => !warned.has(x.id));
        await enqueue(tx, city, { id, gridIndex: g, gridCode: code, colour: n.colour, depthCm: n.depthCm, fromAt: n.fromAt }, 'warning', subs);
      }
    }
    return changed;
  });
}

/** A newly confirmed subscriber of a grid under an active red warning gets it at once. */
export async function warnNewSubscriber(tx: DbTx, city: string, sub: SubRow & { unit_grid_code: string }) {
  const { rows } = await tx.query<ActiveRow>(`select id, unit_grid_code, grid_index, colour, depth_cm, from_at from warning_events
    where city = $1 and unit_grid_code = $2 and colour = 'red' and cancelled_at is null order by depth_cm desc limit 1`, [city, sub.unit_grid_code]);
  for (const a of rows) await enqueue(tx, city, { id: a.id, gridIndex: a.grid_index, gridCode: a.unit_grid_code, colour: a.colour, depthCm: a.depth_cm, fromAt: iso(a.from_at) }, 'warning', [sub]);
  return rows.length;
}
