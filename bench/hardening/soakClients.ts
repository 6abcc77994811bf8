// Child process of the soak: the 50 socket.io clients and the update stream (binary batches over
// HTTP ingest, as a gateway would send them), so the server process's event-loop figure is its own.
// IPC in: {type:'start', ...SoakPlan}, {type:'stream'}, {type:'stop'}; out: 'ready', then the result.
import { encodeBinaryBatch } from '../../models/ingest';
import { STATE_COUNT } from '../../models/fiveColour';
import { mulberry32 } from '../../server/live/simulator';
import { mirrorClient, type MirrorTarget } from './mirror';

export interface SoakPlan extends MirrorTarget { token: string; clients: number; perS: number }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(p: SoakPlan) {
  const r = mulberry32(11);
  const cs = Array.from({ length: p.clients }, () => mirrorClient(p, Array.from({ length: 30 }, () => Math.floor(r() * p.gridCount))));
  const t0 = Date.now();
  while (!cs.every((c) => c.mirror.snapshots >= 1)) {
    if (Date.now() - t0 > 60_000) throw new Error('timed out waiting for every client to subscribe');
    await sleep(20);
  }
  process.send!({ type: 'ready' });
  await new Promise<void>((res) => process.once('message', () => res()));

  // the stream: by elapsed time, in batches of at most 100 ms of changes, one request at a time
  const rs = mulberry32(5);
  const cap = Math.max(1, Math.round(p.perS / 10));
  const idx = new Uint32Array(cap), st = new Uint8Array(cap), val = new Float32Array(cap);
  let applied = 0, refused = 0, resets = 0, stop = false;
  const s0 = performance.now();
  const pump = (async () => {
    while (!stop) {
      const per = Math.min(cap, Math.floor((p.perS * (performance.now() - s0)) / 1000) - applied);
      if (per <= 0) { await sleep(10); continue; }
      for (let k = 0; k < per; k++) { idx[k] = Math.floor(rs() * p.count); st[k] = Math.floor(rs() * STATE_COUNT); val[k] = Math.fround(rs()); }
      const body = encodeBinaryBatch(p.count, per, idx, st, val, Date.now());
      // a kept-alive connection the server closed while the machine stalled: sent again, as a gateway would
      const res = await fetch(`${p.base}/api/ingest/${p.slug}`, { method: 'POST', headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/octet-stream' }, body: body as BodyInit })
        .catch((err: Error) => { resets++; return err; });
      if (res instanceof Error) { await sleep(10); continue; }
      await res.arrayBuffer();
      if (res.ok) applied += per; else { refused++; await sleep(10); }
    }
  })();
  await new Promise<void>((res) => process.once('message', () => res()));
  stop = true;
  await pump;
  const perS = applied / ((performance.now() - s0) / 1000);
  for (const c of cs) c.socket.close();
  process.send!({ type: 'result', perS, refused, resets, gaps: cs.reduce((a, c) => a + c.mirror.gaps, 0), snapshots: cs.reduce((a, c) => a + c.mirror.snapshots, 0) });
}

process.once('message', (p: SoakPlan) => {
  main(p).catch((e) => { console.error(e); process.exit(1); });
});
