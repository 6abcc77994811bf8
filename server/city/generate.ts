// Sample-city generator: a plausible district of Wuxing, Huzhou (Zhejiang), deterministic
// from a seed, pure computation (no IO, no Math.random).
//
// How the district is built (all in local ENU metres from the origin, models/city.ts):
//  1. A street lattice in a warped parameter space: lines s = s_i ("north-south") and t = t_j
//     ("east-west") with irregular spacing, mapped to the ground by F(s, t) = R(rot) (s + A, t + B),
//     A and B smooth sums of sinusoids, so streets bend gently and no two blocks are alike.
//     Every lattice line is a main road, a secondary road or a lane; lane segments are present
//     or not (T-junctions, dead ends, merged blocks). Each lattice cell is one unit grid
//     (about 1 ha); a block (cells joined by missing lanes) is split into several grids.
//  2. A meandering river (analytic centreline, so distances are cheap on millions of cells).
//  3. The DEM (5 m cells): gentle fBm terrain on a regional slope, the river channel, closed
//     depressions at chosen road points (the prone points, 易积水点), carriageways 0.15 m below
//     the kerb.
//  4. Buildings per cell, inside the cell with setbacks from the roads on its edges, laid out
//     by zone: towers in the centre, residential slabs, a low-rise old town by the river,
//     industrial sheds, schools, parks.
//  5. Components the way a city places them along its roads (GB/T 47678.5 classes), each with
//     its 17-digit code, unit grid, ground height, state and departments.
//
// Codes: unit grid 15 digits (GB/T 30428.1 / GB/T 47678.3), component 17 digits (GB/T 47678.5).
import type {
  Building, CityData, CityMeta, ComponentColumns, Dem, PronePoint, ResponsibilityGrid, Road, RoadKind, UnitGrid,
} from '../../models/city';
import { makeComponentCode, makeUnitGridCode } from '../../models/codes';
import { COMPONENT_CLASSES, STATE_CODE } from '../../models/components';

export interface GenerateOptions {
  preset: 'default' | 'huaibei';
  seed?: number;
  slug?: string;
}

export const DEFAULT_SEED = 1;

// ---------------------------------------------------------------------------------------------
// Seeded PRNG: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator), one independent
// stream per phase so that tuning one phase does not reshuffle the others.

export type Rng = () => number;

function hashString(s: string): number {
  let h = 2166136261 >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export function sfc32(a: number, b: number, c: number, d: number): Rng {
  return () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

export function makeRng(seed: number, stream: string): Rng {
  const h = hashString(stream);
  const r = sfc32(seed >>> 0, h, (Math.imul(seed | 0, 0x9e3779b1) ^ 0x85ebca6b) >>> 0, (h ^ 0xdeadbeef) >>> 0);
  for (let i = 0; i < 16; i++) r();
  return r;
}

const rand = (r: Rng, a: number, b: number) => a + (b - a) * r();
const randInt = (r: Rng, a: number, b: number) => a + Math.floor((b - a + 1) * r());
const chance = (r: Rng, p: number) => r() < p;

// ---------------------------------------------------------------------------------------------
// Value noise (hash lattice, smoothstep), for terrain and zoning.

function hash2(ix: number, iy: number, seed: number): number {
  let h = (Math.imul(ix, 374761393) + Math.imul(iy, 668265263) + Math.imul(seed, 1442695041)) | 0;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** smooth value noise in [-1, 1] */
function valueNoise(x: number, y: number, seed: number): number {
  const ix = Math.floor(x), iy = Math.floor(y);
  const fx = x - ix, fy = y - iy;
  const ux = fx * fx * (3 - 2 * fx), uy = fy * fy * (3 - 2 * fy);
  const a = hash2(ix, iy, seed), b = hash2(ix + 1, iy, seed), c = hash2(ix, iy + 1, seed), d = hash2(ix + 1, iy + 1, seed);
  return 2 * (a + (b - a) * ux + (c - a) * uy + (a - b - c + d) * ux * uy) - 1;
}

// ---------------------------------------------------------------------------------------------
// Presets

interface PresetConfig {
  name: { zh: string; en: string };
  slug: string;
  /** lattice cells west-east and south-north: one unit grid per cell */
  cols: number;
  rows: number;
  meanSpacingM: number;
  /** responsibility grids: cols x rows rectangles of cells; streets: rectangles of those */
  respCols: number;
  respRows: number;
  streetCols: number;
  streetRows: number;
  demCellM: number;
  rivers: number;
  pronePoints: number;
  proneSpacingM: number;
  centres: number;
  /** exact component count, reached by tuning the flexible classes' density then trimming */
  targetComponents?: number;
}

const PRESETS: Record<GenerateOptions['preset'], PresetConfig> = {
  default: {
    name: { zh: '湖州市吴兴区', en: 'Wuxing District, Huzhou' },
    slug: 'huzhou',
    cols: 20, rows: 20, meanSpacingM: 100,
    respCols: 4, respRows: 2, streetCols: 2, streetRows: 1,
    demCellM: 5, rivers: 1, pronePoints: 10, proneSpacingM: 300, centres: 1,
  },
  // Huaibei's scale (STANDARDS.md): 4,851 unit grids = 63 x 77 cells, 72 responsibility grids
  // = 8 x 9, 462,894 components; about 6.3 x 7.7 km.
  huaibei: {
    name: { zh: '湖州市吴兴区（淮北规模）', en: 'Wuxing District, Huzhou (Huaibei scale)' },
    slug: 'huaibei',
    cols: 63, rows: 77, meanSpacingM: 100,
    respCols: 8, respRows: 9, streetCols: 3, streetRows: 3,
    demCellM: 5, rivers: 2, pronePoints: 90, proneSpacingM: 350, centres: 3,
    targetComponents: 462_894,
  },
};

// Wuxing District, Huzhou: GB/T 2260 code 330502; origin near the old town.
const ADMIN_CODE = '330502';
const ORIGIN_LON = 120.09;
const ORIGIN_LAT = 30.87;

// ---------------------------------------------------------------------------------------------
// Names (Huzhou-flavoured), Chinese with pinyin.

const ROAD_WORDS: [string, string][] = [
  ['人民', 'Renmin'], ['红旗', 'Hongqi'], ['劳动', 'Laodong'], ['凤凰', 'Fenghuang'], ['青铜', 'Qingtong'],
  ['苕溪', 'Tiaoxi'], ['龙溪', 'Longxi'], ['解放', 'Jiefang'], ['吴兴', 'Wuxing'], ['仁皇山', 'Renhuangshan'],
  ['月河', 'Yuehe'], ['朝阳', 'Chaoyang'], ['府庙', 'Fumiao'], ['新华', 'Xinhua'], ['安定', 'Anding'],
  ['公园', 'Gongyuan'], ['广场', 'Guangchang'], ['学士', 'Xueshi'], ['莲花庄', 'Lianhuazhuang'], ['车站', 'Chezhan'],
  ['爱山', 'Aishan'], ['飞英', 'Feiying'], ['衣裳', 'Yishang'], ['骆驼桥', 'Luotuoqiao'], ['甘棠', 'Gantang'],
  ['竹竿', 'Zhugan'], ['仓桥', 'Cangqiao'], ['塔下', 'Taxia'], ['白鱼潭', 'Baiyutan'], ['碧浪', 'Bilang'],
  ['清源', 'Qingyuan'], ['金盖', 'Jingai'], ['霅溪', 'Zhaxi'], ['江南', 'Jiangnan'], ['太湖', 'Taihu'],
  ['弁山', 'Bianshan'], ['道场', 'Daochang'], ['杨家埠', 'Yangjiabu'], ['康山', 'Kangshan'], ['滨湖', 'Binhu'],
  ['双林', 'Shuanglin'], ['练市', 'Lianshi'], ['菱湖', 'Linghu'], ['荻港', 'Digang'], ['和孚', 'Hefu'],
  ['八里店', 'Balidian'], ['埭溪', 'Daixi'], ['妙西', 'Miaoxi'], ['东林', 'Donglin'], ['善琏', 'Shanlian'],
  ['含山', 'Hanshan'], ['毗山', 'Pishan'], ['岘山', 'Xianshan'], ['西山漾', 'Xishanyang'], ['潜庄', 'Qianzhuang'],
  ['市陌', 'Shimo'], ['宏达', 'Hongda'], ['环渚', 'Huanzhu'], ['红丰', 'Hongfeng'], ['新风', 'Xinfeng'],
  ['南园', 'Nanyuan'], ['北园', 'Beiyuan'], ['余家漾', 'Yujiayang'], ['启新', 'Qixin'], ['湖东', 'Hudong'],
  ['馆驿', 'Guanyi'], ['潮音', 'Chaoyin'], ['五昌', 'Wuchang'], ['和平', 'Heping'], ['幸福', 'Xingfu'],
  ['长岛', 'Changdao'], ['龙山', 'Longshan'], ['陆家湾', 'Lujiawan'], ['升山', 'Shengshan'], ['吉山', 'Jishan'],
  ['汇丰', 'Huifeng'], ['白雀', 'Baique'], ['西塞', 'Xisai'], ['织里', 'Zhili'], ['轧村', 'Zhacun'],
];
const COMMUNITY_WORDS: [string, string][] = [
  ['莲花庄', 'Lianhuazhuang'], ['衣裳街', 'Yishangjie'], ['馆驿河头', 'Guanyihetou'], ['府庙', 'Fumiao'], ['南园', 'Nanyuan'],
  ['北门', 'Beimen'], ['西门', 'Ximen'], ['东门', 'Dongmen'], ['白鱼潭', 'Baiyutan'], ['红丰', 'Hongfeng'],
  ['新风', 'Xinfeng'], ['青铜', 'Qingtong'], ['骆驼桥', 'Luotuoqiao'], ['潮音桥', 'Chaoyinqiao'], ['甘棠', 'Gantang'],
  ['苕溪', 'Tiaoxi'], ['龙溪', 'Longxi'], ['霅溪', 'Zhaxi'], ['碧浪', 'Bilang'], ['江南', 'Jiangnan'],
  ['清源', 'Qingyuan'], ['金盖', 'Jingai'], ['吉山', 'Jishan'], ['汇丰', 'Huifeng'], ['安定', 'Anding'],
  ['塔下', 'Taxia'], ['仓桥', 'Cangqiao'], ['小西街', 'Xiaoxijie'], ['五昌', 'Wuchang'], ['劳动', 'Laodong'],
  ['人民', 'Renmin'], ['和平', 'Heping'], ['幸福', 'Xingfu'], ['长岛', 'Changdao'], ['荻港', 'Digang'],
  ['月亮湾', 'Yueliangwan'], ['滨江', 'Binjiang'], ['仁北', 'Renbei'], ['龙山', 'Longshan'], ['陆家湾', 'Lujiawan'],
  ['东林', 'Donglin'], ['升山', 'Shengshan'], ['凤凰', 'Fenghuang'], ['朝阳', 'Chaoyang'], ['飞英', 'Feiying'],
  ['爱山', 'Aishan'], ['康山', 'Kangshan'], ['白雀', 'Baique'],
];
// Subdistricts (街道) of Wuxing District; street codes are sequential 3-digit numbers.
const STREET_NAMES: [string, string][] = [
  ['月河街道', 'Yuehe Subdistrict'], ['朝阳街道', 'Chaoyang Subdistrict'], ['爱山街道', 'Aishan Subdistrict'],
  ['飞英街道', 'Feiying Subdistrict'], ['龙泉街道', 'Longquan Subdistrict'], ['凤凰街道', 'Fenghuang Subdistrict'],
  ['康山街道', 'Kangshan Subdistrict'], ['仁皇山街道', 'Renhuangshan Subdistrict'], ['滨湖街道', 'Binhu Subdistrict'],
  ['杨家埠街道', 'Yangjiabu Subdistrict'], ['环渚街道', 'Huanzhu Subdistrict'], ['道场街道', 'Daochang Subdistrict'],
];
const CN_DIGITS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
/** 1..99 in Chinese numerals: 一, 十, 十七, 二十三 */
function cnNumber(n: number): string {
  if (n < 10) return CN_DIGITS[n]!;
  const t = Math.floor(n / 10), u = n % 10;
  return (t > 1 ? CN_DIGITS[t]! : '') + '十' + CN_DIGITS[u]!;
}

class NamePool {
  private order: number[];
  private next = 0;
  private round = 0;
  constructor(private words: [string, string][], rng: Rng) {
    this.order = words.map((_, i) => i);
    for (let i = this.order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [this.order[i], this.order[j]] = [this.order[j]!, this.order[i]!];
    }
  }
  /** a unique stem: the words first, then the words with a numeral (一, 二, ...) */
  take(): { zh: string; en: string } {
    if (this.next >= this.order.length) { this.next = 0; this.round++; }
    const [zh, en] = this.words[this.order[this.next++]!]!;
    if (this.round === 0) return { zh, en };
    return { zh: zh + (this.round < 100 ? cnNumber(this.round) : String(this.round)), en: `${en} ${this.round}` };
  }
}

function roadName(stem: { zh: string; en: string }, kind: RoadKind, rng: Rng): { zh: string; en: string } {
  if (kind === 'main') return chance(rng, 0.15) ? { zh: stem.zh + '大道', en: stem.en + ' Avenue' } : { zh: stem.zh + '路', en: stem.en + ' Road' };
  if (kind === 'secondary') return chance(rng, 0.4) ? { zh: stem.zh + '街', en: stem.en + ' Street' } : { zh: stem.zh + '路', en: stem.en + ' Road' };
  return chance(rng, 0.5) ? { zh: stem.zh + '巷', en: stem.en + ' Lane' } : { zh: stem.zh + '弄', en: stem.en + ' Alley' };
}

// ---------------------------------------------------------------------------------------------
// Geometry helpers

function ringArea(r: number[]): number {
  let a = 0;
  const n = r.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) a += r[2 * j]! * r[2 * i + 1]! - r[2 * i]! * r[2 * j + 1]!;
  return a / 2;
}

function reverseRing(r: number[]): number[] {
  const out: number[] = [];
  for (let i = r.length / 2 - 1; i >= 0; i--) out.push(r[2 * i]!, r[2 * i + 1]!);
  return out;
}

function ccw(r: number[]): number[] {
  return ringArea(r) < 0 ? reverseRing(r) : r;
}

function ringEdgeDist(x: number, y: number, r: number[]): number {
  let d = Infinity;
  const n = r.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const ax = r[2 * j]!, ay = r[2 * j + 1]!, dx = r[2 * i]! - ax, dy = r[2 * i + 1]! - ay;
    const l2 = dx * dx + dy * dy;
    const t = l2 > 0 ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / l2)) : 0;
    d = Math.min(d, Math.hypot(ax + t * dx - x, ay + t * dy - y));
  }
  return d;
}

