// Flood runs as jobs: started from a library scenario, queued in the database (queue.ts), run
// here up to `concurrency` at once, each in its own worker thread (runWorker.ts). Frames go to the
// socket.io room run:<id> and into run_frames; records go to progress subscribers.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { TRPCError } from '@trpc/server';
import { cityScenarioSchema, type RunRecord } from '../../models/runs';
import { Scenario } from '../../models/scenario';
import type { Db } from '../db';
import { NotFoundError, type Twin } from '../twin';
import type { TwinIo } from '../live/hub';
import { log } from '../log';
import { WorkerPool } from './pool';
import type { FromWorker, ToWorker } from './protocol';
import { applyRetention, beat, recoverStale, requeueOwn } from './queue';
import { claimRun, claimRunById, dropRunData, findReusable, getRunRow, getScenario, insertRun, queuedCount, runRecord, type RunRow } from './store';
import { RunReader } from './reader';
import { engineVersion, inputHash } from './version';
import { cityRunGrid } from '../sim/prepare';
import { runSeconds, runsFinished, runsQueued, runsRunning } from './metrics';
import { watchRun } from './watch';
import { hasViewers, onStreamed, tellWatched, type Active, type RunSink } from './activeRun';
import { abandonRun, markEnded, stopRun, storeFinished } from './runEnd';

/** wall milliseconds between live frames of a running run (the water between stored frames) */
const LIVE_EVERY_MS = 500;
/** how often a running run's viewers are counted (its worker makes live frames only for someone) */
const WATCH_CHECK_MS = 300;

export interface RunManagerOptions {
  /** runs at once in this process (SIM_CONCURRENCY; default: the cores) */
  concurrency?: number;
  /** cores the runs share as kernel threads */
  cores?: number;
  retentionDays?: number;
  heartbeatMs?: number;
  /** seconds without a heartbeat after which a run's process counts as dead */
  staleS?: number;
  /** keep a warm worker (off in tests that never run) */
  warm?: boolean;
}

export { eventIdOf } from './watch';

export class RunManager extends RunReader {
  readonly owner = randomUUID();
  /** what a running run's streamed messages need (activeRun.ts) */
  private readonly sink: RunSink;
  private readonly events = new EventEmitter();
  private readonly pool: WorkerPool;
  private readonly timers: NodeJS.Timeout[] = [];
  private io: TwinIo | null = null;
  private claiming = 0;
  /** previews starting or running here: full runs are not claimed meanwhile (they would take the cores) */
  private previews = 0;
  /** per finished run, where its time went (ms), the newest 50 (the workspace bench prints them) */
  readonly phases = new Map<string, Record<string, number>>();
  private kicking = false;
  private kickAgain = false;
  private closed = false;
  readonly concurrency: number;
  readonly cores: number;

  constructor(db: Db, private readonly twin: Twin, private readonly opts: RunManagerOptions = {}) {
    super(db);
    this.sink = { db, owner: this.owner, io: () => this.io, publish: (r) => this.publish(r) };
    this.cores = opts.cores ?? availableParallelism();
    this.concurrency = Math.max(1, opts.concurrency ?? this.cores);
    // two warm: an edit's preview takes one and its full run the other as soon as the preview is done
    this.pool = new WorkerPool(opts.warm !== false, 2);
    this.events.setMaxListeners(0);
  }

  /** Recover runs of a stopped process, then take queued runs; timers keep both going. */
  async start() {
    await this.sweep(this.db.kind === 'pglite');
    const every = (ms: number, fn: () => Promise<unknown>) => {
      const t = setInterval(() => void fn().catch((err) => log.error({ err }, 'run queue timer failed')), ms);
      t.unref();
      this.timers.push(t);
    };
    const hb = this.opts.heartbeatMs ?? 5000;
    every(hb, () => this.heartbeat());
    every(Math.max(hb, ((this.opts.staleS ?? 30) * 1000) / 2), () => this.sweep(false));
    every(1000, () => this.kick());
    every(WATCH_CHECK_MS, () => this.checkWatched());
    every(3_600_000, () => applyRetention(this.db, this.opts.retentionDays ?? 30));
    await applyRetention(this.db, this.opts.retentionDays ?? 30);
    await this.kick();
  }

