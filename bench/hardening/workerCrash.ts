// A simulation worker that crashes fails its own run only: two runs at once, one worker thread
// killed mid-run (terminate: the thread ends at once, as on a fatal error); the other run must
// succeed and the server must keep answering.
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { scenarioTemplate, type RunRecord, type RunStatus } from '../../models/runs';
import type { AppRouter } from '../../server/trpc/router';
import type { Ctx } from './harness';

/** A quick city storm: 25 m cells, half an hour, a frame every 5 minutes. */
const storm = (over: Record<string, unknown> = {}) => ({
  ...scenarioTemplate('crash check'), cellSize: 25, duration: 1800, outputInterval: 300,
  rainfall: { type: 'design', formula: 'beijing', returnPeriodYears: 100, durationMin: 30, peakCoefficient: 0.355, stepMin: 5 },
  ...over,
});

export async function workerCrash(ctx: Ctx) {
  const trpc = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${ctx.base}/api/trpc`, headers: () => ({ cookie: ctx.adminCookie }) })] });
  const poll = async (id: string, want: RunStatus[], ms = 300_000): Promise<RunRecord> => {
    const t0 = Date.now();
    for (;;) {
      const r = await trpc.run.get.query({ id });
      if (want.includes(r.status)) return r;
      if (Date.now() - t0 > ms) throw new Error(`run ${id} is ${r.status} after ${ms / 1000} s, waited for ${want.join('/')}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  };
  const t0 = performance.now();
  // long enough to be caught running: 10 m cells, 10 simulated hours
  const a = await trpc.scenario.create.mutate({ city: ctx.city.slug, name: 'to be crashed', scenario: storm({ cellSize: 10, duration: 36_000, outputInterval: 3600 }) });
  const b = await trpc.scenario.create.mutate({ city: ctx.city.slug, name: 'survivor', scenario: storm({ duration: 2400 }) });
  const ra = (await trpc.run.start.mutate({ scenarioId: a.id })).run;
  const rb = (await trpc.run.start.mutate({ scenarioId: b.id })).run;
  await poll(ra.id, ['running']);
  const bWhenKilled = (await trpc.run.get.query({ id: rb.id })).status;
  for (let k = 0; !ctx.app.runs.workerOf(ra.id); k++) {
    if (k > 6000) throw new Error('the run to crash never had a worker');
    await new Promise((res) => setTimeout(res, 10));
  }
  await ctx.app.runs.workerOf(ra.id)!.terminate();
  const crashed = await poll(ra.id, ['failed', 'succeeded', 'cancelled']);
  const other = await poll(rb.id, ['succeeded', 'failed', 'cancelled']);
  const health = await fetch(`${ctx.base}/healthz`);
  return {
    workerCrashRunStatus: crashed.status, workerCrashError: crashed.error ?? '',
    otherRunStatus: other.status, otherRunStatusAtCrash: bWhenKilled, otherRunFrames: other.frameCount,
    serverUpAfterCrash: health.ok, workerCrashFailedOwnRunOnly: crashed.status === 'failed' && other.status === 'succeeded' && health.ok,
    workerCrashCheckMs: Math.round(performance.now() - t0),
  };
}
