import { z } from 'zod';
import { citySlugSchema, ingestBatchSchema, stateChangeSchema, type StateChange } from './city';
import { componentCodeInputSchema } from './codes';
import { decodeBinaryBatch, type BinaryBatch } from './ingest';
import { formatIssues } from './issues';

// The MQTT contract (docs/mqtt.md): topics under twin/v1/<city>/, JSON or binary payloads, and the
// reply a rejected message gets. Pure: the broker side (server/live/mqtt.ts) and any gateway or test
// tool build and check topics with the same functions.

export const MQTT_ROOT = 'twin/v1';

export const mqttTopic = {
  state: (city: string, componentCode: string) => `${MQTT_ROOT}/${city}/state/${componentCode}`,
  batch: (city: string) => `${MQTT_ROOT}/${city}/batch`,
  batchBin: (city: string) => `${MQTT_ROOT}/${city}/batch/bin`,
  rejected: (city: string) => `${MQTT_ROOT}/${city}/rejected`,
};

/** What the twin subscribes to on an external broker. */
export const INGEST_FILTERS = [`${MQTT_ROOT}/+/state/+`, `${MQTT_ROOT}/+/batch`, `${MQTT_ROOT}/+/batch/bin`] as const;
/** Subscribers see rejections of every city with this filter (the only one open to anonymous clients). */
export const REJECTED_FILTER = `${MQTT_ROOT}/+/rejected`;
/**
 * Shared-subscription group (MQTT 5 `$share/<group>/<filter>`, also honoured by Mosquitto for
 * 3.1.1): every twin process behind one broker joins it, and each message goes to one of them.
 */
export const SHARE_GROUP = 'twin';
export const sharedFilter = (filter: string) => `$share/${SHARE_GROUP}/${filter}`;

/** The user name publishers give with the ingest token as password. */
export const MQTT_USER = 'twin';

/** JSON payloads above this are refused unparsed: a full JSON batch (MAX_INGEST_BATCH) is about 1 MB. */
export const MAX_JSON_PAYLOAD = 4 * 1024 * 1024;

/** The closed set of rejection kinds: the `reason` label of twin_ingest_rejected_total{boundary="mqtt"}. */
export const MQTT_REJECT_KINDS = ['topic', 'json', 'schema', 'city', 'component', 'registry', 'binary', 'auth', 'internal', 'time'] as const;
export const mqttRejectKindSchema = z.enum(MQTT_REJECT_KINDS);
export type MqttRejectKind = z.infer<typeof mqttRejectKindSchema>;

export interface MqttRejection {
  kind: MqttRejectKind;
  reason: string;
}

/** The reply to a rejected message, JSON on twin/v1/<city>/rejected or the MQTT 5 response topic. */
export const mqttRejectedReplySchema = z.object({
  /** the topic the rejected message was published on */
  topic: z.string(),
  kind: mqttRejectKindSchema,
  /** what was wrong and where: `changes[3].state: ...`, `change 12: component index ...` */
  reason: z.string(),
  at: z.iso.datetime(),
});
export type MqttRejectedReply = z.infer<typeof mqttRejectedReplySchema>;

export type MqttIngestKind = 'state' | 'batch' | 'batch/bin';
export type ParsedTopic =
  | { ok: true; city: string; kind: 'state'; code: string }
  | { ok: true; city: string; kind: 'batch' | 'batch/bin' }
  | { ok: false; reason: string };

/** Checks an ingest topic; the component code of a state topic is normalised to 17 digits. */
export function parseTopic(topic: string): ParsedTopic {
  const parts = topic.split('/');
  if (parts[0] !== 'twin' || parts[1] !== 'v1') return { ok: false, reason: `topic "${topic}" is not under ${MQTT_ROOT}/` };
  const city = citySlugSchema.safeParse(parts[2] ?? '');
  if (!city.success) return { ok: false, reason: `topic "${topic}": "${parts[2] ?? ''}" is not a city slug (lowercase letters, digits and dashes)` };
  const rest = parts.slice(3).join('/');
  if (rest === 'batch') return { ok: true, city: city.data, kind: 'batch' };
  if (rest === 'batch/bin') return { ok: true, city: city.data, kind: 'batch/bin' };
  if (parts[3] === 'state' && parts.length === 5) {
    const code = componentCodeInputSchema.safeParse(parts[4]);
    if (!code.success) return { ok: false, reason: `topic "${topic}": ${code.error.issues[0]!.message}` };
    return { ok: true, city: city.data, kind: 'state', code: code.data };
  }
  return { ok: false, reason: `topic "${topic}": expected ${MQTT_ROOT}/<city>/state/<componentCode>, ${MQTT_ROOT}/<city>/batch or ${MQTT_ROOT}/<city>/batch/bin` };
}

