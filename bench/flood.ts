// `npm run bench -- flood`: the flood engine's speed, each figure measured in this run:
//  1. cell updates per second on a fully wet 2000 x 2000 grid: the engine on 2 threads with its
//     default kernel (WebAssembly SIMD, kernel.wat) and on 1 thread, and the engine's JavaScript
//     kernel (kernel.ts) on the same 2 threads;
//  2. the same for the reference kernel (server/sim/reference.ts: the same equations written
//     plainly, one pass per phase, no allocation or copy in a step, single-threaded; it computes
//     what the engine computes, reference.test.ts), with the ratios on the same threads;
//  3. wall time of a 2-hour, 100-year Chicago storm (Beijing, STANDARDS.md) over the default
//     sample city at 5 m cells (examples/city-storm.json).
// Cell updates count cells of the domain only (NODATA cells are skipped, not updated).
// Flags: --size=N (grid side, default 2000), --steps=N, --no-storm, --no-js (skip the JS kernel
// figure), --kernel=js|wasm-simd (the engine's kernel for figures 1 and 3).
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { cflDt } from '../server/sim/kernel';
import { loadScenario } from '../server/sim/cli-simulate';
import { prepare } from '../server/sim/prepare';
import { referenceStep, refState } from '../server/sim/reference';
import { simulate } from '../server/sim/runner';
import { gridProblem } from '../server/sim/testkit';

function flag(flags: string[], name: string, dflt: number): number {
  const f = flags.find((a) => a.startsWith(`--${name}=`));
  return f ? Number(f.split('=')[1]) : dflt;
}

