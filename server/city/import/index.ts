// Importing a city from files: detect each file's format and CRS, read and check every feature,
// then (only when the check found no error) build the city's stages and store it in one
// transaction. A failed, checked-only or cancelled import leaves the database as it was.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type {
  FileMapping, ImportCheck, ImportFileReport, ImportFormat, ImportOptions, ImportProblem, ImportRole, MappingFile,
} from '../../../models/cityImport';
import { fileMappingSchema } from '../../../models/cityImport';
import type { Db } from '../../db';
import { readGeoTiff, readAscii, type Raster } from '../../sim/raster';
import { cityCounts, listCities, loadCity, saveCity } from '../store';
import { buildCity } from './build';
import { readCityJson } from './cityjson';
import { emptyCollected, FeatureSink, type Collected, type ToLonLat } from './collect';
import { crsTransform, epsgFromPrj, gcj02ToWgs84, isGeographic } from './crs';
import { csvFeatures, detectFormat, geojsonFeatures, type RawFeature } from './read';
import { dropUnlistedTilesets, readTileset, stageTileset, type TilesetRead } from './tileset';
import type { TilesetRef } from '../../../models/tileset';

export interface ImportFile { path: string; name: string }
export interface ImportProgress { phase: 'parse' | 'build' | 'store' | 'done'; file?: string; features?: number; fileIndex?: number; files?: number }
export interface ImportControl {
  signal?: AbortSignal; onProgress?: (p: ImportProgress) => void; checkOnly?: boolean; reader?: Reader;
  /** DATA_DIR: imported 3D Tiles tilesets are stored under <dataDir>/tilesets/<city>/ */
  dataDir?: string;
}

const MAX_LISTED_PROBLEMS = 2000;

function roleOf(format: ImportFormat, g: RawFeature['geometry'], m: FileMapping): ImportRole {
  if (m.as) return m.as;
  if (format === 'cityjson') return 'buildings';
  if (format === 'geotiff' || format === 'ascii-grid') return 'terrain';
  if (format === 'csv') return 'components';
  const t = g?.type ?? '';
  if (/LineString/.test(t)) return 'roads';
  if (/Polygon/.test(t)) return m.gridCodeField ? 'grids' : 'buildings';
  return 'components';
}

/** What reading and checking the files found: no database needed, so it can run in a worker. */
export interface ReadResult {
  problems: ImportProblem[]; more: number; errors: number; warnings: number;
  collected: Collected; reports: ImportFileReport[]; raster: { raster: Raster; epsg: number } | null;
  tilesets: number; tilesetsRead: (TilesetRead & { name: string })[]; bounds: [number, number, number, number];
}
export type Reader = (files: ImportFile[], opts: ImportOptions, mapping: MappingFile, ctl: Pick<ImportControl, 'signal' | 'onProgress'>) => Promise<ReadResult>;

