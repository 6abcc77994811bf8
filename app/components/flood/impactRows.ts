import { CLASS_BY_CODE } from '../../../models/components';
import type { ImpactResult } from '../../../models/runs';

// The impact lists of a run as one row shape for the table: a name, the exceedance times, and
// where it is (a point to fly to, a road segment to outline, or an id to select).

export const IMPACT_KINDS = ['pronePoints', 'roadSegments', 'buildings', 'components', 'unitGrids'] as const;
export type ImpactKind = (typeof IMPACT_KINDS)[number];

export type ImpactTarget =
  | { kind: 'point'; x: number; y: number }
  | { kind: 'segment'; from: [number, number]; to: [number, number] }
  | { kind: 'building'; index: number }
  | { kind: 'component'; code: string; x: number; y: number }
  | { kind: 'grid'; code: string };

export interface ImpactRow {
  key: string;
  name: string;
  sub: string;
  maxDepth_m: number;
  over15cm_s: number | null;
  over20cm_s: number | null;
  over27cm_s: number | null;
  target: ImpactTarget;
}

type Pick = (x: { zh: string; en: string }) => string;
type Words = { building(id: number, use: string): string; segment(n: number): string; closed: string };
/** the other language's names, where the impact list has only the Chinese one */
type Names = { road(id: number): { zh: string; en: string } | undefined; prone(id: string): { zh: string; en: string } | undefined } | null;

export function impactRows(impact: ImpactResult, kind: ImpactKind, pick: Pick, w: Words, names: Names = null): ImpactRow[] {
  const named = (n: { zh: string; en: string } | undefined, zh: string) => (n ? pick(n) : zh);
  const ex = (e: { maxDepth_m: number; over15cm_s: number | null; over20cm_s: number | null; over27cm_s: number | null }) =>
    ({ maxDepth_m: e.maxDepth_m, over15cm_s: e.over15cm_s, over20cm_s: e.over20cm_s, over27cm_s: e.over27cm_s });
  switch (kind) {
    case 'pronePoints':
      return impact.pronePoints.map((p) => ({ key: p.id, name: named(names?.prone(p.id), p.name), sub: p.id, ...ex(p), target: { kind: 'point', x: p.x, y: p.y } }));
    case 'roadSegments':
      return impact.roadSegments.map((r) => ({
        key: `${r.roadId}-${r.segment}`, name: named(names?.road(r.roadId), r.name), sub: `${w.segment(r.segment)} · ${Math.round(r.length_m)} m${r.over27cm_s !== null ? ` · ${w.closed}` : ''}`,
        ...ex(r), target: { kind: 'segment', from: r.from, to: r.to },
      }));
    case 'buildings':
      return impact.buildings.map((b) => ({ key: String(b.id), name: w.building(b.id, b.use), sub: b.unitGrid, ...ex(b), target: { kind: 'building', index: b.id } }));
    case 'components':
      return impact.components.map((c) => {
        const cls = CLASS_BY_CODE.get(c.classCode);
        return { key: c.code, name: cls ? pick(cls) : c.className, sub: c.code, ...ex(c), target: { kind: 'component', code: c.code, x: c.x, y: c.y } };
      });
    case 'unitGrids':
      return impact.unitGrids.map((g) => ({ key: g.code, name: g.code, sub: `≥15 cm ${Math.round(g.areaOver15cm_m2)} m²`, ...ex(g), target: { kind: 'grid', code: g.code } }));
  }
}

export type SortCol = 'name' | 'maxDepth_m' | 'over15cm_s' | 'over20cm_s' | 'over27cm_s';

/** Sorted copy; times never reached (null) sort last either way. */
export function sortRows(rows: ImpactRow[], col: SortCol, dir: 1 | -1): ImpactRow[] {
  return [...rows].sort((a, b) => {
    if (col === 'name') return dir * a.name.localeCompare(b.name);
    const va = a[col], vb = b[col];
    if (va === null && vb === null) return 0;
    if (va === null) return 1;
    if (vb === null) return -1;
    return dir * (va - vb);
  });
}
