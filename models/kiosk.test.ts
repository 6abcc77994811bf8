import { describe, expect, it } from 'vitest';
import { defaultStorms, distinctLabels, kioskSettingsSchema, stormLabel, type StormCandidate } from './kiosk';
import { settingsSchema } from './accounts';
import { zhengzhouTable } from './runs';

const grid = (cellSize: number) => ({ cols: 10, rows: 10, cellSize, xll: 0, yll: 0 });
const run = (id: string, scenarioId: string, cellSize: number, over15cm: number, status = 'succeeded'): StormCandidate['run'] => ({
  id, scenarioId, status: status as 'succeeded', scenarioName: scenarioId, grid: grid(cellSize), createdAt: '2026-12-06T10:00:00Z',
  summary: { volumes: {}, floodedArea_m2: { over15cm, over20cm: 0, over27cm: 0 }, maxDepth_m: 1, cellUpdatesPerSecond: 1, kernel: 'k' },
});
const design = (p: number) => ({ rainfall: { type: 'design', formula: 'beijing', returnPeriodYears: p, durationMin: 60, peakCoefficient: 0.355 } });

describe('kiosk storms', () => {
  it('names storms for visitors', () => {
    expect(stormLabel(design(3), 'x').en).toBe('A heavy summer storm');
    expect(stormLabel(design(100), 'x')).toEqual({ zh: '100 年一遇暴雨', en: 'The 100-year storm' });
    expect(stormLabel(design(20), 'x').en).toBe('A 20-year storm');
    expect(stormLabel({ rainfall: { type: 'table', table: zhengzhouTable() } }, 'x').en).toBe('Zhengzhou 2021');
    expect(stormLabel({ rainfall: { type: 'table', table: [{ time: 0, rainMmPerH: 30 }] } }, 'my storm')).toEqual({ zh: 'my storm', en: 'my storm' });
  });

  it('offers per scenario its latest succeeded run on the finest grid, no forecasts, mildest first, at most three', () => {
    const cands: StormCandidate[] = [
      { run: run('r1', 's100', 40, 900), scenario: design(100) }, // a preview, newest
      { run: run('r2', 's100', 5, 800), scenario: design(100) },
      { run: run('r3', 's3', 5, 100), scenario: design(3) },
      { run: run('r4', 'sf', 5, 50), scenario: { ...design(3), forecast: {} } },
      { run: run('r5', 'sfail', 5, 10, 'failed'), scenario: design(3) },
      { run: run('r6', 'sgone', 5, 10), scenario: null },
      { run: run('r7', 's5', 5, 300), scenario: design(5) },
      { run: run('r8', 's10', 5, 400), scenario: design(10) },
    ];
    expect(defaultStorms(cands).map((c) => c.run.id)).toEqual(['r3', 'r7', 'r2']);
  });

  it('tells same-named storms apart, and validates the settings', () => {
    const l = distinctLabels([{ name: 'a', label: { zh: '夏', en: 'S' } }, { name: 'b', label: { zh: '夏', en: 'S' } }, { name: 'c', label: { zh: 'Z', en: 'Z' } }]);
    expect(l.map((x) => x.label.en)).toEqual(['S (a)', 'S (b)', 'Z']);
    expect(settingsSchema.parse({}).kiosk).toEqual({ idleS: 90, storms: [] });
    expect(kioskSettingsSchema.safeParse({ idleS: 1 }).error?.issues[0]?.message).toBe('at least 3 s');
    expect(kioskSettingsSchema.safeParse({ storms: [{ runId: 'x' }] }).success).toBe(false);
  });
});
