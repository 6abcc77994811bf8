import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgresWithCity } from '../db/testPostgres';
import { openDb, type Db } from '../db';
import { Twin } from '../twin';
import { impactSchema, scenarioTemplate, type RunRecord, type RunStatus } from '../../models/runs';
import { RunManager } from './manager';
import { ScenarioLibrary } from './library';

// Two server processes on one PostgreSQL (here: two run managers, each with its own pool of
// connections and owner id) share the queue: each run is taken by exactly one, and a cancel
// sent to one stops the run the other is running.
let pg: Awaited<ReturnType<typeof startTestPostgresWithCity>>;
const dbs: Db[] = [];
let a: RunManager, b: RunManager, library: ScenarioLibrary, slug: string;

async function node(): Promise<{ db: Db; twin: Twin; runs: RunManager }> {
  const db = await openDb({ url: pg.url });
  dbs.push(db);
  const twin = new Twin(db);
  await twin.city(slug);
  const runs = new RunManager(db, twin, { concurrency: 1, cores: 1, heartbeatMs: 300, staleS: 2, warm: false });
  await runs.start();
  return { db, twin, runs };
}

async function pollStatus(m: RunManager, id: string, want: RunStatus[], ms = 60_000): Promise<RunRecord> {
  const t0 = Date.now();
  for (;;) {
    const r = await m.get(id);
    if (want.includes(r.status)) return r;
    if (Date.now() - t0 > ms) throw new Error(`run ${id} is ${r.status}, waited for ${want.join('/')}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

const quick = (over: Record<string, unknown> = {}) => ({ ...scenarioTemplate('pg'), cellSize: 25, duration: 1200, outputInterval: 300, ...over });

beforeAll(async () => {
  pg = await startTestPostgresWithCity();
  slug = pg.slug;
  const na = await node();
  const nb = await node();
  a = na.runs;
  b = nb.runs;
  library = new ScenarioLibrary(na.db, na.twin);
}, 120_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  for (const db of dbs) await db.close();
  pg?.stop();
});

describe('runs on PostgreSQL, two processes', () => {
  it('share the queue: each run is taken by one of them, and all finish', async () => {
    const s = await library.create(slug, 'shared', quick());
    const ids = [];
    for (let k = 0; k < 3; k++) ids.push((await a.startRun(s.id, true)).run.id);
    for (const id of ids) expect(await pollStatus(b, id, ["succeeded", "failed"])).toMatchObject({ status: "succeeded", error: null });
    const { rows } = await dbs[0]!.query<{ owner: string; attempts: number }>('select owner, attempts from runs where id = any($1::uuid[])', [ids]);
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
    expect(new Set(rows.map((r) => r.owner))).toEqual(new Set([a.owner, b.owner]));
    const frames = await dbs[0]!.query<{ n: number }>('select count(*)::int as n from run_frames where run_id = $1', [ids[0]]);
    expect(frames.rows[0]!.n).toBe(5);
    expect((await b.frames(ids[0]!)).length).toBe(5);
    expect((await b.result(ids[0]!, 'impact.json', impactSchema)).thresholds_m).toEqual([0.15, 0.2, 0.27]);
  });

  it('a cancel through one stops the run the other is running', async () => {
    const s = await library.create(slug, 'long', quick({ cellSize: 10, duration: 36_000, outputInterval: 3600 }));
    const id = (await a.startRun(s.id, true)).run.id;
    await pollStatus(a, id, ['running']);
    const { rows } = await dbs[0]!.query<{ owner: string }>('select owner from runs where id = $1', [id]);
    const [owner, other] = rows[0]!.owner === a.owner ? [a, b] : [b, a];
    expect((await other.cancel(id)).status).toBe('cancelled');
    const t0 = Date.now();
    while (owner.workerOf(id) && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 50));
    expect(owner.workerOf(id)).toBeUndefined();
    expect((await owner.get(id)).status).toBe('cancelled');
  });
});
