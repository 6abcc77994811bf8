// Vector inputs of a scenario (polygons and lines) read from files and burnt into the grid.
import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { PolygonSource, Point } from '../../models/scenario';
import { parse as parseCsv } from 'csv-parse/sync';
import { InputError } from './raster';

export interface GridFrame {
  cols: number;
  rows: number;
  cellSize: number;
  xll: number;
  yll: number;
}

export interface Poly {
  /** outer ring then holes */
  rings: Point[][];
  props?: Record<string, unknown>;
}

/** JSON.parse with the error's line and column. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    let line: number | undefined;
    if (m) line = text.slice(0, Number(m[1])).split('\n').length;
    else {
      const lm = /line (\d+)/.exec(msg);
      if (lm) line = Number(lm[1]);
    }
    throw new InputError(`invalid JSON: ${msg}`, file, line);
  }
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read: ${(e as Error).message}`, path);
  }
}

/** Expand a path whose file name may hold `*` wildcards (sorted, so results are deterministic). */
export async function expandGlob(path: string): Promise<string[]> {
  const name = basename(path);
  if (!name.includes('*')) return [path];
  const dir = dirname(path);
  const re = new RegExp('^' + name.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (e) {
    throw new InputError(`cannot list: ${(e as Error).message}`, dir);
  }
  const hits = entries.filter((e) => re.test(e)).sort();
  if (!hits.length) throw new InputError('no file matches', path);
  return hits.map((h) => resolve(dir, h));
}

/**
 * A ring from a CSV of "x,y" rows (RFC 4180 quoting; comma, semicolon or tab between fields;
 * further columns ignored; a header line is allowed). Errors name the line, not its content.
 */
export function parseCsvRing(text: string, file: string): Point[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, { delimiter: [',', ';', '\t'], trim: true, skip_empty_lines: true, relax_column_count: true, bom: true, info: true }) as unknown as typeof records;
  } catch (e) {
    const err = e as Error & { lines?: number; code?: string };
    throw new InputError(`not a valid CSV (${err.code ?? 'parse error'})`, file, err.lines);
  }
  const pts: Point[] = [];
  records.forEach(({ record, info }, k) => {
    const x = Number(record[0]), y = Number(record[1]);
    if (record.length < 2 || record[0] === '' || record[1] === '' || !Number.isFinite(x) || !Number.isFinite(y)) {
      if (k === 0) return; // header
      throw new InputError('expected numbers x,y in the first two columns', file, info.lines);
    }
    pts.push([x, y]);
  });
  if (pts.length < 3) throw new InputError('a polygon needs at least 3 vertices', file);
  return pts;
}

function ringsOf(geom: { type?: string; coordinates?: unknown }, file: string, where: string): Point[][][] {
  const ok = (r: unknown): r is Point[] => Array.isArray(r) && r.length >= 3 && r.every((p) => Array.isArray(p) && p.length >= 2 && Number.isFinite(p[0]) && Number.isFinite(p[1]));
  const poly = (c: unknown): Point[][] => {
    if (!Array.isArray(c) || !c.every(ok)) throw new InputError(`${where}: bad polygon coordinates`, file);
    return (c as Point[][]).map((r) => r.map((p) => [p[0], p[1]] as Point));
  };
  if (geom?.type === 'Polygon') return [poly(geom.coordinates)];
  if (geom?.type === 'MultiPolygon') {
    if (!Array.isArray(geom.coordinates)) throw new InputError(`${where}: bad multipolygon`, file);
    return geom.coordinates.map(poly);
  }
  throw new InputError(`${where}: geometry must be a Polygon or MultiPolygon, got ${geom?.type}`, file);
}

/** Polygons of a GeoJSON FeatureCollection, Feature or geometry. */
export function polygonsFromGeoJson(doc: unknown, file: string): Poly[] {
  const d = doc as { type?: string; features?: unknown[]; geometry?: unknown; properties?: Record<string, unknown> };
  const out: Poly[] = [];
  if (d?.type === 'FeatureCollection' && Array.isArray(d.features)) {
    d.features.forEach((f, i) => {
      const ft = f as { geometry?: { type?: string; coordinates?: unknown }; properties?: Record<string, unknown> };
      for (const rings of ringsOf(ft.geometry ?? {}, file, `features[${i}]`)) out.push({ rings, props: ft.properties ?? {} });
    });
  } else if (d?.type === 'Feature') {
    for (const rings of ringsOf((d.geometry ?? {}) as { type?: string }, file, 'feature')) out.push({ rings, props: d.properties ?? {} });
  } else for (const rings of ringsOf(d as { type?: string }, file, 'geometry')) out.push({ rings });
  return out;
}

