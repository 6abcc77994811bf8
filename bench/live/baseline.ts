// Child process of `npm run bench -- live`: the baseline server. Each update is one JSON message
// broadcast to every client (io.emit per update), the way a naive twin streams telemetry.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

async function main() {
  const { count } = JSON.parse(process.env.BENCH_BASELINE!) as { count: number };
  const server = createServer();
  const io = new Server(server, { serveClient: false, perMessageDeflate: false });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  let rng = 12345;
  const rand = () => ((rng = (rng * 1103515245 + 12345) >>> 0) / 4294967296);
  let emitted = 0;
  process.on('message', async (m: { type: string; rate?: number; seconds?: number }) => {
    if (m.type === 'start') {
      const rate = m.rate!, t0 = performance.now(), end = t0 + m.seconds! * 1000;
      let k = 0;
      while (performance.now() < end) {
        const due = Math.floor(((performance.now() - t0) / 1000) * rate);
        if (k >= due) { await new Promise((r) => setTimeout(r, 1)); continue; }
        const value = Math.fround(Math.floor(performance.timeOrigin + performance.now()) % 1e6);
        io.emit('update', JSON.stringify({ index: Math.floor(rand() * count), state: Math.floor(rand() * 9), value }));
        k++;
        emitted++;
        if (k % 50 === 0) await new Promise((r) => setImmediate(r));
      }
      process.send!({ type: 'done', emitted: k, seconds: (performance.now() - t0) / 1000 });
    } else if (m.type === 'stop') {
      io.close();
      process.exit(0);
    }
  });
  process.send!({ type: 'ready', port: (server.address() as AddressInfo).port });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
