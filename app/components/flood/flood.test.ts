// Pure parts of the flood panels: the rain the editor draws, draft path updates, impact rows.
import { describe, expect, it } from 'vitest';
import { zhengzhouTable } from '../../../models/runs';
import { BEIJING, stormDepthMm } from '../../../models/storm';
import { setIn } from './doc';
import { rainSeries, rateAt } from './hyetograph';
import { impactRows, sortRows, type ImpactRow } from './impactRows';

describe('rainSeries', () => {
  it('a design storm adds up to the formula depth', () => {
    const s = rainSeries({ type: 'design', formula: 'beijing', returnPeriodYears: 100, durationMin: 120, peakCoefficient: 0.355, stepMin: 5 }, 7200)!;
    expect(s.blocks).toHaveLength(24);
    expect(s.totalMm).toBeCloseTo(stormDepthMm(BEIJING, 100, 120), 6);
  });

  it('reads a table as the kernel does: each rate until the next row, the last to the end', () => {
    const s = rainSeries({ type: 'table', table: [{ time: 0, rainMmPerH: 10 }, { time: 1800, rainMmPerH: 40 }] }, 3600)!;
    expect(s.totalMm).toBeCloseTo(5 + 20, 9);
    expect(rateAt(s.blocks, 2000)).toBe(40);
  });

  it('a constant rate is a one-row table held to the end', () => {
    expect(rainSeries({ type: 'table', table: [{ time: 0, rainMmPerH: 30 }] }, 7200)!.totalMm).toBeCloseTo(60, 9);
  });

  it('the Zhengzhou preset: 201.9 mm in its worst hour, only the simulated part counted in the total', () => {
    const s = rainSeries({ type: 'table', table: [...zhengzhouTable(), { time: 86_400, rainMmPerH: 0 }] }, 7200)!;
    expect(s.peakHourMm).toBeCloseTo(201.9, 6);
    expect(s.totalMm).toBeCloseTo(2.1 + 1.8, 6);
    expect(s.seriesMm).toBeCloseTo(552.5, 1);
  });

  it('is null while a field cannot make a storm', () => {
    expect(rainSeries({ type: 'design', formula: 'beijing', returnPeriodYears: Number.NaN, durationMin: 120, peakCoefficient: 0.355 }, 7200)).toBeNull();
  });
});

describe('setIn', () => {
  it('copies along the path, keeps arrays, removes a key set to undefined', () => {
    const doc = { a: { b: 1 }, list: [{ at: [1, 2] }] };
    const next = setIn(doc, 'list.0.at.1', 5);
    expect(next.list[0]!.at).toEqual([1, 5]);
    expect(Array.isArray(next.list)).toBe(true);
    expect(doc.list[0]!.at).toEqual([1, 2]);
    expect(next.a).toBe(doc.a);
    expect(setIn(doc, 'a.b', undefined)).toEqual({ a: {}, list: doc.list });
  });
});

describe('impact rows', () => {
  const ex = { maxDepth_m: 0.3, timeOfMax_s: 100, over15cm_s: 10, over20cm_s: null, over27cm_s: null };
  it('sort by a time puts never-reached last in both directions', () => {
    const rows = [{ key: 'a', over20cm_s: null }, { key: 'b', over20cm_s: 50 }, { key: 'c', over20cm_s: 20 }] as unknown as ImpactRow[];
    expect(sortRows(rows, 'over20cm_s', 1).map((r) => r.key)).toEqual(['c', 'b', 'a']);
    expect(sortRows(rows, 'over20cm_s', -1).map((r) => r.key)).toEqual(['b', 'c', 'a']);
  });
  it('road segments fly to their segment and say when closed', () => {
    const impact = {
      thresholds_m: [0.15, 0.2, 0.27], counts: { pronePoints: 0, roadSegments: 1, roadSegmentsClosed: 1, buildings: 0, components: 0, unitGrids: 0 },
      pronePoints: [], buildings: [], components: [], unitGrids: [],
      roadSegments: [{ roadId: 3, name: '路', kind: 'main', segment: 0, from: [0, 0] as [number, number], to: [10, 0] as [number, number], length_m: 10, ...ex, over27cm_s: 60 }],
    };
    const [r] = impactRows(impact as never, 'roadSegments', (x) => x.zh, { building: () => '', segment: (n) => `#${n + 1}`, closed: 'closed' }, {
      road: () => ({ zh: '路', en: 'Road' }), prone: () => undefined,
    });
    expect(r!.target).toEqual({ kind: 'segment', from: [0, 0], to: [10, 0] });
    expect(r!.sub).toContain('closed');
  });
});
