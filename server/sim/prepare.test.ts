import { describe, expect, it } from 'vitest';
import { Scenario } from '../../models/scenario';
import { prepare } from './prepare';

const cityScenario = (fillWater?: boolean) =>
  Scenario.parse({
    name: 'river-check',
    terrain: { source: 'city', preset: 'default', ...(fillWater === undefined ? {} : { fillWater }) },
    duration: 60,
    outputInterval: 60,
  });

describe('a city terrain', () => {
  it('starts with its river at the normal level, and dry when asked', async () => {
    const wet = await prepare(cityScenario(), '/tmp/x.json');
    let cells = 0, deepest = 0;
    for (const h of wet.h0) if (h > 0) { cells++; deepest = Math.max(deepest, h); }
    // the river is tens of metres wide over 2+ km: thousands of 5 m cells, metres deep
    expect(cells).toBeGreaterThan(1000);
    expect(deepest).toBeGreaterThan(0.5);
    const dry = await prepare(cityScenario(false), '/tmp/x.json');
    expect(dry.h0.every((h) => h === 0)).toBe(true);
  });
});
