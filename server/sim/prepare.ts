// From a validated scenario to a problem on a grid: terrain loaded and resampled, buildings,
// barriers and roughness burnt in, forcing turned into functions of time, points located.
import { dirname, extname, resolve } from 'node:path';
import type { Scenario } from '../../models/scenario';
import type { CityData } from '../../models/city';
import { BEIJING, chicagoHyetograph, type StormFormula } from '../../models/storm';
import { drainageField } from './drainage';
import { G, OPEN_E, OPEN_N, OPEN_S, OPEN_W } from './kernel';
import { cellsInCircle, loadPolygons, rasteriseLine, rasterisePolygon, type GridFrame, type Poly } from './geometry';
import { InputError, readAscii, readGeoTiff, resample, resampledFrame, type Raster } from './raster';

export interface Located {
  name: string;
  x: number;
  y: number;
  cell: number;
}

export interface Problem extends GridFrame {
  name: string;
  epsg?: number;
  /** bed elevation with buildings and barriers, NaN outside the domain */
  z: Float32Array;
  /** the terrain before buildings and barriers (for stage output) */
  ground: Float32Array;
  h0: Float32Array;
  /** Manning n per cell */
  n: Float32Array;
  activeCells: number;
  open: number;
  theta: number;
  alpha: number;
  hMin: number;
  maxDt: number;
  openSlope: number;
  duration: number;
  outputInterval: number;
  /** rain depth (m) between two times */
  rain: (t0: number, t1: number) => number;
  /** drainage capacity (m) between two times taken from every active cell (the smallest of any cell) */
  drainage: (t0: number, t1: number) => number;
  /** cells that drain more than `drainage` gives, and the extra rate (m/s) of each (drainage zones) */
  drainageExtra?: { cells: Int32Array; rate: Float64Array };
  /** infiltration capacity (m) between two times */
  infiltration: (t0: number, t1: number) => number;
  rainTotal: number;
  inflows: { name: string; cells: Int32Array; volume: (t0: number, t1: number) => number }[];
  pumps: (Located & { capacity: number; start: number; stop: number })[];
  probes: Located[];
  /** what the scenario's city is, for impact */
  city?: { preset: 'default' | 'huaibei'; seed?: number };
}

/** Bed elevations are rounded to 2^-10 m (under a millimetre): water levels given the same way
 *  then give depths whose sum with the bed is exact in float32, so a lake at rest stays exactly still. */
const QUANTUM = 1 / 1024;
export const quantise = (v: number) => Math.round(v / QUANTUM) * QUANTUM;

/** Piecewise-constant rate table (m/s) from time breaks: cumulative depth by exact integration. */
export function stepIntegral(times: number[], rates: number[]): (t0: number, t1: number) => number {
  // cum[k] = depth up to times[k]; rate[k] holds on [times[k], times[k+1]), zero after the last break
  const cum = [0];
  for (let k = 1; k < times.length; k++) cum.push(cum[k - 1]! + rates[k - 1]! * (times[k]! - times[k - 1]!));
  const at = (t: number) => {
    if (t <= times[0]!) return 0;
    let lo = 0, hi = times.length - 1;
    if (t >= times[hi]!) return cum[hi]! + (rates[hi] ?? 0) * (t - times[hi]!);
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (times[mid]! <= t) lo = mid;
      else hi = mid;
    }
    return cum[lo]! + rates[lo]! * (t - times[lo]!);
  };
  return (t0, t1) => at(t1) - at(t0);
}

/** Piecewise-linear hydrograph (held after the last point, zero before the first): volume between two times. */
export function linearIntegral(times: number[], flows: number[]): (t0: number, t1: number) => number {
  const cum = [0];
  for (let k = 1; k < times.length; k++) cum.push(cum[k - 1]! + 0.5 * (flows[k]! + flows[k - 1]!) * (times[k]! - times[k - 1]!));
  const last = times.length - 1;
  const at = (t: number) => {
    if (t <= times[0]!) return 0;
    if (t >= times[last]!) return cum[last]! + flows[last]! * (t - times[last]!);
    let lo = 0, hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (times[mid]! <= t) lo = mid;
      else hi = mid;
    }
    const dt = t - times[lo]!;
    const slope = (flows[lo + 1]! - flows[lo]!) / (times[lo + 1]! - times[lo]!);
    return cum[lo]! + flows[lo]! * dt + 0.5 * slope * dt * dt;
  };
  return (t0, t1) => at(t1) - at(t0);
}

