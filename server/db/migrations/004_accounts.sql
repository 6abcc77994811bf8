-- Accounts, sessions and settings (server/accounts). Passwords are scrypt hashes with their own
-- salt and parameters; a session row holds the sha256 of its cookie token, never the token.
create table accounts (
  id uuid primary key,
  name text not null unique,
  role text not null,
  department text,
  password_hash text not null,
  disabled boolean not null default false,
  failed_signins integer not null default 0,
  locked_until timestamptz,
  created_at timestamptz not null default now(),
  password_changed_at timestamptz not null default now()
);

create table sessions (
  token_hash text primary key,
  account_id uuid not null references accounts (id) on delete cascade,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_account on sessions (account_id);

create table settings (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now()
);