export function pointInRing(x: number, y: number, r: number[]): boolean {
  let inside = false;
  const n = r.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = r[2 * i]!, yi = r[2 * i + 1]!, xj = r[2 * j]!, yj = r[2 * j + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Sutherland-Hodgman clip of a polygon to an axis-aligned box. */
function clipRingToBox(ring: number[], minX: number, minY: number, maxX: number, maxY: number): number[] {
  type P = [number, number];
  let pts: P[] = [];
  for (let i = 0; i < ring.length; i += 2) pts.push([ring[i]!, ring[i + 1]!]);
  const clip = (inside: (p: P) => boolean, cross: (a: P, b: P) => P) => {
    const out: P[] = [];
    for (let i = 0; i < pts.length; i++) {
      const a = pts[i]!, b = pts[(i + 1) % pts.length]!;
      const ia = inside(a), ib = inside(b);
      if (ia) out.push(a);
      if (ia !== ib) out.push(cross(a, b));
    }
    pts = out;
  };
  const lerpX = (a: P, b: P, x: number): P => [x, a[1] + ((b[1] - a[1]) * (x - a[0])) / (b[0] - a[0])];
  const lerpY = (a: P, b: P, y: number): P => [a[0] + ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]), y];
  clip((p) => p[0] >= minX, (a, b) => lerpX(a, b, minX));
  clip((p) => p[0] <= maxX, (a, b) => lerpX(a, b, maxX));
  clip((p) => p[1] >= minY, (a, b) => lerpY(a, b, minY));
  clip((p) => p[1] <= maxY, (a, b) => lerpY(a, b, maxY));
  return pts.flat();
}

// ---------------------------------------------------------------------------------------------
// The warp: parameter space (s, t) -> ground (x, y).

class Warp {
  readonly cos: number;
  readonly sin: number;
  // per term: kx, ky, amp, phase
  private a: Float64Array;
  private b: Float64Array;
  ox = 0; oy = 0; os = 0; ot = 0;
  // Vertex jitter: each lattice vertex moves by (jds, jdt), bilinear inside the cells, so every
  // block is its own quadrilateral and streets jog slightly at junctions.
  private sp: number[] = [0, 1];
  private tp: number[] = [0, 1];
  private jds: Float64Array = new Float64Array(4);
  private jdt: Float64Array = new Float64Array(4);
  private hs = 0; private ht = 0;
  private h11 = 1; private h12 = 0; private h21 = 0; private h22 = 1;

  setJitter(sPos: number[], tPos: number[], jds: Float64Array, jdt: Float64Array): void {
    this.sp = sPos; this.tp = tPos; this.jds = jds; this.jdt = jdt;
  }

  /** H(s, t) = (s, t) + bilinear jitter; sets hs, ht and the Jacobian h11..h22 */
  private jit(s: number, t: number): void {
    const sp = this.sp, tp = this.tp, ns = sp.length - 1, nt = tp.length - 1;
    let i = upperIndex(sp, s), j = upperIndex(tp, t);
    if (i < 0) i = 0; else if (i >= ns) i = ns - 1;
    if (j < 0) j = 0; else if (j >= nt) j = nt - 1;
    const ws = sp[i + 1]! - sp[i]!, wt = tp[j + 1]! - tp[j]!;
    let fs = (s - sp[i]!) / ws, ft = (t - tp[j]!) / wt;
    // constant beyond the lattice
    const cs = fs < 0 || fs > 1, ct = ft < 0 || ft > 1;
    if (fs < 0) fs = 0; else if (fs > 1) fs = 1;
    if (ft < 0) ft = 0; else if (ft > 1) ft = 1;
    const n = ns + 1, k00 = j * n + i, k10 = k00 + 1, k01 = k00 + n, k11 = k01 + 1;
    const D = this.jds, E = this.jdt;
    const ds = (D[k00]! * (1 - fs) + D[k10]! * fs) * (1 - ft) + (D[k01]! * (1 - fs) + D[k11]! * fs) * ft;
    const dt = (E[k00]! * (1 - fs) + E[k10]! * fs) * (1 - ft) + (E[k01]! * (1 - fs) + E[k11]! * fs) * ft;
    this.hs = s + ds; this.ht = t + dt;
    this.h11 = 1 + (cs ? 0 : ((D[k10]! - D[k00]!) * (1 - ft) + (D[k11]! - D[k01]!) * ft) / ws);
    this.h12 = ct ? 0 : ((D[k01]! - D[k00]!) * (1 - fs) + (D[k11]! - D[k10]!) * fs) / wt;
    this.h21 = cs ? 0 : ((E[k10]! - E[k00]!) * (1 - ft) + (E[k11]! - E[k01]!) * ft) / ws;
    this.h22 = 1 + (ct ? 0 : ((E[k01]! - E[k00]!) * (1 - fs) + (E[k11]! - E[k10]!) * fs) / wt);
  }

  constructor(rng: Rng, rot: number) {
    this.cos = Math.cos(rot);
    this.sin = Math.sin(rot);
    // Wavelengths and amplitudes keep |grad A| + |grad B| well below 1: F stays one-to-one.
    const spec: [number, number][] = [[2200, 40], [1100, 16], [520, 5]];
    const terms = () => {
      const t = new Float64Array(spec.length * 4);
      spec.forEach(([wl, amp], i) => {
        const th = rand(rng, 0, 2 * Math.PI), k = (2 * Math.PI) / (wl * rand(rng, 0.85, 1.15));
        t[4 * i] = k * Math.cos(th); t[4 * i + 1] = k * Math.sin(th);
        t[4 * i + 2] = amp * rand(rng, 0.8, 1.1); t[4 * i + 3] = rand(rng, 0, 2 * Math.PI);
      });
      return t;
    };
    this.a = terms();
    this.b = terms();
  }

  /** sets ox, oy */
  fwd(s0: number, t0: number): void {
    this.jit(s0, t0);
    const s = this.hs, t = this.ht;
    let a = s, b = t;
    const A = this.a, B = this.b;
    for (let i = 0; i < A.length; i += 4) a += A[i + 2]! * Math.sin(A[i]! * s + A[i + 1]! * t + A[i + 3]!);
    for (let i = 0; i < B.length; i += 4) b += B[i + 2]! * Math.sin(B[i]! * s + B[i + 1]! * t + B[i + 3]!);
    this.ox = this.cos * a - this.sin * b;
    this.oy = this.sin * a + this.cos * b;
  }

  /** Newton's method on F(s, t) = (x, y); sets os, ot */
  inv(x: number, y: number): void {
    const p = this.cos * x + this.sin * y, q = -this.sin * x + this.cos * y;
    let s = p, t = q;
    const A = this.a, B = this.b;
    for (let it = 0; it < 12; it++) {
      let fa = 0, as = 0, at = 0, fb = 0, bs = 0, bt = 0;
      for (let i = 0; i < A.length; i += 4) {
        const ph = A[i]! * s + A[i + 1]! * t + A[i + 3]!, amp = A[i + 2]!, c = amp * Math.cos(ph);
        fa += amp * Math.sin(ph); as += c * A[i]!; at += c * A[i + 1]!;
      }
      for (let i = 0; i < B.length; i += 4) {
        const ph = B[i]! * s + B[i + 1]! * t + B[i + 3]!, amp = B[i + 2]!, c = amp * Math.cos(ph);
        fb += amp * Math.sin(ph); bs += c * B[i]!; bt += c * B[i + 1]!;
      }
      const r1 = s + fa - p, r2 = t + fb - q;
      const j11 = 1 + as, j12 = at, j21 = bs, j22 = 1 + bt;
      const det = j11 * j22 - j12 * j21;
      const ds = (r1 * j22 - r2 * j12) / det, dt = (j11 * r2 - j21 * r1) / det;
      s -= ds; t -= dt;
      if (Math.abs(ds) + Math.abs(dt) < 1e-9) break;
    }
    // then H^-1: Newton on the piecewise-bilinear jitter
    const u = s, v = t;
    for (let it = 0; it < 20; it++) {
      this.jit(s, t);
      const r1 = this.hs - u, r2 = this.ht - v;
      const det = this.h11 * this.h22 - this.h12 * this.h21;
      const ds = (r1 * this.h22 - r2 * this.h12) / det, dt = (this.h11 * r2 - this.h21 * r1) / det;
      s -= ds; t -= dt;
      if (Math.abs(ds) + Math.abs(dt) < 1e-9) break;
    }
    this.os = s;
    this.ot = t;
  }
}

// ---------------------------------------------------------------------------------------------
// Rivers: centreline b = g(a) in a frame (a along, b across) through a point.

class River {
  private terms: [number, number, number][] = []; // amp, k, phase
  constructor(
    readonly px: number, readonly py: number, angle: number, readonly hw: number, rng: Rng, meander: number,
    readonly name: { zh: string; en: string },
  ) {
    this.dx = Math.cos(angle); this.dy = Math.sin(angle);
    this.terms.push([meander * rand(rng, 0.8, 1.2), (2 * Math.PI) / rand(rng, 1400, 1900), rand(rng, 0, 6.3)]);
    this.terms.push([meander * 0.33 * rand(rng, 0.7, 1.2), (2 * Math.PI) / rand(rng, 520, 700), rand(rng, 0, 6.3)]);
  }
  readonly dx: number;
  readonly dy: number;
  g(a: number): number {
    let v = 0;
    for (const [amp, k, ph] of this.terms) v += amp * Math.sin(k * a + ph);
    return v;
  }
  gp(a: number): number {
    let v = 0;
    for (const [amp, k, ph] of this.terms) v += amp * k * Math.cos(k * a + ph);
    return v;
  }
  /** signed distance to the centreline (approximate, exact on straight reaches), m */
  dist(x: number, y: number): number {
    const rx = x - this.px, ry = y - this.py;
    const a = rx * this.dx + ry * this.dy, b = -rx * this.dy + ry * this.dx;
    const gp = this.gp(a);
    return (b - this.g(a)) / Math.sqrt(1 + gp * gp);
  }
  polygon(minX: number, minY: number, maxX: number, maxY: number): number[] {
    const ext = Math.hypot(maxX - minX, maxY - minY) + 200;
    const a0 = (minX + maxX) / 2 - this.px, a1 = (minY + maxY) / 2 - this.py;
    const ac = a0 * this.dx + a1 * this.dy;
    const left: number[] = [], right: number[] = [];
    for (let a = ac - ext; a <= ac + ext; a += 8) {
      const g = this.g(a), gp = this.gp(a);
      const cx = this.px + a * this.dx - g * this.dy, cy = this.py + a * this.dy + g * this.dx;
      let tx = this.dx - gp * this.dy, ty = this.dy + gp * this.dx;
      const l = Math.hypot(tx, ty); tx /= l; ty /= l;
      left.push(cx - ty * this.hw, cy + tx * this.hw);
      right.push(cx + ty * this.hw, cy - tx * this.hw);
    }
    const ring = left.concat(reverseRing(right));
    return ccw(clipRingToBox(ring, minX, minY, maxX, maxY));
  }
}