const formulaOf = (f: 'beijing' | StormFormula): StormFormula => (f === 'beijing' ? BEIJING : f);

/** Options for prepare(): `city` is a stored city (the server's, in memory) that a "city"
 *  terrain means instead of generating one by preset, as the CLI does. */
export interface PrepareOptions {
  city?: CityData;
}

async function loadTerrain(s: Scenario, baseDir: string, opts: PrepareOptions): Promise<Raster> {
  const t = s.terrain;
  if (t.source === 'file') {
    const path = resolve(baseDir, t.path);
    const ext = extname(path).toLowerCase();
    if (ext === '.asc' || ext === '.txt') return readAscii(path);
    if (ext === '.tif' || ext === '.tiff') return readGeoTiff(path);
    throw new InputError('terrain.path: unknown DEM format (use .asc or .tif)', path);
  }
  if (t.source === 'synthetic') return syntheticTerrain(t);
  if (opts.city) return demRaster(opts.city);
  const city = await loadCity(t.preset, t.seed);
  return city.dem;
}

/** A deterministic generated terrain for tests and benchmarks. */
export function syntheticTerrain(t: Extract<Scenario['terrain'], { source: 'synthetic' }>): Raster {
  const { cols, rows, cellSize: d } = t;
  const data = new Float32Array(cols * rows);
  const W = cols * d, H = rows * d;
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const x = (c + 0.5) * d, y = H - (r + 0.5) * d;
      let z = t.base;
      if (t.shape === 'plane') z += t.slopeX * x + t.slopeY * y;
      else if (t.shape === 'bowl') {
        const rr = ((x - W / 2) ** 2 + (y - H / 2) ** 2) / ((Math.min(W, H) / 2) ** 2);
        z += t.bowlDepth * rr;
      } else if (t.shape === 'urban') {
        // a valley floor falling gently to the south-east with hills around: enough relief for
        // water to gather in low streets, like an urban catchment
        const u = x / W, v = y / H;
        z += t.relief * (0.5 * u + 0.3 * v + 0.25 * Math.sin(6.1 * u + 1.3) * Math.cos(4.7 * v + 0.4) + 0.1 * Math.sin(17.3 * u) * Math.sin(13.1 * v));
      }
      data[r * cols + c] = z;
    }
  return { cols, rows, cellSize: d, xll: 0, yll: 0, data };
}

const cityCache = new Map<string, Promise<CityData>>();

/** The sample city (server/city/generate), generated once per preset and seed in this process. */
export function getCity(preset: 'default' | 'huaibei', seed?: number): Promise<CityData> {
  const key = `${preset}:${seed ?? ''}`;
  let c = cityCache.get(key);
  if (!c) {
    c = import('../city/generate').then((m) => m.generateCity({ preset, seed }));
    cityCache.set(key, c);
  }
  return c;
}

/** The city's DEM as a raster (its x0/y0 are the west and north edges in local metres). */
export async function loadCity(preset: 'default' | 'huaibei', seed?: number): Promise<{ dem: Raster; city: CityData }> {
  const city = await getCity(preset, seed);
  return { dem: demRaster(city), city };
}

/** A city's DEM as a raster (a copy: resampling and burning in must not touch the city). */
export function demRaster(city: CityData): Raster {
  return { ...demFrame(city), data: Float32Array.from(city.dem.heights) };
}

function demFrame(city: CityData) {
  const d = city.dem;
  return { cols: d.cols, rows: d.rows, cellSize: d.cellSize, xll: d.x0, yll: d.y0 - d.rows * d.cellSize };
}

/** The grid a run on the stored city computes on, known before anything is prepared (a viewer
 *  can watch the run from its start). */
export function cityRunGrid(city: CityData, cellSize: number | undefined) {
  return resampledFrame(demFrame(city), cellSize);
}

