// Rasters in and out: ESRI ASCII grid and GeoTIFF (via geotiff). Row 0 is the north row;
// (xll, yll) is the lower-left corner of the lower-left cell, as in the ASCII grid header.
import { readFile } from 'node:fs/promises';
import { fromArrayBuffer, writeArrayBuffer } from 'geotiff';

export interface Raster {
  cols: number;
  rows: number;
  cellSize: number;
  xll: number;
  yll: number;
  /** row-major, row 0 north; NaN = no data */
  data: Float32Array;
  /** EPSG code when known (GeoTIFF output) */
  epsg?: number;
}

/** An input error that names the file and, when known, the line. */
export class InputError extends Error {
  constructor(message: string, readonly file?: string, readonly line?: number) {
    super(file ? `${file}${line ? `:${line}` : ''}: ${message}` : message);
  }
}

const HEADER_KEYS = ['ncols', 'nrows', 'xllcorner', 'yllcorner', 'xllcenter', 'yllcenter', 'cellsize', 'nodata_value'];

/** The largest DEM read (400 MB as float32): a header asking for more is refused before allocating. */
export const MAX_RASTER_CELLS = 100_000_000;

/** Parse an ESRI ASCII grid; errors name the line. */
export function parseAscii(text: string, file = '<ascii grid>'): Raster {
  const h: Record<string, number> = {};
  let pos = 0;
  let line = 0;
  // header: "key value" lines until the first line that starts with a number
  for (;;) {
    const end = text.indexOf('\n', pos);
    const raw = text.slice(pos, end < 0 ? text.length : end).trim();
    const m = /^([A-Za-z_]+)\s+(\S+)$/.exec(raw);
    if (!m) break;
    line++;
    const key = m[1]!.toLowerCase();
    if (!HEADER_KEYS.includes(key)) throw new InputError(`unknown header key "${m[1]}"`, file, line);
    const v = Number(m[2]);
    if (!Number.isFinite(v)) throw new InputError(`header ${m[1]} is not a number: "${m[2]}"`, file, line);
    h[key] = v;
    pos = end < 0 ? text.length : end + 1;
  }
  for (const k of ['ncols', 'nrows', 'cellsize']) if (h[k] === undefined) throw new InputError(`missing header ${k}`, file, line + 1);
  const cols = h.ncols!, rows = h.nrows!, cellSize = h.cellsize!;
  if (!Number.isInteger(cols) || cols < 1 || !Number.isInteger(rows) || rows < 1) throw new InputError('ncols and nrows must be positive integers', file, 1);
  if (!(cellSize > 0)) throw new InputError('cellsize must be positive', file);
  let xll: number | undefined = h.xllcorner, yll: number | undefined = h.yllcorner;
  if (xll === undefined) xll = h.xllcenter !== undefined ? h.xllcenter - cellSize / 2 : undefined;
  if (yll === undefined) yll = h.yllcenter !== undefined ? h.yllcenter - cellSize / 2 : undefined;
  if (xll === undefined || yll === undefined) throw new InputError('missing header xllcorner/yllcorner', file, line + 1);
  const nodata = h.nodata_value ?? -9999;
  // a large header that declares more values than the text can hold is refused before the grid
  // is allocated (ncols 2000000000 would otherwise ask for gigabytes): each value takes at least 2
  // characters. A small short grid reads on, to name the line where its values end.
  const room = Math.ceil((text.length - pos) / 2);
  if (cols * rows > room && cols * rows > 1_000_000) throw new InputError(`the header declares ncols x nrows = ${cols * rows} values, the file has room for at most ${room}`, file, 1);
  if (cols * rows > MAX_RASTER_CELLS) throw new InputError(`ncols x nrows = ${cols * rows} is over the ${MAX_RASTER_CELLS} cells a DEM may have`, file, 1);
  const data = new Float32Array(cols * rows);
  let k = 0;
  const n = cols * rows;
  while (pos < text.length) {
    const end0 = text.indexOf('\n', pos);
    const end = end0 < 0 ? text.length : end0;
    line++;
    const s = text.slice(pos, end);
    pos = end + 1;
    const tokens = s.trim();
    if (!tokens) continue;
    for (const tok of tokens.split(/\s+/)) {
      const v = Number(tok);
      if (!Number.isFinite(v)) throw new InputError(`not a number: "${tok.slice(0, 20)}"`, file, line);
      if (k >= n) throw new InputError(`more than ncols x nrows = ${n} values`, file, line);
      data[k++] = v === nodata ? NaN : v;
    }
  }
  if (k < n) throw new InputError(`only ${k} of ncols x nrows = ${n} values`, file, line);
  return { cols, rows, cellSize, xll, yll, data };
}