// ---------------------------------------------------------------------------------------------
// Zones, roads

type Zone = 'core' | 'commercial' | 'highres' | 'midres' | 'lowres' | 'oldtown' | 'industrial' | 'public' | 'park';
type Use = Building['use'];

const WIDTH_RANGE: Record<RoadKind, [number, number, number]> = { main: [30, 40, 2], secondary: [16, 24, 2], lane: [7, 10, 1] };
const SIDEWALK: Record<RoadKind, number> = { main: 5, secondary: 3.5, lane: 1.2 };
const SETBACK: Record<RoadKind, number> = { main: 8, secondary: 5, lane: 2.5 };
const NO_ROAD_MARGIN = 3;
const LANE_P: Record<Zone, number> = {
  core: 0.8, commercial: 0.7, highres: 0.45, midres: 0.55, lowres: 0.65, oldtown: 0.95, industrial: 0.2, public: 0.3, park: 0.15,
};

interface Line {
  kind: RoadKind;
  widthM: number;
  /** segment k (between crossing lines k and k+1) is a road */
  seg: boolean[];
}

interface Run {
  road: Road;
  kind: RoadKind;
  w: number;
  /** carriageway half width (kerb line offset from the centreline) */
  kerb: number;
  xs: Float64Array;
  ys: Float64Array;
  arc: Float64Array;
  length: number;
  /** crossings along the run: [from, to] arc interval, hard = a main or secondary road */
  zones: { a: number; b: number; hard: boolean; kind: RoadKind; road: number }[];
}

function lineKinds(n: number, rng: Rng): RoadKind[] {
  const kinds: RoadKind[] = new Array<RoadKind>(n + 1).fill('lane');
  kinds[0] = 'secondary';
  kinds[n] = 'secondary';
  let pos = randInt(rng, 3, 5);
  while (pos <= n - 3) {
    kinds[pos] = 'main';
    pos += randInt(rng, 5, 7);
  }
  const majors = kinds.map((k, i) => (k !== 'lane' ? i : -1)).filter((i) => i >= 0);
  for (let m = 0; m + 1 < majors.length; m++) {
    const a = majors[m]!, b = majors[m + 1]!;
    if (b - a >= 4) kinds[Math.round((a + b) / 2 + (b - a >= 6 ? rand(rng, -0.6, 0.6) : 0))] = 'secondary';
  }
  return kinds;
}

function lineWidth(kind: RoadKind, rng: Rng): number {
  const [lo, hi, step] = WIDTH_RANGE[kind];
  return lo + step * randInt(rng, 0, Math.round((hi - lo) / step));
}

/** n cells with irregular widths, positions centred on 0 */
function latticePositions(n: number, mean: number, rng: Rng): number[] {
  const w = Array.from({ length: n }, () => rand(rng, 0.78, 1.28));
  const sum = w.reduce((a, b) => a + b, 0);
  const pos = [-(n * mean) / 2];
  for (let i = 0; i < n; i++) pos.push(pos[i]! + (w[i]! / sum) * n * mean);
  return pos;
}

function splitRange(n: number, k: number): number[] {
  // k near-equal parts of n; returns the k+1 boundaries
  const b = [0];
  for (let i = 1; i <= k; i++) b.push(Math.round((i * n) / k));
  return b;
}

function upperIndex(arr: number[], v: number): number {
  // largest i with arr[i] <= v (arr sorted), -1 when below
  let lo = 0, hi = arr.length - 1;
  if (v < arr[0]!) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (arr[mid]! <= v) lo = mid; else hi = mid - 1;
  }
  return lo;
}

// ---------------------------------------------------------------------------------------------
// DEM helpers (exported for tests, the preview and importers)

/** bilinear height at a point (clamped to the raster) */
export function demHeightAt(dem: Dem, x: number, y: number): number {
  const cs = dem.cellSize;
  let fc = (x - dem.x0) / cs - 0.5, fr = (dem.y0 - y) / cs - 0.5;
  fc = Math.min(Math.max(fc, 0), dem.cols - 1.000001);
  fr = Math.min(Math.max(fr, 0), dem.rows - 1.000001);
  const c = Math.floor(fc), r = Math.floor(fr), u = fc - c, v = fr - r;
  const h = dem.heights, i = r * dem.cols + c;
  return (h[i]! * (1 - u) + h[i + 1]! * u) * (1 - v) + (h[i + dem.cols]! * (1 - u) + h[i + dem.cols + 1]! * u) * v;
}

/** index of the DEM cell containing a point, or -1 */
export function demCellIndex(dem: Dem, x: number, y: number): number {
  const c = Math.floor((x - dem.x0) / dem.cellSize), r = Math.floor((dem.y0 - y) / dem.cellSize);
  if (c < 0 || r < 0 || c >= dem.cols || r >= dem.rows) return -1;
  return r * dem.cols + c;
}

// ---------------------------------------------------------------------------------------------
// Departments and per-class ownership

const DEPARTMENTS: { zh: string; en: string }[] = [
  { zh: '城管局', en: 'Urban Management Bureau' },              // 0
  { zh: '水务局', en: 'Water Authority' },                      // 1
  { zh: '供电公司', en: 'Power Supply Company' },               // 2
  { zh: '园林局', en: 'Parks Bureau' },                         // 3
  { zh: '交通局', en: 'Transport Bureau' },                     // 4
  { zh: '环卫处', en: 'Sanitation Department' },                // 5
  { zh: '自来水公司', en: 'Water Supply Company' },             // 6
  { zh: '排水管理处', en: 'Drainage Management Office' },       // 7
  { zh: '消防救援支队', en: 'Fire and Rescue Detachment' },     // 8
  { zh: '路灯管理所', en: 'Street Lighting Office' },           // 9
  { zh: '公交集团', en: 'Bus Group' },                          // 10
  { zh: '沿街商户', en: 'Street-front businesses' },            // 11
  { zh: '广告经营单位', en: 'Advertising operators' },          // 12
];
/** [owner, maintainer] by class index (COMPONENT_CLASSES order) */
const CLASS_DEPTS: [number, number][] = [
  [1, 6],  // 01001 water-supply cover: Water Authority / Water Supply Company
  [1, 7],  // 01002 sewage cover: Water Authority / Drainage Office
  [1, 7],  // 01003 storm cover
  [1, 7],  // 01004 grate
  [8, 6],  // 01013 hydrant: Fire and Rescue / Water Supply Company
  [0, 9],  // 01037 street light: Urban Management / Street Lighting Office
  [2, 2],  // 01054 EV charger
  [1, 1],  // 01067 water-level gauge
  [4, 10], // 02004 bus stop
  [0, 5],  // 03005 litter bin
  [0, 12], // 03006 outdoor advertising
  [0, 11], // 03007 signboard
  [3, 3],  // 04002 street tree
];

const CLS = Object.fromEntries(COMPONENT_CLASSES.map((c) => [c.code, c.index])) as Record<string, number>;
const C_WATER = CLS['01001']!, C_SEWER = CLS['01002']!, C_STORM = CLS['01003']!, C_GRATE = CLS['01004']!;
const C_HYDRANT = CLS['01013']!, C_LIGHT = CLS['01037']!, C_CHARGER = CLS['01054']!, C_GAUGE = CLS['01067']!;
const C_BUS = CLS['02004']!, C_BIN = CLS['03005']!, C_BILLBOARD = CLS['03006']!, C_SIGN = CLS['03007']!, C_TREE = CLS['04002']!;

class CompBuf {
  cls: number[] = [];
  x: number[] = [];
  y: number[] = [];
  heading: number[] = [];
  grid: number[] = [];
  get length() { return this.cls.length; }
}

// ---------------------------------------------------------------------------------------------
// Building layouts, in a cell's local frame (u along the cell's s axis, v across), inside the
// rectangle [u0, u1] x [v0, v1]. Rings are CCW.

interface LocalBuilding { ring: number[]; floors: number; use: Use }
interface Rect { u0: number; u1: number; v0: number; v1: number }

const rectRing = (u0: number, v0: number, u1: number, v1: number) => [u0, v0, u1, v0, u1, v1, u0, v1];

/** an L-shape: the rectangle minus a notch at corner 0 (SW), 1 (SE), 2 (NE) or 3 (NW) */
function lRing(u0: number, v0: number, u1: number, v1: number, corner: number, nu: number, nv: number): number[] {
  // notch at NE in canonical form, then mirror
  const base = [0, 0, 1, 0, 1, 1 - nv, 1 - nu, 1 - nv, 1 - nu, 1, 0, 1];
  const mu = corner === 0 || corner === 3, mv = corner === 0 || corner === 1;
  const out: number[] = [];
  for (let i = 0; i < base.length; i += 2) {
    const a = mu ? 1 - base[i]! : base[i]!, b = mv ? 1 - base[i + 1]! : base[i + 1]!;
    out.push(u0 + a * (u1 - u0), v0 + b * (v1 - v0));
  }
  return ccw(out);
}

function slabs(r: Rect, rng: Rng, floors: [number, number], use: Use, depthRange: [number, number] = [11, 15]): LocalBuilding[] {
  const out: LocalBuilding[] = [];
  const W = r.u1 - r.u0, D = r.v1 - r.v0;
  if (W < 14 || D < 10) return out;
  const fl = randInt(rng, floors[0], floors[1]);
  const depth = Math.min(rand(rng, depthRange[0], depthRange[1]), D);
  // sunlight spacing between rows, about 1.0 x the building height in the Taihu basin
  const gap = Math.max(10, fl * 3 * rand(rng, 0.85, 1.1));
  const nRows = Math.max(1, Math.floor((D + gap) / (depth + gap)));
  const used = nRows * depth + (nRows - 1) * gap;
  let v = r.v0 + (D - used) / 2;
  for (let k = 0; k < nRows; k++) {
    let u = r.u0;
    while (r.u1 - u >= 14) {
      let len = Math.min(rand(rng, 28, 60), r.u1 - u);
      if (r.u1 - u - len < 22) len = r.u1 - u <= 75 ? r.u1 - u : (r.u1 - u) / 2 - 5;
      const f = Math.max(1, fl + randInt(rng, -1, 1) * (fl > 4 ? 1 : 0));
      out.push({ ring: rectRing(u, v, u + len, v + depth), floors: f, use });
      u += len + rand(rng, 8, 14);
    }
    v += depth + gap;
  }
  return out;
}

function towers(r: Rect, rng: Rng, floors: [number, number], use: Use, big = false): LocalBuilding[] {
  const out: LocalBuilding[] = [];
  const W = r.u1 - r.u0, D = r.v1 - r.v0;
  const tw = big ? rand(rng, 28, 42) : rand(rng, 22, 32), td = big ? rand(rng, 24, 36) : rand(rng, 18, 28), gap = big ? rand(rng, 12, 20) : rand(rng, 16, 26);
  const nu = Math.min(3, Math.floor((W + gap) / (tw + gap))), nv = Math.min(3, Math.floor((D + gap) / (td + gap)));
  if (nu < 1 || nv < 1) return slabs(r, rng, [Math.min(12, floors[0]), Math.min(12, floors[0])], use);
  const su = (W - nu * tw) / Math.max(1, nu - 1 + 2), sv = (D - nv * td) / Math.max(1, nv - 1 + 2);
  for (let a = 0; a < nu; a++) {
    for (let b = 0; b < nv; b++) {
      if (nu * nv > 2 && chance(rng, 0.15)) continue;
      const u = r.u0 + su + a * (tw + su), v = r.v0 + sv + b * (td + sv);
      const f = randInt(rng, floors[0], floors[1]);
      out.push({ ring: rectRing(u, v, u + tw, v + td), floors: f, use });
    }
  }
  return out;
}

