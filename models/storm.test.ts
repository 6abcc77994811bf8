import { describe, expect, it } from 'vitest';
import { BEIJING, BEIJING_PEAK_COEFFICIENT, chicagoCumulativeMm, chicagoHyetograph, chicagoIntensityMmPerMin, stormDepthMm } from './storm';

describe('storm intensity formula (GB 50014)', () => {
  it('gives the Beijing depths of STANDARDS.md', () => {
    expect(stormDepthMm(BEIJING, 100, 120)).toBeCloseTo(119.71, 2);
    expect(stormDepthMm(BEIJING, 2, 60)).toBeCloseTo(44.5, 1);
    expect(stormDepthMm(BEIJING, 100, 60)).toBeCloseTo(93.8, 1);
  });
});

describe('Chicago hyetograph', () => {
  it("adds up to the formula's depth, whatever the block length", () => {
    for (const step of [1, 5, 7]) {
      const blocks = chicagoHyetograph(BEIJING, 100, 120, BEIJING_PEAK_COEFFICIENT, step);
      const total = blocks.reduce((s, b) => s + b.depthMm, 0);
      expect(Math.abs(total - 119.71)).toBeLessThan(0.005);
      expect(Math.abs(total - stormDepthMm(BEIJING, 100, 120))).toBeLessThan(1e-9);
      expect(blocks[blocks.length - 1]!.end).toBe(7200);
    }
  });
  it('peaks at r T and its cumulative curve is the integral of the intensity', () => {
    const blocks = chicagoHyetograph(BEIJING, 5, 120, 0.355, 1);
    const peak = blocks.reduce((m, b, k) => (b.rainMmPerH > blocks[m]!.rainMmPerH ? k : m), 0);
    expect(peak).toBe(42); // the block holding tp = 0.355 x 120 = 42.6 min
    // numerical integral of the instantaneous curve away from the peak matches the closed form
    let s = 0;
    const dt = 0.001;
    for (let t = 10; t < 30; t += dt) s += chicagoIntensityMmPerMin(BEIJING, 5, 120, 0.4, t + dt / 2) * dt;
    expect(s).toBeCloseTo(chicagoCumulativeMm(BEIJING, 5, 120, 0.4, 30) - chicagoCumulativeMm(BEIJING, 5, 120, 0.4, 10), 6);
  });
  it('rejects bad parameters', () => {
    expect(() => chicagoHyetograph(BEIJING, 5, 0, 0.4)).toThrow();
    expect(() => chicagoHyetograph(BEIJING, 5, 60, 1.5)).toThrow();
  });
});
