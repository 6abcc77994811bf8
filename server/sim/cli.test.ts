// The simulate command end to end, through tsx and real worker threads, as a user runs it.
import { parse as parseCsv } from 'csv-parse/sync';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromArrayBuffer } from 'geotiff';
import { decodeDepthFrames } from '../../models/depthFrames';
import { parseAscii, formatAscii, encodeGeoTiff, readGeoTiff, InputError } from './raster';
import { lineOfPath } from './jsonpath';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
let dir: string;

async function twin(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { cwd: root, timeout: 60_000 });
    return { code: 0, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stderr: string };
    return { code: err.code, stderr: err.stderr };
  }
}

const asc = ['ncols 30', 'nrows 20', 'xllcorner 1000', 'yllcorner 2000', 'cellsize 2', 'NODATA_value -9999'];
for (let r = 0; r < 20; r++) asc.push(Array.from({ length: 30 }, (_, c) => (5 + 0.02 * c + 0.01 * r).toFixed(3)).join(' '));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'twin-sim-'));
  await writeFile(join(dir, 'dem.asc'), asc.join('\n') + '\n');
  await writeFile(join(dir, 'bad.asc'), [...asc.slice(0, 9), '5 5 x 5', ...asc.slice(10)].join('\n'));
});

const scenario = (extra: Record<string, unknown> = {}) =>
  JSON.stringify(
    {
      name: 'cli',
      terrain: { source: 'file', path: 'dem.asc' },
      rainfall: { type: 'table', table: [{ time: 0, rainMmPerH: 200 }, { time: 300, rainMmPerH: 0 }] },
      boundaries: { west: 'open' },
      duration: 600,
      outputInterval: 120,
      probes: [{ name: 'low', at: [1001, 2001] }],
      ...extra,
    },
    null,
    2,
  );

