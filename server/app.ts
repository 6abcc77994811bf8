import { createServer, type Server } from 'node:http';
import type { Env } from './env';
import { dbOptionsFromEnv, openDb, type Db } from './db';
import { Twin, type CityRuntime } from './twin';
import { createRequestHandler, type Handler } from './http';
import { attachLive } from './live/hub';
import { Simulator } from './live/simulator';
import { startMqtt, type MqttHandle } from './live/mqtt';
import { listCities, saveCity } from './city/store';
import { generateCity } from './city/generate';
import { log } from './log';
import { RunManager, type RunManagerOptions } from './runs/manager';
import { photoStoreFor } from './cases/photoStore';
import { movePhotosToStore } from './cases/photoMove';
import { FloodWarnings } from './cases/flood';
import { Warnings, type WarningsOptions } from './warnings/warnings';
import { attachEvacuationWatch } from './warnings/socket';
import { ScenarioLibrary } from './runs/library';
import { attachRunWatch } from './runs/socket';
import { attachPresentRooms } from './cockpit/rooms';
import { Retention } from './live/retention';
import { AccountStore } from './accounts/store';
import { CaseStore } from './cases/store';
import { SensorCases } from './cases/sensor';
import { SetupLink } from './accounts/setup';
import { mayReadTwin, userOf, type Accounts } from './accounts/auth';
import { accountAddInputSchema } from '../models/accounts';
import { formatIssues } from '../models/issues';

export interface TwinServer {
  server: Server;
  twin: Twin;
  db: Db;
  live: Awaited<ReturnType<typeof attachLive>>;
  /** MQTT ingest (docs/mqtt.md); absent when off */
  mqtt?: MqttHandle;
  /** flood scenarios and runs */
  runs: RunManager;
  accounts: Accounts;
  /** the case loop, and the cases real telemetry opens */
  cases: CaseStore;
  sensorCases: SensorCases;
  /** flood warnings to subscribers (server/warnings) */
  warnings: Warnings;
  /** the one-time setup link's token when no administrator exists (main.ts prints the link) */
  setupToken: string | null;
  close(): Promise<void>;
}

