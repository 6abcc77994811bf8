// Reading the import's files: format detection from the first bytes, and streams of features from
// GeoJSON (geojsonScan.ts) and CSV (csv-parse) in bounded memory (a 500,000-point file is never held whole).
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse';
import type { ImportFormat } from '../../../models/cityImport';
import { epsgFromName } from './crs';
import { scanFeatures } from './geojsonScan';

export interface Detected {
  format: ImportFormat;
  /** EPSG code the file names, if any */
  epsg: number | null;
}

async function head(path: string, bytes = 65536): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

/** The format from the name and the first bytes; the CRS when the file states it early. */
export async function detectFormat(path: string): Promise<Detected> {
  const ext = extname(path).toLowerCase();
  if (ext === '.tif' || ext === '.tiff') return { format: 'geotiff', epsg: null };
  if (ext === '.asc') return { format: 'ascii-grid', epsg: null };
  if (ext === '.b3dm' || ext === '.glb') throw new Error('a 3D Tiles content file: import its tileset.json');
  const text = await head(path);
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (ext === '.csv' || ext === '.txt' || (!t.startsWith('{') && !t.startsWith('['))) {
    if (/^ncols\s/i.test(t)) return { format: 'ascii-grid', epsg: null };
    if (!t) throw new Error('the file is empty');
    return { format: 'csv', epsg: null };
  }
  if (/"type"\s*:\s*"CityJSON"/.test(text)) {
    const m = /"referenceSystem"\s*:\s*"([^"]+)"/.exec(text);
    return { format: 'cityjson', epsg: m ? epsgFromName(m[1]!) : null };
  }
  if (/"asset"\s*:\s*\{/.test(text) && /"root"\s*:/.test(text + (basename(path) === 'tileset.json' ? '"root":' : ''))) return { format: '3dtiles', epsg: 4978 };
  if (/"type"\s*:\s*"(FeatureCollection|Feature)"/.test(text)) {
    const m = /"crs"\s*:\s*\{[^}]*?"name"\s*:\s*"([^"]+)"/.exec(text);
    return { format: 'geojson', epsg: m ? epsgFromName(m[1]!) : null };
  }
  throw new Error('not a recognised format (GeoJSON, CityJSON, CSV, GeoTIFF, ESRI ASCII grid, 3D Tiles tileset.json)');
}

export interface RawFeature {
  index: number;
  line?: number;
  geometry: { type: string; coordinates: unknown } | null;
  properties: Record<string, unknown>;
}

/** GeoJSON features one at a time (a FeatureCollection's "features", streamed; each parsed alone). */
export async function* geojsonFeatures(path: string, signal?: AbortSignal): AsyncGenerator<RawFeature> {
  for await (const { index, text } of scanFeatures(path, signal)) {
    let v: { geometry?: unknown; properties?: unknown } | null;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new Error(`feature ${index} is not valid JSON: ${(e as Error).message}`);
    }
    const f: RawFeature = { index, geometry: null, properties: {} };
    if (v && typeof v === 'object') {
      if (v.geometry && typeof v.geometry === 'object') f.geometry = v.geometry as RawFeature['geometry'];
      if (v.properties && typeof v.properties === 'object') f.properties = v.properties as Record<string, unknown>;
    }
    yield f;
  }
}

/** CSV rows as features with a Point from the coordinate columns; `line` is the row's line. */
export async function* csvFeatures(path: string, xField: string | undefined, yField: string | undefined, signal?: AbortSignal): AsyncGenerator<RawFeature & { fields: string[] }> {
  const parser = createReadStream(path).pipe(parseCsv({ columns: true, info: true, bom: true, trim: true, skip_empty_lines: true, relax_column_count: false }));
  const onAbort = () => parser.destroy(new Error('cancelled'));
  signal?.addEventListener('abort', onAbort);
  let index = 0;
  let cols: { x: string; y: string } | null = null;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      const fields = Object.keys(record);
      cols ??= coordinateColumns(fields, xField, yField);
      const x = Number(record[cols.x]), y = Number(record[cols.y]);
      const props: Record<string, unknown> = { ...record };
      const bad = record[cols.x] === '' || record[cols.y] === '' || !Number.isFinite(x) || !Number.isFinite(y);
      yield { index: index++, line: info.lines, fields, properties: props, geometry: bad ? { type: 'Point', coordinates: [record[cols.x], record[cols.y]] } : { type: 'Point', coordinates: [x, y] } };
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

const X_NAMES = ['lon', 'lng', 'longitude', 'x', 'easting', '经度'];
const Y_NAMES = ['lat', 'latitude', 'y', 'northing', '纬度'];

export function coordinateColumns(fields: string[], xField?: string, yField?: string): { x: string; y: string } {
  const find = (names: string[]) => fields.find((f) => names.includes(f.toLowerCase()));
  const x = xField ?? find(X_NAMES), y = yField ?? find(Y_NAMES);
  if (!x || !y) throw new Error(`no coordinate columns: name them lon/lat, longitude/latitude or x/y, or give xField/yField (columns: ${fields.join(', ')})`);
  for (const [k, v] of [['xField', x], ['yField', y]] as const) if (!fields.includes(v)) throw new Error(`${k} "${v}" is not a column (columns: ${fields.join(', ')})`);
  return { x, y };
}
