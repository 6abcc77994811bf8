// The real ARR Project 15 Merewether data, read in place from ../shared/data (never copied):
// the example scenario loads (DEM, 60 house footprints, road polygon) and its first minute of
// inflow balances. The full 1000 s run is in the engine's note (examples/merewether.json).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Scenario } from '../../models/scenario';
import { loadScenario } from './cli-simulate';
import { prepare } from './prepare';
import { simulate } from './runner';

const path = fileURLToPath(new URL('../../examples/merewether.json', import.meta.url));
const data = fileURLToPath(new URL('../../../shared/data/merewether/topography1.asc', import.meta.url));

// the data lives outside the repository: without it the test says so, and skips
if (!existsSync(data)) console.warn(`skipping the Merewether test: ${data} is not there`);

describe.skipIf(!existsSync(data))('Merewether (ARR Project 15)', () => {
  it('loads the real DEM, houses and road, and balances the first minute of 19.7 m3/s', async () => {
    const s: Scenario = { ...(await loadScenario(path)), duration: 60, outputInterval: 30 };
    const p = await prepare(s, path);
    expect([p.cols, p.rows]).toEqual([321, 416]);
    expect(p.activeCells).toBe(321 * 416 - 73); // 73 NODATA cells
    // houses raised 3 m, road n = 0.02
    let roadCells = 0;
    for (const n of p.n) if (Math.abs(n - 0.02) < 1e-6) roadCells++;
    expect(roadCells).toBeGreaterThan(5000);
    let raised = 0;
    for (let i = 0; i < p.z.length; i++) if (p.z[i]! - p.ground[i]! > 2.99) raised++;
    expect(raised).toBeGreaterThan(3000);
    const r = await simulate(p, { workers: 0 });
    expect(r.volumes.inflow).toBeCloseTo(19.7 * 60, 6);
    expect(Math.abs(r.volumes.relativeError)).toBeLessThan(1e-6);
    expect(r.probes[0]!.maxDepth).toBeGreaterThan(0.3);
  });
});
