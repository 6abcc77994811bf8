import { describe, expect, it } from 'vitest';
import { Scenario, formatIssues } from './scenario';

const base = { terrain: { source: 'synthetic', cols: 10, rows: 10, cellSize: 5 }, duration: 600, outputInterval: 60 };

const issues = (doc: unknown) => {
  const r = Scenario.safeParse(doc);
  return r.success ? [] : formatIssues(r.error);
};

describe('scenario schema', () => {
  it('fills defaults', () => {
    const s = Scenario.parse(base);
    expect(s.boundaries).toEqual({ north: 'closed', south: 'closed', east: 'closed', west: 'closed' });
    expect(s.numerics.theta).toBe(0.7);
    expect(s.roughness.defaultN).toBe(0.03);
  });
  it('accepts a full scenario', () => {
    const s = Scenario.parse({
      ...base,
      buildings: { from: { geojson: 'b.geojson' }, mode: 'solid' },
      roughness: { defaultN: 0.04, zones: [{ polygon: { ring: [[0, 0], [10, 0], [10, 10]] }, n: 0.02 }] },
      rainfall: { type: 'design', formula: 'beijing', returnPeriodYears: 100, durationMin: 120, peakCoefficient: 0.355 },
      drainage: { returnPeriodYears: 3 },
      infiltration: { type: 'horton', f0MmPerH: 60, fcMmPerH: 10, kPerH: 2 },
      inflows: [{ at: [5, 5], radius: 3, hydrograph: [{ time: 0, flow: 0 }, { time: 60, flow: 2 }] }],
      pumps: [{ at: [20, 20], capacity: 0.5 }],
      barriers: [{ line: [[0, 0], [20, 20]], height: 0.5 }],
      boundaries: { east: 'open' },
      probes: [{ name: 'p1', at: [10, 10] }],
    });
    expect(s.boundaries.east).toBe('open');
    expect(s.boundaries.west).toBe('closed');
  });
  it('names the field of each problem', () => {
    expect(issues({ ...base, duration: undefined })).toEqual([expect.stringMatching(/^duration: /)]);
    expect(issues({ ...base, rainfall: { type: 'design', formula: 'beijing', returnPeriodYears: 0, durationMin: 60, peakCoefficient: 0.4 } })[0]).toMatch(/^rainfall\.returnPeriodYears: /);
    expect(issues({ ...base, rainfall: { type: 'table', table: [{ time: 60, rainMmPerH: 10 }, { time: 0, rainMmPerH: 5 }] } })[0]).toMatch(/^rainfall\.table: times must increase/);
    expect(issues({ ...base, probes: [{ name: 'a', at: [1] }] })[0]).toMatch(/^probes\[0\]\.at/);
    expect(issues({ ...base, barriers: [{ line: [[0, 0], [1, 1]], height: 1, crestElevation: 3 }] })[0]).toMatch(/^barriers\[0\]: give exactly one/);
    expect(issues({ ...base, terrain: { source: 'lidar' } })[0]).toMatch(/^terrain\.source/);
    expect(issues({ ...base, colour: 'blue' })[0]).toMatch(/colour/);
    expect(issues({ ...base, probes: [{ name: 'a', at: [1, 1] }, { name: 'a', at: [2, 2] }] })[0]).toMatch(/^probes\[1\]\.name: duplicate/);
    expect(issues({ ...base, drainage: { returnPeriodYears: 2 } })[0]).toMatch(/^drainage\.formula/);
    expect(issues({ ...base, roughness: { defaultN: -1 } })[0]).toMatch(/^roughness\.defaultN/);
  });
});
