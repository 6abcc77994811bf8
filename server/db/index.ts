import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Env } from '../env';

// One small interface over PGlite (embedded default) and PostgreSQL (DATABASE_URL), so the
// same migrations and queries run on both.
export interface Db {
  readonly kind: 'pglite' | 'postgres';
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** several statements, no parameters (migrations) */
  exec(sql: string): Promise<void>;
  /** runs fn in one transaction: all of it is stored, or none */
  transaction<R>(fn: (tx: Pick<Db, 'query' | 'exec'>) => Promise<R>): Promise<R>;
  close(): Promise<void>;
}

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

async function openPglite(dataDir?: string): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (dataDir) (await import('node:fs')).mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir ? { dataDir } : {});
  const db: Db = {
    kind: 'pglite',
    query: async (sql, params) => ({ rows: (await pg.query(sql, params ?? [])).rows as never[] }),
    exec: async (sql) => { await pg.exec(sql); },
    transaction: (fn) =>
      pg.transaction(async (tx) =>
        fn({
          query: async (sql, params) => ({ rows: (await tx.query(sql, params ?? [])).rows as never[] }),
          exec: async (sql) => { await tx.exec(sql); },
        }),
      ),
    close: () => pg.close(),
  };
  return db;
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
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const r = await fn({
          query: async (sql, params) => ({ rows: (await client.query(sql, params as unknown[])).rows }),
          exec: async (sql) => { await client.query(sql); },
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