export async function prepare(s: Scenario, scenarioPath: string, opts: PrepareOptions = {}): Promise<Problem> {
  const baseDir = dirname(resolve(scenarioPath));
  let dem = await loadTerrain(s, baseDir, opts);
  if (s.cellSize) dem = resample(dem, s.cellSize);
  const frame: GridFrame = { cols: dem.cols, rows: dem.rows, cellSize: dem.cellSize, xll: dem.xll, yll: dem.yll };
  const N = dem.cols * dem.rows;
  const ground = new Float32Array(N);
  for (let i = 0; i < N; i++) ground[i] = Number.isNaN(dem.data[i]!) ? NaN : quantise(dem.data[i]!);
  const z = Float32Array.from(ground);

  // buildings
  if (s.buildings) {
    const b = s.buildings;
    let polys: Poly[];
    if (b.from === 'city') polys = opts.city && s.terrain.source === 'city' ? cityBuildingPolys(opts.city.buildings) : await cityBuildings(s);
    else polys = await loadPolygons(b.from, baseDir);
    const raised = new Uint8Array(N);
    for (const p of polys) {
      const hp = b.heightProperty ? Number(p.props?.[b.heightProperty]) : b.from === 'city' ? Number(p.props?.height) : NaN;
      const height = quantise(Number.isFinite(hp) && hp > 0 ? hp : b.height);
      rasterisePolygon(frame, p, (cell) => {
        if (raised[cell]) return; // overlapping footprints raise once
        raised[cell] = 1;
        z[cell] = b.mode === 'solid' ? NaN : z[cell]! + height;
      });
    }
  }
  // barriers: the cells under the line rise to the crest
  s.barriers.forEach((b) => {
    rasteriseLine(frame, b.line, (cell) => {
      const crest = quantise(b.crestElevation ?? ground[cell]! + b.height!);
      if (z[cell]! < crest) z[cell] = crest;
    });
  });
  // roughness
  const n = new Float32Array(N).fill(s.roughness.defaultN);
  for (const zone of s.roughness.zones) for (const p of await loadPolygons(zone.polygon, baseDir)) rasterisePolygon(frame, p, (cell) => (n[cell] = zone.n));

  // initial water: cells below a level start wet up to it
  const h0 = new Float32Array(N);
  const fillTo = (level: number) => (cell: number) => {
    const d = level - z[cell]!;
    if (d > h0[cell]!) h0[cell] = d;
  };
  for (const w of s.initialWater) {
    const fill = fillTo(quantise(w.level));
    if (w.polygon) for (const p of await loadPolygons(w.polygon, baseDir)) rasterisePolygon(frame, p, fill);
    else for (let i = 0; i < N; i++) fill(i);
  }
  if (s.terrain.source === 'city' && s.terrain.fillWater) {
    const city = opts.city ?? (await loadCity(s.terrain.preset, s.terrain.seed)).city;
    const fill = fillTo(quantise(city.water.levelM));
    for (const ring of city.water.polygons) {
      const points = Array.from({ length: ring.length / 2 }, (_, k) => [ring[2 * k]!, ring[2 * k + 1]!] as [number, number]);
      rasterisePolygon(frame, { rings: [points] } as Poly, fill);
    }
  }
  let activeCells = 0;
  for (let i = 0; i < N; i++) if (z[i] === z[i]) activeCells++;
  if (!activeCells) throw new InputError('terrain: no valid cell in the domain');

  const locate = (path: string, name: string, at: [number, number]): Located => {
    const c = Math.floor((at[0] - frame.xll) / frame.cellSize), r = Math.floor((frame.yll + frame.rows * frame.cellSize - at[1]) / frame.cellSize);
    if (c < 0 || c >= frame.cols || r < 0 || r >= frame.rows) throw new InputError(`${path}: (${at[0]}, ${at[1]}) is outside the terrain`);
    return { name, x: at[0], y: at[1], cell: r * frame.cols + c };
  };

  // rainfall (m/s blocks, integrated exactly)
  let rain: Problem['rain'] = () => 0;
  let rainTotal = 0;
  if (s.rainfall?.type === 'design') {
    const f = s.rainfall;
    const blocks = chicagoHyetograph(formulaOf(f.formula), f.returnPeriodYears, f.durationMin, f.peakCoefficient, f.stepMin);
    const times = [...blocks.map((b) => b.start + f.start), blocks[blocks.length - 1]!.end + f.start];
    const rates = [...blocks.map((b) => b.depthMm / 1000 / (b.end - b.start)), 0];
    rain = stepIntegral(times, rates);
  } else if (s.rainfall?.type === 'table') {
    const tb = s.rainfall.table;
    rain = stepIntegral(tb.map((p) => p.time), tb.map((p) => p.rainMmPerH / 3.6e6));
  }
  rainTotal = rain(0, s.duration);

  // sinks: drainage per cell (a uniform part in the kernel, the rest per cell in the runner)
  const field = await drainageField(s, frame, z, baseDir);
  const drainage: Problem['drainage'] = (t0, t1) => field.uniform * (t1 - t0);
  let infiltration: Problem['infiltration'] = () => 0;
  const inf = s.infiltration;
  if (inf?.type === 'constant') infiltration = (t0, t1) => (inf.rateMmPerH / 3.6e6) * (t1 - t0);
  else if (inf?.type === 'horton') {
    const k = inf.kPerH / 3600, fc = inf.fcMmPerH / 3.6e6, f0 = inf.f0MmPerH / 3.6e6;
    infiltration = (t0, t1) => fc * (t1 - t0) + (k > 0 ? ((f0 - fc) / k) * (Math.exp(-k * t0) - Math.exp(-k * t1)) : (f0 - fc) * (t1 - t0));
  }

  const inflows = s.inflows.map((q, i) => {
    const name = q.name ?? `inflow${i + 1}`;
    locate(`inflows[${i}].at`, name, q.at);
    const cells = cellsInCircle(frame, q.at[0], q.at[1], q.radius).filter((c) => z[c] === z[c]);
    if (!cells.length) throw new InputError(`inflows[${i}].at: no active cell there (outside the domain or inside a solid building)`);
    return { name, cells: Int32Array.from(cells), volume: linearIntegral(q.hydrograph.map((p) => p.time), q.hydrograph.map((p) => p.flow)) };
  });
  const pumps = s.pumps.map((p, i) => ({
    ...locate(`pumps[${i}].at`, p.name ?? `pump${i + 1}`, p.at),
    capacity: p.capacity,
    start: p.startDepth,
    stop: p.stopDepth ?? p.startDepth / 2,
  }));
  const probes = s.probes.map((p, i) => locate(`probes[${i}].at`, p.name, p.at));

  const b = s.boundaries;
  const open = (b.north === 'open' ? OPEN_N : 0) | (b.south === 'open' ? OPEN_S : 0) | (b.east === 'open' ? OPEN_E : 0) | (b.west === 'open' ? OPEN_W : 0);
  void G;
  return {
    name: s.name, ...frame, epsg: dem.epsg, z, ground, h0, n, activeCells, open,
    theta: s.numerics.theta, alpha: s.numerics.alpha, hMin: s.numerics.hMin, maxDt: s.numerics.maxDt, openSlope: s.numerics.openSlope,
    duration: s.duration, outputInterval: s.outputInterval,
    rain, drainage, infiltration, rainTotal,
    drainageExtra: field.extraCells.length ? { cells: field.extraCells, rate: field.extraRate } : undefined, inflows, pumps, probes,
    city: s.city ?? (s.terrain.source === 'city' ? { preset: s.terrain.preset, seed: s.terrain.seed } : undefined),
  };
}

async function cityBuildings(s: Scenario): Promise<Poly[]> {
  const ref = s.terrain.source === 'city' ? { preset: s.terrain.preset, seed: s.terrain.seed } : s.city!;
  const { city } = await loadCity(ref.preset, ref.seed);
  return cityBuildingPolys(city.buildings);
}

/** The city's buildings as polygons (rings are flat x,y lists in local metres). */
export function cityBuildingPolys(bs: CityData['buildings']): Poly[] {
  return bs.map((b) => {
    const pts: [number, number][] = [];
    for (let k = 0; k + 1 < b.ring.length; k += 2) pts.push([b.ring[k]!, b.ring[k + 1]!]);
    return { rings: [pts], props: { height: b.heightM } };
  });
}
