// Writing a run's results: rasters, probe CSV, summary JSON. Everything goes to a temporary
// directory first and is moved into place at the end, so a failed run leaves nothing half-written.
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { RunResult } from './runner';
import { encodeGeoTiff, formatAscii, type Raster } from './raster';
import { csvTable, type CsvCell } from './csv';

export function probesCsv(r: RunResult): string {
  const rows: CsvCell[][] = [];
  for (const p of r.probes)
    for (let k = 0; k < p.time.length; k++) rows.push([p.name, round(p.time[k]!, 3), round(p.depth[k]!, 5), round(p.stage[k]!, 5)]);
  return csvTable(['probe', 'time_s', 'depth_m', 'stage_m'], rows);
}

export const round = (v: number, d: number) => (Number.isFinite(v) ? Number(v.toFixed(d)) : null);

export function asRaster(r: RunResult, data: Float32Array, epsg?: number): Raster {
  return { cols: r.cols, rows: r.rows, cellSize: r.cellSize, xll: r.xll, yll: r.yll, data, epsg };
}

export async function writeOutputs(outDir: string, files: Record<string, string | ArrayBuffer | Uint8Array>): Promise<void> {
  const target = resolve(outDir);
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const tmp = await mkdtemp(join(parent, '.twin-sim-'));
  try {
    for (const [name, data] of Object.entries(files)) await writeFile(join(tmp, name), typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer));
    await mkdir(target, { recursive: true });
    for (const name of await readdir(tmp)) await rename(join(tmp, name), join(target, name));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * The end-of-run rasters: maximum depth and stage, the time of the maximum, and when each cell
 * first went over 15, 20 and 27 cm (GB 51222 lane criterion, Beijing's yellow and red marks;
 * NaN = never), so a planner can map when each street went under, not only how deep.
 */
/** The result grids as GeoTIFF (and ASCII grid with `asc`); `only`: just these layers (a preview keeps max_depth). */
export function rasterFiles(r: RunResult, epsg: number | undefined, asc: boolean, only?: string[]): Record<string, string | ArrayBuffer> {
  const layers: Record<string, Float32Array> = {
    max_depth: r.maxDepth,
    max_stage: r.maxStage,
    time_of_max_s: r.timeOfMax,
    first_above_15cm_s: r.firstAbove['0.15'],
    first_above_20cm_s: r.firstAbove['0.2'],
    first_above_27cm_s: r.firstAbove['0.27'],
  };
  const out: Record<string, string | ArrayBuffer> = {};
  for (const [name, data] of Object.entries(layers)) {
    if (only && !only.includes(name)) continue;
    out[`${name}.tif`] = encodeGeoTiff(asRaster(r, data, epsg));
    if (asc) out[`${name}.asc`] = formatAscii(asRaster(r, data));
  }
  return out;
}