function coreBlock(r: Rect, rng: Rng, front: 'v0' | 'v1'): LocalBuilding[] {
  const D = r.v1 - r.v0;
  if (D < 70 || chance(rng, 0.25)) return towers(r, rng, [18, 40], chance(rng, 0.6) ? 'office' : 'commercial', true);
  // a 3-4 storey commercial podium along the front street, towers behind it
  const pd = rand(rng, 16, 22);
  const out: LocalBuilding[] = [];
  let tr: Rect;
  if (front === 'v0') {
    out.push({ ring: chance(rng, 0.5) ? rectRing(r.u0, r.v0, r.u1, r.v0 + pd) : lRing(r.u0, r.v0, r.u1, r.v0 + pd * 2, chance(rng, 0.5) ? 2 : 3, 0.6, 0.5), floors: randInt(rng, 3, 4), use: 'commercial' });
    tr = { ...r, v0: r.v0 + pd * 2 + 10 };
  } else {
    out.push({ ring: chance(rng, 0.5) ? rectRing(r.u0, r.v1 - pd, r.u1, r.v1) : lRing(r.u0, r.v1 - pd * 2, r.u1, r.v1, chance(rng, 0.5) ? 0 : 1, 0.6, 0.5), floors: randInt(rng, 3, 4), use: 'commercial' });
    tr = { ...r, v1: r.v1 - pd * 2 - 10 };
  }
  return out.concat(towers(tr, rng, [18, 40], 'office', true));
}

function lowRise(r: Rect, rng: Rng, commercialFront: boolean): LocalBuilding[] {
  // old town: small 2-4 storey houses in rows along narrow alleys (弄堂)
  const out: LocalBuilding[] = [];
  let v = r.v0;
  let row = 0;
  while (r.v1 - v >= 8) {
    const depth = Math.min(rand(rng, 9, 15), r.v1 - v);
    let u = r.u0;
    while (r.u1 - u >= 7) {
      const w = Math.min(rand(rng, 8, 17), r.u1 - u);
      const use: Use = commercialFront && (row === 0 || r.v1 - v - depth < 8) ? 'commercial' : 'residential';
      const ring = chance(rng, 0.25) && w > 10 && depth > 10 ? lRing(u, v, u + w, v + depth, randInt(rng, 0, 3), rand(rng, 0.3, 0.5), rand(rng, 0.3, 0.5)) : rectRing(u, v, u + w, v + depth);
      out.push({ ring, floors: randInt(rng, 2, 4), use });
      u += w + rand(rng, 1.5, 4);
    }
    v += depth + rand(rng, 3, 6);
    row++;
  }
  return out;
}

function industrial(r: Rect, rng: Rng): LocalBuilding[] {
  const out: LocalBuilding[] = [];
  const W = r.u1 - r.u0, D = r.v1 - r.v0;
  const nu = W > 95 ? 2 : 1, nv = D > 95 ? 2 : 1;
  const pu = W / nu, pv = D / nv;
  for (let a = 0; a < nu; a++) {
    for (let b = 0; b < nv; b++) {
      const m = rand(rng, 4, 9);
      const u0 = r.u0 + a * pu + m, u1 = r.u0 + (a + 1) * pu - m, v0 = r.v0 + b * pv + m, v1 = r.v0 + (b + 1) * pv - m;
      if (u1 - u0 < 15 || v1 - v0 < 12) continue;
      if (chance(rng, 0.2)) out.push({ ring: lRing(u0, v0, u1, v1, randInt(rng, 0, 3), 0.45, 0.5), floors: randInt(rng, 3, 5), use: 'office' });
      else out.push({ ring: rectRing(u0, v0, u1, v1), floors: randInt(rng, 2, 3), use: 'industrial' });
    }
  }
  return out;
}