  attachIo(io: TwinIo) {
    this.io = io;
  }

  /** Runs of dead processes back in the queue (once) or failed; `allOthers` at a PGlite start. */
  async sweep(allOthers: boolean) {
    const r = await recoverStale(this.db, this.owner, this.opts.staleS ?? 30, allOthers);
    for (const id of [...r.requeued, ...r.failed]) void this.publishFromDb(id);
    if (r.requeued.length) await this.kick();
    return r;
  }

  private async heartbeat() {
    const gone = await beat(this.db, this.owner, [...this.active.keys()]);
    // cancelled elsewhere, or taken over after this process was thought dead: stop it here and
    // leave the database to whoever changed it
    for (const id of gone) {
      const a = this.active.get(id);
      if (a) this.abandon(a, 'cancelled or taken over by another process');
    }
    runsQueued.set(await queuedCount(this.db));
  }

  // --- starting and cancelling ---

  /** `variant`: a run of a changed copy (a coarse preview: models/preview.ts), hashed as it runs. */
  async startRun(scenarioId: string, force: boolean, variant?: (s: Scenario) => Scenario, lane: 'queue' | 'preview' = 'queue'): Promise<{ run: RunRecord; reused: boolean }> {
    const sc = await getScenario(this.db, scenarioId);
    if (!sc) throw new NotFoundError(`no scenario ${scenarioId}`);
    const parsed = cityScenarioSchema.safeParse(sc.scenario);
    if (!parsed.success) throw new TRPCError({ code: 'BAD_REQUEST', message: 'the stored scenario is no longer valid', cause: parsed.error });
    if (variant) parsed.data = variant(parsed.data);
    const city = await this.twin.city(sc.city);
    const hash = inputHash(parsed.data, (['terrain', 'buildings', 'water'] as const).map((n) => this.twin.layer(city, n).etag));
    const engine = engineVersion();
    if (!force) {
      const prev = await findReusable(this.db, sc.city, hash, engine);
      if (prev) {
        // the stored result stands for this scenario's run: its hooks (flood warnings) are told as for a new one
        if (lane === 'queue') this.onSucceeded?.(prev, { id: sc.id, name: sc.name });
        return { run: await this.get(prev), reused: true };
      }
    }
    const id = await insertRun(this.db, {
      city: sc.city, scenarioId: sc.id, scenarioName: sc.name, scenario: parsed.data, engineVersion: engine, inputHash: hash, outputInterval: parsed.data.outputInterval,
      grid: parsed.data.terrain.source === 'city' ? cityRunGrid(city.data, parsed.data.cellSize) : null,
    });
    runsQueued.inc();
    log.info({ run: id, scenario: sc.id, city: sc.city, lane }, 'run queued');
    if (lane === 'preview') await this.startPreview(id);
    const run = await this.get(id);
    void this.kick();
    return { run, reused: false };
  }

  /** Stops a queued or running run, here or in another process (its heartbeat sees the change). */
  async cancel(id: string): Promise<RunRecord> {
    const { rows } = await this.db.query<{ id: string }>(
      `update runs set status = 'cancelled', finished_at = now(), updated_at = now() where id = $1 and status in ('queued', 'running') returning id`, [id]);
    if (rows.length) {
      // checked after the update: a run whose worker was being handed over is in `active` by now
      const a = this.active.get(id);
      if (a) {
        this.abandon(a, 'cancelled');
        await a.chain;
      }
      await dropRunData(this.db, id);
    }
    const row = await getRunRow(this.db, id);
    if (!row) throw new NotFoundError(`no run ${id}`);
    return runRecord(row);
  }

