// Reading a component's history back: stored buckets merged per step, the writer's buckets still
// in memory, and durable ingest rows no bucket holds yet.
import type { Db } from '../db';
import { stateKeyOf } from '../../models/components';
import { HISTORY_SOURCES, statesOfMask, worstState, type ComponentHistoryPoint, type HistorySource } from '../../models/history';
import type { HistoryBucket } from './historyAcc';
import type { HistoryWriter } from './history';

export interface ReadHistoryOptions {
  /** window [fromMs, toMs) on bucket start, epoch ms */
  fromMs?: number;
  toMs?: number;
  /** most recent points kept */
  limit?: number;
  /** points are merged buckets of this width (a multiple of the bucket width); default the bucket width */
  stepMs?: number;
  /** width of the stored buckets; default the writer's, else a minute */
  bucketMs?: number;
  /** adds what is still in memory: unwritten closed buckets and the open one */
  writer?: HistoryWriter;
  /**
   * Rows of state_changes (the durable ingest path) that no bucket of the same source covers:
   * 'merge' folds them into the points of their step (a chart), 'separate' keeps them as points
   * of their own (a list of changes), 'none' leaves them out. Default 'merge'.
   */
  changes?: 'merge' | 'separate' | 'none';
}

const FAR_FUTURE_MS = 253_402_300_800_000; // year 10000

/**
 * A component's history in time order (oldest first): its stored buckets merged per step, the
 * writer's buckets still in memory (the open one marked open), and durable ingest rows that
 * no bucket holds yet.
 */