export async function readImportFiles(files: ImportFile[], opts: ImportOptions, mapping: MappingFile = {}, ctl: Pick<ImportControl, 'signal' | 'onProgress'> = {}): Promise<ReadResult> {
  const problems: ImportProblem[] = [];
  let more = 0, errors = 0, warnings = 0;
  const problem = (p: ImportProblem) => {
    if (p.severity === 'error') errors++; else warnings++;
    if (problems.length < MAX_LISTED_PROBLEMS) problems.push(p); else more++;
  };
  const collected = emptyCollected();
  const reports: ImportFileReport[] = [];
  let raster: { raster: Raster; epsg: number } | null = null;
  let tilesets = 0;
  const tilesetsRead: ReadResult['tilesetsRead'] = [];
  const allBounds: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const unite = (b: [number, number, number, number] | null) => {
    if (!b || !Number.isFinite(b[0])) return;
    allBounds[0] = Math.min(allBounds[0], b[0]); allBounds[1] = Math.min(allBounds[1], b[1]);
    allBounds[2] = Math.max(allBounds[2], b[2]); allBounds[3] = Math.max(allBounds[3], b[3]);
  };
  if (!files.length) problem({ file: '', severity: 'error', message: 'no files to import' });

  for (const [fi, f] of files.entries()) {
    if (ctl.signal?.aborted) throw new Error('cancelled');
    ctl.onProgress?.({ phase: 'parse', file: f.name, fileIndex: fi, files: files.length, features: 0 });
    // readers name the path they read: the user knows the file by its name (an upload's path is the server's)
    const fileErr = (message: string) => problem({ file: f.name, severity: 'error', message: message.split(f.path).join(f.name) });
    const parsed = fileMappingSchema.safeParse(mapping[f.name] ?? mapping['*'] ?? {});
    if (!parsed.success) { fileErr(`mapping: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`); continue; }
    const m = parsed.data;
    let format: ImportFormat, fileEpsg: number | null;
    try {
      ({ format, epsg: fileEpsg } = await detectFormat(f.path));
    } catch (e) { fileErr((e as Error).message); continue; }
    if (format === '3dtiles') {
      try {
        const t = readTileset(f.path);
        if (!t.bounds || t.groundM === null) problem({ file: f.name, severity: 'warning', message: 'no b3dm/glb geometry to place the tileset by: the city\'s ground and extent ignore it' });
        else { unite(t.bounds); collected.groundHints.push(t.groundM); collected.areas.push(t.bounds); }
        tilesets++;
        tilesetsRead.push({ ...t, name: f.name });
        reports.push({ file: f.name, format, role: 'tileset', crs: 4978, crsSource: 'file', features: t.contents, accepted: t.contents, bounds: t.bounds, fields: [] });
      } catch (e) { fileErr((e as Error).message); }
      continue;
    }
    // the CRS: the mapping's, else the file's own, else the import's --crs, else a format default
    let epsg: number | null = m.crs ?? fileEpsg ?? opts.crs ?? null;
    let crsSource: ImportFileReport['crsSource'] = m.crs ? 'option' : fileEpsg ? 'file' : opts.crs ? 'option' : 'missing';
    if (format === 'ascii-grid' && epsg === null) {
      const prj = f.path.replace(/\.[^.]+$/, '.prj');
      if (existsSync(prj)) { epsg = epsgFromPrj(readFileSync(prj, 'utf8')); if (epsg) crsSource = 'file'; }
    }
    if (epsg === null && format === 'geojson') { epsg = 4326; crsSource = 'default'; } // RFC 7946: WGS84
    let toLonLat: ToLonLat | null = null;
    if (epsg !== null) {
      try {
        const t = crsTransform(epsg);
        toLonLat = m.gcj02 ? (x, y) => { const p = t.toLonLat(x, y); return gcj02ToWgs84(p[0], p[1]); } : t.toLonLat;
      } catch (e) { fileErr((e as Error).message); continue; }
    }

    if (format === 'geotiff' || format === 'ascii-grid') {
      try {
        const r = format === 'geotiff' ? await readGeoTiff(f.path) : await readAscii(f.path);
        if (epsg === null && r.epsg) { epsg = r.epsg; crsSource = 'file'; }
        if (epsg === null) { fileErr('the DEM does not say its coordinate system: give its EPSG code (--crs EPSG:NNNN)'); continue; }
        crsTransform(epsg);
        if (raster) problem({ file: f.name, severity: 'warning', message: 'a second DEM: it replaces the first' });
        raster = { raster: r, epsg };
        const t = crsTransform(epsg);
        const a = t.toLonLat(r.xll, r.yll), b = t.toLonLat(r.xll + r.cols * r.cellSize, r.yll + r.rows * r.cellSize);
        if (![...a, ...b].every(Number.isFinite) || Math.abs(a[1]) > 90 || Math.abs(b[1]) > 90) { fileErr(`the DEM's corners are not places in EPSG:${epsg} (wrong CRS?)`); continue; }
        if (!isGeographic(epsg) && r.cellSize < 1e-3) { fileErr(`a cell of ${r.cellSize} in EPSG:${epsg} (metres) looks like degrees: wrong CRS?`); continue; }
        const bounds: [number, number, number, number] = [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1])];
        unite(bounds);
        reports.push({ file: f.name, format, role: 'terrain', crs: epsg, crsSource, features: r.cols * r.rows, accepted: r.cols * r.rows, bounds, fields: [] });
      } catch (e) { fileErr((e as Error).message); }
      continue;
    }
    if (!toLonLat) { fileErr('the file does not say its coordinate system: give its EPSG code (--crs EPSG:NNNN)'); continue; }

    if (format === 'cityjson') {
      try {
        const r = await readCityJson(f.path, f.name, toLonLat, collected, problem);
        unite(r.bounds);
        if (r.accepted === 0) fileErr('no buildings in the file');
        reports.push({ file: f.name, format, role: 'buildings', crs: epsg, crsSource, features: r.features, accepted: r.accepted, bounds: r.bounds, fields: [] });
      } catch (e) { fileErr((e as Error).message); }
      continue;
    }

    let sink: FeatureSink | null = null;
    try {
      const it = format === 'csv' ? csvFeatures(f.path, m.xField, m.yField, ctl.signal) : geojsonFeatures(f.path, ctl.signal);
      for await (const feat of it) {
        sink ??= new FeatureSink(f.name, roleOf(format, feat.geometry, m), m, collected, toLonLat, problem);
        sink.add(feat);
        if ((sink.features & 0xffff) === 0) ctl.onProgress?.({ phase: 'parse', file: f.name, fileIndex: fi, files: files.length, features: sink.features });
      }
    } catch (e) {
      if (ctl.signal?.aborted) throw new Error('cancelled');
      fileErr((e as Error).message.replace(/^Error: /, ''));
    }
    if (!sink || sink.features === 0) { fileErr('the collection is empty: no features'); continue; }
    const b = sink.bounds;
    unite(b);
    reports.push({
      file: f.name, format, role: sink.role, crs: epsg, crsSource, features: sink.features, accepted: sink.accepted,
      bounds: Number.isFinite(b[0]) ? [b[0], b[1], b[2], b[3]] : null, fields: [...sink.fields],
      ...(sink.classValues.size ? { classValues: Object.fromEntries(sink.classValues) } : {}),
      ...(sink.leftOut ? { leftOut: sink.leftOut } : {}),
    });
  }

  return { problems, more, errors, warnings, collected, reports, raster, tilesets, tilesetsRead, bounds: allBounds };
}

