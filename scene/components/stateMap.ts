import { COMPONENT_STATES } from '../../models/components';
import { STALE_BIT, STATE_MASK } from '../../models/live';

/**
 * What a far cell shows when several components share it: an alarm whenever there is one, else
 * the most common state, ties going to the more pressing one. (Showing the most pressing state
 * outright paints a whole city red from afar: a 40 m cell holds a dozen components, and with one
 * in six not intact nearly every cell has one.) Ranks run from 1 (least pressing) up; 0 is "no
 * component here". A stale component (silent too long) counts as stale, not as its last state.
 */
export const RANK_ORDER = ['intact', 'active', 'removed', 'abandoned', 'stale', 'offline', 'warning', 'damaged', 'missing', 'alarm'] as const;
export const RANKS = RANK_ORDER.length;
const STALE_RANK = RANK_ORDER.indexOf('stale') + 1;
const ALARM_RANK = RANK_ORDER.indexOf('alarm') + 1;
const RANK_OF_CODE = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const key = COMPONENT_STATES[Math.min(b & STATE_MASK, COMPONENT_STATES.length - 1)]!.key;
  RANK_OF_CODE[b] = b & STALE_BIT ? STALE_RANK : RANK_ORDER.indexOf(key as (typeof RANK_ORDER)[number]) + 1;
}

/** The rank (1..RANKS) a state byte (state code, bit 7 = stale) shows with in a far cell. */
export const rankOf = (state: number) => RANK_OF_CODE[state & 255]!;

/** What a coarser texel shows from its four children (0 = empty): an alarm if any, else the most common, ties to the higher. */
function combine4(a: number, b: number, c: number, d: number): number {
  if (a === ALARM_RANK || b === ALARM_RANK || c === ALARM_RANK || d === ALARM_RANK) return ALARM_RANK;
  // how often each child's value occurs among the four (no allocation: this runs per live change)
  const ka = a ? 1 + +(a === b) + +(a === c) + +(a === d) : 0;
  const kb = b ? 1 + +(b === a) + +(b === c) + +(b === d) : 0;
  const kc = c ? 1 + +(c === a) + +(c === b) + +(c === d) : 0;
  const kd = d ? 1 + +(d === a) + +(d === b) + +(d === c) : 0;
  let best = a, bestK = ka;
  if (kb > bestK || (kb === bestK && b > best)) { best = b; bestK = kb; }
  if (kc > bestK || (kc === bestK && c > best)) { best = c; bestK = kc; }
  if (kd > bestK || (kd === bestK && d > best)) { best = d; bestK = kd; }
  return best;
}

/**
 * The map is drawn at mip level log2(pixel footprint / texel) + MAP_LOD_BIAS: a cell about two
 * pixels across, so a lone component stays visible (terrainMaterial.ts uCompBias).
 */
export const MAP_LOD_BIAS = 1;

/** Texel edge (m) at least this; larger cities get larger texels so the texture stays <= MAX_SIZE. */
const MIN_TEXEL_M = 4;
const MAX_SIZE = 1024;

/** Where the map lies and how fine it is: the same for the live worker's map and the page's texture. */
export interface MapGeometry {
  /** texels per side at level 0 (a power of two) */
  size: number;
  /** texel edge, m */
  texelM: number;
  /** world x, y of uv (0, 0) */
  x0: number;
  y0: number;
}

export function mapGeometry(extent: readonly [number, number, number, number]): MapGeometry {
  const [x0, y0, x1, y1] = extent;
  const span = Math.max(1, x1 - x0, y1 - y0);
  const texelM = Math.max(MIN_TEXEL_M, span / MAX_SIZE);
  let size = 1;
  while (size * texelM < span) size *= 2;
  return { size, texelM, x0, y0 };
}

/** One changed row band of one mip level: rows row0.. of `data` (full rows). */
export interface MapBand { level: number; row0: number; data: Uint8Array }

/**
 * The far level of detail of the components as a map: a square grid over the city in which
 * a texel holds the rank of the state its components show (see RANK_ORDER: any alarm, else the
 * most common state), with mip levels built the same way from their four children (categories,
 * never averaged colours: one alarm among a thousand intact covers still shows from across the
 * city). The terrain shader drapes it (StateTexture) where a pixel covers more than
 * `farMPerPx` metres; nearer, the points and shapes draw the components.
 *
 * Why: at a city view the per-component point draw (462,894 vertices) was most of a SwiftShader
 * frame; the map costs one texture fetch per ground pixel whatever the number of components.
 *
 * Pure data, no GL: the live worker keeps the only one and hands the page the changed row bands
 * (the whole map at first), so a live change costs the page nothing but the upload. A change costs a counter update in its
 * texel and, only when what the texel shows changes, a walk up the mip chain that stops at the
 * first level that stays the same.
 */
export class StateMap implements MapGeometry {
  /** texels per side at level 0 (a power of two) */
  readonly size: number;
  /** texel edge, m */
  readonly texelM: number;
  /** world x, y of the map's corner (uv 0, 0) */
  readonly x0: number;
  readonly y0: number;
  readonly levels: Uint8Array[] = [];
  /** per component: the state byte the map counts it with */
  private readonly states: Uint8Array;
  /** per component: its level-0 texel's slot (texels that hold components are numbered) */
  private readonly slotOf: Int32Array;
  /** per slot: its texel index at level 0, and its components by rank (RANKS columns) */
  private readonly texelOfSlot: Int32Array;
  private readonly counts: Uint32Array;
  private readonly dirtyMin: Int32Array;
  private readonly dirtyMax: Int32Array;

