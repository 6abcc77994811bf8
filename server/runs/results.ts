// A finished run's impact as files: one CSV row and one GeoJSON feature per asset, in WGS84
// (models/geo.ts) from the city's origin, so a GIS opens them without knowing our local frame.
import type { CityData } from '../../models/city';
import { enuToGeodetic } from '../../models/geo';
import type { ImpactResult } from '../../models/runs';
import type { Exceedance } from '../sim/impact';
import { csvTable } from '../sim/csv';

export const IMPACT_CSV_COLUMNS = ['kind', 'id', 'name', 'class', 'x', 'y', 'lon', 'lat', 'max_depth_m', 'time_of_max_s', 'over15cm_s', 'over20cm_s', 'over27cm_s'] as const;

interface Asset extends Exceedance {
  kind: 'pronePoint' | 'roadSegment' | 'building' | 'component' | 'unitGrid';
  id: string;
  name: string;
  cls: string;
  x: number;
  y: number;
  /** road segments: both ends */
  line?: [[number, number], [number, number]];
}

const centroid = (ring: number[]): [number, number] => {
  let x = 0, y = 0;
  const n = ring.length / 2;
  for (let k = 0; k < n; k++) { x += ring[2 * k]!; y += ring[2 * k + 1]!; }
  return n ? [x / n, y / n] : [0, 0];
};
const r2 = (v: number) => Math.round(v * 100) / 100;

function assets(impact: ImpactResult, city: CityData): Asset[] {
  const ex = (e: Exceedance): Exceedance => ({ maxDepth_m: e.maxDepth_m, timeOfMax_s: e.timeOfMax_s, over15cm_s: e.over15cm_s, over20cm_s: e.over20cm_s, over27cm_s: e.over27cm_s });
  const buildingAt = new Map(city.buildings.map((b) => [b.id, b]));
  const gridAt = new Map(city.unitGrids.map((g) => [g.code, g]));
  const out: Asset[] = [];
  for (const p of impact.pronePoints) if (p.over15cm_s !== null) out.push({ kind: 'pronePoint', id: p.id, name: p.name, cls: '', x: p.x, y: p.y, ...ex(p) });
  for (const s of impact.roadSegments) {
    out.push({ kind: 'roadSegment', id: `${s.roadId}-${s.segment}`, name: s.name, cls: s.kind, x: r2((s.from[0] + s.to[0]) / 2), y: r2((s.from[1] + s.to[1]) / 2), line: [s.from, s.to], ...ex(s) });
  }
  for (const b of impact.buildings) {
    const [x, y] = centroid(buildingAt.get(b.id)?.ring ?? []);
    out.push({ kind: 'building', id: String(b.id), name: '', cls: b.use, x: r2(x), y: r2(y), ...ex(b) });
  }
  for (const c of impact.components) out.push({ kind: 'component', id: c.code, name: c.className, cls: c.classCode, x: c.x, y: c.y, ...ex(c) });
  for (const g of impact.unitGrids) {
    const [x, y] = centroid(gridAt.get(g.code)?.ring ?? []);
    out.push({ kind: 'unitGrid', id: g.code, name: '', cls: '', x: r2(x), y: r2(y), ...ex(g) });
  }
  return out;
}

export function impactFiles(impact: ImpactResult, city: CityData): { csv: string; geojson: string } {
  const origin = { lonDeg: city.meta.originLonDeg, latDeg: city.meta.originLatDeg, heightM: city.meta.originHeightM };
  const lonLat = (x: number, y: number): [number, number] => {
    const g = enuToGeodetic([x, y, 0], origin);
    return [Math.round(g.lonDeg * 1e7) / 1e7, Math.round(g.latDeg * 1e7) / 1e7];
  };
  const list = assets(impact, city);
  const rows = list.map((a) => {
    const [lon, lat] = lonLat(a.x, a.y);
    return [a.kind, a.id, a.name, a.cls, a.x, a.y, lon, lat, a.maxDepth_m, a.timeOfMax_s, a.over15cm_s, a.over20cm_s, a.over27cm_s];
  });
  const csv = csvTable(IMPACT_CSV_COLUMNS, rows);
  const features = list.map((a) => ({
    type: 'Feature' as const,
    geometry: a.line ? { type: 'LineString' as const, coordinates: a.line.map(([x, y]) => lonLat(x, y)) } : { type: 'Point' as const, coordinates: lonLat(a.x, a.y) },
    properties: {
      kind: a.kind, id: a.id, name: a.name, class: a.cls, x: a.x, y: a.y, max_depth_m: a.maxDepth_m, time_of_max_s: a.timeOfMax_s,
      over15cm_s: a.over15cm_s, over20cm_s: a.over20cm_s, over27cm_s: a.over27cm_s,
    },
  }));
  return { csv, geojson: JSON.stringify({ type: 'FeatureCollection', features }) };
}

/** The impact of a run on terrain that is not the city's (synthetic): nothing of the city is in it. */
export function emptyImpact(): ImpactResult {
  return {
    thresholds_m: [0.15, 0.2, 0.27],
    counts: { pronePoints: 0, roadSegments: 0, roadSegmentsClosed: 0, buildings: 0, components: 0, unitGrids: 0 },
    pronePoints: [], roadSegments: [], buildings: [], components: [], unitGrids: [],
  };
}
