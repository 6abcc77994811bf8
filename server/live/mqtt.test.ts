import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsync, type MqttClient } from 'mqtt';
import { connect as netConnect } from 'node:net';
import { openDb, type Db } from '../db';
import { createTwinServer, type TwinServer } from '../app';
import type { CityRuntime } from '../twin';
import { registry } from '../metrics';
import { STATE_CODE } from '../../models/components';
import { STATE_MASK } from '../../models/live';
import { encodeBinaryBatch } from '../../models/ingest';
import { mqttRejectedReplySchema, mqttTopic, parseTopic, REJECTED_FILTER, type MqttRejectedReply, type MqttRejectKind } from '../../models/mqtt';
import { until } from '../testUtil';

// The in-process broker end to end: real aedes on a free port, real mqtt.js clients.

const TOKEN = 'test-token-123456';
let db: Db;
let app: TwinServer;
let url: string;
let city: CityRuntime;
let pub: MqttClient;
let watcher: MqttClient;
const replies: MqttRejectedReply[] = [];
const clients: MqttClient[] = [];

const stateOf = (i: number) => city.live.states[i]! & STATE_MASK;

async function rejectedCount(kind: MqttRejectKind): Promise<number> {
  const text = await registry.metrics();
  const m = text.match(new RegExp(`^twin_ingest_rejected_total\\{boundary="mqtt",reason="${kind}"\\} (\\d+)$`, 'm'));
  return m ? Number(m[1]) : 0;
}

async function limitCount(boundary: string, reason: string): Promise<number> {
  const m = (await registry.metrics()).match(new RegExp(`^twin_limit_refused_total\\{boundary="${boundary}",reason="${reason}"\\} (\\d+)$`, 'm'));
  return m ? Number(m[1]) : 0;
}

let flip = 0;
/** A good single-state message, sent after a rejected one, still applies. */
async function goodMessageApplies() {
  const i = 7;
  const want = flip++ % 2 ? 'intact' : 'warning';
  await pub.publishAsync(mqttTopic.state(city.slug, city.data.components.codes[i]!), JSON.stringify({ state: want }), { qos: 1 });
  await until(() => stateOf(i) === STATE_CODE[want], 'the good message after a rejected one');
}

/** Publishes a bad message and checks the reply, the counter, that nothing changed, and that the next good one applies. */
async function expectRejected(topic: string, payload: string | Buffer, kind: MqttRejectKind, reason: RegExp, replyTopic = mqttTopic.rejected(city.slug)) {
  const states = Uint8Array.from(city.live.states), values = Float32Array.from(city.live.values);
  const count = await rejectedCount(kind);
  const seen = replies.length;
  // QoS 1: the broker acknowledges after the message is handled, so the state below is final.
  await pub.publishAsync(topic, payload, { qos: 1 });
  await until(() => replies.length > seen, `a reply to ${topic}`);
  const r = replies[seen]!;
  expect(r).toMatchObject({ topic, kind });
  expect(r.reason).toMatch(reason);
  expect(replyTopicOf.get(r)).toBe(replyTopic);
  expect(await rejectedCount(kind)).toBe(count + 1);
  expect(city.live.states).toEqual(states);
  expect(city.live.values).toEqual(values);
  await goodMessageApplies();
}
const replyTopicOf = new WeakMap<MqttRejectedReply, string>();

beforeAll(async () => {
  db = await openDb({});
  app = await createTwinServer({ env: { DATA_DIR: '', INGEST_TOKEN: TOKEN, SIMULATOR: 'off', DEFAULT_CITY_PRESET: 'default' }, db, tickMs: 20 });
  expect(app.mqtt?.port).toBeGreaterThan(0);
  url = `mqtt://127.0.0.1:${app.mqtt!.port}`;
  city = [...app.twin.cities.values()][0]!;
  pub = await connectAsync(url, { username: 'twin', password: TOKEN, reconnectPeriod: 0 });
  // What a gateway's operator uses to watch rejections (anonymous clients are refused).
  watcher = await connectAsync(url, { username: 'twin', password: TOKEN, reconnectPeriod: 0 });
  clients.push(pub, watcher);
  watcher.on('message', (topic, payload) => {
    const r = mqttRejectedReplySchema.parse(JSON.parse(payload.toString()));
    replyTopicOf.set(r, topic);
    replies.push(r);
  });
  const granted = await watcher.subscribeAsync(REJECTED_FILTER, { qos: 0 });
  expect(granted[0]!.qos).toBe(0);
});

