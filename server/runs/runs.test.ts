import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as ioClient, type Socket } from 'socket.io-client';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { fromArrayBuffer } from 'geotiff';
import type { Db } from '../db';
import type { TwinServer } from '../app';
import { startRunsTestServer } from './testServer';
import type { AppRouter } from '../trpc/router';
import { decodeDepthFrame, decodeDepthFrames } from '../../models/depthFrames';
import { scenarioTemplate, type RunRecord, type RunStatus } from '../../models/runs';
import { until } from '../testUtil';
import { applyRetention } from './queue';

let db: Db;
let app: TwinServer;
let base: string;
let slug: string;
const sockets: Socket[] = [];
// a signed-in administrator (scenario and run changes need a planner or an administrator)
let cookie = '';
const trpc = () => createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${base}/api/trpc`, headers: () => ({ cookie }) })] });

/** A quick city storm: 25 m cells, half an hour, a frame every 5 minutes (7 frames). */
const quick = (over: Record<string, unknown> = {}) => ({
  ...scenarioTemplate('quick'),
  cellSize: 25,
  rainfall: { type: 'design', formula: 'beijing', returnPeriodYears: 100, durationMin: 30, peakCoefficient: 0.355, stepMin: 5 },
  duration: 1800,
  outputInterval: 300,
  probes: [{ name: 'centre', at: [0, 0] }],
  ...over,
});
/** Long enough to be caught running: 10 m cells, 10 simulated hours. */
const long = () => quick({ cellSize: 10, duration: 36_000, outputInterval: 3600 });

/** Polls run.get until the run has one of the wanted statuses. */
async function pollStatus(id: string, want: RunStatus[], ms = 60_000): Promise<RunRecord> {
  const t0 = Date.now();
  for (;;) {
    const r = await trpc().run.get.query({ id });
    if (want.includes(r.status)) return r;
    if (Date.now() - t0 > ms) throw new Error(`run ${id} is ${r.status}, waited for ${want.join('/')}: ${r.error ?? ''}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

async function newScenario(scenario: Record<string, unknown>, name = 'test storm') {
  return trpc().scenario.create.mutate({ city: slug, name, scenario });
}

/** A socket that watches a run and keeps its frames. */
async function watcher(runId: string) {
  const socket = ioClient(base, { transports: ['websocket'], forceNew: true });
  sockets.push(socket);
  const frames: ArrayBuffer[] = [];
  socket.on('runFrame', (id: string, data: ArrayBuffer) => id === runId && frames.push(data));
  const ack = await new Promise<{ ok: boolean; frames?: number; error?: string }>((r) => socket.emit('runWatch', { runId }, r));
  return { socket, frames, ack };
}

/** Reads the run.progress SSE stream: [event id, record] pairs, until it ends or `stop` says so. */
async function progressEvents(id: string, lastEventId?: string, stop?: (n: number) => boolean) {
  const input = encodeURIComponent(JSON.stringify({ id, ...(lastEventId ? { lastEventId } : {}) }));
  const ac = new AbortController();
  const res = await fetch(`${base}/api/trpc/run.progress?input=${input}`, { signal: ac.signal, headers: { accept: 'text/event-stream' } });
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const out: { id: string; rec: RunRecord }[] = [];
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let k: number;
      while ((k = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, k);
        buf = buf.slice(k + 2);
        const fields = Object.fromEntries(block.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
        if (fields.event === 'return') return out;
        if (fields.id && fields.data) out.push({ id: fields.id, rec: JSON.parse(fields.data) as RunRecord });
        if (stop?.(out.length)) return out;
      }
    }
  } finally {
    ac.abort();
  }
  return out;
}

beforeAll(async () => {
  ({ db, app, base, cookie, slug } = await startRunsTestServer());
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await app?.close();
  await db?.close();
});

