// An alarm storm from real telemetry, then shutdown: every component still in alarm has its one
// sensor case, and the work is bounded. Before, each timer tick queued its own pass and each case
// cost about eight database calls (a history read among them), so app.close() after a 60 s soak
// was still opening cases an hour later.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDb, type Db } from '../db';
import { createTwinServer, type TwinServer } from '../app';
import { TEST_ADMIN } from '../accounts/testSession';
import { STATE_CODE } from '../../models/components';
import { STATE_MASK } from '../../models/live';
import { mulberry32 } from '../live/simulator';

let db: Db;
let app: TwinServer;
let calls = 0;

beforeAll(async () => {
  db = await openDb({});
  // every statement the server sends, transactions counted once more
  const counted: Db = {
    ...db,
    query: (sql, params) => { calls++; return db.query(sql, params); },
    transaction: (fn) => { calls++; return db.transaction((tx) => fn({ ...tx, query: (sql, params) => { calls++; return tx.query(sql, params); } })); },
  };
  app = await createTwinServer({ env: { DATA_DIR: '', INGEST_TOKEN: 'test-token-123456', SIMULATOR: 'off', DEFAULT_CITY_PRESET: 'default', ...TEST_ADMIN }, db: counted, mqtt: false });
});

afterAll(async () => {
  await db?.close();
});

it('an alarm storm from real telemetry opens one case per component still in alarm, and close() does it in a bounded number of statements', async () => {
  const city = [...app.twin.cities.values()][0]!;
  const N = 3000, rounds = 12;
  const r = mulberry32(7);
  const idx = Uint32Array.from({ length: N }, (_, k) => k * 5);
  const st = new Uint8Array(N), val = new Float32Array(N).fill(NaN);
  const states = [STATE_CODE.alarm, STATE_CODE.damaged, STATE_CODE.missing, STATE_CODE.intact];
  calls = 0;
  for (let k = 0; k < rounds; k++) {
    for (let j = 0; j < N; j++) st[j] = states[Math.floor(r() * states.length)]!;
    app.twin.applyChanges(city, N, idx, st, val, Date.now(), k % 2 ? 'api' : 'mqtt');
    // what the once-a-second timer does during a storm longer than a pass
    void app.sensorCases.flush();
    await new Promise((res) => setImmediate(res));
  }
  const inAlarm = [...idx].filter((i) => [STATE_CODE.alarm, STATE_CODE.damaged, STATE_CODE.missing].includes(city.live.states[i]! & STATE_MASK));
  expect(inAlarm.length).toBeGreaterThan(N / 2);
  await app.close();
  // 8 calls a case before; now a few per 500 cases and per pass (the history's last write included)
  expect(calls).toBeLessThan(N / 10);
  const { rows } = await db.query<{ component_code: string; n: number; steps: number }>(
    `select component_code, count(*)::int as n, sum((select count(*) from case_steps s where s.case_id = c.id))::int as steps
     from cases c where source = 'sensor' and state = 'reported' group by component_code`);
  const codes = city.data.components.codes;
  const byCode = new Map(rows.map((x) => [x.component_code, x]));
  for (const i of inAlarm) expect(byCode.get(codes[i]!), `component ${i}`).toMatchObject({ n: 1, steps: 1 });
  expect(rows.every((x) => x.n === 1)).toBe(true);
  // the case numbers are distinct and numbered without gaps within each class and day
  const numbers = (await db.query<{ number: string }>("select number from cases where source = 'sensor' order by number")).rows.map((x) => x.number);
  expect(new Set(numbers).size).toBe(numbers.length);
  const perPrefix = new Map<string, number[]>();
  for (const n of numbers) perPrefix.set(n.slice(0, -4), [...(perPrefix.get(n.slice(0, -4)) ?? []), Number(n.slice(-4))]);
  for (const seqs of perPrefix.values()) expect(seqs).toEqual(seqs.map((_, k) => k + 1));
});
