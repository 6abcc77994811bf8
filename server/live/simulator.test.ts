import { beforeAll, describe, expect, it } from 'vitest';
import { Simulator } from './simulator';
import { generateCity } from '../city/generate';
import { COMPONENT_CLASSES, STATE_CODE } from '../../models/components';
import type { CityData } from '../../models/city';

let city: CityData;
beforeAll(() => {
  city = generateCity({ preset: 'default' });
});

function sim(seed = 1, opts = {}) {
  const states = Uint8Array.from(city.components.state);
  const values = new Float32Array(city.components.count).fill(NaN);
  const changes: [number, number, number, number][] = [];
  const s = new Simulator(city, states, values, (i, st, v, at) => {
    states[i] = st;
    values[i] = v;
    changes.push([i, st, v, at]);
  }, { seed, ...opts });
  return { s, states, values, changes };
}

const ofClass = (telemetry: string) => {
  const out: number[] = [];
  for (let i = 0; i < city.components.count; i++) if (COMPONENT_CLASSES[city.components.classIndex[i]!]!.telemetry === telemetry) out.push(i);
  return out;
};

describe('simulator', () => {
  it('street lights are on at night and off at noon (city sun times, Asia/Shanghai)', () => {
    const lights = ofClass('light');
    expect(lights.length).toBeGreaterThan(100);
    const { s, states } = sim();
    s.tick(Date.parse('2026-06-21T16:00:00Z')); // local midnight
    const on = lights.filter((i) => states[i] === STATE_CODE.active).length;
    const ok = lights.filter((i) => states[i] === STATE_CODE.active || states[i] === STATE_CODE.intact).length;
    expect(on).toBe(ok);
    s.tick(Date.parse('2026-06-21T04:00:00Z')); // local noon
    expect(lights.filter((i) => states[i] === STATE_CODE.active).length).toBe(0);
  });

  it('lights switch in groups around sunset, not all in one second', () => {
    const lights = ofClass('light');
    const { s, states } = sim();
    // Huzhou sunset on 21 June 2026 is about 19:05 local (11:05 UTC).
    let t = Date.parse('2026-06-21T10:50:00Z');
    const onCounts: number[] = [];
    for (let m = 0; m < 40; m++, t += 60_000) {
      s.tick(t);
      onCounts.push(lights.filter((i) => states[i] === STATE_CODE.active).length);
    }
    const partial = onCounts.filter((n) => n > 0 && n < lights.length * 0.95).length;
    expect(partial).toBeGreaterThan(3);
    expect(onCounts[0]).toBe(0);
  });

  it('bins fill past the warning and overflow thresholds, and get emptied', () => {
    const bins = ofClass('fill');
    const { s, states, values, changes } = sim(2);
    let t = Date.parse('2026-06-21T02:00:00Z');
    for (let k = 0; k < 8 * 60; k++, t += 30_000) s.tick(t); // four hours
    expect(bins.some((i) => states[i] === STATE_CODE.warning || states[i] === STATE_CODE.alarm)).toBe(true);
    expect(changes.some(([i, st, v]) => bins.includes(i) && st === STATE_CODE.intact && v === 0)).toBe(true);
    for (const i of bins) expect(values[i]).toBeLessThanOrEqual(Math.fround(1.2));
  });

  it('faults appear at about the configured rate and are repaired', () => {
    const { s, changes } = sim(3, { faultRatePerS: 1e-4, meanRepairS: 120 });
    let t = Date.parse('2026-06-21T04:00:00Z');
    for (let k = 0; k < 600; k++, t += 1000) s.tick(t);
    const faults = changes.filter(([, st]) => st === STATE_CODE.damaged || st === STATE_CODE.missing || st === STATE_CODE.offline).length;
    const expected = city.components.count * 1e-4 * 600;
    expect(faults).toBeGreaterThan(expected * 0.5);
    expect(faults).toBeLessThan(expected * 1.5);
    const repairs = changes.filter(([, st]) => st === STATE_CODE.intact).length;
    expect(repairs).toBeGreaterThan(0);
  });

  it('is deterministic for a seed', () => {
    const run = () => {
      const { s, changes } = sim(9);
      let t = Date.parse('2026-06-21T10:00:00Z');
      for (let k = 0; k < 200; k++, t += 5000) s.tick(t);
      return changes;
    };
    expect(run()).toEqual(run());
  });
});