  // --- reading (reader.ts: get, list, result, storedFile, frames, localFrames, liveFrame) ---

  /** The record now, then each change (at most ~4 a second), until a final status. */
  watch(id: string, signal?: AbortSignal): AsyncGenerator<RunRecord> {
    return watchRun((x) => this.get(x), this.events, id, signal);
  }

  private publish(r: RunRecord) {
    this.events.emit(r.id, r);
  }

  private async publishFromDb(id: string) {
    const row = await getRunRow(this.db, id);
    if (row) this.publish(runRecord(row));
  }

  // --- running ---

  /** Takes queued runs while this process has room. */
  async kick(): Promise<void> {
    // a kick while one is going on runs again after it: a run queued just then would otherwise
    // wait for the next timer tick (up to a second)
    if (this.kicking) { this.kickAgain = true; return; }
    if (this.closed) return;
    this.kicking = true;
    this.kickAgain = false;
    try {
      // `claiming` counts runs claimed whose worker is still being handed over: they use a slot
      // previews are not counted in `concurrency`; while one runs, full runs wait (about a second)
      const full = () => [...this.active.values()].filter((x) => !x.preview).length;
      while (!this.closed && this.previews === 0 && full() + this.claiming < this.concurrency) {
        this.claiming++;
        let row: RunRow | undefined;
        try {
          row = await claimRun(this.db, this.owner);
        } catch (err) {
          this.claiming--;
          throw err;
        }
        if (!row) {
          this.claiming--;
          break;
        }
        runsQueued.dec();
        const claimed = row;
        void this.execute(claimed)
          .catch((err) => log.error({ err, run: claimed.id }, 'run did not start'))
          .finally(() => this.claiming--);
      }
    } finally {
      this.kicking = false;
      if (this.kickAgain) void this.kick().catch((err) => log.error({ err }, 'run queue kick failed'));
    }
  }

  /**
   * The preview lane: one preview at a time per process, claimed at once beside the `concurrency`
   * full runs (not behind them), on one kernel thread: a coarse grid has too few rows to share
   * (two threads synchronise every step and were 2-7 x slower, bench/workspace.ts). While it runs,
   * kick() claims no full run, so the edit's own full run starts when the preview is done.
   */
  private async startPreview(id: string) {
    if (this.previews > 0 || this.closed) return; // stays queued: the normal queue takes it
    this.previews++;
    let row: RunRow | undefined;
    try {
      row = await claimRunById(this.db, this.owner, id);
    } finally {
      if (!row) this.previews--;
    }
    if (!row) return;
    runsQueued.dec();
    const claimed = row;
    // execute() hands the lane back: end() when the run ends, or itself when it cannot start
    void this.execute(claimed, true).catch((err) => log.error({ err, run: claimed.id }, 'preview did not start'));
  }