afterAll(async () => {
  for (const c of clients) await c.endAsync(true).catch(() => undefined);
  await app?.close();
  await db?.close();
});

describe('topics', () => {
  it('parses the three ingest topics and names what is wrong with others', () => {
    expect(parseTopic('twin/v1/huzhou/state/33050201037000001')).toEqual({ ok: true, city: 'huzhou', kind: 'state', code: '33050201037000001' });
    // the older 16-digit code is normalised
    expect(parseTopic('twin/v1/huzhou/state/3305020137000001')).toMatchObject({ ok: true, code: '33050201037000001' });
    expect(parseTopic('twin/v1/huzhou/batch')).toEqual({ ok: true, city: 'huzhou', kind: 'batch' });
    expect(parseTopic('twin/v1/huzhou/batch/bin')).toEqual({ ok: true, city: 'huzhou', kind: 'batch/bin' });
    expect(parseTopic('twin/v2/huzhou/batch')).toMatchObject({ ok: false, reason: expect.stringMatching(/not under twin\/v1/) });
    expect(parseTopic('twin/v1/Huzhou/batch')).toMatchObject({ ok: false, reason: expect.stringMatching(/city slug/) });
    expect(parseTopic('twin/v1/huzhou/state/12')).toMatchObject({ ok: false, reason: expect.stringMatching(/17 digits/) });
    expect(parseTopic('twin/v1/huzhou/state/33050201037000001/x')).toMatchObject({ ok: false });
  });
});

