-- Issue 13, flood warnings to subscribers (server/warnings, models/warnings.ts): who subscribed
-- to which unit grid through which channel, the warnings (one per grid and source while active),
-- and every message to send: a durable queue (pending rows survive a restart) and its log.
create table warning_subscriptions (
  id uuid primary key,
  city text not null,
  unit_grid_code text not null,
  -- what the subscriber's target matched, zh and en (a place, a road, the point, the grid)
  place_zh text not null,
  place_en text not null,
  channel text not null check (channel in ('sms', 'webhook')),
  -- E.164 phone or http(s) URL
  address text not null,
  lang text not null check (lang in ('zh', 'en')),
  label text,
  -- sha256 of the confirmation code; wrong tries are counted (5 end the subscription)
  confirm_hash text not null,
  confirm_tries integer not null default 0,
  confirmed_at timestamptz,
  cancelled_at timestamptz,
  created_at timestamptz not null default now()
);
create index warning_subscriptions_grid on warning_subscriptions (city, unit_grid_code);

-- A grid over a threshold, from a run or the live gauges; ended (cancelled_at) when a later
-- reading no longer puts it there. One active per grid and source.
create table warning_events (
  id uuid primary key,
  city text not null,
  unit_grid_code text not null,
  grid_index integer not null,
  source text not null check (source in ('run', 'gauge')),
  run_id uuid,
  colour text not null check (colour in ('red', 'yellow')),
  depth_cm integer not null,
  from_at timestamptz not null,
  why_zh text not null,
  why_en text not null,
  started_at timestamptz not null default now(),
  cancelled_at timestamptz
);
create unique index warning_events_active on warning_events (city, unit_grid_code, source) where cancelled_at is null;

-- One message to one subscriber: the unique key is the de-duplication (one warning and one
-- all-clear per subscriber and event, whatever retries or runs say again).
create table warning_deliveries (
  id uuid primary key,
  subscription_id uuid not null references warning_subscriptions (id) on delete cascade,
  event_id uuid references warning_events (id) on delete cascade,
  kind text not null check (kind in ('confirm', 'warning', 'allclear')),
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0,
  next_at timestamptz not null default now(),
  last_error text,
  created_at timestamptz not null default now(),
  delivered_at timestamptz
);
create unique index warning_deliveries_once on warning_deliveries (subscription_id, event_id, kind) where event_id is not null;
create index warning_deliveries_due on warning_deliveries (next_at) where status = 'pending';

-- Every attempt, delivered or not, with the gateway's error.
create table warning_attempts (
  id bigserial primary key,
  delivery_id uuid not null references warning_deliveries (id) on delete cascade,
  at timestamptz not null default now(),
  ok boolean not null,
  error text
);
create index warning_attempts_delivery on warning_attempts (delivery_id);
