-- Issue 12, photos out of the database: a photo's bytes and thumbnail move to files under
-- DATA_DIR/case-photos (server/cases/photoStore.ts); the row keeps which store has them.
-- Rows stored before this keep their bytes here until the server moves them at start-up
-- (server/cases/photoMove.ts), then bytes and thumb are null.
alter table case_photos alter column bytes drop not null;
-- 'file', 's3' or 'memory'; null: the bytes are still in the row
alter table case_photos add column store text;
alter table case_photos add column has_thumb boolean not null default false;
