// Child process of `npm run bench -- live`: N socket.io clients, each showing a viewport of unit
// grids plus the city-wide roll-ups (mode "twin"), or N clients of the baseline's one-JSON-
// message-per-update broadcast (mode "json"). Every entry's latency is taken from its value,
// the gateway's send time (ms mod 1e6).
import { io, type Socket } from 'socket.io-client';
import { decodeFrame, FRAME_DELTA, ROLLUP_COLUMNS } from '../../models/live';
import { LiveMirror } from '../../models/liveMirror';

interface Setup { mode: 'twin' | 'json'; port: number; city: string; count: number; gridCount: number; viewports: number[][] }

const BINS = 20_000; // 1 ms bins up to 20 s
const hist = new Uint32Array(BINS);
/** the fan-out leg alone: the frame's server time (the tick) to receipt */
const fanHist = new Uint32Array(BINS);
let fanN = 0;
let received = 0;
const nowMod = () => (performance.timeOrigin + performance.now()) % 1e6;
const record = (v: number, now: number) => {
  if (v !== v) return;
  const d = Math.round((now - v + 1e6) % 1e6);
  hist[Math.min(BINS - 1, d)]!++;
  received++;
};

async function main() {
  const s = JSON.parse(process.env.BENCH_CLIENTS!) as Setup;
  const sockets: Socket[] = [];
  const mirrors: LiveMirror[] = [];
  const perClient = new Float64Array(s.viewports.length);
  let frames = 0, gaps = 0, bytes = 0;
  await Promise.all(s.viewports.map(async (grids, c) => {
    const socket = io(`http://127.0.0.1:${s.port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.push(socket);
    if (s.mode === 'json') {
      socket.on('update', (json: string) => {
        const u = JSON.parse(json) as { value: number };
        record(u.value, nowMod());
        perClient[c]!++;
      });
      await new Promise<void>((r) => socket.once('connect', () => r()));
      return;
    }
    const m = new LiveMirror(s.count, s.gridCount);
    mirrors[c] = m;
    socket.on('frame', (_city: string, data: ArrayBuffer) => {
      frames++;
      bytes += data.byteLength;
      const f = decodeFrame(data);
      const r = m.apply(f);
      if (r === 'gap') { gaps++; socket.emit('snapshot', { city: s.city }); }
      if (r === 'applied' && f.kind === FRAME_DELTA) {
        const now = nowMod();
        for (let k = 0; k < f.values.length; k++) record(f.values[k]!, now);
        fanHist[Math.min(BINS - 1, Math.max(0, Math.round(performance.timeOrigin + performance.now() - f.serverTimeMs)))]!++;
        fanN++;
        perClient[c]! += f.values.length;
      }
    });
    await new Promise<void>((resolve, reject) => socket.emit('subscribe', { city: s.city, grids }, (res: { ok: boolean; error?: string }) => (res.ok ? resolve() : reject(new Error(res.error)))));
  }));

  process.on('message', (m: { type: string; states?: Uint8Array; values?: Float32Array; gridOf?: Uint32Array; rollup?: Uint32Array; level?: Uint8Array }) => {
    if (m.type === 'reset') {
      hist.fill(0); fanHist.fill(0); fanN = 0; received = 0; frames = 0; gaps = 0; bytes = 0; perClient.fill(0);
      process.send!({ type: 'reset' });
    } else if (m.type === 'report') {
      process.send!({ type: 'report', hist, fanHist, fanN, received, frames, gaps, bytes, perClient: Array.from(perClient), cpu: process.cpuUsage() });
    } else if (m.type === 'verify') {
      // every client's subscribed components and its roll-ups against the server's final state
      const { states, values, gridOf, rollup, level } = m as Required<typeof m>;
      let wrong = 0, checked = 0, clientsOk = 0, rollupWrong = 0;
      let example = '';
      s.viewports.forEach((grids, c) => {
        const mirror = mirrors[c]!;
        const mine = new Uint8Array(s.gridCount);
        for (const g of grids) mine[g] = 1;
        let bad = 0;
        for (let i = 0; i < s.count; i++) {
          if (!mine[gridOf[i]!]) continue;
          checked++;
          const v = mirror.values[i]!, w = values[i]!;
          if (mirror.states[i] !== states[i] || !(v === w || (v !== v && w !== w))) bad++;
        }
        for (let g = 0; g < s.gridCount; g++) {
          let ok = mirror.levels[g] === level[g];
          for (let k = 0; k < ROLLUP_COLUMNS; k++) ok &&= mirror.rollup[g * ROLLUP_COLUMNS + k] === Math.min(65535, rollup[g * ROLLUP_COLUMNS + k]!);
          if (!ok) {
            rollupWrong++;
            example ||= `grid ${g}: client level ${mirror.levels[g]} [${mirror.rollup.subarray(g * ROLLUP_COLUMNS, (g + 1) * ROLLUP_COLUMNS).join(',')}], server level ${level[g]} [${rollup.subarray(g * ROLLUP_COLUMNS, (g + 1) * ROLLUP_COLUMNS).join(',')}]`;
          }
        }
        wrong += bad;
        if (bad === 0) clientsOk++;
      });
      process.send!({ type: 'verify', wrong, checked, clientsOk, rollupWrong, example });
    } else if (m.type === 'stop') {
      for (const so of sockets) so.close();
      process.exit(0);
    }
  });
  process.send!({ type: 'ready' });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