export interface StartOptions {
  env: Pick<Env, 'DATABASE_URL' | 'DATA_DIR' | 'SIMULATOR' | 'DEFAULT_CITY_PRESET'> & { INGEST_TOKEN: string }
    & Partial<Pick<Env, 'REDIS_URL' | 'SIMULATOR_RATE' | 'HISTORY_BUCKET_S' | 'MQTT' | 'MQTT_URL' | 'MQTT_PORT' | 'HOST' | 'SIM_CONCURRENCY' | 'RUN_RETENTION_DAYS'
      | 'REPORT_MAX_SKEW_S' | 'STATE_CHANGES_RETENTION_DAYS' | 'HISTORY_DOWNSAMPLE_AFTER_DAYS' | 'HISTORY_COARSE_BUCKET_S' | 'HISTORY_RETENTION_DAYS' | 'RETENTION_EVERY_S' | 'WARNING_WEBHOOK_ALLOW'
      | 'TWIN_BOOTSTRAP_ADMIN' | 'TWIN_BOOTSTRAP_PASSWORD' | 'S3_BUCKET' | 'S3_ENDPOINT' | 'S3_REGION' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY' | 'S3_PREFIX'>>;
  /** an already open database (tests); otherwise opened from env */
  db?: Db;
  /** Next's request handler and its upgrade handler; absent in API-only tests */
  next?: { handle: Handler; upgrade?: (req: import('node:http').IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => void };
  tickMs?: number;
  simulatorSeed?: number;
  /** false: no MQTT ingest (API-only tests); without MQTT_PORT the broker takes a free port */
  mqtt?: false;
  /** run queue settings (tests: shorter heartbeats, no warm worker) */
  runs?: RunManagerOptions;
  /** warning delivery settings (tests: short back-off, other gateways) */
  warnings?: WarningsOptions;
}

/**
 * The one process's parts, composed: database, twin state, HTTP routes, socket.io fan-out,
 * the simulator and the history writer. main.ts adds Next and listens.
 */
export async function createTwinServer(opts: StartOptions): Promise<TwinServer> {
  const { env } = opts;
  const db = opts.db ?? (await openDb(dbOptionsFromEnv(env)));
  if ((await listCities(db)).length === 0) {
    const t0 = performance.now();
    const city = generateCity({ preset: env.DEFAULT_CITY_PRESET });
    await saveCity(db, city, { simulator: true });
    log.info({ city: city.meta.slug, components: city.components.count, ms: Math.round(performance.now() - t0) }, 'generated the sample city on first start');
  }
  const twin = new Twin(db, {
    historyBucketMs: (env.HISTORY_BUCKET_S ?? 300) * 1000,
    simulator: env.SIMULATOR === 'on',
    reportTime: { maxSkewMs: (env.REPORT_MAX_SKEW_S ?? 120) * 1000, maxAgeMs: (env.STATE_CHANGES_RETENTION_DAYS ?? 90) * 86_400_000 },
  });
  const runs = new RunManager(db, twin, { concurrency: env.SIM_CONCURRENCY, retentionDays: env.RUN_RETENTION_DAYS, ...opts.runs });
  const library = new ScenarioLibrary(db, twin);
  const store = new AccountStore(db);
  const accounts: Accounts = { store, setup: new SetupLink(store) };
  let bootstrap: { name: string; password: string } | undefined;
  if (env.TWIN_BOOTSTRAP_ADMIN && env.TWIN_BOOTSTRAP_PASSWORD) {
    const b = accountAddInputSchema.safeParse({ name: env.TWIN_BOOTSTRAP_ADMIN, role: 'administrator', password: env.TWIN_BOOTSTRAP_PASSWORD });
    if (!b.success) throw new Error(`TWIN_BOOTSTRAP_ADMIN / TWIN_BOOTSTRAP_PASSWORD: ${formatIssues(b.error).join('; ')}`);
    bootstrap = { name: b.data.name, password: b.data.password };
  }
  const setupToken = await accounts.setup.start(bootstrap);
  const cases = new CaseStore(db, twin, Date.now, photoStoreFor(env));
  await movePhotosToStore(db, cases.photos, photoStoreFor({ DATA_DIR: env.DATA_DIR }));
  const sensorCases = new SensorCases(twin, cases);
  // a succeeded run may open flood warning cases (a setting per scenario)
  cases.floodWarnings = new FloodWarnings(db, twin, cases, runs);
  // and a forecast (or a run of a scenario with warnings on) warns the subscribers of its red grids
  const warnings = new Warnings(db, twin, runs, { webhookAllow: (env.WARNING_WEBHOOK_ALLOW ?? '').split(','), ...opts.warnings });
  runs.onSucceeded = (id, sc) => {
    void cases.floodWarnings!.fromRun(id, sc).catch((err) => log.error({ err, run: id }, 'flood warning cases failed'));
    void warnings.fromRun(id, sc).catch((err) => log.error({ err, run: id }, 'flood warnings to subscribers failed'));
  };
  const handler = createRequestHandler(twin, { ingestToken: env.INGEST_TOKEN, fallback: opts.next?.handle, runs: { db, library, manager: runs }, accounts, cases, warnings, dataDir: env.DATA_DIR });
  const server = createServer(handler);
  if (opts.next?.upgrade) {
    const up = opts.next.upgrade;
    server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/socket.io')) up(req, socket, head);
    });
  }
  const live = await attachLive(server, twin, { tickMs: opts.tickMs, redisUrl: env.REDIS_URL });
  // socket.io carries reads only (live frames, run frames): a connection needs the right to read
  // the twin; the user is kept on the socket for any event that would change something.
  live.io.use((socket, next) => {
    userOf(accounts, socket.request).then(async (user) => {
      socket.data.user = user;
      if (await mayReadTwin(accounts, user)) next();
      else next(new Error('sign in: the twin is not public on this server'));
    }, (err: Error) => next(err));
  });
  runs.attachIo(live.io);
  attachRunWatch(live.io, runs);
  attachEvacuationWatch(live.io, warnings);
  const presentRooms = attachPresentRooms(live.io);

  // The simulator decides per component; its changes are gathered and applied as one batch per
  // tick through the same path as every other source.
  // per city: a city reloaded (an import) gets a new simulator on its new runtime, or none
  const sims = new Map<string, { sim: Simulator; flush(source: 'simulator' | 'load'): void }>();
  const startSimulator = (city: CityRuntime) => {
    let n = 0, idx = new Uint32Array(1024), st = new Uint8Array(1024), val = new Float32Array(1024), at = new Float64Array(1024);
    const real = city.real;
    const apply = (i: number, s: number, v: number, t: number) => {
      // A component with a real source is left to it: when that goes silent, it shows stale.
      if (real[i]) return;
      if (n === idx.length) {
        const grow = <T extends Uint32Array | Uint8Array | Float32Array | Float64Array>(a: T): T => {
          const b = new (a.constructor as new (len: number) => T)(a.length * 2);
          b.set(a);
          return b;
        };
        idx = grow(idx); st = grow(st); val = grow(val); at = grow(at);
      }
      idx[n] = i; st[n] = s; val[n] = v; at[n++] = t;
    };
    const sim = new Simulator(city.data, city.live.states, city.live.values, apply, { seed: opts.simulatorSeed, loadPerS: env.SIMULATOR_RATE ?? 0 });
    sims.set(city.slug, {
      sim,
      flush(source: 'simulator' | 'load') {
        if (n > 0) twin.applyChanges(city, n, idx, st, val, at, source);
        n = 0;
      },
    });
  };
  // Only cities whose flag is on (generated ones; an imported city starts with it off).
  twin.onCityLoaded((city) => (city.simulated ? startSimulator(city) : sims.delete(city.slug)));
  const simTimer = setInterval(() => {
    const now = Date.now();
    for (const s of sims.values()) { s.sim.tick(now); s.flush('simulator'); }
  }, 500);
  let lastLoad = Date.now();
  const loadTimer = env.SIMULATOR === 'on' && (env.SIMULATOR_RATE ?? 0) > 0 ? setInterval(() => {
    const now = Date.now();
    for (const s of sims.values()) { s.sim.load(now, (now - lastLoad) / 1000); s.flush('load'); }
    lastLoad = now;
  }, 25) : null;
  loadTimer?.unref();
  simTimer.unref();
  const histTimer = setInterval(() => {
    twin.history.flush().catch((err) => log.error({ err }, 'history flush failed; kept for the next try'));
  }, 2000);
  histTimer.unref();
  // a city stored again by another process (`twin import` from the CLI, another server) is reloaded
  const reloadTimer = setInterval(() => {
    twin.reloadChanged().then((slugs) => {
      if (slugs.length) log.info({ cities: slugs }, 'cities changed in the database: reloaded');
    }, (err: unknown) => log.error({ err }, 'checking the stored cities failed; tried again next time'));
  }, 5000);
  reloadTimer.unref();
  // History retention and down-sampling (README "Retention"), in small batches beside ingest.
  const retention = new Retention(db, {
    stateChangesDays: env.STATE_CHANGES_RETENTION_DAYS ?? 90,
    historyDays: env.HISTORY_RETENTION_DAYS ?? 400,
    downsampleAfterDays: env.HISTORY_DOWNSAMPLE_AFTER_DAYS ?? 30,
    coarseBucketMs: (env.HISTORY_COARSE_BUCKET_S ?? 3600) * 1000,
    fineBucketMs: twin.history.bucketMs,
  });
  const retentionTimer = setInterval(() => {
    retention.run().then((r) => {
      if (r.stateChangesDeleted || r.historyDeleted || r.historyMerged) log.info(r, 'history retention pass');
    }, (err: unknown) => log.error({ err }, 'history retention pass failed; tried again next time'));
  }, (env.RETENTION_EVERY_S ?? 600) * 1000);
  retentionTimer.unref();

  // Cities are kept in memory from the start, so the first viewer does not wait for a load.
  for (const c of await twin.listCities()) await twin.city(c.slug);
  // After the cities are loaded: runs left by a stopped process are recovered, queued ones start.
  await runs.start();
  // deliveries left pending by a stopped process go out now
  warnings.start();
  // After the cities are loaded, so the first message finds its city in memory.
  const mqtt = opts.mqtt === false || env.MQTT === 'off' ? undefined : await startMqtt({
    twin, log,
    env: { MQTT_URL: env.MQTT_URL, MQTT_PORT: env.MQTT_PORT ?? 0, INGEST_TOKEN: env.INGEST_TOKEN, HOST: env.HOST ?? '127.0.0.1' },
  });

  return {
    server, twin, db, live, mqtt, runs, accounts, setupToken, cases, sensorCases, warnings,
    async close() {
      await sensorCases.close();
      await warnings.close();
      await runs.close();
      clearInterval(simTimer);
      if (loadTimer) clearInterval(loadTimer);
      clearInterval(histTimer);
      clearInterval(reloadTimer);
      clearInterval(retentionTimer);
      await retention.stop();
      await mqtt?.close();
      presentRooms.close();
      await live.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // Infinity: the open bucket is written too, so the last minute survives a restart.
      await twin.history.flush(Infinity).catch(() => undefined);
      if (!opts.db) await db.close();
    },
  };
}
