import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { openDb, type Db } from '../db';
import { createTwinServer, type TwinServer } from '../app';
import type { CityRuntime } from '../twin';
import { STATE_CODE } from '../../models/components';
import { STATE_MASK } from '../../models/live';
import { encodeBinaryBatch } from '../../models/ingest';
import { mqttRejectedReplySchema, mqttTopic, REJECTED_FILTER, type MqttRejectedReply } from '../../models/mqtt';
import { freePort, until } from '../testUtil';

// The MQTT_URL path against a real Mosquitto, started here on a free port (scripts/test.sh
// installs it). Skipped without the binary only outside CI.

const MOSQUITTO = '/usr/sbin/mosquitto';
const have = existsSync(MOSQUITTO);
if (!have && process.env.CI) throw new Error(`${MOSQUITTO} is missing and CI is set: apt-get install mosquitto (scripts/test.sh does)`);
if (!have) console.warn(`skipping the Mosquitto tests: ${MOSQUITTO} is not installed (apt-get install mosquitto)`);

const TOKEN = 'test-token-123456';
let dir: string;
let broker: ChildProcess | undefined;
let url: string;
let db: Db;
const apps: TwinServer[] = [];
const clients: MqttClient[] = [];

async function portOpen(port: number) {
  return new Promise<boolean>((resolve) => {
    const c = netConnect(port, '127.0.0.1', () => { c.destroy(); resolve(true); });
    c.on('error', () => resolve(false));
  });
}

async function startTwin() {
  const app = await createTwinServer({
    env: { DATA_DIR: '', INGEST_TOKEN: TOKEN, SIMULATOR: 'off', DEFAULT_CITY_PRESET: 'default', MQTT_URL: url },
    db, tickMs: 20,
  });
  apps.push(app);
  expect(app.mqtt?.port).toBeUndefined(); // no broker of its own
  return { app, city: [...app.twin.cities.values()][0]! };
}

describe.skipIf(!have)('external broker (Mosquitto)', () => {
  let city: CityRuntime;
  let pub: MqttClient;
  const replies: { topic: string; reply: MqttRejectedReply; correlation?: string }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'twin-mosquitto-'));
    const port = await freePort();
    writeFileSync(join(dir, 'mosquitto.conf'), `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
    broker = spawn(MOSQUITTO, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    broker.stderr!.on('data', (d) => (stderr += d));
    const t0 = Date.now();
    while (!(await portOpen(port))) {
      if (broker.exitCode !== null || Date.now() - t0 > 10_000) throw new Error(`mosquitto did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    url = `mqtt://127.0.0.1:${port}`;
    db = await openDb({});
    ({ city } = await startTwin());
    pub = await connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0 });
    clients.push(pub);
    const record = (topic: string, payload: Buffer, packet: { properties?: { correlationData?: Buffer } }) => {
      replies.push({ topic, reply: mqttRejectedReplySchema.parse(JSON.parse(payload.toString())), correlation: packet.properties?.correlationData?.toString() });
    };
    pub.on('message', record);
    await pub.subscribeAsync([REJECTED_FILTER, 'gateway/7/replies'], { qos: 0 });
  });

  afterAll(async () => {
    for (const c of clients) await c.endAsync(true).catch(() => undefined);
    for (const a of apps) await a.close();
    await db?.close();
    if (broker && broker.exitCode === null) {
      const exited = new Promise((r) => broker!.once('exit', r));
      broker.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('applies a state, a JSON batch and a binary batch published through Mosquitto', async () => {
    const codes = city.data.components.codes;
    await pub.publishAsync(mqttTopic.state(city.slug, codes[3]!), JSON.stringify({ state: 'alarm', value: 1.5 }), { qos: 1 });
    await until(() => (city.live.states[3]! & STATE_MASK) === STATE_CODE.alarm, 'the state');
    await pub.publishAsync(mqttTopic.batch(city.slug), JSON.stringify({ changes: [{ componentCode: codes[4], state: 'damaged' }] }), { qos: 1 });
    await until(() => (city.live.states[4]! & STATE_MASK) === STATE_CODE.damaged, 'the JSON batch');
    const idx = [10, 11, 12];
    await pub.publishAsync(mqttTopic.batchBin(city.slug), Buffer.from(encodeBinaryBatch(city.live.count, 3, idx, [8, 8, 8], [0, 0, 0])), { qos: 1 });
    await until(() => idx.every((i) => (city.live.states[i]! & STATE_MASK) === STATE_CODE.offline), 'the binary batch');
  });

  it('answers a malformed message on the rejected topic, or on an MQTT 5 response topic', async () => {
    const states = Uint8Array.from(city.live.states);
    const topic = mqttTopic.state(city.slug, city.data.components.codes[5]!);
    await pub.publishAsync(topic, '{"state":"melted"}', { qos: 1 });
    await until(() => replies.length > 0, 'the rejection');
    expect(replies[0]).toMatchObject({ topic: mqttTopic.rejected(city.slug), reply: { topic, kind: 'schema', reason: expect.stringMatching(/^state: /) } });

    await pub.publishAsync(mqttTopic.batchBin(city.slug), Buffer.from(encodeBinaryBatch(city.live.count + 5, 1, [0], [1], [0])), {
      qos: 1, properties: { responseTopic: 'gateway/7/replies', correlationData: Buffer.from('req-42') },
    });
    await until(() => replies.length > 1, 'the reply on the response topic');
    expect(replies[1]).toMatchObject({ topic: 'gateway/7/replies', correlation: 'req-42', reply: { kind: 'registry' } });
    expect(city.live.states).toEqual(states);
  });

  it('shares the ingest topics between twin processes (shared subscription)', async () => {
    const second = await startTwin();
    const n = 40, base = 200;
    const mark = (c: CityRuntime) => Array.from({ length: n }, (_, k) => (c.live.states[base + k]! & STATE_MASK) === STATE_CODE.warning);
    expect(mark(city).some(Boolean) || mark(second.city).some(Boolean)).toBe(false);
    for (let k = 0; k < n; k++) {
      await pub.publishAsync(mqttTopic.state(city.slug, city.data.components.codes[base + k]!), '{"state":"warning"}', { qos: 1 });
    }
    await until(() => {
      const a = mark(city), b = mark(second.city);
      return a.every((x, k) => x || b[k]);
    }, 'every message in one of the two twins');
    const a = mark(city), b = mark(second.city);
    // each message went to exactly one twin, and both took a share
    expect(a.some((x, k) => x && b[k])).toBe(false);
    expect(a.filter(Boolean).length).toBeGreaterThan(0);
    expect(b.filter(Boolean).length).toBeGreaterThan(0);
  });
});
