// `npm run bench -- hardening [--messages=N] [--import-share=F] [--soak-s=S] [--rate=R] [--soak-rate=R] [--clients=N] [--memory-db]`:
// malformed input over every boundary, file import included (0 crashes, each refused with its
// reason, stored state and city tables byte-identical), a client reconnecting during a fast stream
// (converges, nothing lost), a simulation worker crashing during two runs (only its run fails),
// SIGKILL during durable writes (no acknowledged write lost), and a shortened soak with its clients
// and stream in another process. The twin's PGlite keeps its files on disk as under DATA_DIR
// (--memory-db: in memory, where the stored history counts in RSS). Last line: one JSON object.
import { digestDiff, fuzz, reconnect, soak, startTwin, stateDigest, stopTwin } from './hardening/harness';
import { killDuringWrites } from './hardening/kill';
import { workerCrash } from './hardening/workerCrash';

function flag(argv: string[], name: string, dflt: number) {
  const a = argv.find((x) => x.startsWith(`--${name}=`));
  const v = a ? Number(a.slice(name.length + 3)) : dflt;
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name}: "${a}" is not a number`);
  return v;
}

export async function run(argv: string[]) {
  const messages = flag(argv, 'messages', 100_000);
  const soakS = flag(argv, 'soak-s', 120);
  const rate = flag(argv, 'rate', 1_000_000);
  const soakRate = flag(argv, 'soak-rate', 100_000);
  const clients = flag(argv, 'clients', 50);
  // a file import costs far more than a socket message (the page's path starts a worker per job)
  const importShare = flag(argv, 'import-share', 0.1);
  const out: Record<string, unknown> = { bench: 'hardening' };

  const ctx = await startTwin({ onDisk: !argv.includes('--memory-db') });
  try {
    console.log(`fuzz: ${messages} malformed messages over HTTP ingest, tRPC, MQTT, socket.io and file import (city ${ctx.city.slug}, ${ctx.city.live.count} components)`);
    const before = await stateDigest(ctx);
    const f = await fuzz(ctx, messages, 1, 8, importShare);
    const after = await stateDigest(ctx);
    for (const [ch, b] of Object.entries(f.byChannel)) console.log(`  ${ch.padEnd(7)} sent ${b.sent}, refused with a reason ${b.refused}, crashes ${b.crashes}`);
    for (const [ch, s] of Object.entries(f.samples)) {
      for (const line of s.filter((l) => !l.startsWith('CRASH')).slice(0, ch === 'import' ? 12 : 3)) console.log(`    ${ch}: ${line.replace(/\s+/g, ' ')}`);
      for (const line of s.filter((l) => l.startsWith('CRASH')).slice(0, 20)) console.log(`    ${ch}: ${line.replace(/\s+/g, ' ')}`);
    }
    console.log(`  ${(f.sent / (f.ms / 1000)).toFixed(0)} messages/s; state and history ${before === after ? 'byte-identical' : `CHANGED (${digestDiff(before, after).join(', ')})`}`);
    Object.assign(out, {
      malformedSent: f.sent, refusedWithReason: f.refused, crashes: f.crashes, stateChangedByMalformed: before !== after,
      fuzzByChannel: f.byChannel,
    });

    const r = await reconnect(ctx, rate);
    console.log(`reconnect during a stream of ${r.streamPerS.toLocaleString('en')} updates/s (asked ${rate.toLocaleString('en')}): snapshot after ${r.reconnectConvergeMs} ms, `
      + `${r.updatesLost} components differing once the stream stopped, ${r.gaps} gaps`);
    Object.assign(out, r);

    const w = await workerCrash(ctx);
    console.log(`simulation worker crashed during two runs: its run ${w.workerCrashRunStatus} (${w.workerCrashError}), the other run (${w.otherRunStatusAtCrash} at the crash) `
      + `${w.otherRunStatus} with ${w.otherRunFrames} frames, server ${w.serverUpAfterCrash ? 'up' : 'DOWN'} after it`);
    Object.assign(out, w);

    if (soakS > 0) {
      const s = await soak(ctx, soakRate, clients, soakS);
      console.log(`soak: ${s.soakSeconds} s at ${s.soakPerS.toLocaleString('en')} updates/s over HTTP ingest with ${s.soakClients} clients (both in a child process): `
        + `RSS ${s.soakRssGrowthPct}% after warm-up (peak ${s.soakRssMaxGrowthPct}%), longest event-loop stall ${s.maxEventLoopStallMs} ms `
        + `(p99 ${s.eventLoopP99Ms} ms, ${s.stallsOver100Ms} over 100 ms), ${s.gapsInSoak} gaps, ${s.soakIngestRefused} batches refused, ${s.soakIngestResets} connections reset (sent again); `
        + `baseline, an idle event loop at the same priority over the same window: longest ${s.idleProcessMaxStallMs} ms (p99 ${s.idleProcessP99Ms} ms, ${s.idleProcessStallsOver100Ms} over 100 ms)`);
      console.log(`  memory after warm-up -> end: RSS ${s.soakRssMb.join(' -> ')} MB, JS heap used ${s.soakHeapUsedMb.join(' -> ')} MB, external ${s.soakExternalMb.join(' -> ')} MB; `
        + `history rows ${s.soakHistoryRows.map((n) => n.toLocaleString('en')).join(' -> ')} (PGlite ${s.soakDbOnDisk ? 'on disk' : 'in memory'})`);
      Object.assign(out, s);
    }
  } finally {
    await stopTwin(ctx);
  }

  const k = await killDuringWrites();
  console.log(`SIGKILL during durable writes: ${k.ackedWrites} acknowledged, ${k.ackedWritesLost} lost after restart (${k.inFlightAtKill} in flight at the kill, ${k.unacknowledged} not acknowledged)`);
  Object.assign(out, k);
  console.log(JSON.stringify(out));
}
