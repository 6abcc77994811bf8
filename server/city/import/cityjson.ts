// A small CityJSON reader (1.0, 1.1, 2.0): buildings to footprints with absolute base and top
// heights, terrain (TINRelief) to a ground level. Vertices are integers scaled by `transform`.
import { readFile } from 'node:fs/promises';
import type { ImportProblem } from '../../../models/cityImport';
import type { Collected, ToLonLat } from './collect';
import { ringArea } from '../geometry';

type Boundary = number | Boundary[];
interface Geometry { type: string; lod?: string | number; boundaries: Boundary[]; semantics?: { surfaces: { type: string }[]; values: unknown } }
interface CityObject { type: string; geometry?: Geometry[]; children?: string[]; attributes?: Record<string, unknown> }

/** the surfaces of a geometry as rings of vertex indices (outer ring only), with their semantic type */
function surfaces(g: Geometry): { ring: number[]; type: string | null }[] {
  const out: { ring: number[]; type: string | null }[] = [];
  const sem = g.semantics;
  const semOf = (v: unknown): string | null => (typeof v === 'number' && sem ? sem.surfaces[v]?.type ?? null : null);
  const surf = (s: Boundary[], v: unknown) => { if (Array.isArray(s[0])) out.push({ ring: s[0] as number[], type: semOf(v) }); };
  const vals = sem?.values as unknown;
  const at = (v: unknown, i: number): unknown => (Array.isArray(v) ? v[i] : null);
  if (g.type === 'MultiSurface' || g.type === 'CompositeSurface') g.boundaries.forEach((s, i) => surf(s as Boundary[], at(vals, i)));
  else if (g.type === 'Solid') g.boundaries.forEach((sh, i) => (sh as Boundary[]).forEach((s, j) => surf(s as Boundary[], at(at(vals, i), j))));
  else if (g.type === 'MultiSolid' || g.type === 'CompositeSolid') {
    g.boundaries.forEach((so, i) => (so as Boundary[]).forEach((sh, j) => (sh as Boundary[]).forEach((s, k) => surf(s as Boundary[], at(at(at(vals, i), j), k)))));
  }
  return out;
}

function convexHull(pts: [number, number][]): number[] {
  const p = pts.slice().sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (p.length < 3) return p.flat();
  const cross = (o: [number, number], a: [number, number], b: [number, number]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: [number, number][] = [], upper: [number, number][] = [];
  for (const q of p) { while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, q) <= 0) lower.pop(); lower.push(q); }
  for (const q of p.reverse()) { while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, q) <= 0) upper.pop(); upper.push(q); }
  return lower.slice(0, -1).concat(upper.slice(0, -1)).flat();
}