describe('in-process broker', () => {
  it('applies a single state, a JSON batch and a binary batch', async () => {
    const codes = city.data.components.codes;
    await pub.publishAsync(mqttTopic.state(city.slug, codes[1]!), JSON.stringify({ state: 'alarm', value: 0.42 }), { qos: 1 });
    await until(() => stateOf(1) === STATE_CODE.alarm, 'the single state');
    expect(city.live.values[1]).toBeCloseTo(0.42, 5);

    const changes = [2, 3, 4].map((i) => ({ componentCode: codes[i]!, state: 'damaged', at: new Date().toISOString() }));
    await pub.publishAsync(mqttTopic.batch(city.slug), JSON.stringify({ changes }), { qos: 1 });
    await until(() => [2, 3, 4].every((i) => stateOf(i) === STATE_CODE.damaged), 'the JSON batch');

    const n = Math.min(10_000, city.live.count - 100);
    const idx = Uint32Array.from({ length: n }, (_, k) => 100 + k);
    const st = new Uint8Array(n).fill(STATE_CODE.offline);
    const val = Float32Array.from({ length: n }, (_, k) => k / 4);
    await pub.publishAsync(mqttTopic.batchBin(city.slug), Buffer.from(encodeBinaryBatch(city.live.count, n, idx, st, val)), { qos: 1 });
    await until(() => idx.every((i) => stateOf(i) === STATE_CODE.offline), 'the binary batch');
    expect(city.live.values[100 + n - 1]).toBe((n - 1) / 4);
  });

  it('rejects a bad topic', async () => {
    await expectRejected(`twin/v1/${city.slug}/nonsense`, '{}', 'topic', /expected twin\/v1\/<city>\/state/);
    await expectRejected(`twin/v1/${city.slug}/state/12345`, '{"state":"intact"}', 'topic', /17 digits/);
    // an empty city level: the reply goes to twin/v1/-/rejected
    await expectRejected('twin/v1//batch', '{}', 'topic', /not a city slug/, mqttTopic.rejected('-'));
  });

  it('rejects bad JSON and schema failures', async () => {
    const code = city.data.components.codes[5]!;
    await expectRejected(mqttTopic.state(city.slug, code), '{"state": "intact"', 'json', /not JSON/);
    await expectRejected(mqttTopic.state(city.slug, code), Buffer.from([0xff, 0xfe, 0x7b]), 'json', /not JSON/);
    await expectRejected(mqttTopic.state(city.slug, code), '{"state":"melted"}', 'schema', /^state: /);
    await expectRejected(mqttTopic.state(city.slug, code), '{"state":"intact","value":"high"}', 'schema', /^value: /);
    await expectRejected(mqttTopic.batch(city.slug), '{"changes":[]}', 'schema', /at least one change/);
  });

  it('rejects an unknown city and an unknown component', async () => {
    await expectRejected(mqttTopic.batch('atlantis'), JSON.stringify({ changes: [{ componentCode: city.data.components.codes[0], state: 'alarm' }] }),
      'city', /no city "atlantis"/, mqttTopic.rejected('atlantis'));
    await expectRejected(mqttTopic.state(city.slug, '99999999999999999'), '{"state":"alarm"}', 'component', /unknown component 99999999999999999/);
  });

  it('rejects a whole JSON batch for one bad change in it', async () => {
    const codes = city.data.components.codes;
    // changes[0..1] would change state: they must not be applied either
    const good = [20, 21].map((i) => ({ componentCode: codes[i]!, state: stateOf(i) === STATE_CODE.missing ? 'removed' : 'missing' }));
    await expectRejected(mqttTopic.batch(city.slug), JSON.stringify({ changes: [...good, { componentCode: codes[22], state: 'bogus' }] }),
      'schema', /changes\[2\]\.state/);
    await expectRejected(mqttTopic.batch(city.slug), JSON.stringify({ changes: [...good, { componentCode: '99999999999999998', state: 'alarm' }] }),
      'component', /changes\[2\]\.componentCode: unknown component 99999999999999998/);
  });

  it('rejects a binary batch for another registry, an index outside it, and bad bytes', async () => {
    const n = city.live.count;
    const batch = (size: number, indices: number[]) => Buffer.from(encodeBinaryBatch(size, indices.length, indices,
      indices.map(() => STATE_CODE.alarm), indices.map(() => 1)));
    const bin = mqttTopic.batchBin(city.slug);
    await expectRejected(bin, batch(n + 1, [30, 31]), 'registry', new RegExp(`registry of ${n + 1} components`));
    await expectRejected(bin, batch(n, [30, 31, n]), 'component', new RegExp(`change 2: component index ${n} is outside`));
    const badMagic = batch(n, [30]);
    badMagic[0] = 0;
    await expectRejected(bin, badMagic, 'binary', /bad magic/);
    await expectRejected(bin, batch(n, [30, 31]).subarray(0, 30), 'binary', /need \d+ bytes/);
  });

  it('rejects reports dated beyond the allowed skew or older than the retention window, JSON and binary', async () => {
    const code = city.data.components.codes[40]!;
    await expectRejected(mqttTopic.state(city.slug, code), JSON.stringify({ state: 'alarm', at: '9999-01-01T00:00:00Z' }),
      'time', /at: time 9999-01-01T00:00:00.000Z is .* ahead of the server clock/);
    await expectRejected(mqttTopic.batch(city.slug), JSON.stringify({ changes: [{ componentCode: code, state: 'alarm', at: '2000-01-01T00:00:00Z' }] }),
      'time', /changes\[0\]\.at: time 2000-01-01T00:00:00.000Z is older than/);
    const future = Buffer.from(encodeBinaryBatch(city.live.count, 1, [40], [STATE_CODE.alarm], [1], Date.now() + 86_400_000));
    await expectRejected(mqttTopic.batchBin(city.slug), future, 'time', /binary batch: time .* ahead of the server clock/);
  });

  it('refuses anonymous connections, a wrong password and a wrong user name, each counted', async () => {
    const auth = await rejectedCount('auth');
    await expect(connectAsync(url, { username: 'twin', password: 'wrong-password', reconnectPeriod: 0 }))
      .rejects.toThrow(/Bad username or password/i);
    await expect(connectAsync(url, { username: 'someone', password: TOKEN, reconnectPeriod: 0 }))
      .rejects.toThrow(/Bad username or password/i);
    await expect(connectAsync(url, { reconnectPeriod: 0 })).rejects.toThrow(/Not authorized/i);
    expect(await rejectedCount('auth')).toBe(auth + 3);
    await goodMessageApplies();
  });

  it('closes a connection whose packet declares more than the size limit, before reading it, and counts it', async () => {
    const before = await limitCount('mqtt', 'packet-size');
    const sock = netConnect(app.mqtt!.port!, '127.0.0.1');
    await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
    const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()));
    // a PUBLISH fixed header declaring 200 MB (varint 0x80 0x80 0x80 0x60), and only a few bytes of it
    sock.write(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x60, 0, 4, 0x74, 0x77]));
    await closed;
    expect(await limitCount('mqtt', 'packet-size')).toBe(before + 1);
    await goodMessageApplies();
  });
});