function publicBlock(r: Rect, rng: Rng): LocalBuilding[] {
  // a school or clinic: an L-shaped teaching building and a smaller one, the rest a sports field
  const out: LocalBuilding[] = [];
  const W = r.u1 - r.u0, D = r.v1 - r.v0;
  if (W < 30 || D < 30) return slabs(r, rng, [3, 4], 'public');
  const lw = Math.min(W * 0.55, 70), ld = Math.min(D * 0.6, 60);
  out.push({ ring: lRing(r.u0, r.v1 - ld, r.u0 + lw, r.v1, 1, 0.55, 0.6), floors: randInt(rng, 4, 5), use: 'public' });
  if (W - lw > 35) {
    const sw = Math.min(30, W - lw - 15);
    out.push({ ring: rectRing(r.u1 - sw, r.v1 - 20, r.u1, r.v1), floors: randInt(rng, 3, 4), use: 'public' });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

export function generateCity(opts: GenerateOptions): CityData {
  const cfg = PRESETS[opts.preset];
  if (!cfg) throw new Error(`unknown preset "${String(opts.preset)}" (default | huaibei)`);
  const seed = opts.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  const slug = opts.slug ?? cfg.slug;

  // --- 1. lattice and warp
  const rl = makeRng(seed, 'lattice');
  const rot = rand(rl, -0.2, 0.2);
  const warp = new Warp(rl, rot);
  const sPos = latticePositions(cfg.cols, cfg.meanSpacingM, rl);
  const tPos = latticePositions(cfg.rows, cfg.meanSpacingM, rl);
  const ns = cfg.cols, nt = cfg.rows;
  const vKinds = lineKinds(ns, rl), hKinds = lineKinds(nt, rl);
  const vLines: Line[] = vKinds.map((k) => ({ kind: k, widthM: lineWidth(k, rl), seg: new Array<boolean>(nt).fill(false) }));
  const hLines: Line[] = hKinds.map((k) => ({ kind: k, widthM: lineWidth(k, rl), seg: new Array<boolean>(ns).fill(false) }));
  {
    // vertex jitter across each line: main roads stay nearly straight, lanes wander
    const amp: Record<RoadKind, number> = { main: 2, secondary: 6, lane: 12 };
    const jds = new Float64Array((ns + 1) * (nt + 1)), jdt = new Float64Array((ns + 1) * (nt + 1));
    for (let j = 0; j <= nt; j++) {
      for (let i = 0; i <= ns; i++) {
        jds[j * (ns + 1) + i] = i === 0 || i === ns ? 0 : amp[vKinds[i]!] * (2 * rl() - 1);
        jdt[j * (ns + 1) + i] = j === 0 || j === nt ? 0 : amp[hKinds[j]!] * (2 * rl() - 1);
      }
    }
    warp.setJitter(sPos, tPos, jds, jdt);
  }

  // ground bounds of the lattice
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const bound = (s: number, t: number) => {
    warp.fwd(s, t);
    if (warp.ox < minX) minX = warp.ox; if (warp.ox > maxX) maxX = warp.ox;
    if (warp.oy < minY) minY = warp.oy; if (warp.oy > maxY) maxY = warp.oy;
  };
  for (let k = 0; k <= 200; k++) {
    const fs = sPos[0]! + ((sPos[ns]! - sPos[0]!) * k) / 200, ft = tPos[0]! + ((tPos[nt]! - tPos[0]!) * k) / 200;
    bound(fs, tPos[0]!); bound(fs, tPos[nt]!); bound(sPos[0]!, ft); bound(sPos[ns]!, ft);
  }

  // cell centres and frames
  const nCells = ns * nt;
  const cellCx = new Float64Array(nCells), cellCy = new Float64Array(nCells);
  for (let j = 0; j < nt; j++) {
    for (let i = 0; i < ns; i++) {
      warp.fwd((sPos[i]! + sPos[i + 1]!) / 2, (tPos[j]! + tPos[j + 1]!) / 2);
      cellCx[j * ns + i] = warp.ox; cellCy[j * ns + i] = warp.oy;
    }
  }

  // --- 2. rivers
  const rr = makeRng(seed, 'rivers');
  const cx0 = (minX + maxX) / 2, cy0 = (minY + maxY) / 2;
  const spanY = maxY - minY;
  const rivers: River[] = [];
  const riverSide = chance(rr, 0.5) ? 1 : -1;
  const riverNames = [{ zh: '霅溪', en: 'Zhaxi River' }, { zh: '龙溪港', en: 'Longxi Canal' }, { zh: '西苕溪', en: 'West Tiaoxi River' }];
  for (let k = 0; k < cfg.rivers; k++) {
    const off = cfg.rivers === 1 ? -rand(rr, 0.12, 0.2) * spanY : (k === 0 ? -0.22 : 0.26) * spanY + rand(rr, -0.03, 0.03) * spanY;
    // about 45 degrees to the streets, and meanders gentle enough (slope < tan 31 deg) that the
    // river never runs along a street: it crosses them, under bridges
    const ang = rot + riverSide * rand(rr, 0.7, 0.87);
    const hw = k === 0 ? rand(rr, 20, 26) : rand(rr, 13, 17);
    rivers.push(new River(cx0 - Math.sin(rot) * off, cy0 + Math.cos(rot) * off, ang, hw, rr, k === 0 ? 70 : 50, riverNames[k]!));
  }
  const riverDist = (x: number, y: number): number => {
    let d = Infinity;
    for (const r of rivers) d = Math.min(d, Math.abs(r.dist(x, y)) - r.hw);
    return d; // distance from the water's edge; negative inside
  };

  // --- zones
  const rz = makeRng(seed, 'zones');
  const centres: { x: number; y: number; r: number }[] = [{ x: cx0 + rand(rz, -150, 150), y: cy0 + rand(rz, 50, 250), r: 1 }];
  for (let k = 1; k < cfg.centres; k++) {
    const a = rand(rz, 0, 2 * Math.PI) + (k * 2 * Math.PI) / cfg.centres;
    const d = Math.min(maxX - minX, maxY - minY) * rand(rz, 0.28, 0.34);
    centres.push({ x: centres[0]!.x + d * Math.cos(a), y: centres[0]!.y + d * Math.sin(a), r: 0.7 });
  }
  // the old town sits on the river bank nearest the main centre
  let oldX = centres[0]!.x, oldY = centres[0]!.y;
  {
    const r0 = rivers[0]!;
    let best = Infinity;
    for (let k = 0; k < nCells; k++) {
      const d = Math.abs(r0.dist(cellCx[k]!, cellCy[k]!) - r0.hw - 120) + 0.5 * Math.hypot(cellCx[k]! - centres[0]!.x, cellCy[k]! - centres[0]!.y);
      if (d < best) { best = d; oldX = cellCx[k]!; oldY = cellCy[k]!; }
    }
  }
  const indAngle = rand(rz, 0, 2 * Math.PI);
  const zoneSeed = Math.floor(rz() * 1e6);
  const zones: Zone[] = new Array<Zone>(nCells);
  for (let k = 0; k < nCells; k++) {
    const x = cellCx[k]!, y = cellCy[k]!;
    const n = valueNoise(x / 380, y / 380, zoneSeed) * 160;
    let d = Infinity;
    for (const c of centres) d = Math.min(d, Math.hypot(x - c.x, y - c.y) / c.r);
    d += n;
    const dOld = Math.hypot(x - oldX, y - oldY) + n * 0.6;
    const ang = Math.atan2(y - centres[0]!.y, x - centres[0]!.x);
    const inSector = Math.abs(Math.atan2(Math.sin(ang - indAngle), Math.cos(ang - indAngle))) < 0.6;
    let z: Zone;
    if (dOld < 240) z = 'oldtown';
    else if (d < 230) z = 'core';
    else if (d < 620) z = chance(rz, 0.45) ? 'highres' : 'midres';
    else if (d < 1000) z = chance(rz, 0.6) ? 'midres' : chance(rz, 0.5) ? 'highres' : 'lowres';
    else if (inSector && d > 1050) z = chance(rz, 0.85) ? 'industrial' : 'lowres';
    else z = chance(rz, 0.5) ? 'lowres' : 'midres';
    if (z !== 'core' && z !== 'oldtown') {
      const u = rz();
      if (u < 0.05) z = 'park';
      else if (u < 0.1) z = 'public';
    }
    zones[k] = z;
  }
  // commercial strips along main roads
  for (let j = 0; j < nt; j++) {
    for (let i = 0; i < ns; i++) {
      const k = j * ns + i;
      const onMain = vLines[i]!.kind === 'main' || vLines[i + 1]!.kind === 'main' || hLines[j]!.kind === 'main' || hLines[j + 1]!.kind === 'main';
      if (onMain && (zones[k] === 'midres' || zones[k] === 'highres' || zones[k] === 'lowres') && chance(rz, 0.3)) zones[k] = 'commercial';
    }
  }
  // riverside cells become parks more often
  for (let k = 0; k < nCells; k++) {
    if (zones[k] !== 'oldtown' && zones[k] !== 'core' && riverDist(cellCx[k]!, cellCy[k]!) < 30 && chance(rz, 0.4)) zones[k] = 'park';
  }

  // --- road segments
  const rs = makeRng(seed, 'segments');
  const segInRiver = (vertical: boolean, line: number, k: number): number => {
    // fraction of samples within the water (plus a margin)
    let n = 0;
    for (let q = 0; q <= 10; q++) {
      if (vertical) warp.fwd(sPos[line]!, tPos[k]! + ((tPos[k + 1]! - tPos[k]!) * q) / 10);
      else warp.fwd(sPos[k]! + ((sPos[k + 1]! - sPos[k]!) * q) / 10, tPos[line]!);
      if (riverDist(warp.ox, warp.oy) < 6) n++;
    }
    return n / 11;
  };
  for (let i = 0; i <= ns; i++) {
    const L = vLines[i]!;
    for (let j = 0; j < nt; j++) {
      const inRiver = segInRiver(true, i, j);
      if (L.kind === 'main') L.seg[j] = true;
      else if (L.kind === 'secondary') L.seg[j] = inRiver < 0.35 || chance(rs, 0.6); // a bridge, or the street ends at the bank
      else {
        const zl = zones[j * ns + i - 1]!, zr = zones[j * ns + i]!;
        L.seg[j] = inRiver === 0 && chance(rs, (LANE_P[zl] + LANE_P[zr]) / 2);
      }
    }
  }
  for (let j = 0; j <= nt; j++) {
    const L = hLines[j]!;
    for (let i = 0; i < ns; i++) {
      const inRiver = segInRiver(false, j, i);
      if (L.kind === 'main') L.seg[i] = true;
      else if (L.kind === 'secondary') L.seg[i] = inRiver < 0.35 || chance(rs, 0.6);
      else {
        const zb = zones[(j - 1) * ns + i]!, zt = zones[j * ns + i]!;
        L.seg[i] = inRiver === 0 && chance(rs, (LANE_P[zb] + LANE_P[zt]) / 2);
      }
    }
  }

  /** A cell's local frame (u along its s axis, v across) and the largest rectangle in that frame
   *  inside the cell, clear of the roads on its edges by their half width plus the setback. */
  const cellFrame = (k: number) => {
    const i = k % ns, j = Math.floor(k / ns);
    const sm = (sPos[i]! + sPos[i + 1]!) / 2, tm = (tPos[j]! + tPos[j + 1]!) / 2;
    warp.fwd(sm + 1, tm); const ax = warp.ox, ay = warp.oy;
    warp.fwd(sm - 1, tm);
    let ux = ax - warp.ox, uy = ay - warp.oy;
    const ul = Math.hypot(ux, uy); ux /= ul; uy /= ul;
    const vx = -uy, vy = ux;
    const cx = cellCx[k]!, cy = cellCy[k]!;
    // a road on the edge: half its width plus the setback; none, but a road ends at a corner
    // (dead end, or a street stopping at the river): clear of its end
    const margin = (L: Line, segIdx: number) =>
      L.seg[segIdx] ? (L.widthM / 2 + SETBACK[L.kind]) * 1.05
        : L.seg[segIdx - 1] || L.seg[segIdx + 1] ? Math.max(NO_ROAD_MARGIN, L.widthM / 2 + 1.5) : NO_ROAD_MARGIN;
    const mW = margin(vLines[i]!, j), mE = margin(vLines[i + 1]!, j), mS = margin(hLines[j]!, i), mN = margin(hLines[j + 1]!, i);
    let u0 = -Infinity, u1 = Infinity, v0 = -Infinity, v1 = Infinity;
    for (let q = 0; q <= 8; q++) {
      const tq = tPos[j]! + ((tPos[j + 1]! - tPos[j]!) * q) / 8, sq = sPos[i]! + ((sPos[i + 1]! - sPos[i]!) * q) / 8;
      warp.fwd(sPos[i]!, tq); u0 = Math.max(u0, (warp.ox - cx) * ux + (warp.oy - cy) * uy + mW);
      warp.fwd(sPos[i + 1]!, tq); u1 = Math.min(u1, (warp.ox - cx) * ux + (warp.oy - cy) * uy - mE);
      warp.fwd(sq, tPos[j]!); v0 = Math.max(v0, (warp.ox - cx) * vx + (warp.oy - cy) * vy + mS);
      warp.fwd(sq, tPos[j + 1]!); v1 = Math.min(v1, (warp.ox - cx) * vx + (warp.oy - cy) * vy - mN);
    }
    return { cx, cy, ux, uy, vx, vy, rect: { u0, u1, v0, v1 } as Rect };
  };

  const rt = makeRng(seed, 'terrain');
  const levelM = 2.6; // normal water level of the Huzhou plain river network, about 2.5-3 m
  const bedM = levelM - rand(rt, 2.0, 2.5);
  const landMin = levelM + 1.1;
  const tSeed = Math.floor(rt() * 1e6);
  const slopeAng = rand(rt, 0, 2 * Math.PI), slope = rand(rt, 0.0008, 0.0013);
  const gx = slope * Math.cos(slopeAng), gy = slope * Math.sin(slopeAng);
  const baseH = rand(rt, 6, 7);
  /** the natural ground: a regional slope plus fBm, kept above the river level */
  const groundAt = (x: number, y: number): number => {
    const h = baseH + gx * x + gy * y
      + 2.0 * valueNoise(x / 1300, y / 1300, tSeed)
      + 0.9 * valueNoise(x / 520, y / 520, tSeed + 1)
      + 0.3 * valueNoise(x / 190, y / 190, tSeed + 2);
    // smooth floor above the river level: the plain stays dry at normal water level
    return 0.5 * (h + landMin + Math.sqrt((h - landMin) * (h - landMin) + 0.25));
  };

  // --- ponds in a few low-lying parks (water at the river network's level)
  const ponds: { ring: number[]; cx: number; cy: number; R: number }[] = [];
  {
    const rpd = makeRng(seed, 'ponds');
    const want = Math.max(1, Math.round(nCells / 200));
    const parks = Array.from({ length: nCells }, (_, k) => k)
      .filter((k) => zones[k] === 'park' && riverDist(cellCx[k]!, cellCy[k]!) > 80 && groundAt(cellCx[k]!, cellCy[k]!) < levelM + 2.6)
      .sort((a, b) => groundAt(cellCx[a]!, cellCy[a]!) - groundAt(cellCx[b]!, cellCy[b]!));
    for (const k of parks.slice(0, want)) {
      const { cx, cy, ux, uy, vx, vy, rect } = cellFrame(k);
      const W = rect.u1 - rect.u0, D = rect.v1 - rect.v0;
      if (W < 40 || D < 40) continue;
      const mu = (rect.u0 + rect.u1) / 2, mv = (rect.v0 + rect.v1) / 2;
      const ru = W * rand(rpd, 0.34, 0.4), rv = D * rand(rpd, 0.34, 0.4);
      const h1 = rand(rpd, 0.05, 0.12), p1 = rand(rpd, 0, 6.3), h2 = rand(rpd, 0.03, 0.08), p2 = rand(rpd, 0, 6.3);
      const ring: number[] = [];
      for (let a = 0; a < 48; a++) {
        const th = (a / 48) * 2 * Math.PI;
        const f = 1 + h1 * Math.sin(2 * th + p1) + h2 * Math.sin(3 * th + p2);
        const u = mu + ru * f * Math.cos(th), v = mv + rv * f * Math.sin(th);
        ring.push(Math.round((cx + u * ux + v * vx) * 100) / 100, Math.round((cy + u * uy + v * vy) * 100) / 100);
      }
      ponds.push({ ring: ccw(ring), cx: cx + mu * ux + mv * vx, cy: cy + mu * uy + mv * vy, R: Math.max(ru, rv) * 1.15 });
    }
  }

  // --- road runs (maximal stretches of present segments) and names
  const rn = makeRng(seed, 'names');
  const stems = new NamePool(ROAD_WORDS, rn);
  const roads: Road[] = [];
  const runs: Run[] = [];
  const lineName = new Map<string, { zh: string; en: string }>();
  // main roads take the first names, then secondary roads; lanes are named run by run
  for (const kind of ['main', 'secondary'] as const) {
    vLines.forEach((L, li) => { if (L.kind === kind) lineName.set(`true${li}`, roadName(stems.take(), kind, rn)); });
    hLines.forEach((L, li) => { if (L.kind === kind) lineName.set(`false${li}`, roadName(stems.take(), kind, rn)); });
  }
  const buildRuns = (vertical: boolean) => {
    const lines = vertical ? vLines : hLines;
    const along = vertical ? tPos : sPos;
    const across = vertical ? sPos : tPos;
    const crossLines = vertical ? hLines : vLines;
    lines.forEach((L, li) => {
      let k = 0;
      while (k < L.seg.length) {
        if (!L.seg[k]) { k++; continue; }
        const k0 = k;
        while (k < L.seg.length && L.seg[k]) k++;
        const k1 = k; // vertices k0..k1
        const name = L.kind === 'lane' ? roadName(stems.take(), 'lane', rn) : lineName.get(`${vertical}${li}`)!;
        const xs: number[] = [], ys: number[] = [], arcs: number[] = [];
        const vertexArc: number[] = [];
        for (let q = k0; q < k1; q++) {
          const a = along[q]!, b = along[q + 1]!;
          const n = Math.max(1, Math.ceil((b - a) / 10));
          for (let m = q === k0 ? 0 : 1; m <= n; m++) {
            const p = a + ((b - a) * m) / n;
            if (vertical) warp.fwd(across[li]!, p); else warp.fwd(p, across[li]!);
            if (xs.length) arcs.push(arcs[arcs.length - 1]! + Math.hypot(warp.ox - xs[xs.length - 1]!, warp.oy - ys[ys.length - 1]!));
            else arcs.push(0);
            xs.push(warp.ox); ys.push(warp.oy);
            if (m === 0 || m === n) vertexArc.push(arcs[arcs.length - 1]!);
          }
        }
        const points: number[] = [];
        for (let q = 0; q < xs.length; q++) points.push(Math.round(xs[q]! * 100) / 100, Math.round(ys[q]! * 100) / 100);
        const road: Road = { id: roads.length, name, kind: L.kind, widthM: L.widthM, points };
        roads.push(road);
        const zonesAlong: Run['zones'] = [];
        for (let q = k0; q <= k1; q++) {
          const C = crossLines[q]!;
          const present = (li > 0 && C.seg[li - 1]) || (li < C.seg.length && C.seg[li]);
          if (!present) continue;
          const a = vertexArc[q - k0]!;
          const hard = C.kind !== 'lane';
          const half = hard ? Math.max(C.widthM / 2 + 1, 13) : C.widthM / 2 + 1;
          zonesAlong.push({ a: a - half, b: a + half, hard, kind: C.kind, road: -1 });
        }
        runs.push({
          road, kind: L.kind, w: L.widthM, kerb: L.widthM / 2 - SIDEWALK[L.kind],
          xs: Float64Array.from(xs), ys: Float64Array.from(ys), arc: Float64Array.from(arcs),
          length: arcs[arcs.length - 1]!, zones: zonesAlong,
        });
      }
    });
  };
  buildRuns(true);
  buildRuns(false);

  // --- 3. DEM
  const cs = cfg.demCellM;
  const pad = 10;
  const x0 = Math.floor((minX - pad) / cs) * cs, y0 = Math.ceil((maxY + pad) / cs) * cs;
  const cols = Math.ceil((maxX + pad - x0) / cs), rows = Math.ceil((y0 - (minY - pad)) / cs);
  const heights = new Float32Array(cols * rows);
  const dem: Dem = { cols, rows, cellSize: cs, x0, y0, heights };

  // depressions (prone points): on main and secondary roads, away from the river and each other
  const rp = makeRng(seed, 'prone');
  type Cand = { x: number; y: number; names: { zh: string; en: string }; at: 'junction' | 'mid' };
  const cands: Cand[] = [];
  for (let i = 1; i < ns; i++) {
    for (let j = 1; j < nt; j++) {
      const V = vLines[i]!, H = hLines[j]!;
      const vOn = V.kind !== 'lane' && (V.seg[j - 1] || V.seg[j]);
      const hOn = H.kind !== 'lane' && (H.seg[i - 1] || H.seg[i]);
      if (vOn && hOn) {
        warp.fwd(sPos[i]!, tPos[j]!);
        const a = lineName.get(`true${i}`)!, b = lineName.get(`false${j}`)!;
        cands.push({ x: warp.ox, y: warp.oy, at: 'junction', names: { zh: `${a.zh}与${b.zh}交叉口`, en: `${a.en} / ${b.en} junction` } });
      }
      if (V.kind !== 'lane' && V.seg[j]) {
        warp.fwd(sPos[i]!, (tPos[j]! + tPos[j + 1]!) / 2);
        const a = lineName.get(`true${i}`)!;
        cands.push({ x: warp.ox, y: warp.oy, at: 'mid', names: { zh: `${a.zh}低洼路段`, en: `${a.en} low section` } });
      }
      if (H.kind !== 'lane' && H.seg[i]) {
        warp.fwd((sPos[i]! + sPos[i + 1]!) / 2, tPos[j]!);
        const a = lineName.get(`false${j}`)!;
        cands.push({ x: warp.ox, y: warp.oy, at: 'mid', names: { zh: `${a.zh}低洼路段`, en: `${a.en} low section` } });
      }
    }
  }
  for (let i = cands.length - 1; i > 0; i--) {
    const j = Math.floor(rp() * (i + 1));
    [cands[i], cands[j]] = [cands[j]!, cands[i]!];
  }
  const dips: (Cand & { depth: number; sigma: number })[] = [];
  for (let spacing = cfg.proneSpacingM; dips.length < cfg.pronePoints && spacing > 50; spacing *= 0.8) {
    for (const c of cands) {
      if (dips.length >= cfg.pronePoints) break;
      if (riverDist(c.x, c.y) < 90 || ponds.some((p) => Math.hypot(p.cx - c.x, p.cy - c.y) < p.R + 90)) continue;
      if (c.x < minX + 60 || c.x > maxX - 60 || c.y < minY + 60 || c.y > maxY - 60) continue;
      if (dips.some((d) => Math.hypot(d.x - c.x, d.y - c.y) < spacing)) continue;
      // 0.7-1.4 m deep, the bottom staying above the river level
      dips.push({ ...c, depth: Math.max(0.5, Math.min(rand(rp, 0.7, 1.4), groundAt(c.x, c.y) - levelM - 0.6)), sigma: rand(rp, 16, 26) });
    }
  }

  // base terrain + river channel
  for (let r = 0; r < rows; r++) {
    const y = y0 - (r + 0.5) * cs;
    for (let c = 0; c < cols; c++) {
      const x = x0 + (c + 0.5) * cs;
      let h = groundAt(x, y);
      for (const rv of rivers) {
        const d = Math.abs(rv.dist(x, y));
        if (d < rv.hw) {
          const f = d / rv.hw;
          h = Math.min(h, bedM + (levelM + 0.05 - bedM) * f * f);
        } else if (d < rv.hw + 40) {
          const f = (d - rv.hw) / 40, sm = f * f * (3 - 2 * f);
          h = Math.min(h, levelM + 0.05 + (h - levelM - 0.05) * sm);
        }
      }
      heights[r * cols + c] = h;
    }
  }
  // ponds: a bowl below the polygon, banks blending back to the ground within 10 m
  for (const pd of ponds) {
    const R = pd.R + 14;
    const c0 = Math.max(0, Math.floor((pd.cx - R - x0) / cs)), c1 = Math.min(cols - 1, Math.ceil((pd.cx + R - x0) / cs));
    const r0 = Math.max(0, Math.floor((y0 - pd.cy - R) / cs)), r1 = Math.min(rows - 1, Math.ceil((y0 - pd.cy + R) / cs));
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const x = x0 + (c + 0.5) * cs, y = y0 - (r + 0.5) * cs;
        const k = r * cols + c;
        if (pointInRing(x, y, pd.ring)) {
          const e = ringEdgeDist(x, y, pd.ring);
          heights[k] = Math.min(heights[k]!, levelM + 0.05 - Math.min(1.5, e * 0.1));
        } else {
          const e = ringEdgeDist(x, y, pd.ring);
          if (e < 12) {
            const f = e / 12, sm = f * f * (3 - 2 * f);
            heights[k] = Math.min(heights[k]!, levelM + 0.05 + (heights[k]! - levelM - 0.05) * sm);
          }
        }
      }
    }
  }
  // depressions: Gaussian dips
  for (const d of dips) {
    const R = d.sigma * 3.5;
    const c0 = Math.max(0, Math.floor((d.x - R - x0) / cs)), c1 = Math.min(cols - 1, Math.ceil((d.x + R - x0) / cs));
    const r0 = Math.max(0, Math.floor((y0 - d.y - R) / cs)), r1 = Math.min(rows - 1, Math.ceil((y0 - d.y + R) / cs));
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const x = x0 + (c + 0.5) * cs, y = y0 - (r + 0.5) * cs;
        const q = ((x - d.x) ** 2 + (y - d.y) ** 2) / (2 * d.sigma * d.sigma);
        heights[r * cols + c] -= d.depth * Math.exp(-q);
      }
    }
  }
  // carriageways 0.15 m below the kerb (not over the river: bridges leave the channel alone)
  const roadMask = new Uint8Array(cols * rows);
  for (const run of runs) {
    const hw = run.kerb;
    for (let q = 0; q + 1 < run.xs.length; q++) {
      const ax = run.xs[q]!, ay = run.ys[q]!, bx = run.xs[q + 1]!, by = run.ys[q + 1]!;
      const c0 = Math.max(0, Math.floor((Math.min(ax, bx) - hw - x0) / cs)), c1 = Math.min(cols - 1, Math.floor((Math.max(ax, bx) + hw - x0) / cs));
      const r0 = Math.max(0, Math.floor((y0 - Math.max(ay, by) - hw) / cs)), r1 = Math.min(rows - 1, Math.floor((y0 - Math.min(ay, by) + hw) / cs));
      const dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
      for (let r = r0; r <= r1; r++) {
        const y = y0 - (r + 0.5) * cs;
        for (let c = c0; c <= c1; c++) {
          const x = x0 + (c + 0.5) * cs;
          let t = ((x - ax) * dx + (y - ay) * dy) / l2;
          t = t < 0 ? 0 : t > 1 ? 1 : t;
          const ex = ax + t * dx - x, ey = ay + t * dy - y;
          if (ex * ex + ey * ey <= hw * hw) roadMask[r * cols + c] = 1;
        }
      }
    }
  }
  for (let r = 0; r < rows; r++) {
    const y = y0 - (r + 0.5) * cs;
    for (let c = 0; c < cols; c++) {
      const k = r * cols + c;
      if (roadMask[k] && riverDist(x0 + (c + 0.5) * cs, y) > 3) heights[k] -= 0.15;
    }
  }

  // --- responsibility grids, communities, unit grids (codes west to east, north to south)
  const rg = makeRng(seed, 'grids');
  const colB = splitRange(ns, cfg.respCols), rowB = splitRange(nt, cfg.respRows);
  const stColB = splitRange(cfg.respCols, cfg.streetCols), stRowB = splitRange(cfg.respRows, cfg.streetRows);
  const communityNames = new NamePool(COMMUNITY_WORDS, rg);
  const responsibilityGrids: ResponsibilityGrid[] = [];
  const unitGrids: UnitGrid[] = [];
  const cellGrid = new Int32Array(nCells).fill(-1);
  const cellOrder: number[] = [];
  let streetNo = 0;
  // streets: north to south, west to east (rows of the lattice run south to north: reverse)
  for (let sr = cfg.streetRows - 1; sr >= 0; sr--) {
    for (let sc = 0; sc < cfg.streetCols; sc++) {
      streetNo++;
      const streetName = STREET_NAMES[(streetNo - 1) % STREET_NAMES.length]!;
      let team = 0;
      for (let gr = stRowB[sr + 1]! - 1; gr >= stRowB[sr]!; gr--) {
        for (let gc = stColB[sc]!; gc < stColB[sc + 1]!; gc++) {
          team++;
          const cn = communityNames.take();
          const code = ADMIN_CODE + String(streetNo).padStart(3, '0') + String(team).padStart(3, '0');
          const ri = responsibilityGrids.length;
          responsibilityGrids.push({
            code,
            name: { zh: `${streetName[0]}${cn.zh}社区责任网格`, en: `${cn.en} Community grid, ${streetName[1]}` },
          });
          let serial = 0;
          for (let j = rowB[gr + 1]! - 1; j >= rowB[gr]!; j--) {
            for (let i = colB[gc]!; i < colB[gc + 1]!; i++) {
              serial++;
              const ring: number[] = [];
              const edge = (sa: number, ta: number, sb: number, tb: number) => {
                const n = Math.max(1, Math.ceil(Math.max(Math.abs(sb - sa), Math.abs(tb - ta)) / 10));
                for (let m = 0; m < n; m++) {
                  warp.fwd(sa + ((sb - sa) * m) / n, ta + ((tb - ta) * m) / n);
                  ring.push(warp.ox, warp.oy);
                }
              };
              const s0 = sPos[i]!, s1 = sPos[i + 1]!, t0 = tPos[j]!, t1 = tPos[j + 1]!;
              edge(s0, t0, s1, t0); edge(s1, t0, s1, t1); edge(s1, t1, s0, t1); edge(s0, t1, s0, t0);
              cellGrid[j * ns + i] = unitGrids.length;
              cellOrder.push(j * ns + i);
              unitGrids.push({ code: makeUnitGridCode(ADMIN_CODE, streetNo, team, serial), responsibilityGrid: ri, ring: ccw(ring), areaM2: Math.abs(ringArea(ring)) });
            }
          }
        }
      }
    }
  }
  /** unit grid index at a ground point, -1 outside the managed area */
  const gridAt = (x: number, y: number): number => {
    warp.inv(x, y);
    const i = upperIndex(sPos, warp.os), j = upperIndex(tPos, warp.ot);
    if (i < 0 || j < 0 || i >= ns || j >= nt) return -1;
    return cellGrid[j * ns + i]!;
  };

  // --- 4. buildings
  const rb = makeRng(seed, 'buildings');
  const buildings: Building[] = [];
  const cellBuildings: CellBuilding[] = [];
  const buildingClear = (ring: number[]): boolean => {
    // not in the river (with an 8 m bank), checked along every edge
    for (const rv of rivers) {
      let sign = 0;
      const n = ring.length / 2;
      for (let q = 0; q < n; q++) {
        const ax = ring[2 * q]!, ay = ring[2 * q + 1]!, bx = ring[(2 * q + 2) % ring.length]!, by = ring[(2 * q + 3) % ring.length]!;
        for (let m = 0; m < 4; m++) {
          const d = rv.dist(ax + ((bx - ax) * m) / 4, ay + ((by - ay) * m) / 4);
          if (Math.abs(d) < rv.hw + 8) return false;
          const sg = Math.sign(d);
          if (sign !== 0 && sg !== sign) return false;
          sign = sg;
        }
      }
    }
    return true;
  };
  for (const k of cellOrder) {
    const i = k % ns, j = Math.floor(k / ns);
    const grid = cellGrid[k]!;
    const zone = zones[k]!;
    if (zone === 'park') continue;
    const { cx, cy, ux, uy, vx, vy, rect } = cellFrame(k);
    if (rect.u1 - rect.u0 < 12 || rect.v1 - rect.v0 < 10) continue;
    const roadS = hLines[j]!.seg[i] ? hLines[j]!.kind : null, roadN = hLines[j + 1]!.seg[i] ? hLines[j + 1]!.kind : null;
    const front: 'v0' | 'v1' = roadS === 'main' || (roadS && roadN !== 'main') ? 'v0' : 'v1';
    let local: LocalBuilding[];
    switch (zone) {
      case 'core': local = coreBlock(rect, rb, front); break;
      case 'commercial': local = chance(rb, 0.5) ? coreBlock(rect, rb, front).map((b) => ({ ...b, floors: Math.min(b.floors, randInt(rb, 6, 12)) })) : slabs(rect, rb, [4, 8], 'commercial', [14, 20]); break;
      case 'highres': local = chance(rb, 0.7) ? towers(rect, rb, [18, 33], 'residential') : slabs(rect, rb, [11, 18], 'residential'); break;
      case 'midres': local = slabs(rect, rb, [6, 12], 'residential'); break;
      case 'lowres': local = slabs(rect, rb, [3, 5], 'residential', [10, 13]); break;
      case 'oldtown': local = lowRise(rect, rb, true); break;
      case 'industrial': local = industrial(rect, rb); break;
      case 'public': local = publicBlock(rect, rb); break;
      default: local = [];
    }
    const frontEdges = [roadS ? 1 : 0, roadN ? 1 : 0, vLines[i]!.seg[j] ? 1 : 0, vLines[i + 1]!.seg[j] ? 1 : 0];
    for (const lb of local) {
      const ring: number[] = [];
      for (let q = 0; q < lb.ring.length; q += 2) {
        const u = lb.ring[q]!, v = lb.ring[q + 1]!;
        ring.push(Math.round((cx + u * ux + v * vx) * 100) / 100, Math.round((cy + u * uy + v * vy) * 100) / 100);
      }
      if (!buildingClear(ring)) continue;
      const b: Building = { id: buildings.length, ring, heightM: lb.floors * 3, baseM: 0, floors: lb.floors, use: lb.use, unitGrid: grid };
      buildings.push(b);
      let lu0 = Infinity, lu1 = -Infinity, lv0 = Infinity, lv1 = -Infinity;
      for (let q = 0; q < lb.ring.length; q += 2) {
        lu0 = Math.min(lu0, lb.ring[q]!); lu1 = Math.max(lu1, lb.ring[q]!);
        lv0 = Math.min(lv0, lb.ring[q + 1]!); lv1 = Math.max(lv1, lb.ring[q + 1]!);
      }
      const near = (d: number) => d < 2.5;
      cellBuildings.push({
        b, local: lb, frame: { cx, cy, ux, uy },
        front: [
          near(lv0 - rect.v0) ? frontEdges[0]! : 0, near(rect.v1 - lv1) ? frontEdges[1]! : 0,
          near(lu0 - rect.u0) ? frontEdges[2]! : 0, near(rect.u1 - lu1) ? frontEdges[3]! : 0,
        ],
      });
    }
  }
  // baseM: the lowest DEM cell under the footprint
  for (const b of buildings) {
    let bx0 = Infinity, by0 = Infinity, bx1 = -Infinity, by1 = -Infinity;
    for (let q = 0; q < b.ring.length; q += 2) {
      bx0 = Math.min(bx0, b.ring[q]!); bx1 = Math.max(bx1, b.ring[q]!);
      by0 = Math.min(by0, b.ring[q + 1]!); by1 = Math.max(by1, b.ring[q + 1]!);
    }
    let lo = Infinity;
    for (let q = 0; q < b.ring.length; q += 2) {
      const ci = demCellIndex(dem, b.ring[q]!, b.ring[q + 1]!);
      if (ci >= 0) lo = Math.min(lo, heights[ci]!);
    }
    const step = cs / 2;
    for (let y = by0 + step / 2; y < by1; y += step) {
      for (let x = bx0 + step / 2; x < bx1; x += step) {
        if (!pointInRing(x, y, b.ring)) continue;
        const ci = demCellIndex(dem, x, y);
        if (ci >= 0) lo = Math.min(lo, heights[ci]!);
      }
    }
    b.baseM = Math.round(lo * 100) / 100;
  }

  // --- 5. prone points at the bottom of each depression
  const pronePoints: PronePoint[] = [];
  for (const d of dips) {
    let best = -1, bh = Infinity;
    const R = d.sigma * 1.5;
    for (let y = d.y - R; y <= d.y + R; y += cs) {
      for (let x = d.x - R; x <= d.x + R; x += cs) {
        const ci = demCellIndex(dem, x, y);
        if (ci >= 0 && heights[ci]! < bh) { bh = heights[ci]!; best = ci; }
      }
    }
    const px = x0 + ((best % cols) + 0.5) * cs, py = y0 - (Math.floor(best / cols) + 0.5) * cs;
    const g = gridAt(px, py);
    if (g < 0) continue;
    pronePoints.push({ id: '', name: d.names, x: px, y: py, groundM: bh, unitGrid: g });
  }
  pronePoints.sort((a, b) => a.unitGrid - b.unitGrid || a.y - b.y || a.x - b.x);
  pronePoints.forEach((p, k) => { p.id = `YJS${String(k + 1).padStart(3, '0')}`; });

  // --- 6. components
  const ctx: PlaceCtx = { warp, gridAt, riverDist, dem };
  const fixed = placeFixed(ctx, runs, pronePoints, makeRng(seed, 'components'), cellOrder, zones, vLines, hLines, sPos, tPos, ns);
  let k = 1;
  let flex = placeFlex(ctx, runs, cellBuildings, makeRng(seed, 'flex'), k);
  const target = cfg.targetComponents;
  if (target !== undefined) {
    const need = target - fixed.length;
    if (need < 0) throw new Error(`preset ${opts.preset}: ${fixed.length} fixed components exceed the target ${target}`);
    for (let guard = 0; flex.length < need || guard === 0; guard++) {
      if (guard > 8) throw new Error(`preset ${opts.preset}: could not reach ${target} components`);
      k = k * (need / Math.max(1, flex.length)) * 1.02;
      flex = placeFlex(ctx, runs, cellBuildings, makeRng(seed, 'flex'), k);
    }
    // trim deterministically: drop the flexible items with the smallest random keys
    const excess = flex.length - need;
    if (excess > 0) {
      const rt2 = makeRng(seed, 'trim');
      const keys = Float64Array.from({ length: flex.length }, () => rt2());
      const order = Array.from({ length: flex.length }, (_, q) => q).sort((a, b) => keys[a]! - keys[b]!);
      const drop = new Uint8Array(flex.length);
      for (let q = 0; q < excess; q++) drop[order[q]!] = 1;
      const kept = new CompBuf();
      for (let q = 0; q < flex.length; q++) {
        if (drop[q]) continue;
        kept.cls.push(flex.cls[q]!); kept.x.push(flex.x[q]!); kept.y.push(flex.y[q]!); kept.heading.push(flex.heading[q]!); kept.grid.push(flex.grid[q]!);
      }
      flex = kept;
    }
  }
  const components = finishComponents(fixed, flex, dem, makeRng(seed, 'states'));

  const meta: CityMeta = {
    slug,
    name: cfg.name,
    adminCode: ADMIN_CODE,
    originLonDeg: ORIGIN_LON,
    originLatDeg: ORIGIN_LAT,
    originHeightM: 0,
    timeZone: 'Asia/Shanghai',
    preset: opts.preset,
    seed,
    extent: [x0, y0 - rows * cs, x0 + cols * cs, y0],
  };
  const water = {
    polygons: rivers.map((r) => r.polygon(x0, y0 - rows * cs, x0 + cols * cs, y0).map((v) => Math.round(v * 100) / 100)).concat(ponds.map((p) => p.ring)),
    levelM,
  };
  return {
    meta, dem, roads, water, buildings, responsibilityGrids, unitGrids, pronePoints,
    departments: DEPARTMENTS.map((d) => ({ ...d })), components,
  };
}

