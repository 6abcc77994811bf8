import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Env } from '../env';
import { copySql } from './copyBinary';
import type { DbColumns, DbErrorInfo, DbReply, DbRequest, DbWorkerData } from './pgliteWorker';

// One small interface over PGlite (embedded default) and PostgreSQL (DATABASE_URL), so the
// same migrations and queries run on both.
export interface Db {
  readonly kind: 'pglite' | 'postgres';
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** several statements, no parameters (migrations) */
  exec(sql: string): Promise<void>;
  /**
   * Bulk load: `data` is a binary COPY stream (./copyBinary.ts) of `columns` into `table`. On PGlite
   * its buffer is handed to the database thread (transferred: the caller's copy is emptied).
   */
  copyFrom(table: string, columns: string[], data: Uint8Array): Promise<void>;
  /** runs fn in one transaction: all of it is stored, or none */
  transaction<R>(fn: (tx: DbTx) => Promise<R>): Promise<R>;
  close(): Promise<void>;
}

export type DbTx = Pick<Db, 'query' | 'exec' | 'copyFrom'>;

export interface OpenDbOptions {
  /** postgres://... ; when absent, PGlite */
  url?: string;
  /** PGlite directory; undefined = in memory */
  dataDir?: string;
  migrate?: boolean;
}

export async function openDb(opts: OpenDbOptions): Promise<Db> {
  const db = opts.url ? await openPostgres(opts.url) : await openPglite(opts.dataDir);
  if (opts.migrate !== false) await migrate(db);
  return db;
}

/** The configured database: PostgreSQL at DATABASE_URL, else PGlite under DATA_DIR. */
export function dbOptionsFromEnv(env: Pick<Env, 'DATABASE_URL' | 'DATA_DIR'>): OpenDbOptions {
  return env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: join(env.DATA_DIR, 'pglite') };
}

/**
 * PGlite on a worker thread (./pgliteWorker.ts) behind the same Db interface: PGlite runs
 * statements synchronously, and one bulk insert or city load on this thread would stall the live
 * stream for seconds. Requests are {id, op, sql, params}; replies are {id, result | error}.
 * The worker runs them one at a time in the order sent. transaction(fn) holds that turn from
 * 'begin' to 'commit'/'rollback' while fn runs here, so a db.query issued meanwhile runs after the
 * commit; for the same reason fn must use tx, not db (a db.query awaited inside fn would wait for
 * its own transaction forever, as it did with PGlite on this thread).
 */
async function openPglite(dataDir?: string): Promise<Db> {
  const unlock = dataDir ? lockDataDir(dataDir) : () => {};
  try {
    return await startPglite(dataDir, unlock);
  } catch (err) {
    unlock();
    throw err;
  }
}

/** whether a process with this id is running (EPERM: it is, someone else's) */
function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One process at a time per PGlite directory. PGlite takes no lock of its own: a second process
 * opening the same directory (a server restarted before the last one finished closing, a CLI run
 * beside a server) writes over the first and leaves the directory unreadable ("Aborted()" on the
 * next open). So `<dataDir>.lock` holds the opener's pid: a live holder is refused with its pid;
 * a dead one (killed, crashed) is stale and taken over, and Postgres recovers from its WAL.
 * Returns the release, also run at process exit.
 */
function lockDataDir(dataDir: string): () => void {
  const lock = `${dataDir.replace(/[\\/]+$/, '')}.lock`;
  try {
    mkdirSync(dirname(lock), { recursive: true });
  } catch (err) {
    throw new Error(`PGlite worker did not start: cannot create ${dirname(lock)}: ${(err as Error).message}`, { cause: err });
  }
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const holder = Number(readFileSync(lock, 'utf8').trim());
      if (holder === process.pid || processAlive(holder)) {
        throw new Error(`the PGlite directory ${dataDir} is in use by process ${holder} (${lock}); one process at a time may open it: stop that one first, or use DATABASE_URL (PostgreSQL) for several`);
      }
      rmSync(lock, { force: true });
    }
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    try {
      if (Number(readFileSync(lock, 'utf8').trim()) === process.pid) rmSync(lock, { force: true });
    } catch { /* already gone */ }
  };
  process.on('exit', release);
  return release;
}