/** Load a polygon source of the scenario; file paths are relative to baseDir. */
export async function loadPolygons(src: PolygonSource, baseDir: string): Promise<Poly[]> {
  if ('ring' in src) return [{ rings: [src.ring as Point[]] }];
  if ('geojson' in src) {
    const path = resolve(baseDir, src.geojson);
    return polygonsFromGeoJson(parseJsonText(await readText(path), path), path);
  }
  const paths = Array.isArray(src.csv) ? src.csv : [src.csv];
  const out: Poly[] = [];
  for (const p of paths) for (const f of await expandGlob(resolve(baseDir, p))) out.push({ rings: [parseCsvRing(await readText(f), f)] });
  return out;
}

/**
 * Cells whose centres are inside the polygon (even-odd over all rings, so holes work), by
 * scanline: for each row the crossings of the centre line with the edges, sorted.
 */
export function rasterisePolygon(frame: GridFrame, poly: Poly, visit: (cell: number) => void): void {
  const { cols, rows, cellSize: d, xll, yll } = frame;
  const top = yll + rows * d;
  let ymin = Infinity, ymax = -Infinity;
  for (const ring of poly.rings) for (const p of ring) {
    if (p[1] < ymin) ymin = p[1];
    if (p[1] > ymax) ymax = p[1];
  }
  const r0 = Math.max(0, Math.floor((top - ymax) / d - 0.5));
  const r1 = Math.min(rows - 1, Math.ceil((top - ymin) / d - 0.5));
  const xs: number[] = [];
  for (let r = r0; r <= r1; r++) {
    const y = top - (r + 0.5) * d;
    xs.length = 0;
    for (const ring of poly.rings) {
      const n = ring.length;
      for (let k = 0; k < n; k++) {
        const a = ring[k]!, b = ring[(k + 1) % n]!;
        if ((a[1] > y) !== (b[1] > y)) xs.push(a[0] + ((y - a[1]) / (b[1] - a[1])) * (b[0] - a[0]));
      }
    }
    xs.sort((p, q) => p - q);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const c0 = Math.max(0, Math.ceil((xs[k]! - xll) / d - 0.5));
      const c1 = Math.min(cols - 1, Math.floor((xs[k + 1]! - xll) / d - 0.5));
      for (let c = c0; c <= c1; c++) visit(r * cols + c);
    }
  }
}

/** Cells a polyline passes through, sampled every quarter cell; a diagonal move also takes the corner cell so water cannot slip between two cells that touch only at a corner. */
export function rasteriseLine(frame: GridFrame, line: Point[], visit: (cell: number) => void): void {
  const { cols, rows, cellSize: d, xll, yll } = frame;
  const top = yll + rows * d;
  let prev = -1;
  let prevR = -1, prevC = -1;
  for (let k = 0; k + 1 < line.length; k++) {
    const a = line[k]!, b = line[k + 1]!;
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    const steps = Math.max(1, Math.ceil(len / (d / 4)));
    for (let s = 0; s <= steps; s++) {
      const x = a[0] + ((b[0] - a[0]) * s) / steps, y = a[1] + ((b[1] - a[1]) * s) / steps;
      const c = Math.floor((x - xll) / d), r = Math.floor((top - y) / d);
      if (c < 0 || c >= cols || r < 0 || r >= rows) continue;
      const cell = r * cols + c;
      if (cell === prev) continue;
      if (prevR >= 0 && r !== prevR && c !== prevC) visit(prevR * cols + c);
      visit(cell);
      prev = cell;
      prevR = r;
      prevC = c;
    }
  }
}

/** Cells whose centres lie within `radius` of (x, y); at least the cell containing the point. */
export function cellsInCircle(frame: GridFrame, x: number, y: number, radius: number): number[] {
  const { cols, rows, cellSize: d, xll, yll } = frame;
  const top = yll + rows * d;
  const out: number[] = [];
  const c0 = Math.max(0, Math.floor((x - radius - xll) / d)), c1 = Math.min(cols - 1, Math.floor((x + radius - xll) / d));
  const r0 = Math.max(0, Math.floor((top - y - radius) / d)), r1 = Math.min(rows - 1, Math.floor((top - y + radius) / d));
  for (let r = r0; r <= r1; r++)
    for (let c = c0; c <= c1; c++) {
      const cx = xll + (c + 0.5) * d, cy = top - (r + 0.5) * d;
      if ((cx - x) ** 2 + (cy - y) ** 2 <= radius * radius) out.push(r * cols + c);
    }
  if (!out.length) {
    const c = Math.floor((x - xll) / d), r = Math.floor((top - y) / d);
    if (c >= 0 && c < cols && r >= 0 && r < rows) out.push(r * cols + c);
  }
  return out;
}