export async function run(flags: string[]): Promise<void> {
  const size = flag(flags, 'size', 2000);
  const steps = flag(flags, 'steps', 30);
  const dx = 5;
  // a gently sloping, wavy bed under 0.5-1.5 m of water: every face wet, flows in all directions
  const z = (x: number, y: number) => 0.0005 * x + 0.3 * Math.sin(x / 97) * Math.cos(y / 131);
  const p = gridProblem({ cols: size, rows: size, dx, z, h0: (x, y) => 1.2 - z(x, y), n: 0.03, duration: 1e9, theta: 0.7, hMin: 0.001 });

  const warm = 5;
  const kf = flags.find((a) => a.startsWith('--kernel='))?.split('=')[1];
  const kernel = kf === 'js' || kf === 'wasm-simd' ? kf : undefined;
  const eng = await simulate(p, { workers: 2, maxSteps: steps + warm, warmupSteps: warm, kernel });
  const engine = eng.cellUpdatesPerSecond;
  console.log(`engine, 2 threads (${eng.kernel}): ${(engine / 1e6).toFixed(1)}e6 cell updates/s (${size} x ${size}, ${eng.steps - warm} timed steps after ${warm}, ${eng.wallSeconds.toFixed(2)} s)`);
  let jsEngine: number | null = null;
  if (eng.kernel !== 'js' && !flags.includes('--no-js')) {
    const js = await simulate(p, { workers: 2, maxSteps: Math.max(4, Math.floor(steps / 3)) + warm, warmupSteps: warm, kernel: 'js' });
    jsEngine = js.cellUpdatesPerSecond;
    console.log(`engine, 2 threads (js):   ${(jsEngine / 1e6).toFixed(1)}e6 cell updates/s (${js.steps - warm} timed steps, ${js.wallSeconds.toFixed(2)} s)`);
  }
  const one = await simulate(p, { workers: 1, maxSteps: Math.max(4, Math.floor(steps / 3)) + warm, warmupSteps: warm, kernel });
  const engineOne = one.cellUpdatesPerSecond;
  console.log(`engine, 1 thread (${one.kernel}):  ${(engineOne / 1e6).toFixed(1)}e6 cell updates/s (${one.steps - warm} timed steps, ${one.wallSeconds.toFixed(2)} s)`);

  const s = refState(size, size, dx, Float32Array.from(p.z), Float32Array.from(p.h0), Float32Array.from(p.n));
  let hm = 0;
  for (const v of s.h) if (v > hm) hm = v;
  const refSteps = Math.max(3, Math.floor(steps / 3));
  for (let k = 0; k < 2; k++) hm = referenceStep(s, cflDt(hm, dx, p.alpha, p.maxDt), p.theta, p.hMin); // warm-up
  const t0 = performance.now();
  for (let k = 0; k < refSteps; k++) hm = referenceStep(s, cflDt(hm, dx, p.alpha, p.maxDt), p.theta, p.hMin);
  const refSec = (performance.now() - t0) / 1000;
  const reference = (refSteps * p.activeCells) / refSec;
  console.log(`reference, 1 thread:      ${(reference / 1e6).toFixed(1)}e6 cell updates/s (${refSteps} steps, ${refSec.toFixed(2)} s)`);
  console.log(`engine (2 threads) / reference (1 thread): ${(engine / reference).toFixed(2)}x`);
  console.log(`engine / reference, both 1 thread:         ${(engineOne / reference).toFixed(2)}x`);
  if (jsEngine !== null) console.log(`engine / its JS kernel, both 2 threads:    ${(engine / jsEngine).toFixed(2)}x`);

  // The storm as a planner runs it (examples/city-storm.json: the river starts at its normal
  // level, whose depth sets the CFL step), and once more with the channel starting dry, the
  // figure comparable with solvers that leave rivers out.
  let stormWallSeconds: number | null = null;
  let stormDryWallSeconds: number | null = null;
  let stormSteps = 0;
  let stormRate = 0;
  if (!flags.includes('--no-storm')) {
    const path = fileURLToPath(new URL('../examples/city-storm.json', import.meta.url));
    const sc = await loadScenario(path);
    for (const fillWater of [true, false]) {
      if (sc.terrain.source === 'city') sc.terrain.fillWater = fillWater;
      const t1 = performance.now();
      const prob = await prepare(sc, path);
      const prepSec = (performance.now() - t1) / 1000;
      const r = await simulate(prob, { workers: 2, kernel });
      if (fillWater) {
        stormWallSeconds = r.wallSeconds;
        stormSteps = r.steps;
        stormRate = r.cellUpdatesPerSecond;
      } else stormDryWallSeconds = r.wallSeconds;
      console.log(
        `storm (Beijing P=100, 2 h, default city ${prob.cols} x ${prob.rows} at ${prob.cellSize} m, river ${fillWater ? 'at its normal level' : 'starting dry'}): ` +
          `${r.wallSeconds.toFixed(1)} s stepping (+${prepSec.toFixed(1)} s city and setup), ${r.steps} steps, ` +
          `${(r.cellUpdatesPerSecond / 1e6).toFixed(1)}e6 cell updates/s, volume error ${r.volumes.relativeError.toExponential(1)}`,
      );
    }
  }
  console.log(
    JSON.stringify({
      bench: 'flood',
      grid: size,
      cellUpdatesPerSecond: Math.round(engine),
      engineKernel: eng.kernel,
      jsKernelCellUpdatesPerSecond: jsEngine === null ? null : Math.round(jsEngine),
      engineOneThreadCellUpdatesPerSecond: Math.round(engineOne),
      referenceCellUpdatesPerSecond: Math.round(reference),
      engineOverReference: Math.round((engine / reference) * 100) / 100,
      engineOverReferenceSameThreads: Math.round((engineOne / reference) * 100) / 100,
      engineOverJsKernelSameThreads: jsEngine === null ? null : Math.round((engine / jsEngine) * 100) / 100,
      stormWallSeconds: stormWallSeconds === null ? null : Math.round(stormWallSeconds * 100) / 100,
      stormDryChannelWallSeconds: stormDryWallSeconds === null ? null : Math.round(stormDryWallSeconds * 100) / 100,
      stormSteps,
      stormCellUpdatesPerSecond: Math.round(stormRate),
      goals: { cellUpdatesPerSecond: 1e8, stormWallSeconds: 10 },
      loadAverage: loadavg().map((v) => Math.round(v * 100) / 100),
    }),
  );
}
