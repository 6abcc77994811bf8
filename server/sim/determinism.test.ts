import { describe, expect, it } from 'vitest';
import { Scenario } from '../../models/scenario';
import { prepare } from './prepare';
import { simulate, type RunResult } from './runner';
import { expectSameRun } from './sameRun';

const doc = {
  name: 'determinism',
  terrain: { source: 'synthetic', cols: 90, rows: 70, cellSize: 5, shape: 'urban', relief: 8 },
  buildings: { from: { ring: [[100, 100], [140, 100], [140, 130], [100, 130]] }, mode: 'solid' },
  roughness: { defaultN: 0.035, zones: [{ polygon: { ring: [[0, 150], [450, 150], [450, 170], [0, 170]] }, n: 0.015 }] },
  rainfall: { type: 'design', formula: 'beijing', returnPeriodYears: 50, durationMin: 15, peakCoefficient: 0.355 },
  drainage: { rainMmPerH: 20 },
  infiltration: { type: 'horton', f0MmPerH: 40, fcMmPerH: 5, kPerH: 4 },
  inflows: [{ at: [60, 300], radius: 8, hydrograph: [{ time: 0, flow: 0 }, { time: 120, flow: 3 }, { time: 600, flow: 0 }] }],
  pumps: [{ at: [66, 296], capacity: 0.4, startDepth: 0.03 }],
  barriers: [{ line: [[200, 20], [260, 200]], height: 0.4 }],
  boundaries: { east: 'open', south: 'open' },
  duration: 900,
  outputInterval: 300,
  probes: [{ name: 'a', at: [62, 302] }, { name: 'b', at: [300, 101] }],
};


describe('determinism', () => {
  it('gives bit-identical results with 0, 1, 2 and 3 workers', async () => {
    const s = Scenario.parse(doc);
    const p = await prepare(s, 'inline.json');
    const runs: RunResult[] = [];
    for (const workers of [0, 1, 2, 3]) runs.push(await simulate(p, { workers }));
    const [a] = runs;
    expect(a!.volumes.rain).toBeGreaterThan(0);
    expect(a!.volumes.outflow).toBeGreaterThan(0);
    expect(a!.volumes.pumped).toBeGreaterThan(0);
    expect(Math.abs(a!.volumes.relativeError)).toBeLessThan(1e-6);
    for (const b of runs.slice(1)) expectSameRun(b, a!);
  });

  it('sends live frames between the stored ones without changing the results', async () => {
    const p = await prepare(Scenario.parse(doc), 'inline.json');
    const plain = await simulate(p, { workers: 2 });
    const live: number[] = [];
    const stored: number[] = [];
    const watched = await simulate(p, { workers: 2, onFrame: (f) => stored.push(f.t), onLive: (f) => live.push(f.t), liveEveryMs: 0, liveFirstMs: 0 });
    expectSameRun(watched, plain);
    expect(stored).toEqual([0, 300, 600, 900]);
    // every step between output times (liveEveryMs 0), in time order, none on an output time
    expect(live.length).toBeGreaterThan(10);
    expect(live.every((t, i) => i === 0 || t > live[i - 1]!)).toBe(true);
    expect(live.some((t) => stored.includes(t))).toBe(false);
  });

  it('stops when cancelled', async () => {
    const s = Scenario.parse({ ...doc, duration: 36000, outputInterval: 3600 });
    const p = await prepare(s, 'inline.json');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    await expect(simulate(p, { workers: 2, signal: ac.signal })).rejects.toThrow(/cancelled/);
  });
});
