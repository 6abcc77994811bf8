// SQL for the scenario library and runs (migration 003). The same statements run on PGlite and
// PostgreSQL. Rows become the API's records (models/runs.ts) here, and nowhere else.
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { Db } from '../db';
import { runRecordSchema, scenarioRecordSchema, type RunGrid, type RunProgress, type RunRecord, type RunStatus, type ScenarioRecord } from '../../models/runs';

type Q = Pick<Db, 'query'>;

const gunzipAsync = promisify(gunzip);
const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());
const isoOrNull = (v: unknown) => (v === null || v === undefined ? null : iso(v));
/** jsonb arrives parsed from pg and from PGlite; text from neither, but be safe */
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

interface ScenarioRow { id: string; city: string; name: string; scenario: unknown; created_at: unknown; updated_at: unknown }

function scenarioRecord(r: ScenarioRow): ScenarioRecord {
  return scenarioRecordSchema.parse({ id: r.id, city: r.city, name: r.name, scenario: json(r.scenario), createdAt: iso(r.created_at), updatedAt: iso(r.updated_at) });
}

export async function listScenarios(db: Q, city: string): Promise<ScenarioRecord[]> {
  const { rows } = await db.query<ScenarioRow>('select * from scenarios where city = $1 order by created_at desc, id', [city]);
  return rows.map(scenarioRecord);
}

export async function getScenario(db: Q, id: string): Promise<ScenarioRecord | undefined> {
  const { rows } = await db.query<ScenarioRow>('select * from scenarios where id = $1', [id]);
  return rows[0] && scenarioRecord(rows[0]);
}

export async function insertScenario(db: Q, city: string, name: string, scenario: unknown): Promise<ScenarioRecord> {
  const { rows } = await db.query<ScenarioRow>(
    'insert into scenarios (id, city, name, scenario) values ($1, $2, $3, $4::jsonb) returning *', [randomUUID(), city, name, JSON.stringify(scenario)]);
  return scenarioRecord(rows[0]!);
}

export async function updateScenario(db: Q, id: string, name: string | undefined, scenario: unknown | undefined): Promise<ScenarioRecord | undefined> {
  const { rows } = await db.query<ScenarioRow>(
    `update scenarios set name = coalesce($2, name), scenario = coalesce($3::jsonb, scenario), updated_at = now() where id = $1 returning *`,
    [id, name ?? null, scenario === undefined ? null : JSON.stringify(scenario)]);
  return rows[0] && scenarioRecord(rows[0]);
}

export async function deleteScenario(db: Q, id: string): Promise<boolean> {
  const { rows } = await db.query<{ id: string }>('delete from scenarios where id = $1 returning id', [id]);
  return rows.length > 0;
}

export interface RunRow {
  id: string; city: string; scenario_id: string | null; scenario_name: string; scenario: unknown; status: RunStatus;
  progress: unknown; error: string | null; engine_version: string; input_hash: string; grid: unknown; output_interval: number;
  frame_count: number; summary: unknown; attempts: number; owner: string | null; heartbeat_at: unknown;
  created_at: unknown; started_at: unknown; finished_at: unknown; updated_at: unknown; queue_position: number | null;
}

/** Runs with their place in the queue: queued runs before them, oldest first, whatever the city
 *  (all cities share the machine's cores). */
const SELECT_RUNS = `select r.*, case when r.status = 'queued' then (select count(*)::int from runs q where q.status = 'queued'
  and (q.created_at < r.created_at or (q.created_at = r.created_at and q.id < r.id))) + 1 end as queue_position from runs r`;

export function runRecord(r: RunRow): RunRecord {
  return runRecordSchema.parse({
    id: r.id, city: r.city, scenarioId: r.scenario_id, scenarioName: r.scenario_name, status: r.status,
    queuePosition: r.queue_position ?? null, progress: json<RunProgress | null>(r.progress) ?? null, error: r.error,
    createdAt: iso(r.created_at), startedAt: isoOrNull(r.started_at), finishedAt: isoOrNull(r.finished_at),
    engineVersion: r.engine_version, inputHash: r.input_hash, grid: json<RunGrid | null>(r.grid) ?? null,
    outputInterval: Number(r.output_interval), frameCount: Number(r.frame_count), summary: json(r.summary) ?? null,
  });
}

export async function getRunRow(db: Q, id: string): Promise<RunRow | undefined> {
  return (await db.query<RunRow>(`${SELECT_RUNS} where r.id = $1`, [id])).rows[0];
}

export async function listRuns(db: Q, city: string): Promise<RunRecord[]> {
  const { rows } = await db.query<RunRow>(`${SELECT_RUNS} where r.city = $1 order by r.created_at desc, r.id desc limit 100`, [city]);
  return rows.map(runRecord);
}

