// `npm run twin -- import`: exit code 2 and nothing stored when the check fails, the JSON summary
// as the last line, and the arguments it refuses.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parseArgs, run } from './cli-import';

const dir = mkdtempSync(join(tmpdir(), 'cli-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('twin import', () => {
  it('parses the per-file flags and refuses bad ones', () => {
    const a = parseArgs(['city-a', '--crs', 'EPSG:28992', 'x.geojson', '--class', '01037', 'lights.csv', '--replace']);
    expect(a).toMatchObject({ city: 'city-a', crs: 28992, replace: true });
    expect(a.files.map((f) => [f.name, f.over.class])).toEqual([['x.geojson', undefined], ['lights.csv', '01037']]);
    expect(() => parseArgs(['city-a', '--class', '99999', 'a.csv'])).toThrow(/unknown component class/);
    expect(() => parseArgs(['City A', 'a.csv'])).toThrow(/lowercase/);
    expect(() => parseArgs(['city-a', '--crs', 'WGS84', 'a.csv'])).toThrow(/EPSG code/);
    expect(() => parseArgs(['city-a'])).toThrow(/at least one file/);
  });

  it('exits 2 with every problem listed and stores nothing when the check fails; the last line is the summary', async () => {
    const f = join(dir, 'bins.csv');
    writeFileSync(f, 'lon,lat,type\n-71.1,42.37,bin\n-71.2,north,bin\n-71.3,42.38,bench\n');
    vi.stubEnv('DATA_DIR', join(dir, 'db'));
    const out: string[] = [], err: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((s) => { out.push(String(s)); });
    const error = vi.spyOn(console, 'error').mockImplementation((s) => { err.push(String(s)); });
    try {
      expect(await run(['bins', '--mapping', writeMapping(), f])).toBe(2);
    } finally {
      log.mockRestore(); error.mockRestore(); vi.unstubAllEnvs();
    }
    expect(err.join('\n')).toMatch(/error: bins\.csv feature 1 line 3 \[geometry\]: .*must be \[x, y\] numbers/);
    expect(err.join('\n')).toMatch(/error: bins\.csv feature 2 line 4 \[type\]: class "bench" maps to nothing/);
    const summary = JSON.parse(out[out.length - 1]!);
    expect(summary).toMatchObject({ city: 'bins', ok: false, stored: false, errors: 2, components: 0, tilesets: 0 });
    for (const k of ['terrain', 'buildings', 'components', 'unitGrids', 'roads', 'pronePoints', 'tilesets', 'warnings']) expect(summary).toHaveProperty(k);
  }, 60_000);
});

function writeMapping() {
  const p = join(dir, 'map.json');
  writeFileSync(p, JSON.stringify({ '*': { crs: 4326, classField: 'type', classes: { bin: '03005' } } }));
  return p;
}
