import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzz, reconnect, startTwin, stateDigest, stopTwin, type Ctx } from '../bench/hardening/harness';

// The short version of `npm run bench -- hardening`: malformed messages over every boundary (file
// import included) and a reconnect during a fast stream. (SIGKILL during durable writes, the
// simulation worker crash and the soak are in the bench.)

let ctx: Ctx;
beforeAll(async () => { ctx = await startTwin(); });
afterAll(async () => { if (ctx) await stopTwin(ctx); });

describe('hardening', () => {
  it('refuses every malformed message over HTTP ingest, tRPC, MQTT, socket.io and file import with a reason, and stores nothing', async () => {
    const before = await stateDigest(ctx);
    const r = await fuzz(ctx, 1000, 42);
    const after = await stateDigest(ctx);
    expect(r.samples).toBeDefined();
    expect(Object.keys(r.byChannel).sort()).toEqual(['http', 'import', 'mqtt', 'socket', 'trpc']);
    for (const [ch, b] of Object.entries(r.byChannel)) {
      expect(b.sent, ch).toBeGreaterThan(ch === 'import' ? 60 : 100);
      expect({ ch, crashes: b.crashes, samples: b.crashes ? r.samples[ch] : [] }).toEqual({ ch, crashes: 0, samples: [] });
      expect(b.refused, ch).toBe(b.sent);
    }
    expect(r.sent).toBe(1000);
    expect(after).toBe(before);
    // the import refusals name what is wrong in the file, not just "failed"
    expect(r.samples.import!.join('\n')).toMatch(/truncated/);
  }, 300_000);

  it('a client that reconnects during a fast stream ends in exactly the server state', async () => {
    const r = await reconnect(ctx, 200_000, 1000);
    expect(r.streamPerS).toBeGreaterThan(50_000);
    expect(r.updatesLost).toBe(0);
  });
});
