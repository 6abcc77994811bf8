-- Real and simulated data apart (issue 15). A city's simulator runs only when its flag is on: an
-- imported city starts with it off; every city stored before this was generated and keeps it.
alter table cities add column simulator boolean not null default false;
update cities set simulator = true;
-- components.data_source becomes 'real' once a component has had a report from a real source
-- (ingest API, MQTT); the simulator leaves such a component alone from then on.

-- Where the retention and down-sampling passes have got to (server/live/retention.ts).
create table maintenance_marks (
  name text primary key,
  upto timestamptz not null
);

-- Retention and down-sampling walk history by time.
create index component_history_bucket on component_history (bucket_start);
create index state_changes_at on state_changes (at);
