-- Flood scenarios per city and their runs (server/runs). Runs are also the job queue: a run is
-- claimed with FOR UPDATE SKIP LOCKED and kept alive by its owner's heartbeat, so several
-- server processes share them and one lost with its process is found and re-queued or failed.
create table scenarios (
  id uuid primary key,
  city text not null,
  name text not null,
  -- as entered (defaults not filled in), so the editor shows what was typed
  scenario jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index scenarios_city on scenarios (city, created_at desc);

-- no foreign key to scenarios: deleting a scenario keeps its runs (scenario_id stays as it was)
create table runs (
  id uuid primary key,
  city text not null,
  scenario_id uuid,
  scenario_name text not null,
  -- the exact parsed scenario it ran (defaults filled in): enough to run it again bit for bit
  scenario jsonb not null,
  status text not null check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  progress jsonb,
  error text,
  engine_version text not null,
  input_hash text not null,
  grid jsonb,
  output_interval double precision not null,
  frame_count integer not null default 0,
  summary jsonb,
  attempts integer not null default 0,
  -- the server process running it, and when it last said so
  owner text,
  heartbeat_at timestamptz,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz not null default now()
);
create index runs_queue on runs (status, created_at);
create index runs_city on runs (city, created_at desc);
create index runs_reuse on runs (input_hash, engine_version, status);

-- depth frames, each one models/depthFrames.ts encodeDepthFrame gzipped
create table run_frames (
  run_id uuid not null references runs(id) on delete cascade,
  seq integer not null,
  t double precision not null,
  bytes bytea not null,
  primary key (run_id, seq)
);

-- result files of a finished run (GeoTIFFs, CSV, GeoJSON, JSON), each gzipped
create table run_files (
  run_id uuid not null references runs(id) on delete cascade,
  name text not null,
  bytes bytea not null,
  primary key (run_id, name)
);