export async function readHistory(db: Db, cityId: number, idx: number, opts: ReadHistoryOptions = {}): Promise<ComponentHistoryPoint[]> {
  const bucketMs = opts.bucketMs ?? opts.writer?.bucketMs ?? 60_000;
  const step = Math.max(opts.stepMs ?? bucketMs, bucketMs);
  const fromMs = opts.fromMs ?? 0, toMs = opts.toMs ?? FAR_FUTURE_MS;
  const limit = opts.limit ?? 1000;
  const changesMode = opts.changes ?? 'merge';
  const [stored, changes] = await Promise.all([
    db.query<{
      t: number; reports: number; readings: number; seen: number; sources: number; state: number; vmin: number | null;
      vmax: number | null; vmean: number | null; vlast: number | null; last_ms: number; source: string;
    }>(
      `select (floor((extract(epoch from bucket_start) * 1000)::float8 / $3::float8) * $3::float8)::float8 as t,
         sum(reports)::int as reports, sum(readings)::int as readings,
         bit_or(states_seen)::int as seen, bit_or(sources_seen)::int as sources,
         (array_agg(state_last order by last_at desc))[1]::int as state,
         min(value_min) as vmin, max(value_max) as vmax,
         (sum(value_mean::float8 * readings) / nullif(sum(readings), 0))::float8 as vmean,
         (array_agg(value_last order by last_at desc) filter (where value_last is not null))[1] as vlast,
         (extract(epoch from max(last_at)) * 1000)::float8 as last_ms,
         (array_agg(source order by last_at desc))[1] as source
       from component_history
       where city_id = $1 and component_idx = $2
         and bucket_start >= to_timestamp($4::float8 / 1000) and bucket_start < to_timestamp($5::float8 / 1000)
       group by 1 order by 1 desc limit $6`,
      [cityId, idx, step, fromMs, toMs, limit],
    ),
    changesMode === 'none'
      ? Promise.resolve({ rows: [] })
      : db.query<{ at_ms: number; state: number; value: number | null; source: string }>(
        `select (extract(epoch from s.at) * 1000)::float8 as at_ms, s.state::int as state, s.value, s.source
         from state_changes s
         where s.city_id = $1 and s.component_idx = $2
           and s.at >= to_timestamp($4::float8 / 1000) and s.at < to_timestamp($5::float8 / 1000)
           and not exists (
             select 1 from component_history h
             where h.city_id = s.city_id and h.component_idx = s.component_idx
               and h.bucket_start = to_timestamp(floor((extract(epoch from s.at) * 1000)::float8 / $3::float8) * $3::float8 / 1000)
               and h.sources_seen & (case s.source when 'api' then 1 when 'mqtt' then 2 when 'simulator' then 4 when 'load' then 8 else 0 end) <> 0)
         order by s.at desc, s.id desc limit $6`,
        [cityId, idx, bucketMs, fromMs, toMs, limit],
      ),
  ]);

  // In memory after the query: a chunk committed meanwhile has already left the writer's queue.
  const mem: HistoryBucket[] = [];
  if (opts.writer) {
    mem.push(...opts.writer.unwritten(cityId, idx));
    const open = opts.writer.openBucket(cityId, idx);
    if (open) mem.push(open);
  }
  const inWindow = (b: HistoryBucket) => b.startMs >= fromMs && b.startMs < toMs;

  const groups = new Map<number, HistoryBucket>();
  const add = (b: HistoryBucket) => {
    const t = Math.floor(b.startMs / step) * step;
    const g = groups.get(t);
    groups.set(t, g ? mergeBuckets(g, b) : { ...b, startMs: t });
  };
  for (const r of stored.rows) {
    add({
      startMs: r.t, reports: r.reports, readings: r.readings, stateFirst: r.state, stateLast: r.state, statesSeen: r.seen,
      sourcesSeen: r.sources, source: r.source, min: r.vmin, max: r.vmax, mean: r.vmean, last: r.vlast, lastAtMs: r.last_ms, open: false,
    });
  }
  for (const b of mem) if (inWindow(b)) add(b);

  const separate: HistoryBucket[] = [];
  for (const r of changes.rows) {
    const start = Math.floor(r.at_ms / bucketMs) * bucketMs;
    const code = HISTORY_SOURCES.indexOf(r.source as HistorySource);
    const bit = code >= 0 ? 1 << code : 0;
    if (mem.some((b) => b.startMs === start && b.sourcesSeen & bit)) continue; // the writer has it too
    const hasValue = r.value !== null;
    const b: HistoryBucket = {
      startMs: Math.floor(r.at_ms / step) * step, reports: 1, readings: hasValue ? 1 : 0, stateFirst: r.state, stateLast: r.state,
      statesSeen: 1 << r.state, sourcesSeen: bit, source: r.source, min: r.value, max: r.value, mean: r.value, last: r.value,
      lastAtMs: r.at_ms, open: false,
    };
    if (changesMode === 'merge') add(b);
    else separate.push(b);
  }

  const all = [...groups.values(), ...separate].sort((a, b) => a.startMs - b.startMs || a.lastAtMs - b.lastAtMs);
  return all.slice(Math.max(0, all.length - limit)).map((b) => toPoint(b, step));
}

function mergeBuckets(a: HistoryBucket, b: HistoryBucket): HistoryBucket {
  const later = b.lastAtMs >= a.lastAtMs ? b : a, earlier = later === b ? a : b;
  const readings = a.readings + b.readings;
  const minOf = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.min(x, y));
  const maxOf = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.max(x, y));
  return {
    startMs: a.startMs,
    reports: a.reports + b.reports,
    readings,
    stateFirst: earlier.stateFirst,
    stateLast: later.stateLast,
    statesSeen: a.statesSeen | b.statesSeen,
    sourcesSeen: a.sourcesSeen | b.sourcesSeen,
    source: later.source,
    min: minOf(a.min, b.min),
    max: maxOf(a.max, b.max),
    mean: readings ? ((a.mean ?? 0) * a.readings + (b.mean ?? 0) * b.readings) / readings : null,
    last: later.last ?? earlier.last,
    lastAtMs: later.lastAtMs,
    open: a.open || b.open,
  };
}

function toPoint(b: HistoryBucket, step: number): ComponentHistoryPoint {
  return {
    startMs: b.startMs,
    endMs: b.startMs + step,
    reports: b.reports,
    state: stateKeyOf(b.stateLast),
    worst: worstState(b.statesSeen),
    statesSeen: statesOfMask(b.statesSeen),
    min: b.min,
    max: b.max,
    mean: b.mean,
    last: b.last,
    lastAt: new Date(b.lastAtMs).toISOString(),
    source: b.source,
    open: b.open,
  };
}