/**
 * Where a rejection of a message on `topic` is published: the topic's city level as written (what
 * the publisher watches), or `-` (never a city slug) when it has none.
 */
export function rejectedTopicFor(topic: string): string {
  const parts = topic.split('/');
  const level = parts[0] === 'twin' && parts[1] === 'v1' ? parts[2] : undefined;
  return mqttTopic.rejected(level && !/[+#]/.test(level) ? level : '-');
}

export const isRejectedTopic = (topic: string) => {
  const p = topic.split('/');
  return p.length === 4 && p[0] === 'twin' && p[1] === 'v1' && p[3] === 'rejected';
};

/** twin/v1/<city>/state/<code>: one component's state; the code comes from the topic. */
export const mqttStatePayloadSchema = stateChangeSchema.omit({ componentCode: true });
export type MqttStatePayload = z.infer<typeof mqttStatePayloadSchema>;

/** twin/v1/<city>/batch: the HTTP batch without `city` (the topic names it); all or nothing. */
export const mqttBatchPayloadSchema = ingestBatchSchema.omit({ city: true });
export type MqttBatchPayload = z.infer<typeof mqttBatchPayloadSchema>;

export type MqttIngest =
  | { kind: 'state' | 'batch'; city: string; changes: StateChange[] }
  | { kind: 'batch/bin'; city: string; bytes: Uint8Array };

export type Checked<T> = { ok: true; value: T } | ({ ok: false } & MqttRejection);

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJson(bytes: Uint8Array): Checked<unknown> {
  if (bytes.byteLength > MAX_JSON_PAYLOAD) {
    return { ok: false, kind: 'json', reason: `JSON payload of ${bytes.byteLength} bytes is over the ${MAX_JSON_PAYLOAD}-byte limit; send large batches as ${MQTT_ROOT}/<city>/batch/bin` };
  }
  try {
    return { ok: true, value: JSON.parse(utf8.decode(bytes)) };
  } catch (err) {
    return { ok: false, kind: 'json', reason: `payload is not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * Topic and payload checks that need no city: the message, or what is wrong with it. A binary
 * batch's bytes are passed on undecoded: its checks need the city's registry size (decodeBinaryIngest).
 */
export function parseIngestMessage(topic: string, payload: Uint8Array): Checked<MqttIngest> {
  const t = parseTopic(topic);
  if (!t.ok) return { ok: false, kind: 'topic', reason: t.reason };
  if (t.kind === 'batch/bin') return { ok: true, value: { kind: 'batch/bin', city: t.city, bytes: payload } };
  const json = parseJson(payload);
  if (!json.ok) return json;
  if (t.kind === 'state') {
    const p = mqttStatePayloadSchema.safeParse(json.value);
    if (!p.success) return { ok: false, kind: 'schema', reason: formatIssues(p.error).join('; ') };
    return { ok: true, value: { kind: 'state', city: t.city, changes: [{ componentCode: t.code, ...p.data }] } };
  }
  const p = mqttBatchPayloadSchema.safeParse(json.value);
  if (!p.success) {
    const lines = formatIssues(p.error);
    return { ok: false, kind: 'schema', reason: lines.slice(0, 5).join('; ') + (lines.length > 5 ? `; ... (${lines.length} issues)` : '') };
  }
  return { ok: true, value: { kind: 'batch', city: t.city, changes: p.data.changes } };
}

/**
 * Decodes a CTIB batch for a city of `registrySize` components (models/ingest.ts), reading the
 * payload in place when it is 4-byte aligned. A stale registry size is `registry`, an index past
 * the registry `component`, anything else about the bytes `binary`.
 */
export function decodeBinaryIngest(bytes: Uint8Array, registrySize: number): Checked<BinaryBatch> {
  try {
    return { ok: true, value: decodeBinaryBatch(bytes, registrySize) };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    // decodeBinaryBatch throws plain Errors; the kind follows from its wording (checked by the tests).
    const kind: MqttRejectKind = /made for a registry of/.test(reason) ? 'registry' : /component index/.test(reason) ? 'component' : 'binary';
    return { ok: false, kind, reason };
  }
}