  constructor(x: Float32Array, y: Float32Array, extent: readonly [number, number, number, number]) {
    const { size, texelM, x0, y0 } = mapGeometry(extent);
    this.size = size;
    this.texelM = texelM;
    this.x0 = x0;
    this.y0 = y0;
    for (let s = size; s >= 1; s >>= 1) this.levels.push(new Uint8Array(s * s));
    const L = this.levels.length;
    // everything is "changed" at first: the first takeBands hands out the whole starting map
    this.dirtyMin = new Int32Array(L).fill(0);
    this.dirtyMax = Int32Array.from(this.levels, (_, l) => (size >> l) - 1);
    const n = x.length;
    this.states = new Uint8Array(n);
    this.slotOf = new Int32Array(n);
    const slotOfTexel = new Int32Array(size * size).fill(-1);
    const texelOf: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = this.texelAt(x[i]!, y[i]!);
      let s = slotOfTexel[t]!;
      if (s < 0) { s = slotOfTexel[t] = texelOf.length; texelOf.push(t); }
      this.slotOf[i] = s;
    }
    this.texelOfSlot = Int32Array.from(texelOf);
    this.counts = new Uint32Array(texelOf.length * RANKS);
    const r0 = rankOf(0);
    for (let i = 0; i < n; i++) this.counts[this.slotOf[i]! * RANKS + r0 - 1]!++;
    for (let s = 0; s < texelOf.length; s++) this.levels[0]![texelOf[s]!] = r0;
    for (let l = 1; l < L; l++) this.rebuildLevel(l);
  }

  private texelAt(x: number, y: number): number {
    const s = this.size;
    const u = Math.min(s - 1, Math.max(0, Math.floor((x - this.x0) / this.texelM)));
    const v = Math.min(s - 1, Math.max(0, Math.floor((y - this.y0) / this.texelM)));
    return v * s + u;
  }

  private rebuildLevel(l: number) {
    const src = this.levels[l - 1]!, dst = this.levels[l]!, s = this.size >> l, w = s * 2;
    for (let v = 0; v < s; v++) for (let u = 0; u < s; u++) {
      const a = 2 * v * w + 2 * u;
      dst[v * s + u] = combine4(src[a]!, src[a + 1]!, src[a + w]!, src[a + w + 1]!);
    }
  }


  /** Component i's state byte is now `to`. */
  set(i: number, to: number) {
    const from = this.states[i]!;
    this.states[i] = to;
    const r0 = RANK_OF_CODE[from]!, r1 = RANK_OF_CODE[to & 255]!;
    if (r0 === r1) return;
    const slot = this.slotOf[i]!, c = this.counts, o = slot * RANKS;
    c[o + r0 - 1]!--;
    c[o + r1 - 1]!++;
    let top = 0;
    if (c[o + ALARM_RANK - 1]! > 0) top = ALARM_RANK;
    else {
      let best = 0;
      for (let r = RANKS; r >= 1; r--) if (c[o + r - 1]! > best) { best = c[o + r - 1]!; top = r; }
    }
    let t = this.texelOfSlot[slot]!;
    const lv = this.levels;
    if (lv[0]![t] === top) return;
    lv[0]![t] = top;
    this.markDirty(0, t);
    // up the mip chain while what the four children make changes
    let s = this.size;
    for (let l = 1; l < lv.length; l++) {
      const u = (t % s) >> 1, v = Math.floor(t / s) >> 1, src = lv[l - 1]!, w = s;
      s >>= 1;
      const a = 2 * v * w + 2 * u;
      const m = combine4(src[a]!, src[a + 1]!, src[a + w]!, src[a + w + 1]!);
      t = v * s + u;
      if (lv[l]![t] === m) break;
      lv[l]![t] = m;
      this.markDirty(l, t);
    }
  }

  private markDirty(l: number, t: number) {
    const row = Math.floor(t / (this.size >> l));
    if (row < this.dirtyMin[l]!) this.dirtyMin[l] = row;
    if (row > this.dirtyMax[l]!) this.dirtyMax[l] = row;
  }

  /**
   * The rows changed since the last call, per level from `minLevel` (the finest the view can
   * sample; the rest wait), as copies safe to transfer. `spare`: buffers
   * handed back after an upload, reused before allocating: a whole level 0 is a megabyte a frame,
   * and fresh buffers at that rate cost the receiving page full garbage collections.
   */
  takeBands(spare: ArrayBuffer[] = [], minLevel = 0): MapBand[] {
    const out: MapBand[] = [];
    // levels finer than the view samples stay dirty until it comes closer
    for (let l = Math.max(0, minLevel); l < this.levels.length; l++) {
      const a = this.dirtyMin[l]!, b = this.dirtyMax[l]!;
      if (b < 0) continue;
      const s = this.size >> l, n = (b - a + 1) * s;
      const k = spare.findIndex((buf) => buf.byteLength >= n);
      const data = k >= 0 ? new Uint8Array(spare.splice(k, 1)[0]!, 0, n) : new Uint8Array(n);
      data.set(this.levels[l]!.subarray(a * s, (b + 1) * s));
      out.push({ level: l, row0: a, data });
      this.dirtyMin[l] = 0x7fffffff;
      this.dirtyMax[l] = -1;
    }
    return out;
  }

  /** The rank shown at world (x, y) at mip level l (tests and picking). */
  rankAt(x: number, y: number, l = 0): number {
    const t = this.texelAt(x, y), s = this.size;
    const u = (t % s) >> l, v = Math.floor(t / s) >> l;
    return this.levels[l]![v * (s >> l) + u]!;
  }
}
