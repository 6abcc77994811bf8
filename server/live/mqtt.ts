import { createServer, type AddressInfo } from 'node:net';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { connect, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import {
  decodeBinaryIngest, INGEST_FILTERS, isRejectedTopic, MQTT_ROOT, parseIngestMessage, REJECTED_FILTER, rejectedTopicFor,
  sharedFilter, MAX_JSON_PAYLOAD, MQTT_USER, type MqttIngest, type MqttRejectedReply, type MqttRejection,
} from '../../models/mqtt';
import type { Env } from '../env';
import { ingestRejected, limitRefused, mqttMessages } from '../metrics';
import { tokensEqual } from '../secrets';
import { limitPacketSize } from './mqttLimit';
import { InputError, NotFoundError, ReportTimeError, type CityRuntime, type Twin } from '../twin';

export interface MqttOptions {
  twin: Twin;
  env: Pick<Env, 'MQTT_URL' | 'MQTT_PORT' | 'HOST'> & { INGEST_TOKEN: string };
  log: Logger;
}

export interface MqttHandle {
  /** the in-process broker's port (absent with an external broker) */
  port?: number;
  close(): Promise<void>;
}

/** Where a rejection goes: the reply topic and, for an MQTT 5 request, its correlation data. */
type Reply = (topic: string, body: Buffer, correlationData?: Buffer) => void;

/** A rejection is logged at most once per kind in this window; the rest are counted. */
const LOG_EVERY_MS = 10_000;
/** How long start waits for an external broker before going on without it. */
const START_WAIT_MS = 5000;

/**
 * Telemetry over MQTT (docs/mqtt.md). Without MQTT_URL: an aedes broker in this process, messages
 * handled as they are published (before the PUBACK). With MQTT_URL: an mqtt.js client on a shared
 * subscription of the external broker.
 */
export async function startMqtt(opts: MqttOptions): Promise<MqttHandle> {
  const ingest = new MqttIngestHandler(opts.twin, opts.log);
  return opts.env.MQTT_URL ? startClient(ingest, opts.env.MQTT_URL, opts.log) : startBroker(ingest, opts.env, opts.log);
}

/** Validates and applies one message at a time; a rejected one is counted, logged, answered. */
export class MqttIngestHandler {
  // Messages apply in arrival order even when a city has to be loaded first.
  private chain: Promise<void> = Promise.resolve();
  private logged = new Map<string, { at: number; suppressed: number }>();

  constructor(private twin: Twin, private log: Logger) {}

  /** Resolves when the message is applied or rejected; never rejects. */
  handle(topic: string, payload: Uint8Array, reply: Reply, responseTopic?: string, correlationData?: Buffer): Promise<void> {
    const answer = (rej: MqttRejection) => this.reject(topic, rej, reply, responseTopic, correlationData);
    this.chain = this.chain
      .then(() => this.process(topic, payload))
      .then((rej) => rej && answer(rej), (err: unknown) => {
        // An unexpected error rejects this message only; the broker and the next message go on.
        this.log.error({ err, topic }, 'mqtt: message handling failed');
        answer({ kind: 'internal', reason: 'internal error while applying the message' });
      })
      .catch((err: unknown) => this.log.error({ err, topic }, 'mqtt: rejection not sent'));
    return this.chain;
  }

  /** Applies the message; returns why it was rejected, or undefined when it was applied. */
  private async process(topic: string, payload: Uint8Array): Promise<MqttRejection | undefined> {
    const parsed = parseIngestMessage(topic, payload);
    if (!parsed.ok) return parsed;
    const msg = parsed.value;
    const city = this.twin.cities.get(msg.city) ?? (await this.twin.city(msg.city).catch((e: unknown) => {
      if (e instanceof NotFoundError) return undefined;
      throw e;
    }));
    if (!city) return { kind: 'city', reason: `no city "${msg.city}"` };
    const rej = msg.kind === 'batch/bin' ? await this.applyBinary(city, msg.bytes) : await this.applyJson(city, msg);
    if (!rej) mqttMessages.inc({ kind: msg.kind });
    return rej;
  }

  private async applyBinary(city: CityRuntime, bytes: Uint8Array): Promise<MqttRejection | undefined> {
    // Decoded in place on the payload Buffer: a 100k-change batch is viewed, not copied (the twin
    // copies what it cannot apply at once).
    const batch = decodeBinaryIngest(bytes, city.live.count);
    if (!batch.ok) return batch;
    try {
      await this.twin.applyBinary(city, batch.value, 'mqtt');
    } catch (err) {
      if (err instanceof ReportTimeError) return { kind: 'time', reason: err.message };
      if (err instanceof InputError) return { kind: 'registry', reason: err.message };
      throw err;
    }
    return undefined;
  }

  private async applyJson(city: CityRuntime, msg: Extract<MqttIngest, { kind: 'state' | 'batch' }>): Promise<MqttRejection | undefined> {
    // Codes are checked here so an unknown one is told apart from a bad field (twin.ingest checks again).
    const unknown: string[] = [];
    msg.changes.forEach((ch, k) => {
      if (!city.codeIndex.has(ch.componentCode)) {
        unknown.push(msg.kind === 'state' ? `unknown component ${ch.componentCode}` : `changes[${k}].componentCode: unknown component ${ch.componentCode}`);
      }
    });
    if (unknown.length) {
      return { kind: 'component', reason: `${unknown.slice(0, 5).join('; ')}${unknown.length > 5 ? `; ... (${unknown.length} unknown)` : ''} in city "${city.slug}", nothing applied` };
    }
    try {
      await this.twin.ingest({ city: city.slug, changes: msg.changes }, 'mqtt', { durable: false });
      return undefined;
    } catch (err) {
      if (err instanceof InputError) return { kind: err instanceof ReportTimeError ? 'time' : 'schema', reason: err.message };
      throw err;
    }
  }

  private reject(topic: string, rej: MqttRejection, reply: Reply, responseTopic?: string, correlationData?: Buffer) {
    ingestRejected.inc({ boundary: 'mqtt', reason: rej.kind });
    const now = Date.now();
    const l = this.logged.get(rej.kind);
    if (!l || now - l.at >= LOG_EVERY_MS) {
      this.log.warn({ topic, kind: rej.kind, reason: rej.reason, suppressed: l?.suppressed ?? 0 }, 'mqtt: message rejected');
      this.logged.set(rej.kind, { at: now, suppressed: 0 });
    } else {
      l.suppressed++;
    }
    const body: MqttRejectedReply = { topic, kind: rej.kind, reason: rej.reason, at: new Date(now).toISOString() };
    reply(responseTopic || rejectedTopicFor(topic), Buffer.from(JSON.stringify(body)), responseTopic ? correlationData : undefined);
  }
}

/**
 * The largest MQTT packet the in-process broker takes: the largest JSON payload plus room for the
 * topic and header (a full binary batch, 900 kB, is smaller). Larger ones close the connection.
 */
export const MQTT_MAX_PACKET_BYTES = MAX_JSON_PAYLOAD + 64 * 1024;

async function startBroker(ingest: MqttIngestHandler, env: MqttOptions['env'], log: Logger): Promise<MqttHandle> {
  // Clients that gave user `twin` and the ingest token (the only ones let in).
  const trusted = new WeakSet<Client>();

  const broker = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      if (username === MQTT_USER && tokensEqual(password, env.INGEST_TOKEN)) {
        trusted.add(client);
        return done(null, true);
      }
      ingestRejected.inc({ boundary: 'mqtt', reason: 'auth' });
      // CONNACK 5 = not authorized (no credentials), 4 = bad user name or password
      const anonymous = username === undefined && password === undefined;
      done(Object.assign(new Error(anonymous ? 'anonymous connections are refused' : 'bad username or password'),
        { returnCode: anonymous ? 5 : 4 }) as AuthenticateError, null);
    },
    authorizePublish(client, packet, done) {
      if (!client) return done(null); // the broker's own messages
      const topic = packet.topic;
      if (!trusted.has(client) || topic.startsWith('$SYS') || isRejectedTopic(topic)) {
        // MQTT 3.1.1 has no negative PUBACK: aedes closes the connection.
        ingestRejected.inc({ boundary: 'mqtt', reason: 'auth' });
        return done(new Error(trusted.has(client) ? `publishing to ${topic} is not allowed` : 'anonymous clients may not publish'));
      }
      if (!topic.startsWith(`${MQTT_ROOT}/`)) return done(null);
      // Handled here, in the publish path, so the PUBACK follows the apply: a fast gateway is
      // paced by the twin instead of filling the broker's queues.
      const reply: Reply = (t, body) => broker.publish({ cmd: 'publish', topic: t, payload: body, qos: 0, retain: false, dup: false }, () => undefined);
      void ingest.handle(topic, typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload, reply).then(() => done(null));
    },
    authorizeSubscribe(client, sub, done) {
      done(null, trusted.has(client) ? sub : null); // null: SUBACK 0x80
    },
  });
  broker.on('clientError', (client, err) => log.debug({ client: client.id, err: err.message }, 'mqtt: client error'));
  broker.on('connectionError', (client, err) => log.debug({ err: err.message }, 'mqtt: connection error'));

  const server = createServer((socket) => {
    broker.handle(limitPacketSize(socket, MQTT_MAX_PACKET_BYTES, (declared) => {
      limitRefused.inc({ boundary: 'mqtt', reason: 'packet-size' });
      log.warn({ declared, max: MQTT_MAX_PACKET_BYTES, remote: socket.remoteAddress }, 'mqtt: packet over the size limit, connection closed');
    }));
  });
  const host = env.HOST;
  await new Promise<void>((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException) => {
      broker.close();
      reject(err.code === 'EADDRINUSE'
        ? new Error(`MQTT_PORT ${env.MQTT_PORT} on ${host} is in use: set MQTT_PORT (0 = any free port), MQTT_URL, or MQTT=off`)
        : err);
    };
    server.once('error', failed);
    server.listen(env.MQTT_PORT, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  server.on('error', (err) => log.error({ err }, 'mqtt: listener error'));
  const port = (server.address() as AddressInfo).port;
  log.info({ port, host, rejections: REJECTED_FILTER }, 'mqtt: in-process broker listening');
  return {
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await closed;
    },
  };
}

