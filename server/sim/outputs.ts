// Writing a run's results: rasters, probe CSV, summary JSON. Everything goes to a temporary
// directory first and is moved into place at the end, so a failed run leaves nothing half-written.
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { RunResult } from './runner';
import { encodeGeoTiff, formatAscii, type Raster } from './raster';

export function probesCsv(r: RunResult): string {
  const lines = ['probe,time_s,depth_m,stage_m'];
  for (const p of r.probes)
    for (let k = 0; k < p.time.length; k++) lines.push(`${p.name},${round(p.time[k]!, 3)},${round(p.depth[k]!, 5)},${round(p.stage[k]!, 5)}`);
  return lines.join('\n') + '\n';
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

export function rasterFiles(r: RunResult, epsg: number | undefined, asc: boolean): Record<string, string | ArrayBuffer> {
  const out: Record<string, string | ArrayBuffer> = {
    'max_depth.tif': encodeGeoTiff(asRaster(r, r.maxDepth, epsg)),
    'max_stage.tif': encodeGeoTiff(asRaster(r, r.maxStage, epsg)),
  };
  if (asc) {
    out['max_depth.asc'] = formatAscii(asRaster(r, r.maxDepth));
    out['max_stage.asc'] = formatAscii(asRaster(r, r.maxStage));
  }
  return out;
}