export async function readAscii(path: string): Promise<Raster> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read: ${(e as Error).message}`, path);
  }
  return parseAscii(text, path);
}

export function formatAscii(r: Raster, decimals = 4, nodata = -9999): string {
  const out: string[] = [
    `ncols         ${r.cols}`,
    `nrows         ${r.rows}`,
    `xllcorner     ${r.xll}`,
    `yllcorner     ${r.yll}`,
    `cellsize      ${r.cellSize}`,
    `NODATA_value  ${nodata}`,
  ];
  for (let row = 0; row < r.rows; row++) {
    const vals: string[] = new Array(r.cols);
    for (let c = 0; c < r.cols; c++) {
      const v = r.data[row * r.cols + c]!;
      vals[c] = Number.isNaN(v) ? String(nodata) : String(Number(v.toFixed(decimals)));
    }
    out.push(vals.join(' '));
  }
  return out.join('\n') + '\n';
}

export async function readGeoTiff(path: string): Promise<Raster> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    throw new InputError(`cannot read: ${(e as Error).message}`, path);
  }
  return parseGeoTiff(buf, path);
}

/** A single-band north-up GeoTIFF from its bytes (a file, or a run's stored result). */
export async function parseGeoTiff(buf: Uint8Array, name: string): Promise<Raster> {
  try {
    const tiff = await fromArrayBuffer(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
    const img = await tiff.getImage();
    const cols = img.getWidth(), rows = img.getHeight();
    // before any pixel is read: a header naming 65535 x 65535 cells must not allocate 17 GB
    if (cols * rows > MAX_RASTER_CELLS) throw new InputError(`${cols} x ${rows} cells is over the ${MAX_RASTER_CELLS} a DEM may have`, name);
    const [rx, ry] = img.getResolution();
    const [ox, oy] = img.getOrigin();
    if (Math.abs(Math.abs(rx!) - Math.abs(ry!)) > 1e-6 * Math.abs(rx!)) throw new Error(`cells are not square (${rx} x ${ry})`);
    const band = (await img.readRasters({ samples: [0] }))[0] as ArrayLike<number>;
    const nd = img.getGDALNoData();
    const data = new Float32Array(cols * rows);
    for (let i = 0; i < data.length; i++) {
      const v = band[i]!;
      data[i] = nd !== null && v === nd ? NaN : v;
    }
    const cellSize = Math.abs(rx!);
    const geoKeys = img.getGeoKeys() as Record<string, number> | null;
    const epsg = geoKeys?.ProjectedCSTypeGeoKey ?? geoKeys?.GeographicTypeGeoKey;
    // origin is the top-left corner when ry < 0 (north-up)
    if (ry! > 0) throw new Error('south-up GeoTIFFs are not supported');
    return { cols, rows, cellSize, xll: ox!, yll: oy! - rows * cellSize, data, epsg: epsg && epsg !== 32767 ? epsg : undefined };
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`not a readable GeoTIFF: ${(e as Error).message}`, name);
  }
}

/** A single-band Float32 GeoTIFF, NaN written as the GDAL no-data value -9999. */
export function encodeGeoTiff(r: Raster): ArrayBuffer {
  const values = new Float32Array(r.data.length);
  for (let i = 0; i < values.length; i++) values[i] = Number.isNaN(r.data[i]!) ? -9999 : r.data[i]!;
  const meta: Record<string, unknown> = {
    width: r.cols,
    height: r.rows,
    BitsPerSample: [32],
    SampleFormat: [3],
    ModelPixelScale: [r.cellSize, r.cellSize, 0],
    ModelTiepoint: [0, 0, 0, r.xll, r.yll + r.rows * r.cellSize, 0],
    GDAL_NODATA: '-9999',
    GTModelTypeGeoKey: 1,
    GTRasterTypeGeoKey: 1,
  };
  // projected (or local) coordinates: a known EPSG code, else "user-defined" so readers do not assume degrees
  meta.ProjectedCSTypeGeoKey = r.epsg ?? 32767;
  return writeArrayBuffer(values, meta as Parameters<typeof writeArrayBuffer>[1]);
}

/** The raster's value at map coordinates (x, y), NaN outside. */
export function cellAt(r: { cols: number; rows: number; cellSize: number; xll: number; yll: number }, x: number, y: number): number {
  const c = Math.floor((x - r.xll) / r.cellSize);
  const row = Math.floor((r.yll + r.rows * r.cellSize - y) / r.cellSize);
  if (c < 0 || c >= r.cols || row < 0 || row >= r.rows) return -1;
  return row * r.cols + c;
}

/**
 * Resample to another cell size over the same extent (rounded down to whole cells): the mean
 * of the source cells whose centres fall in each target cell when coarsening, the containing
 * source cell when refining. NaN when no valid source cell.
 */
/** The grid `resample` makes (known before any cell is read: a run's grid at its start). */
export function resampledFrame(src: Omit<Raster, 'data'>, cellSize: number | undefined): Omit<Raster, 'data' | 'epsg'> {
  if (!cellSize || Math.abs(cellSize - src.cellSize) < 1e-9 * src.cellSize) return { cols: src.cols, rows: src.rows, cellSize: src.cellSize, xll: src.xll, yll: src.yll };
  const cols = Math.max(1, Math.floor((src.cols * src.cellSize) / cellSize + 1e-9)), rows = Math.max(1, Math.floor((src.rows * src.cellSize) / cellSize + 1e-9));
  return { cols, rows, cellSize, xll: src.xll, yll: src.yll + src.rows * src.cellSize - rows * cellSize };
}

export function resample(src: Raster, cellSize: number): Raster {
  if (Math.abs(cellSize - src.cellSize) < 1e-9 * src.cellSize) return src;
  const { cols, rows } = resampledFrame(src, cellSize);
  const data = new Float32Array(cols * rows);
  const top = src.yll + src.rows * src.cellSize;
  if (cellSize > src.cellSize) {
    const sum = new Float64Array(cols * rows), cnt = new Uint32Array(cols * rows);
    for (let r = 0; r < src.rows; r++) {
      const tr = Math.floor(((r + 0.5) * src.cellSize) / cellSize);
      if (tr >= rows) continue;
      for (let c = 0; c < src.cols; c++) {
        const tc = Math.floor(((c + 0.5) * src.cellSize) / cellSize);
        const v = src.data[r * src.cols + c]!;
        if (tc >= cols || Number.isNaN(v)) continue;
        sum[tr * cols + tc] += v;
        cnt[tr * cols + tc]++;
      }
    }
    for (let i = 0; i < data.length; i++) data[i] = cnt[i] ? sum[i]! / cnt[i]! : NaN;
  } else {
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) {
        const sr = Math.min(src.rows - 1, Math.floor(((r + 0.5) * cellSize) / src.cellSize));
        const sc = Math.min(src.cols - 1, Math.floor(((c + 0.5) * cellSize) / src.cellSize));
        data[r * cols + c] = src.data[sr * src.cols + sc]!;
      }
  }
  return { cols, rows, cellSize, xll: src.xll, yll: top - rows * cellSize, data, epsg: src.epsg };
}