async function startPglite(dataDir: string | undefined, unlock: () => void): Promise<Db> {
  const workerData: DbWorkerData = { dataDir };
  let worker: Worker;
  try {
    worker = new Worker(workerBootstrap(), { eval: true, workerData });
  } catch (err) {
    throw new Error(`PGlite worker did not start: ${(err as Error).message}`, { cause: err });
  }

  type Pending = { resolve: (r: DbColumns | undefined) => void; reject: (e: Error) => void; site: Error };
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let nextTx = 1;
  let closed = false;
  let dead: Error | null = null; // set once the worker is gone; every later call fails with it

  const started = new Promise<void>((resolve, reject) => {
    const early = (why: string) => (x: unknown) => reject(new Error(`PGlite worker did not start: ${why}${x instanceof Error ? x.message : x}`, { cause: x }));
    const onError = early('');
    const onExit = early('it exited with code ');
    worker.on('error', onError).on('exit', onExit);
    worker.once('message', (m: DbReply) => {
      worker.off('error', onError).off('exit', onExit);
      if (m.error) reject(new Error(`PGlite worker did not start: ${m.error.message}`));
      else resolve();
    });
  });
  try {
    await started;
  } catch (err) {
    await worker.terminate();
    throw err;
  }

  const failAll = (err: Error) => {
    dead ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (m: DbReply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (!pending.size) worker.unref();
    if (m.error) p.reject(rebuildError(m.error, p.site));
    else p.resolve(m.result);
  });
  worker.on('error', (err) => failAll(new Error(`PGlite worker failed: ${err.message}`, { cause: err })));
  worker.on('exit', (code) => failAll(new Error(closed ? 'the database is closed' : `PGlite worker exited (code ${code})`)));
  // Like PGlite on this thread, an idle database does not keep the process alive; a request in
  // flight does (else a script awaiting its last query could exit under it).
  worker.unref();

  const call = (req: DistributiveOmit<DbRequest, 'id'>, transfer: ArrayBuffer[] = []): Promise<DbColumns | undefined> => {
    // New work after close() is refused; a transaction that was open may still finish.
    if (dead || (closed && !('tx' in req && req.tx !== undefined && req.op !== 'begin'))) return Promise.reject(dead ?? new Error('the database is closed'));
    const id = nextId++;
    const site = new Error(); // the caller's stack, for errors that come back from the worker
    return new Promise((resolve, reject) => {
      try {
        worker.postMessage({ ...req, id }, transfer);
      } catch (err) {
        reject(err as Error); // e.g. a parameter structured clone cannot copy (a function)
        return;
      }
      if (!pending.size) worker.ref();
      pending.set(id, { resolve, reject, site });
    });
  };
  const query = async (sql: string, params: unknown[] | undefined, tx?: number) =>
    ({ rows: rowsOf((await call({ op: 'query', sql, params, tx }))!) as never[] });
  const exec = async (sql: string, tx?: number) => { await call({ op: 'exec', sql, tx }); };
  const copy = async (table: string, columns: string[], data: Uint8Array, tx?: number) => {
    const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer;
    const sent = (whole ? data : data.slice()) as Uint8Array<ArrayBuffer>; // a view into a bigger buffer: copied, not the whole buffer moved
    await call({ op: 'copy', sql: copySql(table, columns, "'/dev/blob'"), data: sent, tx }, [sent.buffer]);
  };

  return {
    kind: 'pglite',
    query: (sql, params) => query(sql, params),
    exec: (sql) => exec(sql),
    copyFrom: (table, columns, data) => copy(table, columns, data),
    transaction: async (fn) => {
      const tx = nextTx++;
      await call({ op: 'begin', tx });
      let result;
      try {
        result = await fn({ query: (sql, params) => query(sql, params, tx), exec: (sql) => exec(sql, tx), copyFrom: (t, c, d) => copy(t, c, d, tx) });
      } catch (err) {
        // fn's error is the one that matters; a failed rollback (worker gone) must not hide it
        await call({ op: 'rollback', tx }).catch(() => {});
        throw err;
      }
      await call({ op: 'commit', tx });
      return result;
    },
    close: async () => {
      if (closed) return;
      const done = call({ op: 'close' }); // queued behind requests already sent
      closed = true;
      try {
        await done;
      } finally {
        await worker.terminate();
        unlock();
      }
    },
  };
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * The worker's entry: a line of plain JS that registers tsx in the new thread, then imports
 * pgliteWorker.ts. On Node 20 tsx registers its hooks on the main thread only (`--import tsx`
 * inherited through execArgv does nothing in a worker: the .ts entry fails with "Unknown file
 * extension"), and vitest's transform never reaches worker threads; tsx's register() from
 * tsx/esm/api does work in a worker, under tsx, node --import tsx and vitest alike.
 */
function workerBootstrap(): string {
  const entry = new URL('./pgliteWorker.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsxEsmApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
}

/**
 * The ESM build of tsx/esm/api, by tsx's own exports map. require.resolve would pick the CJS build,
 * whose register() looks for its hooks at a wrong path; import.meta.resolve is missing under vitest.
 */
function tsxEsmApi(): string {
  const pkgFile = createRequire(import.meta.url).resolve('tsx/package.json');
  const exp = JSON.parse(readFileSync(pkgFile, 'utf8')).exports?.['./esm/api'];
  const rel: unknown = exp?.import?.default ?? exp?.import ?? exp?.default;
  if (typeof rel !== 'string') throw new Error(`PGlite worker did not start: cannot find tsx/esm/api in ${pkgFile}`);
  return pathToFileURL(join(dirname(pkgFile), rel)).href;
}

/** An Error with PostgreSQL's message and fields (code, detail, position...) and the caller's stack. */
function rebuildError(info: DbErrorInfo, site: Error): Error {
  const err = Object.assign(new Error(info.message), info.fields);
  err.name = info.name;
  err.stack = `${info.name}: ${info.message}${site.stack?.slice(site.stack.indexOf('\n')) ?? ''}`;
  return err;
}

// Row objects built from columns by a generated object literal, cached per column list: several
// times faster than assigning keys in a loop, which matters at 20,000 rows per chunk on this thread.
type RowBuilder = (cols: DbColumns['cols'], n: number) => unknown[];
const rowBuilders = new Map<string, RowBuilder>();
function rowsOf(r: DbColumns): unknown[] {
  const key = r.names.join('\u0000');
  let build = rowBuilders.get(key);
  if (!build) {
    if (rowBuilders.size >= 500) rowBuilders.clear(); // ad-hoc SQL must not grow this forever
    // computed keys: a column named __proto__ becomes a property, not the prototype
    const fields = r.names.map((name, j) => `[${JSON.stringify(name)}]: c[${j}][i]`).join(', ');
    build = new Function('c', 'n', `const out = new Array(n); for (let i = 0; i < n; i++) out[i] = { ${fields} }; return out;`) as RowBuilder;
    rowBuilders.set(key, build);
  }
  return build(r.cols, r.n);
}

/** COPY ... FROM STDIN on one connection (pg-copy-streams): the binary stream written, then its end awaited. */
async function copyOnClient(client: import('pg').PoolClient, table: string, columns: string[], data: Uint8Array): Promise<void> {
  const [{ from }, { pipeline }, { Readable }] = await Promise.all([import('pg-copy-streams'), import('node:stream/promises'), import('node:stream')]);
  await pipeline(Readable.from([Buffer.from(data.buffer, data.byteOffset, data.byteLength)]), client.query(from(copySql(table, columns, 'stdin'))));
}

async function openPostgres(url: string): Promise<Db> {
  const { default: pg } = await import('pg');
  // bigint (int8) as number: our ids and counts stay far below 2^53.
  pg.types.setTypeParser(20, (v: string) => Number(v));
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  await pool.query('select 1');
  return {
    kind: 'postgres',
    query: async (sql, params) => ({ rows: (await pool.query(sql, params as unknown[])).rows }),
    exec: async (sql) => { await pool.query(sql); },
    copyFrom: async (table, columns, data) => {
      const client = await pool.connect();
      try {
        await copyOnClient(client, table, columns, data);
      } finally {
        client.release();
      }
    },
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const r = await fn({
          query: async (sql, params) => ({ rows: (await client.query(sql, params as unknown[])).rows }),
          exec: async (sql) => { await client.query(sql); },
          copyFrom: (table, columns, data) => copyOnClient(client, table, columns, data),
        });
        await client.query('commit');
        return r;
      } catch (err) {
        await client.query('rollback');
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Applies migrations/NNN_*.sql in order, each once, each in its own transaction. */
export async function migrate(db: Db): Promise<string[]> {
  await db.exec('create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())');
  const done = new Set((await db.query<{ name: string }>('select name from schema_migrations')).rows.map((r) => r.name));
  const applied: string[] = [];
  for (const file of readdirSync(migrationsDir).filter((f) => /^\d+_.*\.sql$/.test(f)).sort()) {
    if (done.has(file)) continue;
    const sql = readFileSync(join(migrationsDir, file), 'utf8');
    await db.transaction(async (tx) => {
      await tx.exec(sql);
      await tx.query('insert into schema_migrations (name) values ($1)', [file]);
    });
    applied.push(file);
  }
  return applied;
}
