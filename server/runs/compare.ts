// Two runs compared from their stored results (max_depth.tif, impact.json, summaries): the
// difference map and the impact difference table of models/runCompare.ts. A finished run's
// results never change, so a comparison is kept (a few, most recent) for the map and the table.
import type { CityData } from '../../models/city';
import { changeCounts, compareImpacts, COMPARE_NEUTRAL_M, depthDifference, differenceStats, quantiseDiff, type RunCompare } from '../../models/runCompare';
import { impactSchema, type RunRecord } from '../../models/runs';
import { InputError } from '../twin';
import { parseGeoTiff } from '../sim/raster';

export interface StoredRuns {
  get(id: string): Promise<RunRecord>;
  storedFile(id: string, name: string): Promise<Uint8Array>;
}

export interface Comparison {
  table: RunCompare;
  diff: Float32Array;
}

const centroid = (ring: number[]): [number, number] => {
  let x = 0, y = 0;
  const n = ring.length / 2;
  for (let k = 0; k < n; k++) { x += ring[2 * k]!; y += ring[2 * k + 1]!; }
  return n ? [Math.round((x / n) * 100) / 100, Math.round((y / n) * 100) / 100] : [0, 0];
};

async function maxDepth(runs: StoredRuns, run: RunRecord) {
  const r = await parseGeoTiff(await runs.storedFile(run.id, 'max_depth.tif'), `run ${run.id} max_depth.tif`);
  return { grid: { cols: r.cols, rows: r.rows, cellSize: r.cellSize, xll: r.xll, yll: r.yll }, data: r.data };
}

export async function compareRuns(runs: StoredRuns, aId: string, bId: string, city: (slug: string) => Promise<CityData>): Promise<Comparison> {
  const [a, b] = await Promise.all([runs.get(aId), runs.get(bId)]);
  if (a.city !== b.city) throw new InputError(`runs of two cities (${a.city}, ${b.city}) cannot be compared`, ['b']);
  const [ga, gb, ia, ib, c] = await Promise.all([
    maxDepth(runs, a), maxDepth(runs, b),
    runs.storedFile(a.id, 'impact.json'), runs.storedFile(b.id, 'impact.json'), city(a.city),
  ]);
  const impact = (bytes: Uint8Array) => impactSchema.parse(JSON.parse(Buffer.from(bytes).toString('utf8')));
  const A = impact(ia), B = impact(ib);
  const buildings = new Map(c.buildings.map((x) => [String(x.id), x.ring]));
  const grids = new Map(c.unitGrids.map((x) => [x.code, x.ring]));
  const place = (kind: 'building' | 'unitGrid', id: string) => centroid((kind === 'building' ? buildings.get(id) : grids.get(id)) ?? []);
  const diff = depthDifference(ga, gb);
  const rows = compareImpacts(A, B, place);
  const g = ga.grid, h = gb.grid;
  const area = (r: RunRecord) => r.summary?.floodedArea_m2 ?? { over15cm: 0, over20cm: 0, over27cm: 0 };
  const table: RunCompare = {
    a: a.id, b: b.id, grid: g, neutral_m: COMPARE_NEUTRAL_M,
    sameGrid: g.cols === h.cols && g.rows === h.rows && g.cellSize === h.cellSize && g.xll === h.xll && g.yll === h.yll,
    cells: differenceStats(diff, ga.data, g.cellSize * g.cellSize),
    area: { a: area(a), b: area(b) },
    roadsClosed: { a: A.counts.roadSegmentsClosed, b: B.counts.roadSegmentsClosed },
    counts: changeCounts(rows),
    rows,
  };
  return { table, diff };
}

/** The last few comparisons (the map and the table are asked for one after the other). */
export class CompareCache {
  private readonly kept = new Map<string, Promise<Comparison>>();
  constructor(private readonly runs: StoredRuns, private readonly city: (slug: string) => Promise<CityData>, private readonly size = 4) {}

  get(a: string, b: string): Promise<Comparison> {
    const key = `${a}|${b}`;
    let p = this.kept.get(key);
    if (p) {
      this.kept.delete(key);
    } else {
      p = compareRuns(this.runs, a, b, this.city);
      p.catch(() => this.kept.delete(key));
    }
    this.kept.set(key, p);
    while (this.kept.size > this.size) this.kept.delete(this.kept.keys().next().value!);
    return p;
  }

  async diffGrid(a: string, b: string) {
    const { table, diff } = await this.get(a, b);
    const q = quantiseDiff(diff);
    return { grid: table.grid, diffMm: Buffer.from(q.buffer, q.byteOffset, q.byteLength).toString('base64') };
  }
}
