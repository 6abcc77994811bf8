// The history's SQL: the bucket upsert (and its merge, which retention's down-sampling reuses), the
// components' last state, and the durable ingest path's rows.
import type { Db } from '../db';

/** The upsert's merge of a bucket written twice; also how down-sampling folds buckets (./retention.ts). */
export const MERGE_BUCKET = `
on conflict (city_id, component_idx, bucket_start) do update set
  reports = h.reports + excluded.reports,
  readings = h.readings + excluded.readings,
  states_seen = h.states_seen | excluded.states_seen,
  sources_seen = h.sources_seen | excluded.sources_seen,
  value_min = least(h.value_min, excluded.value_min),
  value_max = greatest(h.value_max, excluded.value_max),
  value_mean = (coalesce(h.value_mean::float8 * h.readings, 0) + coalesce(excluded.value_mean::float8 * excluded.readings, 0))
    / nullif(h.readings + excluded.readings, 0),
  state_last = case when excluded.last_at >= h.last_at then excluded.state_last else h.state_last end,
  value_last = case when excluded.last_at >= h.last_at then coalesce(excluded.value_last, h.value_last)
    else coalesce(h.value_last, excluded.value_last) end,
  source = case when excluded.last_at >= h.last_at then excluded.source else h.source end,
  last_at = greatest(h.last_at, excluded.last_at)`;

// A bucket written twice (a retry after a commit we did not hear of, a restart inside the
// bucket, a city re-registered) merges: counts add, extremes widen, the later report's last values win.
export const INSERT_BUCKETS = `
insert into component_history as h (city_id, component_idx, bucket_start, reports, readings, state_first, state_last,
  states_seen, value_min, value_max, value_mean, value_last, last_at, source, sources_seen)
select $1::int, t.idx, to_timestamp($2::float8 / 1000), t.reports, t.readings, t.f, t.l, t.seen, t.vmin, t.vmax, t.vmean,
  t.vlast, to_timestamp(t.last_ms / 1000), t.source, t.sources
from unnest($3::int[], $4::int[], $5::int[], $6::smallint[], $7::smallint[], $8::smallint[], $9::real[], $10::real[],
  $11::real[], $12::real[], $13::float8[], $14::text[], $15::smallint[])
  as t(idx, reports, readings, f, l, seen, vmin, vmax, vmean, vlast, last_ms, source, sources)
${MERGE_BUCKET}`;

// The components' last state, so Twin.load restores it; a newer report already stored (the
// durable ingest path writes its own) is not overwritten by an older bucket.
export const UPDATE_COMPONENTS = `
update components c set state = u.l, value = u.v, last_report_at = to_timestamp(u.last_ms / 1000),
  data_source = case when u.real then 'real' else c.data_source end
from unnest($2::int[], $3::smallint[], $4::real[], $5::float8[], $6::bool[]) as u(idx, l, v, last_ms, real)
where c.city_id = $1 and c.idx = u.idx
  and (c.last_report_at is null or c.last_report_at <= to_timestamp(u.last_ms / 1000))`;

/** History rows plus the components' current state, atomically (the durable HTTP ingest path). */
export async function writeChanges(
  db: Pick<Db, 'transaction'>, city: number[], comp: number[], at: string[], state: number[], value: (number | null)[], source: string[],
) {
  await db.transaction(async (tx) => {
    await tx.query(
      `insert into state_changes (city_id, component_idx, at, state, value, source)
       select * from unnest($1::int[], $2::int[], $3::timestamptz[], $4::smallint[], $5::real[], $6::text[])`,
      [city, comp, at, state, value, source],
    );
    // Latest change per component wins (rows arrive in time order).
    await tx.query(
      `update components c set state = u.state, value = u.value, last_report_at = u.at,
         data_source = case when u.source in ('api', 'mqtt') then 'real' else c.data_source end
       from (select distinct on (city_id, component_idx) city_id, component_idx, at, state, value, source
             from unnest($1::int[], $2::int[], $3::timestamptz[], $4::smallint[], $5::real[], $6::text[]) with ordinality
               as t(city_id, component_idx, at, state, value, source, ord)
             order by city_id, component_idx, ord desc) u
       where c.city_id = u.city_id and c.idx = u.component_idx`,
      [city, comp, at, state, value, source],
    );
  });
}