async function startClient(ingest: MqttIngestHandler, url: string, log: Logger): Promise<MqttHandle> {
  const safeUrl = url.replace(/\/\/[^@/]*@/, '//***@');
  // MQTT 5: shared subscriptions and response topics. Reconnects forever (every 2 s) and
  // resubscribes itself; messages published while no twin is connected go to the other sharers.
  const client: MqttClient = connect(url, {
    protocolVersion: 5,
    reconnectPeriod: 2000,
    connectTimeout: 10_000,
    clean: true,
    resubscribe: true,
  });
  const reply: Reply = (t, body, correlationData) => {
    client.publish(t, body, { qos: 0, properties: correlationData ? { correlationData } : undefined }, (err) => {
      if (err) log.debug({ err: err.message, topic: t }, 'mqtt: reply not sent');
    });
  };
  // Messages are handled before the PUBACK, one at a time, so a burst is paced by the twin.
  client.handleMessage = (packet: IPublishPacket, callback) => {
    const props = packet.properties;
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    void ingest.handle(String(packet.topic), payload, reply, props?.responseTopic, props?.correlationData).then(() => callback());
  };
  let subscribed = false;
  let ready: () => void = () => undefined;
  const first = new Promise<void>((resolve) => (ready = resolve));
  client.on('connect', () => {
    log.info({ url: safeUrl }, 'mqtt: connected to the external broker');
    if (subscribed) return; // mqtt.js resubscribes by itself after a reconnect
    subscribed = true;
    client.subscribe(INGEST_FILTERS.map(sharedFilter), { qos: 1 }, (err, granted) => {
      const refused = granted?.filter((g) => g.qos >= 0x80) ?? [];
      if (err || refused.length) log.error({ err: err?.message, refused: refused.map((g) => g.topic) }, 'mqtt: subscription refused by the broker');
      else log.info({ filters: granted?.map((g) => g.topic) }, 'mqtt: subscribed');
      ready();
    });
  });
  client.on('reconnect', () => log.info({ url: safeUrl }, 'mqtt: reconnecting'));
  client.on('offline', () => log.warn({ url: safeUrl }, 'mqtt: external broker offline'));
  client.on('error', (err) => log.warn({ err: err.message, url: safeUrl }, 'mqtt: client error'));
  // Start waits briefly for the first subscription (so telemetry is taken from the first second),
  // but a broker that is down does not stop the twin: the client keeps trying in the background.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([first, new Promise<void>((resolve) => (timer = setTimeout(resolve, START_WAIT_MS)))]);
  clearTimeout(timer);
  if (!subscribed) log.warn({ url: safeUrl, waitedMs: START_WAIT_MS }, 'mqtt: external broker not reachable yet; still trying');
  return {
    async close() {
      await client.endAsync();
    },
  };
}