// ---------------------------------------------------------------------------------------------
// Component placement

interface PlaceCtx {
  warp: Warp;
  gridAt: (x: number, y: number) => number;
  riverDist: (x: number, y: number) => number;
  dem: Dem;
}

interface CellBuilding {
  b: Building;
  local: LocalBuilding;
  frame: { cx: number; cy: number; ux: number; uy: number };
  /** facade on a street: [south, north, west, east] in the cell's frame */
  front: number[];
}

const P = { x: 0, y: 0, tx: 0, ty: 0 };
/** point at arc length a along a run, offset lateral metres to the left; sets P */
function pointAt(run: Run, a: number, lateral: number): void {
  const arc = run.arc;
  let lo = 0, hi = arc.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (arc[mid]! <= a) lo = mid; else hi = mid - 1;
  }
  const l = arc[lo + 1]! - arc[lo]!;
  const f = l > 0 ? Math.min(1, Math.max(0, (a - arc[lo]!) / l)) : 0;
  const tx = (run.xs[lo + 1]! - run.xs[lo]!) / (l || 1), ty = (run.ys[lo + 1]! - run.ys[lo]!) / (l || 1);
  P.tx = tx; P.ty = ty;
  P.x = run.xs[lo]! + f * (run.xs[lo + 1]! - run.xs[lo]!) - ty * lateral;
  P.y = run.ys[lo]! + f * (run.ys[lo + 1]! - run.ys[lo]!) + tx * lateral;
}