  private async execute(row: RunRow, preview = false) {
    const t0 = performance.now();
    let scenario: Scenario, city: Awaited<ReturnType<Twin['city']>>, worker: Worker;
    try {
      scenario = Scenario.parse(row.scenario);
      city = await this.twin.city(row.city);
      worker = await this.pool.take();
    } catch (err) {
      if (preview) this.previews--;
      // claimed but not startable: failed with the reason, not left running
      const reason = `the run could not start: ${err instanceof Error ? err.message : String(err)}`;
      await markEnded(this.db, row.id, this.owner, 'failed', reason);
      runsFinished.inc({ status: 'failed' });
      void this.publishFromDb(row.id);
      throw err;
    }
    const watched = await hasViewers(this.io, row.id);
    // cancelled while its worker was being handed over (cancel found nothing in `active` to stop)
    if ((await getRunRow(this.db, row.id))?.status !== 'running') {
      if (preview) this.previews--;
      void worker.terminate();
      return;
    }
    const queueMs = Math.max(0, Date.now() - Date.parse(runRecord(row).createdAt));
    const a: Active = {
      id: row.id, worker, record: runRecord(row), frames: [], live: null, chain: Promise.resolve(), startedMs: Date.now(), lastEmitMs: 0, lastDbMs: 0, ended: false,
      queueMs, workerMs: Math.round(performance.now() - t0), preview, watched,
    };
    this.active.set(row.id, a);
    runsRunning.set(this.active.size);
    // alone, a run gets every core; beside others, its share
    const threads = preview ? 1 : Math.max(1, Math.floor(this.cores / this.active.size));
    worker.on('message', (m: FromWorker) => this.onMessage(a, m));
    worker.on('error', (err) => this.stop(a, 'failed', `the run's worker failed: ${err.message}`, true));
    worker.on('exit', (code) => this.stop(a, 'failed', `the run's worker stopped (exit code ${code}) before the run ended`, true));
    worker.postMessage({ type: 'run', runId: row.id, scenario, city: city.data, threads, liveEveryMs: LIVE_EVERY_MS, lean: preview, watched: a.watched } satisfies ToWorker);
    log.info({ run: row.id, threads, attempt: row.attempts }, 'run started');
    this.publish(a.record);
  }

  private onMessage(a: Active, m: FromWorker) {
    if (a.ended || onStreamed(this.sink, a, m)) return;
    switch (m.type) {
      case 'done':
        void this.succeed(a, m);
        return;
      case 'failed':
        this.stop(a, 'failed', m.message, true);
        return;
      case 'cancelled':
        this.stop(a, 'cancelled', null, false);
        return;
      case 'ready':
        return;
    }
  }

  private async succeed(a: Active, m: Extract<FromWorker, { type: 'done' }>) {
    const { stored, phases } = await storeFinished(this.sink, a, m);
    this.phases.set(a.id, phases);
    if (this.phases.size > 50) this.phases.delete(this.phases.keys().next().value!);
    this.end(a, stored ? 'succeeded' : 'cancelled');
  }

  private stop(a: Active, status: 'failed' | 'cancelled', error: string | null, mark: boolean) {
    if (a.ended) return;
    stopRun(this.sink, a, status, error, mark);
    this.end(a, status);
  }

  private abandon(a: Active, why: string) {
    if (a.ended) return;
    abandonRun(a, why);
    this.end(a, 'cancelled');
  }

  /** told when a run here succeeded, or a stored result is reused for `scenario` (server/cases/flood.ts: warning cases) */
  onSucceeded: ((id: string, scenario?: { id: string; name: string }) => void) | null = null;

  private end(a: Active, status: string) {
    this.active.delete(a.id);
    if (a.preview) this.previews--;
    runsRunning.set(this.active.size);
    runsFinished.inc({ status });
    runSeconds.observe((Date.now() - a.startedMs) / 1000);
    void a.chain.then(() => this.publishFromDb(a.id)).then(() => {
      if (status === 'succeeded') this.onSucceeded?.(a.id);
      return this.kick();
    });
  }

  private checking = false;
  private async checkWatched() {
    if (this.checking) return;
    this.checking = true;
    try {
      await tellWatched(this.io, this.active.values());
    } finally {
      this.checking = false;
    }
  }

  /** Resolves when a warm worker waits for the next run. */
  warmed(): Promise<void> {
    return this.pool.ready();
  }

  /** Test hook: the worker thread of a run running here. */
  workerOf(id: string): Worker | undefined {
    return this.active.get(id)?.worker;
  }

  async close() {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    // runs cut short by a shutdown go back to the queue without using up an attempt
    const ids = [...this.active.keys()];
    for (const a of this.active.values()) {
      a.ended = true;
      await a.worker.terminate();
      await a.chain;
    }
    this.active.clear();
    if (ids.length) await requeueOwn(this.db, this.owner, ids).catch(() => undefined);
    await this.pool.close();
  }
}
