// Child process of `npm run bench -- live`: a gateway publishing binary batches (models/ingest.ts)
// over MQTT at a target rate. Each reading's value is the send time (ms mod 1e6, exact in a
// float32), so a client can tell the latency of every entry it receives.
import mqtt from 'mqtt';
import { encodeBinaryBatch, binaryBatchBytes } from '../../models/ingest';
import { mqttTopic } from '../../models/mqtt';

// a gateway aggregating many sensors sends its largest batch (MAX_BINARY_BATCH, ~900 KB) at this scale
const BATCH = Number(process.env.BENCH_BATCH ?? 100_000);
/** a partial batch waits at most this long on the gateway (its readings are stamped when it leaves) */
const FLUSH_MS = 20;

interface Start { type: 'start'; rate: number; seconds: number }

async function main() {
  const { port, token, city, count } = JSON.parse(process.env.BENCH_PUB!) as { port: number; token: string; city: string; count: number };
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: 'twin', password: token, clientId: 'bench-gateway', reconnectPeriod: 0 });
  const topic = mqttTopic.batchBin(city);
  let rng = 0x9e3779b9;
  const rand = () => {
    rng ^= rng << 13; rng >>>= 0; rng ^= rng >>> 17; rng ^= rng << 5; rng >>>= 0;
    return rng / 4294967296;
  };
  // A pool of random batches (components and states) made once; each message takes the next
  // one and stamps its readings with the send time. The gateway then costs the twin's 2 cores
  // little, and what the server sees is still 100,000 scattered changes a message.
  const POOL = 48;
  const pool = Array.from({ length: POOL }, () => ({
    idx: Uint32Array.from({ length: BATCH }, () => Math.floor(rand() * count)),
    st: Uint8Array.from({ length: BATCH }, () => Math.floor(rand() * 9)),
  }));
  const val = new Float32Array(BATCH);
  let next = 0;
  const stream = (client as unknown as { stream: NodeJS.WritableStream & { writableLength: number } }).stream;

  async function publishFor(rate: number, seconds: number) {
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    let k = 0;
    let lastSend = t0;
    while (performance.now() < end) {
      const due = Math.floor(((performance.now() - t0) / 1000) * rate);
      // like a gateway: a full batch goes at once, a partial one when it is FLUSH_MS old
      if (k >= due || (due - k < BATCH && performance.now() - lastSend < FLUSH_MS)) { await new Promise((r) => setTimeout(r, 1)); continue; }
      // TCP backpressure: a server that cannot keep up slows the gateway down (so accepted < offered)
      if (stream.writableLength > 1 << 20) { await new Promise((r) => stream.once('drain', r)); continue; }
      const n = Math.min(BATCH, due - k);
      const now = Math.floor(performance.timeOrigin + performance.now());
      const v = Math.fround(now % 1e6);
      const p = pool[next++ % POOL]!;
      val.fill(v, 0, n);
      const buf = Buffer.from(encodeBinaryBatch(count, n, p.idx, p.st, val, 0, new Uint8Array(binaryBatchBytes(n))).buffer);
      client.publish(topic, buf, { qos: 0 });
      lastSend = performance.now();
      k += n;
      if ((k / BATCH) % 8 === 0) await new Promise((r) => setImmediate(r));
    }
    return { sent: k, seconds: (performance.now() - t0) / 1000 };
  }

  process.on('message', async (m: Start | { type: 'stop' }) => {
    if (m.type === 'start') {
      const r = await publishFor(m.rate, m.seconds);
      await new Promise((res) => (stream.writableLength === 0 ? res(null) : stream.once('drain', res)));
      process.send!({ type: 'done', ...r, cpu: process.cpuUsage() });
    } else if (m.type === 'stop') {
      await client.endAsync();
      process.exit(0);
    }
  });
  process.send!({ type: 'ready' });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