function inZones(run: Run, a: number, pad: number, lanesToo: boolean): boolean {
  for (const z of run.zones) if ((lanesToo || z.hard) && a > z.a - pad && a < z.b + pad) return true;
  return false;
}

/** Lights: even spacing of 25-35 m between the main/secondary crossings; a light that lands in a
 *  lane mouth moves to the nearer corner. */
function evenPositions(run: Run, base: number): number[] {
  const out: number[] = [];
  const hard = run.zones.filter((z) => z.hard).sort((a, b) => a.a - b.a);
  const intervals: [number, number][] = [];
  let cur = 2;
  for (const z of hard) {
    if (z.a > cur) intervals.push([cur, z.a]);
    cur = Math.max(cur, z.b);
  }
  if (run.length - 2 > cur) intervals.push([cur, run.length - 2]);
  for (const [a, b] of intervals) {
    const L = b - a;
    if (L < 12) continue;
    if (L < 25) { out.push((a + b) / 2); continue; }
    let n = Math.max(1, Math.round(L / base));
    if (L / n > 35 && L / (n + 1) >= 25) n++;
    if (L / n < 25 && n > 1 && L / (n - 1) <= 35) n--;
    for (let q = 0; q <= n; q++) out.push(a + (L * q) / n);
  }
  const lanes = run.zones.filter((z) => !z.hard);
  return out.map((p) => {
    for (const z of lanes) if (p > z.a && p < z.b) return p - z.a < z.b - p ? z.a : z.b;
    return p;
  });
}

/** Regular positions every `spacing` metres from `phase`, skipping crossings (plus pad). */
function stepPositions(run: Run, spacing: number, phase: number, pad: number, jitter: number, rng: Rng, lanesToo = true): number[] {
  const out: number[] = [];
  for (let a = phase; a < run.length; a += spacing) {
    const q = a + (jitter ? jitter * (2 * rng() - 1) : 0);
    if (q < 1.5 || q > run.length - 1.5) continue;
    if (inZones(run, q, pad, lanesToo)) continue;
    out.push(q);
  }
  return out;
}

function emit(ctx: PlaceCtx, buf: CompBuf, cls: number, x: number, y: number, heading: number, riverPad: number | null): void {
  if (riverPad !== null && ctx.riverDist(x, y) < riverPad) return;
  const g = ctx.gridAt(x, y);
  if (g < 0) return;
  buf.cls.push(cls); buf.x.push(x); buf.y.push(y); buf.heading.push(heading); buf.grid.push(g);
}

/** emit at arc a, lateral offset; heading toward the road centre (or along it) */
function emitAlong(ctx: PlaceCtx, buf: CompBuf, run: Run, cls: number, a: number, lateral: number, face: 'road' | 'along', riverPad: number | null): void {
  pointAt(run, a, lateral);
  const heading = face === 'along' ? Math.atan2(P.ty, P.tx) : lateral >= 0 ? Math.atan2(-P.tx, P.ty) : Math.atan2(P.tx, -P.ty);
  emit(ctx, buf, cls, P.x, P.y, heading, riverPad);
}

/** Everything but the flexible classes: lights, grates, hydrants, bins, bus stops, billboards,
 *  chargers and gauges. Components over the water (bridges) are left out: z is the ground. */
