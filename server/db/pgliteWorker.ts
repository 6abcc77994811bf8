// PGlite (WASM Postgres) on its own thread: a statement that takes seconds (a history flush, storing
// or loading a big city) then stalls only this thread, not the server's event loop and its live
// stream. The main-thread side, with the protocol's rules, is openPglite in ./index.ts.
import { mkdirSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';

/** main thread -> worker. `tx` names an open transaction; without it a request waits its turn. */
export type DbRequest =
  | { id: number; op: 'query'; sql: string; params?: unknown[]; tx?: number }
  | { id: number; op: 'exec'; sql: string; tx?: number }
  /** a binary COPY ... FROM '/dev/blob': `data` is the stream PGlite reads as that file */
  | { id: number; op: 'copy'; sql: string; data: Uint8Array<ArrayBuffer>; tx?: number }
  | { id: number; op: 'begin'; tx: number }
  | { id: number; op: 'commit' | 'rollback'; tx: number }
  | { id: number; op: 'close' };

/**
 * Query results travel by column: numeric columns as Float64Array (transferred, not copied) and
 * the rest as arrays. Cloning 20,000 row objects costs the receiving thread tens of milliseconds;
 * columns cost it a few (measured on the components of a city, see pglite.test.ts / the report).
 */
export interface DbColumns { names: string[]; n: number; cols: (unknown[] | Float64Array)[] }

export interface DbErrorInfo {
  message: string;
  name: string;
  /** PostgreSQL's fields when present: code, detail, hint, position, constraint, table, ... */
  fields: Record<string, string | number>;
}

/** worker -> main thread; id 0 is the start-up report */
export type DbReply =
  | { id: number; result?: DbColumns; error?: undefined }
  | { id: number; error: DbErrorInfo };

export interface DbWorkerData { dataDir?: string }

type Runner = Pick<Transaction, 'query' | 'exec'>;

// Not PG fields: `length` is the protocol message length, `params` may be megabytes of bulk data.
const SKIP_FIELDS = new Set(['length', 'params', 'queryOptions', 'stack', 'message', 'name']);

function errorInfo(err: unknown): DbErrorInfo {
  const e = err instanceof Error ? err : new Error(String(err));
  const fields: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(e)) {
    if ((typeof v === 'string' || typeof v === 'number') && !SKIP_FIELDS.has(k)) fields[k] = v;
  }
  return { message: e.message, name: e.name, fields };
}

function toColumns(names: string[], rows: unknown[][]): { result: DbColumns; transfer: ArrayBuffer[] } {
  const n = rows.length;
  const transfer: ArrayBuffer[] = [];
  const cols = names.map((_, j) => {
    const v = new Array<unknown>(n);
    let numeric = n > 0;
    for (let i = 0; i < n; i++) {
      const x = rows[i]![j];
      v[i] = x;
      if (typeof x !== 'number') numeric = false;
    }
    if (!numeric) return v;
    const f = Float64Array.from(v as number[]);
    transfer.push(f.buffer);
    return f;
  });
  return { result: { names, n, cols }, transfer };
}

async function run(db: Runner, m: Extract<DbRequest, { op: 'query' | 'exec' | 'copy' }>) {
  if (m.op === 'exec') {
    await db.exec(m.sql);
    return { result: undefined, transfer: [] };
  }
  if (m.op === 'copy') {
    await db.query(m.sql, [], { blob: new Blob([m.data]) });
    return { result: undefined, transfer: [] };
  }
  const r = await db.query<unknown[]>(m.sql, m.params ?? [], { rowMode: 'array' });
  return toColumns(r.fields.map((f) => f.name), r.rows);
}

function main() {
  const port = parentPort;
  if (!port) throw new Error('pgliteWorker.ts runs as a worker thread (see openPglite in ./index.ts)');
  const { dataDir } = workerData as DbWorkerData;
  const reply = (m: DbReply, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  const fail = (id: number, err: unknown) => reply({ id, error: errorInfo(err) });

  // PGlite is one connection: requests run one at a time, in arrival order. A transaction is one
  // turn that lasts from 'begin' to 'commit'/'rollback'; its own requests (those carrying its tx
  // id) skip the queue and go to `open.inbox`, everything else waits behind it.
  const queue: DbRequest[] = [];
  let open: { tx: number; inbox: DbRequest[]; wake: (() => void) | null } | null = null;
  let pumping = false;

  const ready = (async () => {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    return PGlite.create(dataDir ? { dataDir } : {});
  })();

  async function transaction(pg: PGlite, begin: Extract<DbRequest, { op: 'begin' }>) {
    const state = { tx: begin.tx, inbox: [] as DbRequest[], wake: null as (() => void) | null };
    let endId = begin.id; // who hears about a failed BEGIN / COMMIT / ROLLBACK
    const next = async () => {
      while (!state.inbox.length) await new Promise<void>((res) => { state.wake = res; });
      return state.inbox.shift()!;
    };
    try {
      await pg.transaction(async (t) => {
        open = state;
        reply({ id: begin.id });
        for (;;) {
          const m = await next();
          if (m.op === 'commit') { endId = m.id; return; } // PGlite commits when this returns
          if (m.op === 'rollback') { endId = m.id; await t.rollback(); return; }
          if (m.op !== 'query' && m.op !== 'exec' && m.op !== 'copy') { fail(m.id, new Error(`"${m.op}" inside a transaction`)); continue; }
          try {
            const { result, transfer } = await run(t, m);
            reply({ id: m.id, result }, transfer);
          } catch (err) {
            fail(m.id, err);
          }
        }
      });
      reply({ id: endId });
    } catch (err) {
      fail(endId, err);
    } finally {
      open = null;
      // Requests that raced the end (a tx.query fn did not await) get an answer, not silence.
      for (const m of state.inbox) fail(m.id, new Error(`transaction ${state.tx} is already closed`));
    }
  }

  async function handle(pg: PGlite, m: DbRequest) {
    switch (m.op) {
      case 'begin': return transaction(pg, m);
      case 'close':
        await pg.close(); // flushes the data directory
        reply({ id: m.id });
        return;
      case 'query':
      case 'exec':
      case 'copy': {
        const { result, transfer } = await run(pg, m);
        reply({ id: m.id, result }, transfer);
        return;
      }
      default: throw new Error(`"${m.op}" outside a transaction`);
    }
  }

  async function pump() {
    if (pumping) return;
    pumping = true;
    const pg = await ready.catch(() => null);
    if (!pg) return; // the start-up report already said why; the main thread ends this worker
    while (queue.length) {
      const m = queue.shift()!;
      try {
        await handle(pg, m);
      } catch (err) {
        fail(m.id, err);
      }
    }
    pumping = false;
  }

  port.on('message', (m: DbRequest) => {
    if ('tx' in m && m.tx !== undefined && m.op !== 'begin') {
      const o = open as typeof open; // assigned inside the transaction callback
      if (o && o.tx === m.tx) {
        o.inbox.push(m);
        o.wake?.();
        o.wake = null;
      } else {
        fail(m.id, new Error(`transaction ${m.tx} is not open (a tx.query after its transaction ended?)`));
      }
      return;
    }
    queue.push(m);
    void pump();
  });

  ready.then(
    () => reply({ id: 0 }),
    (err) => fail(0, err),
  );
}

main();
