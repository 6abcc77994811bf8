-- The case loop (server/cases, models/cases.ts): a case, every step taken on it (the timeline and
-- the indicators are read from the steps), its photos, and the per-day sequences of case numbers.
create table cases (
  id uuid primary key,
  number text not null unique,
  city text not null,
  kind text not null check (kind in ('component', 'event')),
  class_code text not null,
  state text not null,
  description text not null,
  lon_deg double precision,
  lat_deg double precision,
  component_code text,
  unit_grid_code text,
  department text,
  source text not null,
  reported_by uuid,
  reported_at timestamptz not null,
  -- the current step's clock starts here; extensions granted add to its limit
  state_since timestamptz not null,
  extension_ms bigint not null default 0,
  rework_count integer not null default 0,
  -- every step bumps it: a step taken on a stale view is refused, not applied twice
  version integer not null default 1,
  updated_at timestamptz not null default now()
);
create index cases_city_state on cases (city, state);
-- a sensor opens one case per component while one is open (server/cases/sensor.ts)
create unique index cases_one_open_sensor on cases (city, component_code)
  where source = 'sensor' and state not in ('closed', 'evaluated', 'voided', 'selfHandled');

create table case_steps (
  id bigserial primary key,
  case_id uuid not null references cases (id) on delete cascade,
  action text not null,
  from_state text,
  to_state text not null,
  actor_id uuid,
  actor_name text not null,
  actor_role text not null,
  note text,
  at timestamptz not null default now()
);
create index case_steps_case on case_steps (case_id, id);

create table case_photos (
  id uuid primary key,
  case_id uuid not null references cases (id) on delete cascade,
  phase text not null check (phase in ('before', 'after')),
  mime text not null,
  bytes bytea not null,
  size integer not null,
  uploaded_by uuid,
  created_at timestamptz not null default now()
);
create index case_photos_case on case_photos (case_id);

create table case_sequences (
  prefix text primary key,
  n integer not null
);
