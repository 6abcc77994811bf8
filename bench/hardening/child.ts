// Child process of the SIGKILL check: the twin (no Next, MQTT off, simulator off) on PGlite under
// DATA_DIR; tells its port over IPC, and on request lists the durable ingest rows it has stored.
import type { AddressInfo } from 'node:net';
import { createTwinServer } from '../../server/app';

async function main() {
  const app = await createTwinServer({
    env: { DATA_DIR: process.env.DATA_DIR!, INGEST_TOKEN: process.env.INGEST_TOKEN!, SIMULATOR: 'off', DEFAULT_CITY_PRESET: 'default', MQTT: 'off' },
  });
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
  const city = [...app.twin.cities.values()][0]!;
  process.send!({ type: 'ready', port: (app.server.address() as AddressInfo).port, city: city.slug, codes: city.data.components.codes.slice(0, 2000) });
  process.on('message', async (m: { type: string }) => {
    if (m.type === 'stored') {
      const { rows } = await app.db.query<{ value: number }>(`select value from state_changes where source = 'api'`);
      process.send!({ type: 'stored', values: rows.map((r) => r.value) });
    } else if (m.type === 'stop') {
      await app.close();
      process.exit(0);
    }
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
