// The WebAssembly SIMD kernel (kernel.wat) against the JavaScript kernel (kernel.ts): each is
// bit-identical to itself whatever the number of threads; the two differ only by float32
// rounding (kernel.ts computes in float64) and the SIMD kernel's own h^(7/3).
import { describe, expect, it } from 'vitest';
import { Scenario } from '../../models/scenario';
import { prepare } from './prepare';
import { simulate, type RunResult } from './runner';
import { gridProblem } from './testkit';
import { compileWat, tryWasmModule, wasmUnsupported } from './wasm';
import { expectSameRun } from './sameRun';

const doc = {
  name: 'kernels',
  terrain: { source: 'synthetic', cols: 67, rows: 41, cellSize: 5, shape: 'urban', relief: 6 },
  buildings: { from: { ring: [[100, 60], [140, 60], [140, 90], [100, 90]] }, mode: 'solid' },
  roughness: { defaultN: 0.035, zones: [{ polygon: { ring: [[0, 100], [335, 100], [335, 120], [0, 120]] }, n: 0.015 }] },
  rainfall: { type: 'design', formula: 'beijing', returnPeriodYears: 100, durationMin: 20, peakCoefficient: 0.355 },
  drainage: { rainMmPerH: 20 },
  infiltration: { type: 'constant', rateMmPerH: 5 },
  inflows: [{ at: [40, 150], radius: 6, hydrograph: [{ time: 0, flow: 0 }, { time: 120, flow: 2 }, { time: 600, flow: 0 }] }],
  boundaries: { north: 'open', south: 'open', east: 'open', west: 'open' },
  duration: 900,
  outputInterval: 300,
  probes: [{ name: 'a', at: [42, 152] }],
};

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
describe('WebAssembly SIMD kernel', () => {
  // No skip: the runtime this project supports (node >= 20.19) runs WASM SIMD with shared memory,
  // so a kernel that is not there is a failure, with the reason.
  it('runs here, compiles, and is the default kernel', async () => {
    expect(wasmUnsupported()).toBeNull();
    expect(await tryWasmModule()).toBeInstanceOf(WebAssembly.Module);
    const p = gridProblem({ cols: 16, rows: 8, dx: 1, z: () => 0, h0: (x) => (x < 4 ? 0.2 : 0), duration: 2 });
    const env = process.env.FLOOD_KERNEL;
    delete process.env.FLOOD_KERNEL;
    try {
      expect((await simulate(p, { workers: 1 })).kernel).toBe('wasm-simd');
    } finally {
      if (env !== undefined) process.env.FLOOD_KERNEL = env;
    }
  });

  it('surfaces a compile error of the WAT text instead of falling back', async () => {
    await expect(compileWat('(module (func (result i32) i64.const 1))', 'broken.wat')).rejects.toThrow(/i32|i64|type/);
    await expect(compileWat('(module (func $f (i32.bogus)))', 'broken.wat')).rejects.toThrow(/bogus/);
  });

  it('is bit-identical to itself with 1, 2 and 3 threads (67 columns: a ragged last chunk)', async () => {
    const p = await prepare(Scenario.parse(doc), 'inline.json');
    const runs: RunResult[] = [];
    for (const workers of [1, 2, 3]) runs.push(await simulate(p, { workers, kernel: 'wasm-simd' }));
    const [a] = runs;
    expect(a!.kernel).toBe('wasm-simd');
    expect(a!.volumes.outflow).toBeGreaterThan(0);
    expect(a!.volumes.drainage).toBeGreaterThan(0);
    expect(Math.abs(a!.volumes.relativeError)).toBeLessThan(1e-6);
    for (const b of runs.slice(1)) expectSameRun(b, a!);
  });

  it('agrees with the JavaScript kernel to float32 rounding', async () => {
    const p = await prepare(Scenario.parse(doc), 'inline.json');
    const js = await simulate(p, { workers: 2, kernel: 'js' });
    const w = await simulate(p, { workers: 2, kernel: 'wasm-simd' });
    expect(js.kernel).toBe('js');
    expect(Math.abs(w.steps - js.steps)).toBeLessThanOrEqual(2);
    // One step agrees to float32 round-off; over a run the wet/dry switches (hf > hMin)
    // amplify it at a few fronts. Measured on this case: median 1e-6 m, mean 8e-5 m, 99th
    // percentile 1.5 mm, largest 6 mm; outflow within 3e-4 of the rain.
    const d: number[] = [];
    let peak = 0;
    for (let i = 0; i < js.maxDepth.length; i++) {
      if (js.maxDepth[i] !== js.maxDepth[i]) {
        expect(w.maxDepth[i]).toBeNaN();
        continue;
      }
      d.push(Math.abs(w.maxDepth[i]! - js.maxDepth[i]!));
      peak = Math.max(peak, js.maxDepth[i]!);
    }
    d.sort((a, b) => a - b);
    expect(peak).toBeGreaterThan(0.2);
    expect(d[Math.floor(d.length / 2)]!).toBeLessThan(2e-5);
    expect(d.reduce((a, b) => a + b, 0) / d.length).toBeLessThan(5e-4);
    expect(d[Math.floor(d.length * 0.99)]!).toBeLessThan(1e-2);
    expect(d[d.length - 1]!).toBeLessThan(5e-2);
    for (const k of ['rain', 'inflow', 'drainage', 'infiltration', 'outflow', 'storedEnd'] as const)
      expect(Math.abs(w.volumes[k] - js.volumes[k])).toBeLessThan(2e-3 * js.volumes.rain);
  });

  it('keeps a lake at rest exactly still', async () => {
    const q = (v: number) => Math.round(v * 1024) / 1024;
    const z = (x: number, y: number) => q(0.6 * Math.sin(x / 3) * Math.cos(y / 4) + 0.02 * x);
    const p = gridProblem({ cols: 43, rows: 30, dx: 1, z, h0: (x, y) => q(0.5) - z(x, y), n: 0.03, duration: 60 });
    for (const workers of [1, 2]) {
      const r = await simulate(p, { workers, kernel: 'wasm-simd' });
      for (let i = 0; i < p.h0.length; i++) expect(r.depth[i]).toBe(p.h0[i]);
      expect(r.volumes.error).toBe(0);
    }
  });

  it('falls back to the JavaScript kernel on grids narrower than 5 columns', async () => {
    const p = gridProblem({ cols: 3, rows: 20, dx: 1, z: () => 0, h0: (x) => (x < 1 ? 0.1 : 0), duration: 5 });
    const r = await simulate(p, { workers: 1 });
    expect(r.kernel).toBe('js');
    expect(Math.abs(r.volumes.relativeError)).toBeLessThan(1e-6);
  });
});

describe('JavaScript kernel', () => {
  it('is bit-identical to itself with 1, 2 and 3 threads', async () => {
    const p = await prepare(Scenario.parse(doc), 'inline.json');
    const runs: RunResult[] = [];
    for (const workers of [1, 2, 3]) runs.push(await simulate(p, { workers, kernel: 'js' }));
    const [a] = runs;
    for (const b of runs.slice(1)) {
      expect(bytes(b.depth).equals(bytes(a!.depth))).toBe(true);
      expect(bytes(b.maxDepth).equals(bytes(a!.maxDepth))).toBe(true);
      expect(b.volumes).toEqual(a!.volumes);
    }
  });
});
