import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../testUtil';
import { generateCity } from '../city/generate';
import { saveCity } from '../city/store';
import { openDb } from './index';

/**
 * A throwaway PostgreSQL server for tests: its own cluster in a temp dir, on a free loopback
 * port, stopped and deleted by stop(). Uses Debian's postgresql binaries; as root it runs them
 * as the postgres user, since PostgreSQL refuses to run as root.
 */
export async function startTestPostgres(): Promise<{ url: string; stop(): void }> {
  const bin = findBin();
  const dir = mkdtempSync(join(tmpdir(), 'twin-pg-'));
  const asRoot = process.getuid?.() === 0;
  let uid = -1, gid = -1;
  if (asRoot) {
    uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const run = (cmd: string, args: string[]) => {
    const [c, a] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] : [join(bin, cmd), args];
    const r = spawnSync(c, a as string[], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.stdout}`);
  };
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'twin', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  return {
    url: `postgres://twin@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A throwaway PostgreSQL (startTestPostgres) holding the default sample city, for tests of several server processes on one database. */
export async function startTestPostgresWithCity(): Promise<{ url: string; slug: string; stop(): void }> {
  const pg = await startTestPostgres();
  const setup = await openDb({ url: pg.url });
  const city = generateCity({ preset: 'default' });
  await saveCity(setup, city);
  await setup.close();
  return { ...pg, slug: city.meta.slug };
}

function findBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (!versions.length) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)');
  return join(root, versions[0]!, 'bin');
}

