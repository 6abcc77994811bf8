// Impact of a run on a city: which prone points, road segments, buildings, components and unit
// grids reach the flood thresholds, from when and how deep. Thresholds (STANDARDS.md):
// 0.15 m one-lane design limit (GB 51222-2017), 0.20 m Beijing yellow line (drive with care),
// 0.27 m Beijing red line (road closed). Lists are sorted by the time the first threshold is
// reached, so a duty officer reads them in the order things happen.
import type { CityData } from '../../models/city';
import { COMPONENT_CLASSES } from '../../models/components';
import { WATER_AT_START_M } from '../../models/floodDepth';
import { rasterisePolygon, type GridFrame } from './geometry';
import { getCity, type Problem } from './prepare';
import type { RunResult } from './runner';

export interface Exceedance {
  maxDepth_m: number;
  timeOfMax_s: number | null;
  /** first time at or above 0.15 / 0.20 / 0.27 m, null if never */
  over15cm_s: number | null;
  over20cm_s: number | null;
  over27cm_s: number | null;
}

export interface Impact {
  thresholds_m: [0.15, 0.2, 0.27];
  counts: { pronePoints: number; roadSegments: number; roadSegmentsClosed: number; buildings: number; components: number; unitGrids: number };
  pronePoints: ({ id: string; name: string; x: number; y: number } & Exceedance)[];
  roadSegments: ({ roadId: number; name: string; kind: string; segment: number; from: [number, number]; to: [number, number]; length_m: number } & Exceedance)[];
  buildings: ({ id: number; use: string; unitGrid: string } & Exceedance)[];
  components: ({ code: string; classCode: string; className: string; x: number; y: number; unitGrid: string } & Exceedance)[];
  unitGrids: ({ code: string; areaOver15cm_m2: number; areaOver20cm_m2: number; areaOver27cm_m2: number } & Exceedance)[];
}

const r3 = (v: number) => Math.round(v * 1000) / 1000;
const t1 = (v: number) => (Number.isFinite(v) ? Math.round(v * 10) / 10 : null);


/** Cells under water at the start (1), from the problem's starting depths when it has them. */
export function waterAtStart(frame: GridFrame & { h0?: Float32Array }): Uint8Array | null {
  const h0 = frame.h0;
  if (!h0) return null;
  const out = new Uint8Array(h0.length);
  for (let i = 0; i < h0.length; i++) out[i] = h0[i]! >= WATER_AT_START_M ? 1 : 0;
  return out;
}

/** Running maximum depth and earliest threshold times over a set of cells (cells of `skip` left out). */
class Acc {
  h = 0;
  tm = NaN;
  t15 = Infinity;
  t20 = Infinity;
  t27 = Infinity;
  constructor(private readonly skip: Uint8Array | null) {}
  add(r: RunResult, i: number) {
    if (i < 0 || this.skip?.[i]) return;
    const h = r.maxDepth[i]!;
    if (!(h === h)) return;
    if (h > this.h) {
      this.h = h;
      this.tm = r.timeOfMax[i]!;
    }
    const a = r.firstAbove['0.15'][i]!, b = r.firstAbove['0.2'][i]!, c = r.firstAbove['0.27'][i]!;
    if (a < this.t15) this.t15 = a;
    if (b < this.t20) this.t20 = b;
    if (c < this.t27) this.t27 = c;
  }
  out(): Exceedance {
    return { maxDepth_m: r3(this.h), timeOfMax_s: t1(this.tm), over15cm_s: t1(this.t15), over20cm_s: t1(this.t20), over27cm_s: t1(this.t27) };
  }
}

const byTime = <T extends Exceedance>(a: T, b: T) => (a.over15cm_s ?? Infinity) - (b.over15cm_s ?? Infinity) || b.maxDepth_m - a.maxDepth_m;

/**
 * What the storm floods: cells already under water at the start (the river under a bridge, a
 * pond) do not count, so a bridge is not "flooded" from the first second.
 */
