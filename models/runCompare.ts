// Comparing two runs (B against A, e.g. with a wall against without): the difference of maximum
// depth on A's grid and the impact difference per asset. Pure: zod only. The server computes it
// from the runs' stored results (server/runs/compare.ts); the scene draws the grid, the panel the rows.
import { z } from 'zod';
import { runGridSchema, runIdSchema, type ImpactResult, type RunGrid } from './runs';

/** |B - A| of maximum depth under this (m) counts as no change: the neutral band of the map and the table. */
export const COMPARE_NEUTRAL_M = 0.02;
/** difference map colours (the 3D layer and the PDF report): worse (deeper in B), better */
export const WORSE_RGB = [215, 48, 39] as const;
export const BETTER_RGB = [33, 113, 181] as const;
/** |change| from which each alpha step holds (m): neutral band, then 10 cm, then 30 cm */
export const DIFF_STEPS = [COMPARE_NEUTRAL_M, 0.1, 0.3] as const;
export const DIFF_ALPHA = [120, 180, 230] as const;

export const runCompareInputSchema = z.object({ a: runIdSchema, b: runIdSchema }).refine((v) => v.a !== v.b, { message: 'pick two different runs', path: ['b'] });

export const IMPACT_KINDS = ['pronePoint', 'roadSegment', 'building', 'component', 'unitGrid'] as const;
export const CHANGES = ['newlyFlooded', 'worse', 'better', 'noLongerFlooded', 'same'] as const;
export type Change = (typeof CHANGES)[number];

const sec = z.number().nullable();
export const impactDiffRowSchema = z.object({
  kind: z.enum(IMPACT_KINDS),
  id: z.string(),
  name: z.string(),
  x: z.number(),
  y: z.number(),
  /** road segments: both ends, to fly to and highlight */
  line: z.tuple([z.tuple([z.number(), z.number()]), z.tuple([z.number(), z.number()])]).nullable(),
  change: z.enum(CHANGES),
  /** null: under 15 cm in that run (the impact lists only assets over it, except prone points) */
  maxDepthA_m: z.number().nullable(),
  maxDepthB_m: z.number().nullable(),
  deltaMaxDepth_m: z.number().nullable(),
  /** first time over 15, 20, 27 cm in A and in B (s, null never) */
  overA_s: z.tuple([sec, sec, sec]),
  overB_s: z.tuple([sec, sec, sec]),
});
export type ImpactDiffRow = z.infer<typeof impactDiffRowSchema>;

const areas = z.object({ over15cm: z.number(), over20cm: z.number(), over27cm: z.number() });
export const runCompareSchema = z.object({
  a: runIdSchema,
  b: runIdSchema,
  /** the difference map's grid (A's); B is sampled at its cell centres when its grid differs (a coarse preview) */
  grid: runGridSchema,
  sameGrid: z.boolean(),
  neutral_m: z.number(),
  /** m2 of cells deeper / shallower in B beyond the neutral band; wet (>= 15 cm) only in B / only in A */
  cells: z.object({ worse_m2: z.number(), better_m2: z.number(), newlyWet_m2: z.number(), noLongerWet_m2: z.number(), maxIncrease_m: z.number(), maxDecrease_m: z.number() }),
  area: z.object({ a: areas, b: areas }),
  roadsClosed: z.object({ a: z.number(), b: z.number() }),
  counts: z.record(z.enum(CHANGES), z.number()),
  rows: z.array(impactDiffRowSchema),
});
export type RunCompare = z.infer<typeof runCompareSchema>;

/** The difference map as bytes: Int16 millimetres (B - A, clamped), little-endian, base64; NaN cells are -32768. */
export const runDiffGridSchema = z.object({ grid: runGridSchema, diffMm: z.string() });
export type RunDiffGrid = z.infer<typeof runDiffGridSchema>;
export const DIFF_NODATA = -32768;

export interface GridData {
  grid: RunGrid;
  data: Float32Array;
}

/** Maximum depth B - A on A's grid (B at A's cell centres, nearest cell); NaN where either is outside. */
export function depthDifference(a: GridData, b: GridData): Float32Array {
  const { cols, rows, cellSize: d, xll, yll } = a.grid;
  const out = new Float32Array(cols * rows);
  const g = b.grid;
  const same = g.cols === cols && g.rows === rows && g.cellSize === d && g.xll === xll && g.yll === yll;
  const topA = yll + rows * d, topB = g.yll + g.rows * g.cellSize;
  for (let r = 0; r < rows; r++) {
    const y = topA - (r + 0.5) * d;
    const rb = Math.floor((topB - y) / g.cellSize);
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      let j = i;
      if (!same) {
        const cb = Math.floor((xll + (c + 0.5) * d - g.xll) / g.cellSize);
        j = cb < 0 || cb >= g.cols || rb < 0 || rb >= g.rows ? -1 : rb * g.cols + cb;
      }
      out[i] = j < 0 ? NaN : b.data[j]! - a.data[i]!;
    }
  }
  return out;
}

