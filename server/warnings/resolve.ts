// Where a subscriber asks to be warned, as a unit grid. Offline: only the city's own data is
// used (its grids, prone points and road names); no lookup service is called.
import type { CityData } from '../../models/city';
import type { WarningTarget } from '../../models/warnings';
import { InputError } from '../twin';
import { unitGridAt } from '../cases/place';
import { pointInRing } from '../city/geometry';

export interface ResolvedGrid { index: number; code: string; place: { zh: string; en: string } }

const norm = (s: string) => s.toLowerCase().replace(/\s+/g, '');

/** The middle of a polyline (x,y pairs) by length. */
function midpoint(points: number[]): [number, number] {
  let total = 0;
  for (let i = 2; i < points.length; i += 2) total += Math.hypot(points[i]! - points[i - 2]!, points[i + 1]! - points[i - 1]!);
  let left = total / 2;
  for (let i = 2; i < points.length; i += 2) {
    const d = Math.hypot(points[i]! - points[i - 2]!, points[i + 1]! - points[i - 1]!);
    if (d >= left && d > 0) { const f = left / d; return [points[i - 2]! + f * (points[i]! - points[i - 2]!), points[i - 1]! + f * (points[i + 1]! - points[i - 1]!)]; }
    left -= d;
  }
  return [points[0]!, points[1]!];
}

/**
 * A target to its grid. An address is matched against the prone points' names first (易积水点 are
 * named after the places people know), then the roads' (the grid at the road's middle); a name
 * that matches nothing, or a point outside every grid, is an error saying so.
 */
export function resolveTarget(city: CityData, t: WarningTarget): ResolvedGrid {
  const grid = (index: number, place: { zh: string; en: string }): ResolvedGrid => ({ index, code: city.unitGrids[index]!.code, place });
  if (t.kind === 'grid') {
    const index = city.unitGrids.findIndex((g) => g.code === t.code);
    if (index < 0) throw new InputError(`no unit grid ${t.code} in this city`, ['target', 'code']);
    // the grid's responsibility grid names the neighbourhood people know
    const r = city.responsibilityGrids[city.unitGrids[index]!.responsibilityGrid];
    return grid(index, r ? { zh: r.name.zh, en: r.name.en } : { zh: `网格 ${t.code}`, en: `grid ${t.code}` });
  }
  if (t.kind === 'point') {
    const code = unitGridAt(city, t.lonDeg, t.latDeg);
    if (!code) throw new InputError(`the point ${t.lonDeg.toFixed(5)}, ${t.latDeg.toFixed(5)} is outside the city's unit grids`, ['target']);
    return grid(city.unitGrids.findIndex((g) => g.code === code), { zh: `所选位置 ${t.lonDeg.toFixed(5)}, ${t.latDeg.toFixed(5)}`, en: `the point ${t.lonDeg.toFixed(5)}, ${t.latDeg.toFixed(5)}` });
  }
  const q = norm(t.text);
  if (/^\d{15}$/.test(q)) return resolveTarget(city, { kind: 'grid', code: q });
  // exact names first, then a name that contains the text (or the text the name)
  const exact = (n: { zh: string; en: string }) => [n.zh, n.en].some((s) => norm(s) === q);
  const partial = (n: { zh: string; en: string }) => [n.zh, n.en].some((s) => { const v = norm(s); return v.includes(q) || (q.includes(v) && v.length >= 2); });
  for (const hit of [exact, partial]) {
    const prone = city.pronePoints.find((p) => hit(p.name));
    if (prone) return grid(prone.unitGrid, prone.name);
    for (const r of city.roads) {
      if (!hit(r.name) || r.points.length < 4) continue;
      const [x, y] = midpoint(r.points);
      const g = city.unitGrids.findIndex((u) => pointInRing(x, y, u.ring));
      if (g >= 0) return grid(g, r.name);
    }
  }
  throw new InputError(`no place or road named "${t.text}" in this city: give a unit grid code or pick the place on the map`, ['target', 'text']);
}
