// Edits made on the map, as pure changes of a stored scenario document (models/scenario.ts):
// points (pumps, inflows, probes) moved or placed, barrier lines and zone polygons drawn or
// dragged by a vertex; and the barrier's wall as the 3D twin draws it (ground + crest along the
// line, the same crest the engine rasterises per cell: server/sim/prepare.ts). Pure: no zod here.
import type { Point } from './scenario';

/** The scenario's lists a map edit can touch (path of the list in the document). */
export const EDIT_LISTS = {
  pumps: 'pumps',
  inflows: 'inflows',
  probes: 'probes',
  barriers: 'barriers',
  roughness: 'roughness.zones',
  drainage: 'drainageZones',
} as const;
export type EditList = keyof typeof EDIT_LISTS;
export type PointList = 'pumps' | 'inflows' | 'probes';
export type ShapeList = 'barriers' | 'roughness' | 'drainage';

/** One thing on the map: a list item, and for lines and polygons one of its vertices. */
export interface EditRef { list: EditList; index: number; vertex?: number }

type Doc = Record<string, unknown>;
type Item = Record<string, unknown>;

/** What a new item gets besides its geometry (the planner edits it in the scenario panel). */
export interface NewItemDefaults {
  /** barrier crest above the ground (m) */
  crestHeightM: number;
  /** pump capacity (m3/s) */
  pumpCapacity: number;
  /** drainage capacity of an upgrade zone (mm/h) */
  drainageMmPerH: number;
  /** Manning n of a roughness zone */
  roughnessN: number;
}

export const DEFAULT_NEW_ITEM: NewItemDefaults = { crestHeightM: 1, pumpCapacity: 1, drainageMmPerH: 60, roughnessN: 0.1 };

export function listOf(doc: Doc, list: EditList): Item[] {
  if (list === 'roughness') return (((doc.roughness as Item | undefined)?.zones as Item[] | undefined) ?? []);
  return (doc[EDIT_LISTS[list]] as Item[] | undefined) ?? [];
}

function withList(doc: Doc, list: EditList, items: Item[]): Doc {
  if (list === 'roughness') return { ...doc, roughness: { ...((doc.roughness as Item | undefined) ?? {}), zones: items } };
  return { ...doc, [EDIT_LISTS[list]]: items };
}

/** The vertices of a line or polygon item (barrier line, zone ring), or its one point. */
export function verticesOf(list: EditList, item: Item): Point[] {
  if (list === 'barriers') return (item.line as Point[] | undefined) ?? [];
  if (list === 'roughness' || list === 'drainage') return ((item.polygon as { ring?: Point[] } | undefined)?.ring) ?? [];
  const at = item.at as Point | undefined;
  return at ? [at] : [];
}

function withVertices(list: EditList, item: Item, pts: Point[]): Item {
  if (list === 'barriers') return { ...item, line: pts };
  if (list === 'roughness' || list === 'drainage') return { ...item, polygon: { ring: pts } };
  return { ...item, at: pts[0] };
}

/** Rounded to the centimetre: a drag's float noise does not belong in a stored document. */
function round(p: Point): Point {
  return [Math.round(p[0] * 100) / 100, Math.round(p[1] * 100) / 100];
}

/** Moves a point item, or one vertex of a line/polygon (a whole line when vertex is absent: by the offset of its first vertex). */
export function moveTo(doc: Doc, ref: EditRef, to: Point): Doc {
  const items = listOf(doc, ref.list);
  const item = items[ref.index];
  if (!item) return doc;
  const pts = verticesOf(ref.list, item);
  let next: Point[];
  if (ref.vertex === undefined) {
    const o = pts[0] ?? to;
    next = pts.map((p) => round([p[0] + to[0] - o[0], p[1] + to[1] - o[1]]));
  } else {
    if (ref.vertex < 0 || ref.vertex >= pts.length) return doc;
    next = pts.map((p, i) => (i === ref.vertex ? round(to) : p));
  }
  return withList(doc, ref.list, items.map((it, i) => (i === ref.index ? withVertices(ref.list, it, next) : it)));
}

/** A new item of a list at a point (pumps, inflows, probes) or along a drawn line/ring. */
export function addItem(doc: Doc, list: EditList, pts: Point[], d: NewItemDefaults = DEFAULT_NEW_ITEM): Doc {
  const items = listOf(doc, list);
  const k = items.length + 1;
  const g = pts.map(round);
  let item: Item;
  switch (list) {
    case 'pumps': item = { name: `P${k}`, at: g[0], capacity: d.pumpCapacity, startDepth: 0.1 }; break;
    case 'inflows': item = { name: `Q${k}`, at: g[0], radius: 0, hydrograph: [{ time: 0, flow: 1 }] }; break;
    case 'probes': item = { name: `S${k}`, at: g[0] }; break;
    case 'barriers': item = { name: `B${k}`, line: g, height: d.crestHeightM }; break;
    case 'roughness': item = { name: `R${k}`, polygon: { ring: g }, n: d.roughnessN }; break;
    case 'drainage': item = { name: `D${k}`, polygon: { ring: g }, drainage: { rainMmPerH: d.drainageMmPerH } }; break;
  }
  return withList(doc, list, [...items, item]);
}

/** The fewest vertices a drawn item needs (a point, a line, a ring). */
export function minVertices(list: EditList): number {
  return list === 'barriers' ? 2 : list === 'roughness' || list === 'drainage' ? 3 : 1;
}

export function removeItem(doc: Doc, ref: EditRef): Doc {
  return withList(doc, ref.list, listOf(doc, ref.list).filter((_, i) => i !== ref.index));
}

/** One sample of a barrier's wall: a point on the line, the ground there and the crest. */
export interface WallSample { x: number; y: number; ground: number; crest: number }

/**
 * A barrier's wall along its line, sampled at least every `stepM` and at every vertex: the crest
 * is ground + height where the barrier gives a height (the engine raises each crossed cell to
 * its ground + height), or the one crest elevation it gives.
 */
export function wallSamples(line: readonly Point[], crest: { height?: number; crestElevation?: number }, groundZ: (x: number, y: number) => number, stepM: number): WallSample[] {
  const out: WallSample[] = [];
  const push = (x: number, y: number) => {
    const ground = groundZ(x, y);
    const c = crest.crestElevation ?? ground + (crest.height ?? 0);
    out.push({ x, y, ground, crest: c });
  };
  for (let i = 0; i + 1 < line.length; i++) {
    const [ax, ay] = line[i]!, [bx, by] = line[i + 1]!;
    const n = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) / stepM));
    for (let k = 0; k < n; k++) push(ax + ((bx - ax) * k) / n, ay + ((by - ay) * k) / n);
  }
  const last = line[line.length - 1];
  if (last) push(last[0], last[1]);
  return out;
}