/** Areas of change of a difference map, with A's maximum depth for wet-only-in-one. */
export function differenceStats(diff: Float32Array, a: Float32Array, cellArea: number, neutral = COMPARE_NEUTRAL_M): RunCompare['cells'] {
  const s = { worse_m2: 0, better_m2: 0, newlyWet_m2: 0, noLongerWet_m2: 0, maxIncrease_m: 0, maxDecrease_m: 0 };
  for (let i = 0; i < diff.length; i++) {
    const d = diff[i]!;
    if (!(d === d)) continue;
    if (d > neutral) s.worse_m2 += cellArea;
    else if (d < -neutral) s.better_m2 += cellArea;
    const ha = a[i]!, hb = ha + d;
    if (ha < 0.15 && hb >= 0.15) s.newlyWet_m2 += cellArea;
    if (ha >= 0.15 && hb < 0.15) s.noLongerWet_m2 += cellArea;
    if (d > s.maxIncrease_m) s.maxIncrease_m = d;
    if (-d > s.maxDecrease_m) s.maxDecrease_m = -d;
  }
  return s;
}

/** Int16 millimetres for the wire (runDiffGridSchema). */
export function quantiseDiff(diff: Float32Array): Int16Array {
  const q = new Int16Array(diff.length);
  for (let i = 0; i < diff.length; i++) {
    const d = diff[i]!;
    q[i] = d === d ? Math.max(-32767, Math.min(32767, Math.round(d * 1000))) : DIFF_NODATA;
  }
  return q;
}

interface Ex { maxDepth_m: number; over15cm_s: number | null; over20cm_s: number | null; over27cm_s: number | null }
interface Asset { kind: ImpactDiffRow['kind']; id: string; name: string; x: number; y: number; line: ImpactDiffRow['line']; ex: Ex }

const centre = (f: [number, number], t: [number, number]): [number, number] => [(f[0] + t[0]) / 2, (f[1] + t[1]) / 2];

/** Every asset of an impact by kind:id, with a place (prone points and components have theirs; the
 *  caller gives buildings' and unit grids' centres). */
function assetsOf(im: ImpactResult, place: (kind: 'building' | 'unitGrid', id: string) => [number, number]): Map<string, Asset> {
  const m = new Map<string, Asset>();
  const put = (a: Asset) => m.set(`${a.kind}:${a.id}`, a);
  for (const p of im.pronePoints) put({ kind: 'pronePoint', id: p.id, name: p.name, x: p.x, y: p.y, line: null, ex: p });
  for (const s of im.roadSegments) {
    const [x, y] = centre(s.from, s.to);
    put({ kind: 'roadSegment', id: `${s.roadId}-${s.segment}`, name: s.name, x, y, line: [s.from, s.to], ex: s });
  }
  for (const b of im.buildings) {
    const [x, y] = place('building', String(b.id));
    put({ kind: 'building', id: String(b.id), name: b.use, x, y, line: null, ex: b });
  }
  for (const c of im.components) put({ kind: 'component', id: c.code, name: c.className, x: c.x, y: c.y, line: null, ex: c });
  for (const g of im.unitGrids) {
    const [x, y] = place('unitGrid', g.code);
    put({ kind: 'unitGrid', id: g.code, name: g.code, x, y, line: null, ex: g });
  }
  return m;
}

const times = (e: Ex | undefined): [number | null, number | null, number | null] => (e ? [e.over15cm_s, e.over20cm_s, e.over27cm_s] : [null, null, null]);
const KIND_ORDER = new Map(IMPACT_KINDS.map((k, i) => [k, i]));
const CHANGE_ORDER = new Map(CHANGES.map((k, i) => [k, i]));

/** The impact difference per asset (in either run's lists), most telling first: by change, then by |delta|. */
export function compareImpacts(a: ImpactResult, b: ImpactResult, place: (kind: 'building' | 'unitGrid', id: string) => [number, number], neutral = COMPARE_NEUTRAL_M): ImpactDiffRow[] {
  const A = assetsOf(a, place), B = assetsOf(b, place);
  const rows: ImpactDiffRow[] = [];
  for (const key of new Set([...A.keys(), ...B.keys()])) {
    const ea = A.get(key), eb = B.get(key);
    const any = (eb ?? ea)!;
    const wetA = ea?.ex.over15cm_s != null, wetB = eb?.ex.over15cm_s != null;
    // an asset missing from a run's list stayed under 15 cm there (prone points are always listed)
    const ha = ea ? ea.ex.maxDepth_m : null, hb = eb ? eb.ex.maxDepth_m : null;
    const delta = ha !== null && hb !== null ? Math.round((hb - ha) * 1000) / 1000 : null;
    let change: Change;
    if (!wetA && wetB) change = 'newlyFlooded';
    else if (wetA && !wetB) change = 'noLongerFlooded';
    else if (delta !== null && delta > neutral) change = 'worse';
    else if (delta !== null && delta < -neutral) change = 'better';
    else change = 'same';
    rows.push({
      kind: any.kind, id: any.id, name: any.name, x: any.x, y: any.y, line: any.line, change,
      maxDepthA_m: ha, maxDepthB_m: hb, deltaMaxDepth_m: delta, overA_s: times(ea?.ex), overB_s: times(eb?.ex),
    });
  }
  rows.sort((p, q) => CHANGE_ORDER.get(p.change)! - CHANGE_ORDER.get(q.change)! || Math.abs(q.deltaMaxDepth_m ?? 1) - Math.abs(p.deltaMaxDepth_m ?? 1) || KIND_ORDER.get(p.kind)! - KIND_ORDER.get(q.kind)! || (p.id < q.id ? -1 : 1));
  return rows;
}

export function changeCounts(rows: ImpactDiffRow[]): Record<Change, number> {
  const c = Object.fromEntries(CHANGES.map((k) => [k, 0])) as Record<Change, number>;
  for (const r of rows) c[r.change]++;
  return c;
}
