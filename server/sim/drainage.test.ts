// Per-cell drainage (drainage zones) and barriers as lines with a crest, on small synthetic grids.
import { describe, expect, it } from 'vitest';
import { Scenario, type ScenarioInput } from '../../models/scenario';
import { prepare } from './prepare';
import { simulate } from './runner';
import { expectSameRun } from './sameRun';

const N = 40, D = 5; // 200 m square
const flat: ScenarioInput = {
  terrain: { source: 'synthetic', cols: N, rows: N, cellSize: D, shape: 'flat' },
  rainfall: { type: 'table', table: [{ time: 0, rainMmPerH: 80 }, { time: 1200, rainMmPerH: 0 }] },
  drainage: { rainMmPerH: 10 },
  duration: 1800,
  outputInterval: 600,
};
const westHalf: [number, number][] = [[0, 0], [100, 0], [100, 200], [0, 200]];
const mean = (a: Float32Array, cells: (c: number) => boolean) => {
  let s = 0, n = 0;
  a.forEach((v, i) => { if (cells(i % N)) { s += v; n++; } });
  return s / n;
};

describe('drainage per cell', () => {
  it('an upgraded district drains more, the rest of the city as before, volume kept', async () => {
    const base = await simulate(await prepare(Scenario.parse(flat), 'inline.json'), { workers: 0 });
    const up = await simulate(await prepare(Scenario.parse({ ...flat, drainageZones: [{ name: 'west', polygon: { ring: westHalf }, drainage: { rainMmPerH: 60 } }] }), 'inline.json'), { workers: 0 });
    const west = (c: number) => c < 20, east = (c: number) => c >= 20;
    // 80 mm/h for 20 min less 10 mm/h over 30 min: about 21.7 mm left where nothing else drains
    expect(mean(base.maxDepth, west)).toBeGreaterThan(0.02);
    expect(mean(up.maxDepth, west)).toBeLessThan(0.5 * mean(base.maxDepth, west));
    // far from the zone the change is small (on flat ground some water flows west to the new pipes)
    const farEast = (c: number) => c >= 30;
    expect(Math.abs(mean(up.maxDepth, farEast) - mean(base.maxDepth, farEast))).toBeLessThan(0.2 * (mean(base.maxDepth, west) - mean(up.maxDepth, west)));
    expect(up.volumes.drainage).toBeGreaterThan(1.5 * base.volumes.drainage);
    expect(Math.abs(up.volumes.relativeError)).toBeLessThan(1e-5);
    expect(mean(up.maxDepth, east)).toBeGreaterThan(mean(up.maxDepth, west));
  });

  it('a zone that drains less than the city makes the rest drain through the per-cell pass', async () => {
    const s = Scenario.parse({ ...flat, drainageZones: [{ polygon: { ring: westHalf }, drainage: { rainMmPerH: 0 } }] });
    const p = await prepare(s, 'inline.json');
    expect(p.drainage(0, 3600)).toBe(0);
    expect(p.drainageExtra!.cells.length).toBe(N * N / 2);
    const r = await simulate(p, { workers: 0 });
    // water stands everywhere all along: only the east half (20000 m2) drains, 10 mm/h for 30 min
    expect(r.volumes.drainage).toBeCloseTo(20000 * 0.01 * 0.5, 1);
    expect(Math.abs(r.volumes.relativeError)).toBeLessThan(1e-5);
  });

  it('stays bit-identical across worker counts with zones', async () => {
    const s = Scenario.parse({ ...flat, terrain: { source: 'synthetic', cols: N, rows: N, cellSize: D, shape: 'urban', relief: 4 }, drainageZones: [{ polygon: { ring: westHalf }, drainage: { returnPeriodYears: 5, formula: 'beijing' } }] });
    const p = await prepare(s, 'inline.json');
    const a = await simulate(p, { workers: 0 });
    for (const workers of [2, 3]) expectSameRun(await simulate(p, { workers }), a);
  });

  it('refuses a zone with a return period and no formula anywhere', () => {
    const r = Scenario.safeParse({ ...flat, drainageZones: [{ polygon: { ring: westHalf }, drainage: { returnPeriodYears: 5 } }] });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error!.issues[0]!.path)).toBe('["drainageZones",0,"drainage","formula"]');
  });
});

describe('barriers', () => {
  // a plane falling to the east with water let in at the west: a wall across holds it back
  const plane: ScenarioInput = {
    terrain: { source: 'synthetic', cols: N, rows: N, cellSize: D, shape: 'plane', base: 10, slopeX: -0.002 },
    inflows: [{ at: [20, 100], radius: 12, hydrograph: [{ time: 0, flow: 1.5 }] }],
    duration: 1200,
    outputInterval: 600,
  };
  const wall = (x1: number): ScenarioInput => ({ ...plane, barriers: [{ name: 'wall', line: [[80, -5], [x1, 205]], height: 1.2 }] });

  it('holds the water behind the wall (also a diagonal one: no leak between corner cells)', async () => {
    const open = await simulate(await prepare(Scenario.parse(plane), 'inline.json'), { workers: 0 });
    for (const x1 of [80, 130]) {
      const held = await simulate(await prepare(Scenario.parse(wall(x1)), 'inline.json'), { workers: 0 });
      const beyond = (c: number) => c * D > Math.max(80, x1) + 5;
      expect(mean(open.maxDepth, beyond)).toBeGreaterThan(0.01);
      expect(mean(held.maxDepth, beyond)).toBe(0);
      expect(mean(held.maxDepth, (c) => c < 10)).toBeGreaterThan(mean(open.maxDepth, (c) => c < 10));
    }
  });

  it('raises the cells under the dragged line to ground + crest height, and only those', async () => {
    const before = await prepare(Scenario.parse(wall(80)), 'inline.json');
    const after = await prepare(Scenario.parse(wall(130)), 'inline.json'); // the north vertex dragged east
    const raised = (p: typeof before) => p.z.reduce<number[]>((a, z, i) => (z !== p.ground[i] ? [...a, i] : a), []);
    for (const p of [before, after]) for (const i of raised(p)) expect(p.z[i]! - p.ground[i]!).toBeCloseTo(1.2, 2);
    // the straight wall: one cell per row in column 16; the dragged one leans east towards the north
    expect(raised(before).map((i) => i % N)).toEqual(Array(N).fill(16));
    const top = raised(after).filter((i) => Math.floor(i / N) === 0).map((i) => i % N);
    expect(Math.min(...top)).toBeGreaterThanOrEqual(25);
    expect(raised(after).length).toBeGreaterThan(N);
  });
});
