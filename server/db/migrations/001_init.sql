-- Cities and their static twin data. Bulk geometry (DEM, roads, water, building rings) is kept
-- as binary packs (models/pack.ts) in city_blobs; what is queried row by row has its own table.
create table cities (
  id serial primary key,
  slug text not null unique,
  meta jsonb not null,
  counts jsonb not null,
  created_at timestamptz not null default now()
);

create table city_blobs (
  city_id integer not null references cities(id) on delete cascade,
  name text not null,
  data bytea not null,
  primary key (city_id, name)
);

create table departments (
  city_id integer not null references cities(id) on delete cascade,
  idx integer not null,
  name_zh text not null,
  name_en text not null,
  primary key (city_id, idx)
);

create table responsibility_grids (
  city_id integer not null references cities(id) on delete cascade,
  idx integer not null,
  code char(12) not null,
  name_zh text not null,
  name_en text not null,
  primary key (city_id, idx),
  unique (city_id, code)
);

create table unit_grids (
  city_id integer not null references cities(id) on delete cascade,
  idx integer not null,
  code char(15) not null,
  responsibility_idx integer not null,
  area_m2 real not null,
  ring jsonb not null,
  primary key (city_id, idx),
  unique (city_id, code)
);

create table components (
  city_id integer not null references cities(id) on delete cascade,
  idx integer not null,
  code char(17) not null,
  class_code char(5) not null,
  x real not null,
  y real not null,
  z real not null,
  heading real not null,
  unit_grid_idx integer not null,
  owner_dept integer not null,
  maintainer_dept integer not null,
  state smallint not null,
  value real,
  last_report_at timestamptz,
  data_source text not null default 'generated',
  primary key (city_id, idx),
  unique (city_id, code)
);

create table prone_points (
  city_id integer not null references cities(id) on delete cascade,
  id text not null,
  name_zh text not null,
  name_en text not null,
  x real not null,
  y real not null,
  ground_m real not null,
  unit_grid_idx integer not null,
  primary key (city_id, id)
);

-- Every accepted state change, for the inspector's history (down-sampling comes with the
-- high-rate ingest).
create table state_changes (
  id bigserial primary key,
  city_id integer not null references cities(id) on delete cascade,
  component_idx integer not null,
  at timestamptz not null,
  state smallint not null,
  value real,
  source text not null
);
create index state_changes_component on state_changes (city_id, component_idx, at desc);
