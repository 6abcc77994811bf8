// Child process of `npm run bench -- live`: the twin server without Next (live stream, MQTT
// broker, tRPC), on the huaibei city stored in a cached PGlite directory. Talks to the
// orchestrator over IPC.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { openDb } from '../../server/db';
import { createTwinServer } from '../../server/app';
import { generateCity } from '../../server/city/generate';
import { listCities, saveCity } from '../../server/city/store';
import { registry } from '../../server/metrics';

const dataDir = process.env.BENCH_DATA_DIR!;
const token = 'bench-ingest-token';

async function main() {
  const fresh = !existsSync(dataDir);
  // the same layout as the app's DATA_DIR, so the browser half reuses the stored city
  const db = await openDb({ dataDir: join(dataDir, 'pglite') });
  if ((await listCities(db)).every((c) => c.slug !== 'huaibei')) {
    const t0 = performance.now();
    await saveCity(db, generateCity({ preset: 'huaibei' }));
    process.send!({ type: 'log', text: `generated and stored huaibei in ${((performance.now() - t0) / 1000).toFixed(1)} s (${fresh ? 'new' : 'existing'} cache ${dataDir})` });
  }
  // which statements the database runs during the bench (BENCH_DEBUG)
  const sqlStats = new Map<string, { n: number; ms: number }>();
  if (process.env.BENCH_DEBUG) {
    const wrap = <T extends { query: typeof db.query }>(o: T) => {
      const q = o.query.bind(o);
      o.query = (async (sql: string, params?: unknown[]) => {
        const t0 = performance.now();
        try { return await q(sql, params); } finally {
          const k = sql.replace(/\s+/g, ' ').slice(0, 60);
          const e = sqlStats.get(k) ?? { n: 0, ms: 0 };
          e.n++; e.ms += performance.now() - t0; sqlStats.set(k, e);
        }
      }) as typeof db.query;
    };
    wrap(db);
    const tx = db.transaction.bind(db);
    db.transaction = ((fn: Parameters<typeof db.transaction>[0]) => tx((t) => { wrap(t); return fn(t); })) as typeof db.transaction;
  }
  const app = await createTwinServer({
    env: { DATA_DIR: dataDir, INGEST_TOKEN: token, SIMULATOR: 'off', DEFAULT_CITY_PRESET: 'huaibei', MQTT: 'on', MQTT_PORT: 0, HOST: '127.0.0.1' },
    db,
  });
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
  const city = await app.twin.city('huaibei');
  const port = (app.server.address() as AddressInfo).port;
  process.send!({
    type: 'ready', port, mqttPort: app.mqtt?.port, token, city: city.slug, count: city.live.count, gridCount: city.live.gridCount,
    centroids: city.data.unitGrids.map((g) => {
      let x = 0, y = 0;
      for (let k = 0; k < g.ring.length; k += 2) { x += g.ring[k]!; y += g.ring[k + 1]!; }
      return [(2 * x) / g.ring.length, (2 * y) / g.ring.length];
    }),
    gridOf: Array.from(city.data.components.unitGrid),
  });
  process.on('message', async (m: { type: string }) => {
    if (m.type === 'stats') {
      const mem = process.memoryUsage();
      const text = await registry.metrics();
      const live = text.split('\n').filter((l) => /^twin_live_(snapshots_forced_total|frames_total|tick_seconds_(sum|count))/.test(l));
      if (process.env.BENCH_DEBUG) live.push(...[...sqlStats].map(([k, v]) => `sql ${v.n}x ${v.ms.toFixed(0)} ms: ${k}`));
      process.send!({ type: 'stats', live, applied: app.twin.appliedTotal, cpu: process.cpuUsage(), rssMb: mem.rss / 2 ** 20, seq: city.live.seq, historyPending: app.twin.history.pending });
    } else if (m.type === 'final') {
      process.send!({ type: 'final', states: city.live.states, values: city.live.values, rollup: city.live.rollup, level: city.live.level });
    } else if (m.type === 'stop') {
      await app.close();
      await db.close();
      process.exit(0);
    }
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
