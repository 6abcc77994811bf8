-- Stories (issue 14): a planner's guided tour of a city, scene by scene (models/story.ts). Scenes
-- are one JSON array: they are read and written whole, validated by zod at the boundary. No
-- foreign key to cities (as scenarios): a story names its city by slug.
create table stories (
  id uuid primary key,
  city text not null,
  title jsonb not null,
  scenes jsonb not null,
  published boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  updated_by text
);
create index stories_city on stories (city, updated_at desc);
