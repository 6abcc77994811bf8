-- Component history, down-sampled by server/live/history.ts: one row per component per time
-- bucket (a minute by default) in which it reported, instead of a row per change. A bucket
-- written twice (a restart inside the minute, a retry) is merged by the writer's upsert.
-- state_changes stays: the durable HTTP ingest path still writes its rows there.
create table component_history (
  city_id integer not null references cities(id) on delete cascade,
  component_idx integer not null,
  bucket_start timestamptz not null,
  reports integer not null,
  -- reports that carried a reading (the weight of value_mean when buckets are merged)
  readings integer not null,
  state_first smallint not null,
  state_last smallint not null,
  -- bit k set = state code k was reported in the bucket (codes 0..8, models/components.ts)
  states_seen smallint not null,
  value_min real,
  value_max real,
  value_mean real,
  value_last real,
  last_at timestamptz not null,
  -- source of the last report, and a bitmask of all sources (bit = index in HISTORY_SOURCES)
  source text not null,
  sources_seen smallint not null,
  primary key (city_id, component_idx, bucket_start)
);
