import { describe, expect, it } from 'vitest';
import { compareImpacts, depthDifference, differenceStats, quantiseDiff, DIFF_NODATA } from './runCompare';
import type { ImpactResult } from './runs';

const ex = (h: number, t15: number | null = h >= 0.15 ? 600 : null) => ({ maxDepth_m: h, timeOfMax_s: 900, over15cm_s: t15, over20cm_s: h >= 0.2 ? 700 : null, over27cm_s: h >= 0.27 ? 800 : null });
const impact = (over: Partial<ImpactResult>): ImpactResult => ({
  thresholds_m: [0.15, 0.2, 0.27],
  counts: { pronePoints: 0, roadSegments: 0, roadSegmentsClosed: 0, buildings: 0, components: 0, unitGrids: 0 },
  pronePoints: [], roadSegments: [], buildings: [], components: [], unitGrids: [], ...over,
});

describe('the difference of two runs', () => {
  it('is B - A on the same grid, and B sampled at A cell centres on a coarser one', () => {
    const grid = { cols: 4, rows: 2, cellSize: 10, xll: 0, yll: 0 };
    const a = Float32Array.from([0, 0.1, 0.2, 0.3, 0, 0, 0, NaN]);
    const b = Float32Array.from([0, 0.05, 0.4, 0.3, 0.2, 0, 0, 0]);
    expect(Array.from(depthDifference({ grid, data: a }, { grid, data: b })).map((v) => Math.round(v * 100) / 100)).toEqual([0, -0.05, 0.2, 0, 0.2, 0, 0, NaN]);
    const coarse = { cols: 2, rows: 1, cellSize: 20, xll: 0, yll: 0 };
    const d = depthDifference({ grid, data: a }, { grid: coarse, data: Float32Array.from([1, 2]) });
    expect(Array.from(d.slice(0, 4)).map((v) => Math.round(v * 100) / 100)).toEqual([1, 0.9, 1.8, 1.7]);
    expect(Array.from(quantiseDiff(Float32Array.from([0.0123, -40, NaN])))).toEqual([12, -32767, DIFF_NODATA]);
  });

  it('counts areas beyond the neutral band and cells that cross 15 cm', () => {
    const a = Float32Array.from([0.1, 0.3, 0.5, 0]);
    const diff = Float32Array.from([0.1, -0.2, 0.01, NaN]);
    expect(differenceStats(diff, a, 25)).toEqual({ worse_m2: 25, better_m2: 25, newlyWet_m2: 25, noLongerWet_m2: 25, maxIncrease_m: expect.closeTo(0.1, 6), maxDecrease_m: expect.closeTo(0.2, 6) });
  });

  it('classes each asset: newly flooded, worse, better, no longer flooded, same', () => {
    const pp = (id: string, h: number) => ({ id, name: id, x: 1, y: 2, ...ex(h) });
    const seg = (seg: number, h: number) => ({ roadId: 7, name: 'r', kind: 'main', segment: seg, from: [0, 0] as [number, number], to: [10, 0] as [number, number], length_m: 10, ...ex(h) });
    const A = impact({ pronePoints: [pp('p1', 0.3), pp('p2', 0.05), pp('p3', 0.4)], roadSegments: [seg(0, 0.3), seg(1, 0.2)] });
    const B = impact({ pronePoints: [pp('p1', 0.1), pp('p2', 0.2), pp('p3', 0.41)], roadSegments: [seg(1, 0.35), seg(2, 0.16)], unitGrids: [{ code: 'G1', areaOver15cm_m2: 1, areaOver20cm_m2: 0, areaOver27cm_m2: 0, ...ex(0.16) }] });
    const rows = compareImpacts(A, B, () => [5, 6]);
    const by = Object.fromEntries(rows.map((r) => [`${r.kind}:${r.id}`, r]));
    expect(by['pronePoint:p1']!.change).toBe('noLongerFlooded');
    expect(by['pronePoint:p1']!.deltaMaxDepth_m).toBeCloseTo(-0.2);
    expect(by['pronePoint:p2']!.change).toBe('newlyFlooded');
    expect(by['pronePoint:p3']!.change).toBe('same');
    expect(by['roadSegment:7-0']).toMatchObject({ change: 'noLongerFlooded', maxDepthB_m: null, deltaMaxDepth_m: null, line: [[0, 0], [10, 0]] });
    expect(by['roadSegment:7-1']).toMatchObject({ change: 'worse', overA_s: [600, 700, null], overB_s: [600, 700, 800] });
    expect(by['unitGrid:G1']).toMatchObject({ change: 'newlyFlooded', x: 5, y: 6, maxDepthA_m: null });
    expect(rows.map((r) => r.change)).toEqual(['newlyFlooded', 'newlyFlooded', 'newlyFlooded', 'worse', 'noLongerFlooded', 'noLongerFlooded', 'same']);
  });
});
