import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanFeatures } from './geojsonScan';

const dir = mkdtempSync(join(tmpdir(), 'scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const scan = async (text: string) => {
  const p = join(dir, `f${Math.random().toString(36).slice(2)}.geojson`);
  writeFileSync(p, text);
  const out: unknown[] = [];
  for await (const f of scanFeatures(p)) out.push(JSON.parse(f.text));
  return out;
};

describe('scanFeatures', () => {
  it('finds the top-level "features" array past look-alike keys, strings with braces and escapes', async () => {
    const doc = {
      type: 'FeatureCollection', name: 'features', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4326', features: [1, 2] } },
      features: [
        { type: 'Feature', properties: { note: 'a "quoted" } brace ] and \\ backslash', features: [] }, geometry: { type: 'Point', coordinates: [1, 2] } },
        { type: 'Feature', properties: { '名称': '路灯' }, geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] } },
      ],
      bbox: [0, 0, 1, 2],
    };
    expect(await scan(JSON.stringify(doc, null, 1))).toEqual(doc.features);
  });

  it('reads features that cross the 1 MB chunk boundary', async () => {
    const features = Array.from({ length: 30_000 }, (_, i) => ({ type: 'Feature', properties: { i, pad: 'x'.repeat(i % 50) }, geometry: { type: 'Point', coordinates: [i, -i] } }));
    const got = await scan(JSON.stringify({ type: 'FeatureCollection', features }));
    expect(got).toHaveLength(30_000);
    expect(got[29_999]).toEqual(features[29_999]);
  });

  it('says where a truncated file ends, and refuses a file with no features array', async () => {
    const text = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: null }, { type: 'Feature', properties: {}, geometry: null }] });
    await expect(scan(text.slice(0, text.length - 20))).rejects.toThrow(/ends inside feature 1 \(is the file truncated\?\)/);
    await expect(scan(text.slice(0, text.length - 2))).rejects.toThrow(/ends inside the "features" array after feature 1/);
    await expect(scan('{"type":"Feature","geometry":null}')).rejects.toThrow(/no "features" array/);
  });
});