describe('twin simulate', () => {
  it('runs a scenario with workers and writes rasters, probes and summary', async () => {
    await writeFile(join(dir, 'ok.json'), scenario());
    const out = join(dir, 'out');
    const r = await twin('simulate', join(dir, 'ok.json'), '--out', out, '--asc', '--frames', '--workers', '2', '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    expect(summary.volumes.rain_m3).toBeCloseTo((0.2 / 3600) * 300 * 30 * 20 * 4, 3);
    expect(Math.abs(summary.volumes.balanceRelativeError)).toBeLessThan(1e-6);
    expect(summary.probes[0].name).toBe('low');
    const csv = parseCsv(await readFile(join(out, 'probes.csv'), 'utf8')) as string[][];
    expect(csv[0]).toEqual(['probe', 'time_s', 'depth_m', 'stage_m']);
    expect(csv).toHaveLength(1 + 6);
    expect(csv.slice(1).map((r) => r[0])).toEqual(Array(6).fill('low'));
    const tif = await fromArrayBuffer((await readFile(join(out, 'max_depth.tif'))).buffer as ArrayBuffer);
    const img = await tif.getImage();
    expect([img.getWidth(), img.getHeight()]).toEqual([30, 20]);
    expect(img.getOrigin().slice(0, 2)).toEqual([1000, 2040]);
    const maxAsc = parseAscii(await readFile(join(out, 'max_depth.asc'), 'utf8'));
    expect(maxAsc.cols).toBe(30);
    // Depth frames at each output interval (600 s every 120 s, and the start), in mm, matching the max depth.
    const frames = decodeDepthFrames(new Uint8Array(await readFile(join(out, 'depth_frames.bin'))));
    expect(frames.map((f) => f.t)).toEqual([0, 120, 240, 360, 480, 600]);
    for (let i = 0; i < 600; i++) expect(frames[5]!.depthMm[i]! / 1000).toBeLessThanOrEqual((maxAsc.data[i] ?? 0) + 0.0011);
    // When each cell peaked and first went over the thresholds: times within the run or never (NaN/no-data).
    const tmax = parseAscii(await readFile(join(out, 'time_of_max_s.asc'), 'utf8'));
    const wet = [...maxAsc.data.keys()].filter((i) => maxAsc.data[i]! > 0.001);
    expect(wet.length).toBeGreaterThan(0);
    for (const i of wet) expect(tmax.data[i]! >= 0 && tmax.data[i]! <= 600, `time of max ${tmax.data[i]} s at cell ${i}`).toBe(true);
    for (const name of ['first_above_15cm_s', 'first_above_20cm_s', 'first_above_27cm_s']) {
      const t = parseAscii(await readFile(join(out, `${name}.asc`), 'utf8'));
      for (let i = 0; i < t.data.length; i++) {
        const threshold = Number(name.match(/(\d+)cm/)![1]) / 100;
        if (maxAsc.data[i]! < threshold) expect(Number.isFinite(t.data[i]!) && t.data[i]! >= 0).toBe(false);
      }
    }
  });

  it('rejects a bad scenario naming field, file and line, and writes nothing', async () => {
    const text = scenario({ duration: -5 });
    await writeFile(join(dir, 'bad.json'), text);
    const out = join(dir, 'never');
    const r = await twin('simulate', join(dir, 'bad.json'), '--out', out);
    expect(r.code).toBe(2);
    const line = text.split('\n').findIndex((l) => l.includes('"duration"')) + 1;
    expect(r.stderr).toContain(`bad.json:${line}: duration:`);
    expect(existsSync(out)).toBe(false);
  });

  it('rejects a bad DEM with its line, and broken JSON with its line', async () => {
    await writeFile(join(dir, 'baddem.json'), scenario({ terrain: { source: 'file', path: 'bad.asc' } }));
    let r = await twin('simulate', join(dir, 'baddem.json'), '--out', join(dir, 'never2'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.asc:10: not a number: "x"/);
    await writeFile(join(dir, 'broken.json'), '{\n  "name": "x",\n  "duration": 5,,\n}');
    r = await twin('simulate', join(dir, 'broken.json'), '--out', join(dir, 'never3'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.json:3: invalid JSON/);
    await writeFile(join(dir, 'outside.json'), scenario({ probes: [{ name: 'far', at: [0, 0] }] }));
    r = await twin('simulate', join(dir, 'outside.json'), '--out', join(dir, 'never4'));
    expect(r.stderr).toMatch(/probes\[0\]\.at: \(0, 0\) is outside the terrain/);
    expect(existsSync(join(dir, 'never2')) || existsSync(join(dir, 'never3')) || existsSync(join(dir, 'never4'))).toBe(false);
  });
});

describe('rasters', () => {
  it('round-trips an ASCII grid and a GeoTIFF', async () => {
    const r = parseAscii(asc.join('\n'));
    expect(r.data[0]).toBeCloseTo(5);
    expect(parseAscii(formatAscii(r)).data).toEqual(r.data);
    const path = join(dir, 'rt.tif');
    await writeFile(path, new Uint8Array(encodeGeoTiff({ ...r, epsg: 28356 })));
    const back = await readGeoTiff(path);
    expect(back.data).toEqual(r.data);
    expect([back.xll, back.yll, back.cellSize, back.epsg]).toEqual([1000, 2000, 2, 28356]);
  });
  it('names the line of a short grid', () => {
    expect(() => parseAscii(asc.slice(0, 10).join('\n'), 'g.asc')).toThrow(InputError);
    expect(() => parseAscii(asc.slice(0, 10).join('\n'), 'g.asc')).toThrow(/g\.asc:10: only 120 of/);
  });
  it('finds the line of a JSON path', () => {
    const text = '{\n  "a": 1,\n  "b": [\n    {"c": 2},\n    {"c": 3}\n  ]\n}';
    expect(lineOfPath(text, ['b', 1, 'c'])).toBe(5);
    expect(lineOfPath(text, ['a'])).toBe(2);
  });
});