export interface NewRun {
  city: string; scenarioId: string; scenarioName: string; scenario: unknown; engineVersion: string; inputHash: string; outputInterval: number;
  /** known at the start for a run on the stored city (watchers attach at once); else the worker's */
  grid: RunGrid | null;
}

export async function insertRun(db: Q, n: NewRun): Promise<string> {
  const id = randomUUID();
  await db.query(
    `insert into runs (id, city, scenario_id, scenario_name, scenario, status, engine_version, input_hash, output_interval, grid)
     values ($1, $2, $3, $4, $5::jsonb, 'queued', $6, $7, $8, $9::jsonb)`,
    [id, n.city, n.scenarioId, n.scenarioName, JSON.stringify(n.scenario), n.engineVersion, n.inputHash, n.outputInterval, n.grid && JSON.stringify(n.grid)]);
  return id;
}

/** The newest succeeded run of the same input on the same engine, if its results are still kept. */
export async function findReusable(db: Q, city: string, hash: string, engine: string): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>(
    `select r.id from runs r where r.city = $1 and r.input_hash = $2 and r.engine_version = $3 and r.status = 'succeeded'
       and exists (select 1 from run_files f where f.run_id = r.id) order by r.finished_at desc limit 1`, [city, hash, engine]);
  return rows[0]?.id;
}

/** Takes the oldest queued run for this process (one statement: two processes never take the same). */
export async function claimRun(db: Q, owner: string): Promise<RunRow | undefined> {
  const { rows } = await db.query<{ id: string }>(
    `update runs set status = 'running', owner = $1, heartbeat_at = now(), started_at = now(), updated_at = now(), attempts = attempts + 1,
       progress = null, frame_count = 0, error = null
     where id = (select id from runs where status = 'queued' order by created_at, id limit 1 for update skip locked) returning id`, [owner]);
  return rows[0] ? getRunRow(db, rows[0].id) : undefined;
}

/** Claims this queued run (the preview lane: an edit's preview does not wait behind full runs). */
export async function claimRunById(db: Q, owner: string, id: string): Promise<RunRow | undefined> {
  const { rows } = await db.query<{ id: string }>(
    `update runs set status = 'running', owner = $1, heartbeat_at = now(), started_at = now(), updated_at = now(), attempts = attempts + 1,
       progress = null, frame_count = 0, error = null
     where id = (select id from runs where id = $2 and status = 'queued' for update skip locked) returning id`, [owner, id]);
  return rows[0] ? getRunRow(db, rows[0].id) : undefined;
}

export async function queuedCount(db: Q): Promise<number> {
  return Number((await db.query<{ n: number }>(`select count(*)::int as n from runs where status = 'queued'`)).rows[0]!.n);
}

/** The run's frames and files go; the record stays. */
export async function dropRunData(db: Q, id: string): Promise<void> {
  await db.query('delete from run_frames where run_id = $1', [id]);
  await db.query('delete from run_files where run_id = $1', [id]);
}

export async function runFile(db: Q, id: string, name: string): Promise<Uint8Array | undefined> {
  const { rows } = await db.query<{ bytes: Uint8Array }>('select bytes from run_files where run_id = $1 and name = $2', [id, name]);
  return rows[0]?.bytes;
}

/** The exact scenario a run was given (its stored input). */
export async function runScenario(db: Q, id: string): Promise<unknown> {
  const { rows } = await db.query<{ scenario: unknown }>('select scenario from runs where id = $1', [id]);
  return rows[0]?.scenario;
}

/** A run's stored frames in seq order, unzipped (encodeDepthFrame bytes). */
export async function runFrames(db: Q, id: string): Promise<ArrayBuffer[]> {
  const { rows } = await db.query<{ seq: number; bytes: Uint8Array }>('select seq, bytes from run_frames where run_id = $1 order by seq', [id]);
  return Promise.all(rows.map(async (r) => {
    const b = await gunzipAsync(r.bytes);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }));
}

/** A succeeded run's status and files in one transaction; false (nothing written) when the run is
 *  no longer this owner's running run (cancelled meanwhile). */
export async function storeResults(db: Db, id: string, owner: string, summary: unknown, progress: unknown, files: [string, Uint8Array][]): Promise<boolean> {
  return db.transaction(async (tx) => {
    const u = await tx.query(`update runs set status = 'succeeded', summary = $2::jsonb, progress = $3::jsonb, finished_at = now(), updated_at = now()
      where id = $1 and owner = $4 and status = 'running' returning id`, [id, JSON.stringify(summary), JSON.stringify(progress), owner]);
    if (!u.rows.length) return false;
    for (const [name, bytes] of files) await tx.query('insert into run_files (run_id, name, bytes) values ($1, $2, $3)', [id, name, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]);
    return true;
  });
}
