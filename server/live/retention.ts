import type { Db } from '../db';
import { retentionRows } from '../metrics';
import { MERGE_BUCKET } from './history';

const DAY = 86_400_000;

export interface RetentionSettings {
  /** state_changes rows (the durable ingest's audit trail) older than this go */
  stateChangesDays: number;
  /** component_history rows older than this go */
  historyDays: number;
  /** buckets older than this are merged into coarse ones */
  downsampleAfterDays: number;
  coarseBucketMs: number;
  /** the live writer's bucket width: nothing to merge when coarse is not wider */
  fineBucketMs: number;
  /** rows a delete takes at a time */
  deleteBatch?: number;
  /** components a down-sampling step takes at a time */
  componentBatch?: number;
}

export interface RetentionResult {
  stateChangesDeleted: number;
  historyDeleted: number;
  /** fine buckets merged away into coarse ones */
  historyMerged: number;
}

const MARK = 'history-downsampled-upto';
const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

/**
 * Keeps history to the configured age and resolution. Every step is one short statement or
 * transaction over a bounded number of rows, with a pause between them, so ingest (the history
 * writer, the durable path) gets the database between steps; one pass at a time.
 */
export class Retention {
  private running: Promise<RetentionResult> | null = null;
  private stopped = false;

  constructor(private readonly db: Db, private readonly s: RetentionSettings) {}

  run(nowMs = Date.now()): Promise<RetentionResult> {
    if (this.stopped) return Promise.resolve({ stateChangesDeleted: 0, historyDeleted: 0, historyMerged: 0 });
    this.running ??= this.pass(nowMs).finally(() => (this.running = null));
    return this.running;
  }

  /** Stops after the current step (at shutdown); resolves when the pass has stopped. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => undefined);
  }

  private async pass(nowMs: number): Promise<RetentionResult> {
    const r: RetentionResult = { stateChangesDeleted: 0, historyDeleted: 0, historyMerged: 0 };
    const batch = this.s.deleteBatch ?? 5_000;
    r.stateChangesDeleted = await this.deleteOlder('state_changes', 'at', nowMs - this.s.stateChangesDays * DAY, batch);
    r.historyDeleted = await this.deleteOlder('component_history', 'bucket_start', nowMs - this.s.historyDays * DAY, batch);
    r.historyMerged = await this.downsample(nowMs);
    retentionRows.inc({ table: 'state_changes', action: 'deleted' }, r.stateChangesDeleted);
    retentionRows.inc({ table: 'component_history', action: 'deleted' }, r.historyDeleted);
    retentionRows.inc({ table: 'component_history', action: 'merged' }, r.historyMerged);
    return r;
  }

  private async deleteOlder(table: 'state_changes' | 'component_history', col: 'at' | 'bucket_start', beforeMs: number, batch: number) {
    let total = 0;
    for (;;) {
      const { rows } = await this.db.query<{ n: number }>(
        `with d as (delete from ${table} where ctid = any(array(
           select ctid from ${table} where ${col} < to_timestamp($1::float8 / 1000) limit $2)) returning 1)
         select count(*)::int as n from d`, [beforeMs, batch]);
      const n = rows[0]?.n ?? 0;
      total += n;
      if (n < batch || this.stopped) return total;
      await pause();
    }
  }

  /**
   * Folds the fine buckets of each coarse window older than the threshold into the window's first
   * bucket, window by window from where the last pass stopped. Folding is a merge (the writer's
   * upsert), so a window done twice (a pass cut short) comes out the same.
   */
  private async downsample(nowMs: number): Promise<number> {
    const step = this.s.coarseBucketMs;
    if (step <= this.s.fineBucketMs) return 0;
    const cutoff = Math.floor((nowMs - this.s.downsampleAfterDays * DAY) / step) * step;
    const mark = (await this.db.query<{ ms: number }>(
      'select (extract(epoch from upto) * 1000)::float8 as ms from maintenance_marks where name = $1', [MARK])).rows[0]?.ms;
    let from = mark;
    if (from === undefined) {
      const first = (await this.db.query<{ ms: number | null }>(
        'select (extract(epoch from min(bucket_start)) * 1000)::float8 as ms from component_history')).rows[0]?.ms;
      if (first === null || first === undefined) return 0;
      from = Math.floor(first / step) * step;
    }
    const perStep = this.s.componentBatch ?? 2_000;
    let merged = 0;
    for (let h = from; h < cutoff; h += step) {
      const ranges = await this.db.query<{ city_id: number; lo: number; hi: number }>(
        `select city_id, min(component_idx) as lo, max(component_idx) as hi from component_history
         where bucket_start > to_timestamp($1::float8 / 1000) and bucket_start < to_timestamp($2::float8 / 1000) group by city_id`,
        [h, h + step]);
      for (const { city_id: city, lo, hi } of ranges.rows) {
        for (let c = lo; c <= hi; c += perStep) {
          merged += await this.db.transaction(async (tx) => {
            const args = [city, c, c + perStep, h, h + step];
            await tx.query(FOLD, args);
            const { rows } = await tx.query<{ n: number }>(
              `with d as (delete from component_history where ${IN_WINDOW} returning 1) select count(*)::int as n from d`, args);
            return rows[0]?.n ?? 0;
          });
          await pause();
          if (this.stopped) return merged;
        }
      }
      // jump over a stretch with no history at all instead of walking it hour by hour
      const next = (await this.db.query<{ ms: number | null }>(
        'select (extract(epoch from min(bucket_start)) * 1000)::float8 as ms from component_history where bucket_start >= to_timestamp($1::float8 / 1000)',
        [h + step])).rows[0]?.ms;
      const upto = next === null || next === undefined ? cutoff : Math.min(cutoff, Math.max(h + step, Math.floor(next / step) * step));
      await this.db.query(
        `insert into maintenance_marks (name, upto) values ($1, to_timestamp($2::float8 / 1000))
         on conflict (name) do update set upto = excluded.upto`, [MARK, upto]);
      h = upto - step;
    }
    return merged;
  }
}

// The window's buckets after its first one: $1 city, [$2, $3) components, [$4, $5) the coarse window (ms).
const IN_WINDOW = `city_id = $1 and component_idx >= $2 and component_idx < $3
  and bucket_start > to_timestamp($4::float8 / 1000) and bucket_start < to_timestamp($5::float8 / 1000)`;

const FOLD = `
insert into component_history as h (city_id, component_idx, bucket_start, reports, readings, state_first, state_last,
  states_seen, value_min, value_max, value_mean, value_last, last_at, source, sources_seen)
select $1::int, component_idx, to_timestamp($4::float8 / 1000), sum(reports)::int, sum(readings)::int,
  (array_agg(state_first order by bucket_start))[1], (array_agg(state_last order by last_at desc))[1],
  bit_or(states_seen), min(value_min), max(value_max),
  (sum(value_mean::float8 * readings) / nullif(sum(readings), 0))::real,
  (array_agg(value_last order by last_at desc) filter (where value_last is not null))[1],
  max(last_at), (array_agg(source order by last_at desc))[1], bit_or(sources_seen)
from component_history
where ${IN_WINDOW}
group by component_idx
${MERGE_BUCKET}`;