describe('scenario library', () => {
  it('creates from the template, lists newest first, renames, edits, duplicates and deletes', async () => {
    const a = await trpc().scenario.create.mutate({ city: slug, name: '十年一遇' });
    expect(a.scenario).toMatchObject({ terrain: { source: 'city' }, rainfall: { returnPeriodYears: 10 } });
    const b = await newScenario(quick(), 'second');
    expect((await trpc().scenario.list.query({ city: slug })).map((s) => s.id).slice(0, 2)).toEqual([b.id, a.id]);
    const renamed = await trpc().scenario.update.mutate({ id: a.id, name: '二十年一遇', scenario: { ...a.scenario, rainfall: { ...(a.scenario.rainfall as object), returnPeriodYears: 20 } } });
    expect(renamed.name).toBe('二十年一遇');
    expect((await trpc().scenario.get.query({ id: a.id })).scenario).toMatchObject({ rainfall: { returnPeriodYears: 20 } });
    expect((await trpc().scenario.duplicate.mutate({ id: a.id })).name).toBe('二十年一遇 副本');
    expect((await trpc().scenario.duplicate.mutate({ id: b.id })).name).toBe('second (copy)');
    expect(await trpc().scenario.delete.mutate({ id: b.id })).toEqual({ ok: true });
    await expect(trpc().scenario.get.query({ id: b.id })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    await expect(trpc().scenario.create.mutate({ city: 'nowhere', name: 'x' })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
  });

  it('refuses an invalid scenario naming its field, and writes nothing', async () => {
    const before = (await trpc().scenario.list.query({ city: slug })).length;
    const bad = quick({ rainfall: { type: 'design', formula: 'beijing', returnPeriodYears: 0, durationMin: 30, peakCoefficient: 0.355 } });
    const err = await newScenario(bad).catch((e) => e);
    expect(err.data.code).toBe('BAD_REQUEST');
    expect(err.data.issues[0].path).toBe('rainfall.returnPeriodYears');
    expect((await trpc().scenario.list.query({ city: slug })).length).toBe(before);
    const v = await trpc().scenario.validate.query({ city: slug, scenario: bad });
    expect(v).toMatchObject({ ok: false, issues: [{ path: 'rainfall.returnPeriodYears' }] });
    expect(await trpc().scenario.validate.query({ city: slug, scenario: quick() })).toEqual({ ok: true, issues: [] });
    const s = await newScenario(quick());
    await expect(trpc().scenario.update.mutate({ id: s.id, name: 'renamed', scenario: bad })).rejects.toMatchObject({ data: { code: 'BAD_REQUEST' } });
    expect((await trpc().scenario.get.query({ id: s.id })).name).toBe('test storm');
  });

  it('refuses a scenario that names a file on the server', async () => {
    const file = await newScenario(quick({ terrain: { source: 'file', path: '../../etc/passwd.asc' } })).catch((e) => e);
    expect(file.data.code).toBe('BAD_REQUEST');
    expect(file.data.issues.map((i: { path: string }) => i.path)).toContain('terrain.source');
    const poly = await trpc().scenario.validate.query({ city: slug, scenario: quick({ buildings: { from: { geojson: '/srv/buildings.geojson' } } }) });
    expect(poly.issues.map((i) => i.path)).toContain('buildings.from.geojson');
  });

  it('refuses a synthetic terrain too large to allocate, saying how large', async () => {
    const big = await trpc().scenario.validate.query({ city: slug, scenario: quick({ terrain: { source: 'synthetic', cols: 20000, rows: 20000, cellSize: 1, shape: 'bowl' } }) });
    const issue = big.issues.find((i) => i.path === 'terrain.cols');
    expect(issue?.message).toMatch(/at most 1,000,000 cells .*400,000,000/);
  });
});

describe('runs', () => {
  let firstRun: RunRecord;

  it('goes queued -> running -> succeeded, streaming frames to a watcher and storing them', async () => {
    const s = await newScenario(quick());
    await app.runs.warmed();
    const t0 = performance.now();
    const { run, reused } = await trpc().run.start.mutate({ scenarioId: s.id });
    expect(reused).toBe(false);
    expect(['queued', 'running']).toContain(run.status);
    const w = await watcher(run.id);
    expect(w.ack.ok).toBe(true);
    await until(() => w.frames.length > 0, 'the first frame', 10_000);
    const firstFrameMs = performance.now() - t0;
    console.log(`run.start -> first frame over socket.io: ${firstFrameMs.toFixed(0)} ms`);
    const done = await pollStatus(run.id, ['succeeded', 'failed']);
    expect(done.error).toBeNull();
    expect(done.status).toBe('succeeded');
    expect(done.frameCount).toBe(7);
    expect(done.grid).toMatchObject({ cellSize: 25 });
    expect(done.summary!.maxDepth_m).toBeGreaterThan(0);
    expect(done.engineVersion).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{12}$/);
    expect(done.inputHash).toMatch(/^[0-9a-f]{64}$/);
    await until(() => w.frames.length === 7, 'all frames live');
    expect(w.frames.map((f) => decodeDepthFrame(new Uint8Array(f)).t)).toEqual([0, 300, 600, 900, 1200, 1500, 1800]);
    firstRun = done;
  });

  it('gives a late watcher every stored frame, and serves frames and files over HTTP', async () => {
    const id = firstRun.id;
    const late = await watcher(id);
    expect(late.ack).toEqual({ ok: true, frames: 7 });
    await until(() => late.frames.length === 7, 'stored frames for a late watcher');
    expect(late.frames.map((f) => decodeDepthFrame(new Uint8Array(f)).seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const bad = await new Promise<{ ok: boolean; error?: string }>((r) => late.socket.emit('runWatch', { runId: 'nope' }, r));
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(/runId/);

    const res = await fetch(`${base}/api/runs/${id}/frames`);
    expect(res.status).toBe(200);
    const frames = decodeDepthFrames(new Uint8Array(await res.arrayBuffer()));
    expect(frames).toHaveLength(7);
    expect(frames[0]!.cols).toBe(firstRun.grid!.cols);
    expect((await fetch(`${base}/api/runs/${id}/frames`, { headers: { 'if-none-match': res.headers.get('etag')! } })).status).toBe(304);

    const csv = await fetch(`${base}/api/runs/${id}/files/impact.csv`);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="impact.csv"/);
    const text = await csv.text();
    expect(text.slice(0, text.indexOf('\n'))).toBe('kind,id,name,class,x,y,lon,lat,max_depth_m,time_of_max_s,over15cm_s,over20cm_s,over27cm_s');
    const rows = parseCsv(text, { columns: true }) as Record<string, string>[];
    const impact = await trpc().run.impact.query({ id });
    const total = impact.counts.pronePoints + impact.roadSegments.length + impact.buildings.length + impact.components.length + impact.unitGrids.length;
    expect(total).toBeGreaterThan(0);
    expect(rows.length).toBe(total);
    for (const row of rows) {
      expect(Number(row.lon)).toBeGreaterThan(100); // longitude in degrees
      expect(Number(row.max_depth_m)).toBeGreaterThanOrEqual(0.15);
    }
    const gj = await (await fetch(`${base}/api/runs/${id}/files/impact.geojson`)).json();
    expect(gj.type).toBe('FeatureCollection');
    expect(gj.features.length).toBe(total);

    const tif = await fromArrayBuffer(await (await fetch(`${base}/api/runs/${id}/files/max_depth.tif`)).arrayBuffer());
    const img = await tif.getImage();
    expect(img.getWidth()).toBe(firstRun.grid!.cols);
    expect(img.getHeight()).toBe(firstRun.grid!.rows);
    expect(await (await fetch(`${base}/api/runs/${id}/files/probes.csv`)).text()).toMatch(/^probe,time_s,depth_m,stage_m\ncentre,0,/);
    expect((await (await fetch(`${base}/api/runs/${id}/files/scenario.json`)).json()).cellSize).toBe(25);
    expect((await trpc().run.probes.query({ id }))[0]!.time).toHaveLength(7);
    expect((await fetch(`${base}/api/runs/${id}/files/passwd`)).status).toBe(404);
    expect((await fetch(`${base}/api/runs/00000000-0000-4000-8000-000000000000/frames`)).status).toBe(404);
  });

  it('reuses an identical finished run unless forced, and keeps runs when the scenario goes', async () => {
    const again = await trpc().run.start.mutate({ scenarioId: firstRun.scenarioId! });
    expect(again).toMatchObject({ reused: true, run: { id: firstRun.id } });
    const forced = await trpc().run.start.mutate({ scenarioId: firstRun.scenarioId!, force: true });
    expect(forced.reused).toBe(false);
    expect(forced.run.inputHash).toBe(firstRun.inputHash);
    await pollStatus(forced.run.id, ['succeeded', 'failed']);
    // the same input on the same engine gives the same frames, bit for bit
    const bytes = async (id: string) => Buffer.from(await (await fetch(`${base}/api/runs/${id}/frames`)).arrayBuffer());
    expect((await bytes(forced.run.id)).equals(await bytes(firstRun.id))).toBe(true);
    await trpc().scenario.delete.mutate({ id: firstRun.scenarioId! });
    const kept = await trpc().run.get.query({ id: firstRun.id });
    expect(kept.scenarioId).toBe(firstRun.scenarioId);
    expect((await trpc().run.list.query({ city: slug })).map((r) => r.id)).toContain(firstRun.id);
  });

  it('cancels a running run and a queued one, keeping nothing of them', async () => {
    const s = await newScenario(long());
    const a = (await trpc().run.start.mutate({ scenarioId: s.id })).run;
    await pollStatus(a.id, ['running']);
    const c = await trpc().run.cancel.mutate({ id: a.id });
    expect(c.status).toBe('cancelled');
    expect((await fetch(`${base}/api/runs/${a.id}/files/impact.csv`)).status).toBe(409);
    expect((await (await fetch(`${base}/api/runs/${a.id}/files/scenario.json`)).json()).duration).toBe(36_000);
    await until(() => app.runs.workerOf(a.id) === undefined, 'the worker to go');
    await new Promise((r) => setTimeout(r, 300));
    expect((await db.query<{ n: number }>('select count(*)::int as n from run_frames where run_id = $1', [a.id])).rows[0]!.n).toBe(0);
    expect((await trpc().run.get.query({ id: a.id })).status).toBe('cancelled');
  });

  it('runs two at once, and a killed worker fails its run only', async () => {
    const sa = await newScenario(long(), 'to be killed');
    const sb = await newScenario(quick({ duration: 2400 }), 'survivor');
    const a = (await trpc().run.start.mutate({ scenarioId: sa.id })).run;
    const b = (await trpc().run.start.mutate({ scenarioId: sb.id })).run;
    await pollStatus(a.id, ['running']);
    await pollStatus(b.id, ['running', 'succeeded']);
    await until(() => app.runs.workerOf(a.id) !== undefined, 'the worker of the run to kill');
    await app.runs.workerOf(a.id)!.terminate();
    const failed = await pollStatus(a.id, ['failed', 'succeeded', 'cancelled']);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/worker stopped/);
    const ok = await pollStatus(b.id, ['succeeded', 'failed']);
    expect(ok.status).toBe('succeeded');
    expect(ok.frameCount).toBe(9);
  });

  it('re-queues a run whose process died once, then fails it with the reason', async () => {
    const s = await newScenario(quick({ duration: 600 }), 'orphan');
    const insert = (attempts: number) => db.query<{ id: string }>(
      `insert into runs (id, city, scenario_id, scenario_name, scenario, status, engine_version, input_hash, output_interval, attempts, owner, heartbeat_at, started_at)
       select gen_random_uuid(), city, id, name, $2::jsonb, 'running', 'x', 'y', 300, $3, 'dead-process', now() - interval '1 hour', now() - interval '1 hour'
       from scenarios where id = $1 returning id`, [s.id, JSON.stringify({ ...quick({ duration: 600 }), roughness: { defaultN: 0.03, zones: [] } }), attempts]);
    const once = (await insert(1)).rows[0]!.id;
    const twice = (await insert(2)).rows[0]!.id;
    await app.runs.sweep(false);
    const f = await trpc().run.get.query({ id: twice });
    expect(f.status).toBe('failed');
    expect(f.error).toMatch(/server process running it stopped.*tried 2 times/);
    const r = await pollStatus(once, ['succeeded', 'failed']);
    expect(r.error).toBeNull();
    expect(r.status).toBe('succeeded');
  });

  it('streams progress over SSE with tracked ids and resumes from lastEventId', async () => {
    const s = await newScenario(quick({ duration: 3600 }), 'progress');
    const { run } = await trpc().run.start.mutate({ scenarioId: s.id });
    const first = await progressEvents(run.id, undefined, (n) => n >= 2);
    expect(first[0]!.rec.id).toBe(run.id);
    const resumed = await progressEvents(run.id, first.at(-1)!.id);
    // the current record first, then changes, ending with the final status
    expect(resumed.length).toBeGreaterThan(0);
    expect(resumed.at(-1)!.rec.status).toBe('succeeded');
    const ids = resumed.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const done = await progressEvents(run.id);
    expect(done).toHaveLength(1);
    expect(done[0]!.rec.status).toBe('succeeded');
  });

  it('a run that cannot be prepared fails with the reason', async () => {
    const s = await newScenario(quick({ probes: [{ name: 'far', at: [1e6, 0] }] }), 'bad probe');
    const r = await pollStatus((await trpc().run.start.mutate({ scenarioId: s.id })).run.id, ['failed', 'succeeded']);
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/probes\[0\]\.at: .* outside the terrain/);
    expect((await fetch(`${base}/api/runs/${r.id}/files/impact.csv`)).status).toBe(409);
  });

  it('reports the queue position of waiting runs, and run metrics', async () => {
    const s = await newScenario(long(), 'queue');
    const runs = [];
    for (let k = 0; k < 3; k++) runs.push((await trpc().run.start.mutate({ scenarioId: s.id, force: true })).run);
    await pollStatus(runs[1]!.id, ['running']);
    const third = await trpc().run.get.query({ id: runs[2]!.id });
    expect(third.status).toBe('queued');
    expect(third.queuePosition).toBe(1);
    const cancelledQueued = await trpc().run.cancel.mutate({ id: runs[2]!.id });
    expect(cancelledQueued).toMatchObject({ status: 'cancelled', queuePosition: null });
    for (const r of runs) await trpc().run.cancel.mutate({ id: r.id });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/twin_runs_finished_total\{status="succeeded"\} [1-9]/);
    expect(metrics).toMatch(/twin_run_seconds_count [1-9]/);
  });

  it('drops the frames and files of runs older than the retention, keeping their records', async () => {
    const id = firstRun.id;
    await db.query(`update runs set finished_at = now() - interval '40 days' where id = $1`, [id]);
    expect(await applyRetention(db, 30)).toBe(1);
    const count = async (table: string) => (await db.query<{ n: number }>(`select count(*)::int as n from ${table} where run_id = $1`, [id])).rows[0]!.n;
    expect(await count('run_frames')).toBe(0);
    expect(await count('run_files')).toBe(0);
    expect((await trpc().run.get.query({ id })).status).toBe('succeeded');
    const gone = await fetch(`${base}/api/runs/${id}/files/impact.csv`);
    expect(gone.status).toBe(404);
    expect((await gone.json()).error).toMatch(/retention/);
  });
});
