import { describe, expect, it } from 'vitest';
import { channelAxis, clipToStrip, forecastScenario, levelAt, parseRainTable, waterFromGauges, type GaugeNow } from './forecast';
import { Scenario } from './scenario';
import { scenarioTemplate } from './runs';

type Pt = [number, number];
// a straight river 1000 m long (x 0..1000), 40 m wide, and a square pond away from it
const river: Pt[] = [[0, 0], [1000, 0], [1000, 40], [0, 40]];
const pond: Pt[] = [[2000, 2000], [2050, 2000], [2050, 2050], [2000, 2050]];
const gauge = (code: string, x: number, y: number, groundM: number, depthM: number | null): GaugeNow => ({ code, x, y, groundM, depthM });

describe('start from now: gauges to water levels', () => {
  it('interpolates the river level along the channel between its gauges and holds it beyond them', () => {
    // upstream gauge at x=200 reads 3.0 m, downstream at x=800 reads 2.4 m (z + reading)
    const w = waterFromGauges([gauge('up', 200, 20, 1.0, 2.0), gauge('down', 800, 45, 1.4, 1.0)], [river, pond], 2.6, { streetPonding: true, stripM: 50 });
    expect(w.bodies[0]).toEqual({ index: 0, source: 'gauges', minLevelM: 2.4, maxLevelM: 3, gauges: 2 });
    expect(w.bodies[1]).toMatchObject({ index: 1, source: 'normal', minLevelM: 2.6, gauges: 0 });
    const strips = w.initialWater.slice(0, -1); // the pond last
    expect(strips).toHaveLength(20);
    const mid = (r: Pt[]) => r.reduce((s, p) => s + p[0], 0) / r.length;
    for (const s of strips) {
      const x = mid(s.polygon.ring);
      const want = x <= 200 ? 3 : x >= 800 ? 2.4 : 3 - (0.6 * (x - 200)) / 600;
      expect(Math.abs(s.level - want)).toBeLessThan(0.011);
    }
    // the strips cover the river: their areas add up to its 40 000 m2
    const area = (r: Pt[]) => Math.abs(r.reduce((a, p, i) => a + p[0] * r[(i + 1) % r.length]![1] - r[(i + 1) % r.length]![0] * p[1], 0)) / 2;
    expect(strips.reduce((a, s) => a + area(s.polygon.ring), 0)).toBeCloseTo(40000 + 20 * 2 * 0.01 * 40, -1);
    expect(w.initialWater.at(-1)).toEqual({ level: 2.6, polygon: { ring: pond } });
  });

  it('one gauge sets the whole body; a bank gauge counts, a gauge 100 m away does not', () => {
    const w = waterFromGauges([gauge('bank', 500, 55, 2.0, 1.1), gauge('far', 500, 140, 4.0, 0)], [river], 2.6);
    expect(w.initialWater[0]).toEqual({ level: 3.1, polygon: { ring: river } });
    expect(w.gauges.map((g) => [g.code, g.use])).toEqual([['bank', 'body'], ['far', 'unused']]);
  });

  it('street gauges with water start a pond around them only when asked; no reading is no gauge', () => {
    const g = [gauge('street', 500, 500, 4.2, 0.3), gauge('silent', 600, 600, 4, null), gauge('dry', 700, 700, 4, 0)];
    const on = waterFromGauges(g, [river], 2.6, { streetPonding: true });
    const ponds = on.initialWater.filter((w) => w.level > 4);
    expect(ponds).toHaveLength(1);
    expect(ponds[0]!.level).toBe(4.5);
    for (const [x, y] of ponds[0]!.polygon.ring) expect(Math.hypot(x - 500, y - 500)).toBeCloseTo(30, 1);
    expect(on.gauges.map((x) => x.code)).toEqual(['street', 'dry']);
    expect(waterFromGauges(g, [river], 2.6, { streetPonding: false }).initialWater).toHaveLength(1);
  });

  it('axis, clip and level helpers', () => {
    const ax = channelAxis(river);
    expect(Math.abs(ax.ux)).toBeCloseTo(1, 6);
    const part = clipToStrip(river, ax, -100, 0); // the strip x in 400..500 (axis centred at 500)
    const xs = part.map((p) => (ax.ux > 0 ? p[0] : p[0]));
    expect(Math.min(...xs)).toBeCloseTo(400, 6);
    expect(Math.max(...xs)).toBeCloseTo(500, 6);
    expect(levelAt(5, [{ s: 10, levelM: 2 }, { s: 0, levelM: 1 }])).toBe(1.5);
  });
});

describe('start from now: the rain table and the scenario', () => {
  const now = new Date(2026, 11, 6, 14, 10);
  it('reads minutes and clock times, skips a header, names bad lines', () => {
    const r = parseRainTable('time mm/h\n13:40, 12\n-10 20.5\n0\t30\n15:10 8\nabc 3\n16:00 -1\n15:00 2', now);
    expect(r.rows).toEqual([
      { minutes: -30, rainMmPerH: 12 }, { minutes: -10, rainMmPerH: 20.5 }, { minutes: 0, rainMmPerH: 30 }, { minutes: 60, rainMmPerH: 8 },
    ]);
    expect(r.issues.map((i) => i.line)).toEqual([6, 7, 8]);
    expect(r.issues[2]!.message).toMatch(/increase/);
    expect(parseRainTable('', now).issues[0]!.message).toMatch(/no rows/);
  });

  it('makes a valid scenario: clock from the first observed row, river at the gauges, streets dry', () => {
    const rows = [{ minutes: -30, rainMmPerH: 12 }, { minutes: 0, rainMmPerH: 30 }, { minutes: 60, rainMmPerH: 0 }];
    const s = forecastScenario({
      name: 'now', rows, horizonH: 2, madeAt: '2026-12-06T06:10:00.000Z', normalLevelM: 2.6, bodies: [river],
      gauges: [gauge('river', 500, 20, 1, 2), gauge('street', 500, 500, 4.2, 0.3)],
      base: { ...scenarioTemplate('x'), drainage: { returnPeriodYears: 2, formula: 'beijing' } },
    });
    const parsed = Scenario.parse(s);
    expect(parsed.terrain).toMatchObject({ source: 'city', fillWater: false });
    expect(parsed.rainfall).toEqual({ type: 'table', table: [{ time: 0, rainMmPerH: 12 }, { time: 1800, rainMmPerH: 30 }, { time: 5400, rainMmPerH: 0 }] });
    expect(parsed.duration).toBe(1800 + 7200);
    expect(parsed.initialWater).toEqual([{ level: 3, polygon: { ring: river } }]); // observed rain replayed: no street ponding
    expect(parsed.forecast).toMatchObject({ nowS: 1800, observedRows: 1, forecastRows: 2 });
    // from now (no observed rows): the street's ponding starts the run
    const s2 = Scenario.parse(forecastScenario({
      name: 'now', rows: rows.slice(1), horizonH: 1, madeAt: '2026-12-06T06:10:00.000Z', normalLevelM: 2.6, bodies: [river],
      gauges: [gauge('street', 500, 500, 4.2, 0.3)], base: { ...scenarioTemplate('x'), drainage: { returnPeriodYears: 2, formula: 'beijing' } },
    }));
    expect(s2.forecast!.nowS).toBe(0);
    expect(s2.initialWater.map((w) => w.level)).toEqual([2.6, 4.5]);
  });
});