function placeFixed(
  ctx: PlaceCtx, runs: Run[], prone: PronePoint[], rng: Rng, cellOrder: number[], zones: Zone[],
  vLines: Line[], hLines: Line[], sPos: number[], tPos: number[], ns: number,
): CompBuf {
  const buf = new CompBuf();
  for (const run of runs) {
    const k = run.kind, kerb = run.kerb, half = run.w / 2;
    const lightBase = rand(rng, 28.5, 31.5);
    // street lights: both sides of main and secondary roads, one side of lanes
    const lightSides = k === 'lane' ? [half - 0.4] : [kerb + 0.7, -(kerb + 0.7)];
    for (const lat of lightSides) for (const a of evenPositions(run, lightBase)) emitAlong(ctx, buf, run, C_LIGHT, a, lat, 'road', 0);
    // storm grates along the kerbs, and at the road's low points
    const gSpacing = k === 'main' ? 30 : k === 'secondary' ? 35 : 40;
    const gSides = k === 'lane' ? [-(kerb - 0.3)] : [kerb - 0.3, -(kerb - 0.3)];
    const lows = lowPoints(ctx.dem, run);
    for (const lat of gSides) {
      const ph = rand(rng, 5, gSpacing);
      for (const a of stepPositions(run, gSpacing, ph, 1, 1.5, rng)) {
        if (lows.some((l) => Math.abs(l - a) < 8)) continue;
        emitAlong(ctx, buf, run, C_GRATE, a, lat, 'along', 2);
      }
      for (const a of lows) if (!inZones(run, a, 0, true)) emitAlong(ctx, buf, run, C_GRATE, a, lat, 'along', 2);
    }
    // hydrants about every 120 m, alternating sides on wide roads
    {
      let side = 1;
      for (const a of stepPositions(run, 120, rand(rng, 20, 120), 4, 6, rng)) {
        const lat = k === 'lane' ? -(half - 0.3) : side * (kerb + 0.6);
        emitAlong(ctx, buf, run, C_HYDRANT, a, lat, 'road', 4);
        if (k !== 'lane') side = -side;
      }
    }
    // litter bins every 50-80 m on main roads (both sides), sparser on secondary roads
    if (k !== 'lane') {
      const sides = k === 'main' ? [kerb + 1.4, -(kerb + 1.4)] : [rng() < 0.5 ? kerb + 1.2 : -(kerb + 1.2)];
      for (const lat of sides) {
        for (const a of stepPositions(run, k === 'main' ? rand(rng, 55, 75) : 85, rand(rng, 10, 60), 6, 5, rng)) emitAlong(ctx, buf, run, C_BIN, a, lat, 'road', 4);
      }
    }
    // bus stops every ~500 m on main roads, staggered between the two directions
    if (k === 'main') {
      const ph = rand(rng, 120, 380);
      for (const [lat, off] of [[kerb + 1.8, 0], [-(kerb + 1.8), 250]] as const) {
        for (let a = ph + off; a < run.length - 20; a += rand(rng, 450, 550)) {
          let q = a;
          for (let tries = 0; tries < 10 && inZones(run, q, 25, false); tries++) q += 20;
          if (q > run.length - 20 || inZones(run, q, 25, false)) continue;
          emitAlong(ctx, buf, run, C_BUS, q, lat, 'road', 6);
        }
      }
    }
    // outdoor advertising: roadside boards on main roads, beyond the sidewalk
    if (k === 'main') {
      for (const a of stepPositions(run, rand(rng, 180, 260), rand(rng, 40, 150), 12, 20, rng)) {
        emitAlong(ctx, buf, run, C_BILLBOARD, a, (rng() < 0.5 ? 1 : -1) * (half + 2.5), 'road', 8);
      }
    } else if (k === 'secondary' && rng() < 0.5) {
      for (const a of stepPositions(run, 400, rand(rng, 50, 300), 12, 30, rng)) emitAlong(ctx, buf, run, C_BILLBOARD, a, (rng() < 0.5 ? 1 : -1) * (half + 2), 'road', 8);
    }
  }
  // billboards at the corners of main x main junctions
  for (let i = 0; i < vLines.length; i++) {
    for (let j = 0; j < hLines.length; j++) {
      const V = vLines[i]!, H = hLines[j]!;
      if (V.kind !== 'main' || H.kind !== 'main') continue;
      ctx.warp.fwd(sPos[i]!, tPos[j]!);
      const jx = ctx.warp.ox, jy = ctx.warp.oy;
      ctx.warp.fwd(sPos[i]! + 1, tPos[j]!);
      const ux = ctx.warp.ox - jx, uy = ctx.warp.oy - jy;
      ctx.warp.fwd(sPos[i]!, tPos[j]! + 1);
      const vx = ctx.warp.ox - jx, vy = ctx.warp.oy - jy;
      for (const [su, sv] of [[1, 1], [-1, 1], [-1, -1], [1, -1]] as const) {
        if (rng() < 0.5) continue;
        const du = su * (V.widthM / 2 + 4), dv = sv * (H.widthM / 2 + 4);
        const x = jx + du * ux + dv * vx, y = jy + du * uy + dv * vy;
        emit(ctx, buf, C_BILLBOARD, x, y, Math.atan2(jy - y, jx - x), 8);
      }
    }
  }
  // EV chargers: rows of 4-8 in the setback of some commercial, office and public cells
  for (const k of cellOrder) {
    const z = zones[k]!;
    const p = z === 'core' || z === 'commercial' ? 0.22 : z === 'public' || z === 'highres' ? 0.1 : z === 'industrial' ? 0.06 : 0;
    if (!(rng() < p)) continue;
    const i = k % ns, j = Math.floor(k / ns);
    // along the widest setback edge with a road: south or north edge
    const S = hLines[j]!, N = hLines[j + 1]!;
    const useS = S.seg[i] && (!N.seg[i] || S.widthM >= N.widthM);
    const L = useS ? S : N;
    if (!L.seg[i] || L.kind === 'lane') continue;
    const tEdge = useS ? tPos[j]! : tPos[j + 1]!;
    const n = randInt(rng, 4, 8);
    const sMid = (sPos[i]! + sPos[i + 1]!) / 2 + rand(rng, -15, 15);
    ctx.warp.fwd(sMid, tEdge);
    const ex = ctx.warp.ox, ey = ctx.warp.oy;
    ctx.warp.fwd(sMid + 1, tEdge);
    let tx = ctx.warp.ox - ex, ty = ctx.warp.oy - ey;
    const tl = Math.hypot(tx, ty); tx /= tl; ty /= tl;
    const inward = useS ? 1 : -1; // toward the cell centre
    const off = L.widthM / 2 + SETBACK[L.kind] * 0.55;
    for (let q = 0; q < n; q++) {
      const along = (q - (n - 1) / 2) * 3;
      const x = ex + tx * along - ty * off * inward, y = ey + ty * along + tx * off * inward;
      emit(ctx, buf, C_CHARGER, x, y, Math.atan2(tx * inward, -ty * inward), 4);
    }
  }
  // water-level gauges at the prone points
  for (const p of prone) emit(ctx, buf, C_GAUGE, p.x, p.y, 0, null);
  return buf;
}

/** arc positions of the local minima of a road's centreline profile (lowest within +-20 m) */
function lowPoints(dem: Dem, run: Run): number[] {
  const step = 5;
  const n = Math.floor(run.length / step);
  if (n < 3) return [];
  const h = new Float64Array(n + 1);
  for (let q = 0; q <= n; q++) { pointAt(run, q * step, 0); h[q] = demHeightAt(dem, P.x, P.y); }
  const out: number[] = [];
  for (let q = 1; q < n; q++) {
    let low = true;
    for (let m = Math.max(0, q - 4); m <= Math.min(n, q + 4) && low; m++) if (m !== q && h[m]! <= h[q]!) low = false;
    if (low) out.push(q * step);
  }
  return out;
}

/** The flexible classes (street trees, the three manhole covers, signboards) at density k:
 *  tuned to reach a preset's exact component count. */
function placeFlex(ctx: PlaceCtx, runs: Run[], cellBuildings: CellBuilding[], rng: Rng, k: number): CompBuf {
  const buf = new CompBuf();
  for (const run of runs) {
    const kind = run.kind, kerb = run.kerb, sw = SIDEWALK[kind];
    // street trees on the sidewalk, every ~8 m on main roads
    const tSpacing = (kind === 'main' ? 8 : kind === 'secondary' ? 8 : 10) / k;
    const tSides = kind === 'lane' ? (k > 1.3 ? [run.w / 2 - 0.5, -(run.w / 2 - 0.5)] : [-(run.w / 2 - 0.5)]) : [kerb + Math.min(2.2, sw - 1), -(kerb + Math.min(2.2, sw - 1))];
    for (const lat of tSides) {
      for (const a of stepPositions(run, tSpacing, rand(rng, 0, tSpacing), 3, 0.4, rng)) emitAlong(ctx, buf, run, C_TREE, a, lat, 'along', 3);
    }
    // manhole covers in the carriageway: sewage, storm water, and water supply under the sidewalk
    const cov = (cls: number, spacing: number, lat: number) => {
      for (const a of stepPositions(run, spacing / k, rand(rng, 0, spacing / k), 0, 2, rng, false)) emitAlong(ctx, buf, run, cls, a, lat, 'along', 1);
    };
    if (kind === 'lane') {
      cov(C_SEWER, 40, 0.9); cov(C_STORM, 40, -0.9); cov(C_WATER, 80, run.w / 2 - 0.8);
    } else {
      cov(C_SEWER, kind === 'main' ? 45 : 50, kerb * 0.25);
      cov(C_STORM, kind === 'main' ? 40 : 45, -kerb * 0.3);
      cov(C_WATER, kind === 'main' ? 70 : 80, kerb + sw * 0.5);
    }
  }
  // signboards on ground-floor shop fronts facing a street
  for (const cb of cellBuildings) {
    const { b, local, frame } = cb;
    const shop = b.use === 'commercial' || b.use === 'office' || (b.use === 'residential' && b.floors <= 12 && (hash2(b.id, 7, 3) < 0.5));
    if (!shop) continue;
    let lu0 = Infinity, lu1 = -Infinity, lv0 = Infinity, lv1 = -Infinity;
    for (let q = 0; q < local.ring.length; q += 2) {
      lu0 = Math.min(lu0, local.ring[q]!); lu1 = Math.max(lu1, local.ring[q]!);
      lv0 = Math.min(lv0, local.ring[q + 1]!); lv1 = Math.max(lv1, local.ring[q + 1]!);
    }
    const { cx, cy, ux, uy } = frame;
    const vx = -uy, vy = ux;
    const spacing = 8 / k;
    // facades: south (v0), north (v1), west (u0), east (u1); the sign hangs 0.4 m in front
    for (let side = 0; side < 4; side++) {
      if (!cb.front[side]) continue;
      const alongU = side < 2;
      const lo = alongU ? lu0 : lv0, hi = alongU ? lu1 : lv1;
      const fixedC = side === 0 ? lv0 - 0.4 : side === 1 ? lv1 + 0.4 : side === 2 ? lu0 - 0.4 : lu1 + 0.4;
      const out = side === 0 || side === 2 ? -1 : 1;
      const nx = alongU ? out * vx : out * ux, ny = alongU ? out * vy : out * uy;
      for (let w = lo + 3 + rng() * spacing * 0.5; w <= hi - 3; w += spacing) {
        const u = alongU ? w : fixedC, v = alongU ? fixedC : w;
        emit(ctx, buf, C_SIGN, cx + u * ux + v * vx, cy + u * uy + v * vy, Math.atan2(ny, nx), null);
      }
    }
  }
  return buf;
}

/** Order by unit grid then class, number per class, sample heights, set states and departments. */
function finishComponents(fixed: CompBuf, flex: CompBuf, dem: Dem, rng: Rng): ComponentColumns {
  const n = fixed.length + flex.length;
  const get = (q: number) => (q < fixed.length ? [fixed, q] as const : [flex, q - fixed.length] as const);
  const order = new Uint32Array(n);
  const keyGrid = new Uint32Array(n), keyCls = new Uint8Array(n);
  for (let q = 0; q < n; q++) {
    const [b, i] = get(q);
    order[q] = q; keyGrid[q] = b.grid[i]!; keyCls[q] = b.cls[i]!;
  }
  const sorted = Array.from(order).sort((a, b) => keyGrid[a]! - keyGrid[b]! || keyCls[a]! - keyCls[b]! || a - b);
  const classIndex = new Uint8Array(n), x = new Float32Array(n), y = new Float32Array(n), z = new Float32Array(n);
  const heading = new Float32Array(n), unitGrid = new Uint32Array(n), state = new Uint8Array(n);
  const ownerDept = new Uint8Array(n), maintainerDept = new Uint8Array(n);
  const codes: string[] = new Array<string>(n);
  const serial = new Array<number>(COMPONENT_CLASSES.length).fill(0);
  const S = STATE_CODE;
  for (let q = 0; q < n; q++) {
    const [b, i] = get(sorted[q]!);
    const c = b.cls[i]!;
    classIndex[q] = c;
    x[q] = b.x[i]!; y[q] = b.y[i]!;
    z[q] = demHeightAt(dem, b.x[i]!, b.y[i]!);
    heading[q] = b.heading[i]!;
    unitGrid[q] = b.grid[i]!;
    codes[q] = makeComponentCode(ADMIN_CODE, COMPONENT_CLASSES[c]!.code, ++serial[c]!);
    ownerDept[q] = CLASS_DEPTS[c]![0];
    maintainerDept[q] = CLASS_DEPTS[c]![1];
    const r = rng();
    let st: number = S.intact;
    switch (c) {
      case C_LIGHT: break; // lights start intact; the simulator switches them
      case C_WATER: case C_SEWER: case C_STORM: case C_GRATE:
        st = r < 0.012 ? S.damaged : r < 0.015 ? S.missing : S.intact; break;
      case C_CHARGER: st = r < 0.03 ? S.offline : r < 0.04 ? S.damaged : S.intact; break;
      case C_GAUGE: st = r < 0.05 ? S.offline : S.intact; break;
      case C_BIN: st = r < 0.02 ? S.damaged : r < 0.025 ? S.missing : S.intact; break;
      case C_TREE: st = r < 0.01 ? S.damaged : r < 0.014 ? S.missing : S.intact; break;
      default: st = r < 0.015 ? S.damaged : S.intact;
    }
    state[q] = st;
  }
  return { count: n, codes, classIndex, x, y, z, heading, unitGrid, state, ownerDept, maintainerDept };
}

/** Counts by class code, for CLI output and tests. */
export function componentCountsByClass(c: ComponentColumns): Record<string, number> {
  const out: Record<string, number> = {};
  for (const cl of COMPONENT_CLASSES) out[cl.code] = 0;
  for (let q = 0; q < c.count; q++) out[COMPONENT_CLASSES[c.classIndex[q]!]!.code]!++;
  return out;
}
