-- Issue 12, second part: the working hours an extension granted (the indicators read a case's
-- steps to tell whether each step ended within its limit).
alter table case_steps add column extension_ms bigint not null default 0;
-- a photo's thumbnail (WebP, at most 320 px on its longer side), made once on upload
alter table case_photos add column thumb bytea;
-- a scenario whose runs open warning cases for the unit grids of prone points over 27 cm
-- (server/cases/flood.ts); off unless a planner turns it on
alter table scenarios add column warning_cases boolean not null default false;
