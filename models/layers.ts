import type { CityData } from './city';
import { groundBox, paintGroundMask, rasterGrids } from './groundRaster';
import { decodePack, encodePack, type TypedArray } from './pack';

// The static layers of a city, served as binary packs (models/pack.ts) at
// /api/layers/<city>/<layer> and decoded in the browser off the main thread. Ring and line
// geometry is flattened: `start[i]..start[i+1]` are the vertex indices of item i in `xy`.

export const LAYER_NAMES = ['terrain', 'buildings', 'roads', 'water', 'grids', 'components', 'prone', 'ground'] as const;
export type LayerName = (typeof LAYER_NAMES)[number];

export interface TerrainLayer { cols: number; rows: number; cellSize: number; x0: number; y0: number; minM: number; maxM: number; heights: Float32Array }
export interface BuildingsLayer { count: number; start: Uint32Array; xy: Float32Array; height: Float32Array; base: Float32Array; unitGrid: Uint32Array; use: Uint8Array }
export interface RoadsLayer { count: number; names: { zh: string; en: string }[]; start: Uint32Array; xy: Float32Array; width: Float32Array; kind: Uint8Array }
export interface WaterLayer { count: number; levelM: number; start: Uint32Array; xy: Float32Array }
export interface GridsLayer {
  count: number; codes: string[]; responsibility: { code: string; name: { zh: string; en: string } }[];
  start: Uint32Array; xy: Float32Array; responsibilityIndex: Uint16Array; centroid: Float32Array;
}
export interface ComponentsLayer { count: number; classIndex: Uint8Array; x: Float32Array; y: Float32Array; z: Float32Array; heading: Float32Array; unitGrid: Uint32Array }
/** rasters over the terrain's box (models/groundRaster.ts): roads/water mask and unit-grid ids, RGBA, row 0 south */
export interface GroundLayer { width: number; height: number; xmin: number; ymin: number; xmax: number; ymax: number; mask: Uint8Array; grids: Uint8Array }
export interface ProneLayer { count: number; ids: string[]; names: { zh: string; en: string }[]; x: Float32Array; y: Float32Array; z: Float32Array }

// Ids in the binary layers are indices into these lists (zod-free here, so the layer worker
// stays small; models/city.ts builds its types and schemas from them): append only.
export const BUILDING_USES = ['residential', 'commercial', 'office', 'public', 'industrial'] as const;
export const ROAD_KINDS = ['main', 'secondary', 'lane'] as const;

function flatten(rings: number[][]): { start: Uint32Array; xy: Float32Array } {
  const start = new Uint32Array(rings.length + 1);
  let n = 0;
  rings.forEach((r, i) => { start[i] = n; n += r.length / 2; });
  start[rings.length] = n;
  const xy = new Float32Array(n * 2);
  let o = 0;
  for (const r of rings) { xy.set(r, o); o += r.length; }
  return { start, xy };
}