export function impactOf(city: CityData, frame: GridFrame & { h0?: Float32Array }, r: RunResult): Impact {
  const { cols, rows, cellSize: d, xll, yll } = frame;
  const skip = waterAtStart(frame);
  const newAcc = () => new Acc(skip);
  const top = yll + rows * d;
  const cell = (x: number, y: number) => {
    const c = Math.floor((x - xll) / d), row = Math.floor((top - y) / d);
    return c < 0 || c >= cols || row < 0 || row >= rows ? -1 : row * cols + c;
  };
  const gridCode = (k: number) => city.unitGrids[k]?.code ?? '';

  const pronePoints = city.pronePoints.map((p) => {
    const a = newAcc();
    a.add(r, cell(p.x, p.y));
    return { id: p.id, name: p.name.zh, x: p.x, y: p.y, ...a.out() };
  });

  // roads: pieces of at most 100 m, sampled along the centreline and both edges of the carriageway
  const roadSegments: Impact['roadSegments'] = [];
  for (const road of city.roads) {
    let seg = 0;
    for (let k = 0; k + 3 < road.points.length; k += 2) {
      const ax = road.points[k]!, ay = road.points[k + 1]!, bx = road.points[k + 2]!, by = road.points[k + 3]!;
      const len = Math.hypot(bx - ax, by - ay);
      if (len === 0) continue;
      const pieces = Math.max(1, Math.ceil(len / 100));
      const nx = -(by - ay) / len, ny = (bx - ax) / len;
      for (let p = 0; p < pieces; p++) {
        const a = newAcc();
        const s0 = p / pieces, s1 = (p + 1) / pieces;
        const n = Math.max(2, Math.ceil(((s1 - s0) * len) / (d / 2)));
        for (let j = 0; j <= n; j++) {
          const s = s0 + ((s1 - s0) * j) / n;
          const x = ax + (bx - ax) * s, y = ay + (by - ay) * s;
          for (const off of [-0.4, 0, 0.4]) a.add(r, cell(x + nx * off * road.widthM, y + ny * off * road.widthM));
        }
        const e = a.out();
        if (e.over15cm_s !== null)
          roadSegments.push({
            roadId: road.id, name: road.name.zh, kind: road.kind, segment: seg,
            from: [r3(ax + (bx - ax) * s0), r3(ay + (by - ay) * s0)], to: [r3(ax + (bx - ax) * s1), r3(ay + (by - ay) * s1)],
            length_m: r3((s1 - s0) * len), ...e,
          });
        seg++;
      }
    }
  }

  // buildings: the water against their walls, sampled one cell outside the footprint
  const buildings: Impact['buildings'] = [];
  for (const b of city.buildings) {
    const a = newAcc();
    const n = b.ring.length / 2;
    for (let k = 0; k < n; k++) {
      const ax = b.ring[2 * k]!, ay = b.ring[2 * k + 1]!, bx = b.ring[(2 * k + 2) % b.ring.length]!, by = b.ring[(2 * k + 3) % b.ring.length]!;
      const len = Math.hypot(bx - ax, by - ay);
      if (len === 0) continue;
      // counter-clockwise ring: outside is to the right of each edge
      const ox = ((by - ay) / len) * d, oy = (-(bx - ax) / len) * d;
      const m = Math.max(1, Math.ceil(len / (d / 2)));
      for (let j = 0; j <= m; j++) a.add(r, cell(ax + ((bx - ax) * j) / m + ox, ay + ((by - ay) * j) / m + oy));
    }
    const e = a.out();
    if (e.over15cm_s !== null) buildings.push({ id: b.id, use: b.use, unitGrid: gridCode(b.unitGrid), ...e });
  }

  const comps: Impact['components'] = [];
  const cc = city.components;
  for (let k = 0; k < cc.count; k++) {
    const i = cell(cc.x[k]!, cc.y[k]!);
    if (i < 0 || skip?.[i]) continue;
    const t15 = r.firstAbove['0.15'][i]!;
    if (!(t15 === t15)) continue;
    const a = newAcc();
    a.add(r, i);
    const cls = COMPONENT_CLASSES[cc.classIndex[k]!];
    comps.push({ code: cc.codes[k]!, classCode: cls?.code ?? '', className: cls?.zh ?? '', x: r3(cc.x[k]!), y: r3(cc.y[k]!), unitGrid: gridCode(cc.unitGrid[k]!), ...a.out() });
  }

  const unitGrids: Impact['unitGrids'] = [];
  const area = d * d;
  for (const g of city.unitGrids) {
    const a = newAcc();
    let a15 = 0, a20 = 0, a27 = 0;
    const pts: [number, number][] = [];
    for (let k = 0; k + 1 < g.ring.length; k += 2) pts.push([g.ring[k]!, g.ring[k + 1]!]);
    rasterisePolygon(frame, { rings: [pts] }, (i) => {
      a.add(r, i);
      if (skip?.[i]) return;
      const h = r.maxDepth[i]!;
      if (h >= 0.15) a15 += area;
      if (h >= 0.2) a20 += area;
      if (h >= 0.27) a27 += area;
    });
    const e = a.out();
    if (e.over15cm_s !== null) unitGrids.push({ code: g.code, areaOver15cm_m2: a15, areaOver20cm_m2: a20, areaOver27cm_m2: a27, ...e });
  }

  roadSegments.sort(byTime);
  buildings.sort(byTime);
  comps.sort(byTime);
  unitGrids.sort(byTime);
  return {
    thresholds_m: [0.15, 0.2, 0.27],
    counts: {
      pronePoints: pronePoints.filter((p) => p.over15cm_s !== null).length,
      roadSegments: roadSegments.length,
      roadSegmentsClosed: roadSegments.filter((s) => s.over27cm_s !== null).length,
      buildings: buildings.length,
      components: comps.length,
      unitGrids: unitGrids.length,
    },
    pronePoints: pronePoints.sort(byTime),
    roadSegments,
    buildings,
    components: comps,
    unitGrids,
  };
}

export async function cityImpact(p: Problem, r: RunResult): Promise<Impact | undefined> {
  if (!p.city) return undefined;
  const city = await getCity(p.city.preset, p.city.seed);
  return impactOf(city, p, r);
}
