// The run queue in the database: runs are claimed with FOR UPDATE SKIP LOCKED (store.ts), the
// owner process beats a heartbeat, and a run whose owner stopped beating is found here: re-queued
// once, then failed with the reason, never left "running". The same SQL works on PGlite and on
// PostgreSQL, where several server processes share the queue.
import type { Db } from '../db';
import { log } from '../log';

export interface StaleRun { id: string; attempts: number; owner: string | null }

/** Runs this process keeps alive: the heartbeat, and the ones whose status changed elsewhere (a cancel). */
export async function beat(db: Db, owner: string, ids: string[]): Promise<string[]> {
  // every run this process owns, also one claimed a moment ago whose worker is still starting
  await db.query(`update runs set heartbeat_at = now() where owner = $1 and status = 'running'`, [owner]);
  if (!ids.length) return [];
  const { rows } = await db.query<{ id: string }>(`select id from runs where id = any($1::uuid[]) and (status <> 'running' or owner is distinct from $2)`, [ids, owner]);
  return rows.map((r) => r.id);
}

/**
 * Runs that are "running" but whose process is gone: no heartbeat for staleS seconds, or (allOthers,
 * PGlite: one process per database) any not owned by this process.
 */
export async function recoverStale(db: Db, owner: string, staleS: number, allOthers: boolean, maxAttempts = 2): Promise<{ requeued: string[]; failed: string[] }> {
  const { rows } = await db.query<StaleRun & { heartbeat_at: unknown }>(
    `select id, attempts, owner, heartbeat_at from runs where status = 'running' and owner is distinct from $1
       and ($3 or heartbeat_at is null or heartbeat_at < now() - make_interval(secs => $2))`, [owner, staleS, allOthers]);
  const out = { requeued: [] as string[], failed: [] as string[] };
  for (const r of rows) {
    const since = r.heartbeat_at ? new Date(String(r.heartbeat_at instanceof Date ? r.heartbeat_at.toISOString() : r.heartbeat_at)).toISOString() : 'never';
    if (r.attempts < maxAttempts) {
      const done = await db.transaction(async (tx) => {
        const u = await tx.query(`update runs set status = 'queued', owner = null, heartbeat_at = null, progress = null, grid = null, frame_count = 0,
          started_at = null, updated_at = now() where id = $1 and status = 'running' and owner is not distinct from $2 returning id`, [r.id, r.owner]);
        if (u.rows.length) await tx.query('delete from run_frames where run_id = $1', [r.id]);
        return u.rows.length > 0;
      });
      if (done) out.requeued.push(r.id);
    } else {
      const reason = `the server process running it stopped (last heartbeat ${since}); it was tried ${r.attempts} times`;
      const u = await db.query(`update runs set status = 'failed', error = $3, finished_at = now(), updated_at = now(), owner = null
        where id = $1 and status = 'running' and owner is not distinct from $2 returning id`, [r.id, r.owner, reason]);
      if (u.rows.length) out.failed.push(r.id);
    }
  }
  if (out.requeued.length || out.failed.length) log.warn({ ...out }, 'runs of a stopped server process recovered');
  return out;
}

/** Retention: old runs keep their record, their frames and files go. */
export async function applyRetention(db: Db, days: number): Promise<number> {
  const { rows } = await db.query<{ id: string }>(
    `select id from runs where finished_at < now() - make_interval(days => $1) and (exists (select 1 from run_frames f where f.run_id = runs.id)
       or exists (select 1 from run_files f where f.run_id = runs.id))`, [days]);
  for (const r of rows) {
    await db.transaction(async (tx) => {
      await tx.query('delete from run_frames where run_id = $1', [r.id]);
      await tx.query('delete from run_files where run_id = $1', [r.id]);
    });
  }
  return rows.length;
}

/** At a shutdown: this process's running runs go back to the queue without using up an attempt. */
export async function requeueOwn(db: Db, owner: string, ids: string[]): Promise<void> {
  await db.query(`update runs set status = 'queued', owner = null, attempts = greatest(attempts - 1, 0), progress = null, frame_count = 0, grid = null,
    started_at = null, updated_at = now() where id = any($1::uuid[]) and status = 'running' and owner = $2`, [ids, owner]);
  await db.query('delete from run_frames where run_id = any($1::uuid[])', [ids]);
}