export async function importCity(db: Db, files: ImportFile[], opts: ImportOptions, mapping: MappingFile = {}, ctl: ImportControl = {}): Promise<ImportCheck> {
  const r = await (ctl.reader ?? readImportFiles)(files, opts, mapping, { signal: ctl.signal, onProgress: ctl.onProgress });
  const { problems, reports, collected, raster, tilesets, tilesetsRead } = r;
  let { more, errors, warnings } = r;
  const allBounds = r.bounds;
  const problem = (p: ImportProblem) => {
    if (p.severity === 'error') errors++; else warnings++;
    if (problems.length < MAX_LISTED_PROBLEMS) problems.push(p); else more++;
  };
  const summary = {
    city: opts.city, created: true, terrain: { cols: 0, rows: 0, cellSize: 0, source: 'flat' as 'dem' | 'flat' | 'kept' },
    buildings: 0, components: 0, unitGrids: 0, responsibilityGrids: 0, roads: 0, pronePoints: 0, tilesets, warnings, errors,
  };
  const check = (): ImportCheck => ({ ok: errors === 0, files: reports, problems, moreProblems: more, summary: { ...summary, warnings, errors } });
  if (tilesets && !ctl.dataDir && !ctl.checkOnly) problem({ file: '', severity: 'error', message: 'a 3D Tiles tileset is stored under DATA_DIR: this import has none' });
  if (errors > 0) return check(); // before loading the stored city: a refused file costs little

  // component codes given in the files: unique, and new to the city
  const existing = opts.replace ? null : (await listCities(db, opts.city)).length ? await loadCity(db, opts.city) : null;
  {
    const seen = new Set(existing?.components.codes ?? []);
    let dups = 0;
    for (const code of collected.components.code) if (code) { if (seen.has(code)) { if (dups++ < 5) problem({ file: '', severity: 'error', field: 'code', message: `component code ${code} is given twice (or is already in the city)` }); } else seen.add(code); }
    if (dups > 5) problem({ file: '', severity: 'error', field: 'code', message: `${dups - 5} more duplicate component codes` });
  }

  const bounds = Number.isFinite(allBounds[0]) ? allBounds : null;
  summary.created = !existing;
  if (errors > 0) return check();

  if (ctl.signal?.aborted) throw new Error('cancelled');
  ctl.onProgress?.({ phase: 'build' });
  let built;
  try {
    built = buildCity({ slug: opts.city, name: opts.name, adminCode: opts.adminCode, existing, collected, raster, bounds });
  } catch (e) {
    problem({ file: '', severity: 'error', message: (e as Error).message });
    return check();
  }
  for (const w of built.warnings) problem({ file: '', severity: 'warning', message: w });
  const d = built.city.dem;
  Object.assign(summary, cityCounts(built.city), { terrain: { cols: d.cols, rows: d.rows, cellSize: Math.round(d.cellSize * 1000) / 1000, source: built.terrainSource } });
  if (ctl.checkOnly) return check();
  if (ctl.signal?.aborted) throw new Error('cancelled');
  ctl.onProgress?.({ phase: 'store' });
  // tilesets: copied beside their final folder first, renamed into place once the city is stored
  const refs: TilesetRef[] = [...(existing?.meta.tilesets ?? [])];
  const staged: Awaited<ReturnType<typeof stageTileset>>[] = [];
  try {
    for (const t of tilesetsRead) {
      const id = randomUUID().replace(/-/g, '').slice(0, 12);
      staged.push(await stageTileset(t, ctl.dataDir!, opts.city, id));
      refs.push({ id, name: basename(t.name), entry: t.entry, bounds: t.bounds ?? allBounds, groundM: t.groundM ?? 0, ...(t.topM !== null ? { topM: t.topM } : {}) });
    }
    if (refs.length) built.city.meta.tilesets = refs;
    if (ctl.signal?.aborted) throw new Error('cancelled');
    await saveCity(db, built.city, { replace: true, afresh: opts.replace });
  } catch (e) {
    await Promise.all(staged.map((s) => s.abort()));
    throw e;
  }
  for (const s of staged) await s.commit();
  await dropUnlistedTilesets(ctl.dataDir, opts.city, refs);
  ctl.onProgress?.({ phase: 'done' });
  return check();
}
