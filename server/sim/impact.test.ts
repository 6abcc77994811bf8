import { describe, expect, it } from 'vitest';
import type { CityData } from '../../models/city';
import { impactOf } from './impact';
import type { RunResult } from './runner';

// A 1-row strip of ten 10 m cells: cells 4-5 are a river (deep water from the start), a road
// crosses it as a bridge over cells 2-7, and the storm floods cell 7 past 27 cm after 600 s.
describe('impact', () => {
  const frame = { cols: 10, rows: 1, cellSize: 10, xll: 0, yll: 0, h0: Float32Array.from([0, 0, 0, 0, 2, 2, 0, 0, 0, 0]) };
  const city = {
    roads: [{ id: 1, name: { zh: '桥', en: 'Bridge' }, kind: 'main', widthM: 1, points: [25, 5, 75, 5] }],
    buildings: [], unitGrids: [], pronePoints: [],
    components: { count: 0, x: [], y: [], classIndex: [], codes: [], unitGrid: [] },
  } as unknown as CityData;
  const result = (flooded: boolean) => {
    const maxDepth = Float32Array.from([0, 0, 0, 0, 2.1, 2.1, 0, flooded ? 0.3 : 0.05, 0, 0]);
    const at = (min: number, t: number) => Float32Array.from(maxDepth, (h, i) => (h >= min ? (i === 4 || i === 5 ? 0 : t) : NaN));
    return { maxDepth, timeOfMax: Float32Array.from(maxDepth, () => 900), firstAbove: { '0.15': at(0.15, 600), '0.2': at(0.2, 650), '0.27': at(0.27, 700) } } as unknown as RunResult;
  };

  it('does not count the river under a bridge as the bridge flooding', () => {
    const dry = impactOf(city, frame, result(false));
    expect(dry.roadSegments).toEqual([]);
    expect(dry.counts.roadSegmentsClosed).toBe(0);
  });

  it('counts the storm water on the bridge approach, from when it came', () => {
    const wet = impactOf(city, frame, result(true));
    expect(wet.roadSegments).toHaveLength(1);
    expect(wet.roadSegments[0]).toMatchObject({ name: '桥', maxDepth_m: 0.3, over15cm_s: 600, over27cm_s: 700 });
    expect(wet.counts.roadSegmentsClosed).toBe(1);
  });

  it('counts the river when the problem has no starting depths (a plain grid frame)', () => {
    const { h0: _, ...plain } = frame;
    expect(impactOf(city, plain, result(false)).roadSegments[0]).toMatchObject({ maxDepth_m: 2.1, over15cm_s: 0 });
  });
});