export async function readCityJson(path: string, file: string, toLonLat: ToLonLat, out: Collected, problem: (p: ImportProblem) => void): Promise<{ features: number; accepted: number; bounds: [number, number, number, number] | null }> {
  let doc: { type?: string; version?: string; transform?: { scale: number[]; translate: number[] }; vertices?: number[][]; CityObjects?: Record<string, CityObject> };
  try {
    doc = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new Error(`not valid JSON (truncated?): ${(e as Error).message}`);
  }
  if (doc.type !== 'CityJSON') throw new Error('"type" is not "CityJSON"');
  if (!/^(1\.0|1\.1|2\.0)/.test(String(doc.version))) throw new Error(`CityJSON version "${doc.version}" is not 1.0, 1.1 or 2.0`);
  if (!Array.isArray(doc.vertices) || !doc.CityObjects) throw new Error('no "vertices" or "CityObjects"');
  const sc = doc.transform?.scale ?? [1, 1, 1], tr = doc.transform?.translate ?? [0, 0, 0];
  const V = doc.vertices;
  const vx = (i: number) => V[i]![0]! * sc[0]! + tr[0]!, vy = (i: number) => V[i]![1]! * sc[1]! + tr[1]!, vz = (i: number) => V[i]![2]! * sc[2]! + tr[2]!;
  const bounds: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  let features = 0, accepted = 0;
  const entries = Object.entries(doc.CityObjects);
  entries.forEach(([id, o], index) => {
    features++;
    const err = (message: string, severity: 'error' | 'warning' = 'error') => problem({ file, index, field: id, severity, message });
    if (o.type === 'TINRelief') {
      const zs: number[] = [];
      for (const g of o.geometry ?? []) for (const s of surfaces(g)) for (const i of s.ring) if (V[i]) zs.push(vz(i));
      if (zs.length) { zs.sort((a, b) => a - b); out.groundHints.push(zs[Math.floor(zs.length / 2)]!); }
      accepted++;
      return;
    }
    if (o.type !== 'Building' && o.type !== 'BuildingPart') return;
    const geoms = (o.geometry ?? []).filter((g) => g && Array.isArray(g.boundaries));
    if (!geoms.length) {
      if (!o.children?.length) err('a building with no geometry and no parts');
      return; // its parts carry the geometry
    }
    const g = geoms.reduce((a, b) => (Number(b.lod ?? 0) > Number(a.lod ?? 0) ? b : a));
    const ss = surfaces(g);
    let zMin = Infinity, zMax = -Infinity;
    for (const s of ss) for (const i of s.ring) {
      if (!V[i]) { err(`vertex index ${i} is beyond the ${V.length} vertices`); return; }
      const z = vz(i);
      if (z < zMin) zMin = z; if (z > zMax) zMax = z;
    }
    if (!ss.length || !Number.isFinite(zMin)) { err(`no surfaces in its ${g.type} geometry`); return; }
    // footprint: the semantic ground surface, else the largest face at the lowest level, else the hull
    const ground = ss.filter((s) => s.type === 'GroundSurface');
    const low = ground.length ? ground : ss.filter((s) => s.ring.every((i) => vz(i) - zMin < 0.1));
    let best: number[] | null = null, bestA = 0;
    for (const s of low) {
      const r = s.ring.flatMap((i) => [vx(i), vy(i)]);
      const a = Math.abs(ringArea(r));
      if (a > bestA) { bestA = a; best = r; }
    }
    if (!best || bestA < 0.5) {
      const pts = new Map<string, [number, number]>();
      for (const s of ss) for (const i of s.ring) pts.set(`${vx(i)},${vy(i)}`, [vx(i), vy(i)]);
      best = convexHull([...pts.values()]);
      if (Math.abs(ringArea(best)) < 0.5) { err(`its footprint is under 0.5 m2 (${Math.abs(ringArea(best)).toFixed(2)}): left out`, 'warning'); return; }
    }
    const ring: number[] = [];
    for (let k = 0; k < best.length; k += 2) {
      const ll = toLonLat(best[k]!, best[k + 1]!);
      if (!Number.isFinite(ll[0]) || Math.abs(ll[0]) > 180 || Math.abs(ll[1]) > 90) { err(`(${best[k]}, ${best[k + 1]}) is not a place in the file's coordinate system (wrong CRS?)`); return; }
      ring.push(ll[0], ll[1]);
      if (ll[0] < bounds[0]) bounds[0] = ll[0]; if (ll[1] < bounds[1]) bounds[1] = ll[1];
      if (ll[0] > bounds[2]) bounds[2] = ll[0]; if (ll[1] > bounds[3]) bounds[3] = ll[1];
    }
    if (zMax - zMin < 0.5) err(`only ${(zMax - zMin).toFixed(2)} m tall`, 'warning');
    out.buildings.push({ ring, heightM: null, floors: null, absBase: zMin, absTop: zMax });
    accepted++;
  });
  if (!entries.length) throw new Error('no CityObjects');
  return { features, accepted, bounds: Number.isFinite(bounds[0]) ? bounds : null };
}
