import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// One registry per process, served at /metrics.
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const httpRequests = new Counter({
  name: 'twin_http_requests_total', help: 'HTTP requests by route kind and status', labelNames: ['route', 'status'], registers: [registry],
});
export const stateChanges = new Counter({
  name: 'twin_state_changes_total', help: 'Component state changes applied, by source', labelNames: ['source'], registers: [registry],
});
export const ingestRejected = new Counter({
  name: 'twin_ingest_rejected_total', help: 'Ingest messages rejected, by boundary and reason', labelNames: ['boundary', 'reason'], registers: [registry],
});
export const framesSent = new Counter({
  name: 'twin_live_frames_total', help: 'Live frames emitted, by kind', labelNames: ['kind'], registers: [registry],
});
export const liveClients = new Gauge({ name: 'twin_live_clients', help: 'Connected socket.io clients', registers: [registry] });
export const snapshotsForced = new Counter({
  name: 'twin_live_snapshots_forced_total', help: 'Snapshots sent because a client fell behind or saw a gap', registers: [registry],
});
export const tickSeconds = new Histogram({
  name: 'twin_live_tick_seconds', help: 'Time to flush and fan out one live tick', buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1], registers: [registry],
});
export const historyDropped = new Counter({
  name: 'twin_history_dropped_total', help: 'State changes not kept in history because the database was unavailable too long', registers: [registry],
});
export const mqttMessages = new Counter({
  name: 'twin_mqtt_messages_total', help: 'MQTT ingest messages applied, by kind (rejections: twin_ingest_rejected_total{boundary="mqtt"})', labelNames: ['kind'], registers: [registry],
});
export const liveBytesSent = new Counter({
  name: 'twin_live_bytes_total', help: 'Bytes of live frames emitted to clients', registers: [registry],
});
export const limitRefused = new Counter({
  name: 'twin_limit_refused_total', help: 'Requests refused by a size or rate limit, by boundary and reason', labelNames: ['boundary', 'reason'], registers: [registry],
});
export const retentionRows = new Counter({
  name: 'twin_retention_rows_total', help: 'History rows deleted past retention or merged by down-sampling', labelNames: ['table', 'action'], registers: [registry],
});