export function encodeLayer(city: CityData, name: LayerName): Uint8Array {
  switch (name) {
    case 'terrain': {
      const d = city.dem;
      let minM = Infinity, maxM = -Infinity;
      for (const h of d.heights) { if (h < minM) minM = h; if (h > maxM) maxM = h; }
      return encodePack({ cols: d.cols, rows: d.rows, cellSize: d.cellSize, x0: d.x0, y0: d.y0, minM, maxM }, { heights: d.heights });
    }
    case 'buildings': {
      const b = city.buildings;
      const { start, xy } = flatten(b.map((x) => x.ring));
      return encodePack({ count: b.length }, {
        start, xy,
        height: Float32Array.from(b, (x) => x.heightM),
        base: Float32Array.from(b, (x) => x.baseM),
        unitGrid: Uint32Array.from(b, (x) => x.unitGrid),
        use: Uint8Array.from(b, (x) => BUILDING_USES.indexOf(x.use)),
      });
    }
    case 'roads': {
      const r = city.roads;
      const { start, xy } = flatten(r.map((x) => x.points));
      return encodePack({ count: r.length, names: r.map((x) => x.name) }, {
        start, xy, width: Float32Array.from(r, (x) => x.widthM), kind: Uint8Array.from(r, (x) => ROAD_KINDS.indexOf(x.kind)),
      });
    }
    case 'water': {
      const { start, xy } = flatten(city.water.polygons);
      return encodePack({ count: city.water.polygons.length, levelM: city.water.levelM }, { start, xy });
    }
    case 'grids': {
      const g = city.unitGrids;
      const { start, xy } = flatten(g.map((x) => x.ring));
      const centroid = new Float32Array(g.length * 2);
      g.forEach((u, i) => {
        let sx = 0, sy = 0;
        const n = u.ring.length / 2;
        for (let k = 0; k < n; k++) { sx += u.ring[2 * k]!; sy += u.ring[2 * k + 1]!; }
        centroid[2 * i] = sx / n; centroid[2 * i + 1] = sy / n;
      });
      return encodePack({
        count: g.length, codes: g.map((x) => x.code),
        responsibility: city.responsibilityGrids.map((r) => ({ code: r.code, name: r.name })),
      }, { start, xy, responsibilityIndex: Uint16Array.from(g, (x) => x.responsibilityGrid), centroid });
    }
    case 'components': {
      const c = city.components;
      return encodePack({ count: c.count }, { classIndex: c.classIndex, x: c.x, y: c.y, z: c.z, heading: c.heading, unitGrid: c.unitGrid });
    }
    case 'ground': {
      // painted here, once per city, so that no browser paints it (the server caches the layer)
      const d = city.dem;
      const box = groundBox(d.x0, d.y0 - d.rows * d.cellSize, d.x0 + d.cols * d.cellSize, d.y0);
      const roads = decodeLayer('roads', encodeLayer(city, 'roads'));
      const water = decodeLayer('water', encodeLayer(city, 'water'));
      const grids = decodeLayer('grids', encodeLayer(city, 'grids'));
      return encodePack({ ...box }, { mask: paintGroundMask(box, roads, water), grids: rasterGrids(box, grids) });
    }
    case 'prone': {
      const p = city.pronePoints;
      return encodePack({ count: p.length, ids: p.map((x) => x.id), names: p.map((x) => x.name) }, {
        x: Float32Array.from(p, (q) => q.x), y: Float32Array.from(p, (q) => q.y), z: Float32Array.from(p, (q) => q.groundM),
      });
    }
  }
}

/** Every decoded layer of a city, by name. */
export interface CityLayers {
  terrain: TerrainLayer; buildings: BuildingsLayer; roads: RoadsLayer; water: WaterLayer;
  grids: GridsLayer; components: ComponentsLayer; prone: ProneLayer; ground: GroundLayer;
}

export function decodeLayer<N extends LayerName>(name: N, buf: ArrayBuffer | Uint8Array): CityLayers[N] {
  const { meta, arrays } = decodePack<Record<string, unknown>>(buf);
  const need = (k: string): TypedArray => {
    const a = arrays[k];
    if (!a) throw new Error(`layer ${name}: missing array "${k}"`);
    return a;
  };
  const keysByLayer: Record<LayerName, string[]> = {
    terrain: ['heights'],
    buildings: ['start', 'xy', 'height', 'base', 'unitGrid', 'use'],
    roads: ['start', 'xy', 'width', 'kind'],
    water: ['start', 'xy'],
    grids: ['start', 'xy', 'responsibilityIndex', 'centroid'],
    components: ['classIndex', 'x', 'y', 'z', 'heading', 'unitGrid'],
    prone: ['x', 'y', 'z'],
    ground: ['mask', 'grids'],
  };
  const out: Record<string, unknown> = { ...meta };
  for (const k of keysByLayer[name]) out[k] = need(k);
  return out as unknown as CityLayers[N];
}
