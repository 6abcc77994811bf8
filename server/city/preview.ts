// A quick look at a generated city: a top-down PNG (hillshaded DEM, river, roads, buildings,
// unit grid outlines, components as dots coloured by class).
//
//   npx tsx server/city/preview.ts out.png [--preset default|huaibei] [--seed N] [--mpp 2]
//                                          [--window x0,y0,x1,y1]
//
// No native dependencies: a tiny PNG encoder on node:zlib.
import { writeFileSync } from 'node:fs';
import { encodePng } from '../png';
import type { CityData } from '../../models/city';
import { generateCity } from './generate';


// --- raster canvas in local metres
class Canvas {
  rgb: Uint8Array;
  constructor(readonly w: number, readonly h: number, readonly x0: number, readonly y1: number, readonly mpp: number) {
    this.rgb = new Uint8Array(w * h * 3);
  }
  px(x: number) { return (x - this.x0) / this.mpp; }
  py(y: number) { return (this.y1 - y) / this.mpp; }
  set(ix: number, iy: number, c: readonly number[], a = 1) {
    if (ix < 0 || iy < 0 || ix >= this.w || iy >= this.h) return;
    const o = (iy * this.w + ix) * 3;
    for (let k = 0; k < 3; k++) this.rgb[o + k] = Math.round(this.rgb[o + k]! * (1 - a) + c[k]! * a);
  }
  fillRing(ring: number[], c: readonly number[], a = 1) {
    let ymin = Infinity, ymax = -Infinity;
    const n = ring.length / 2;
    const xs: number[] = [], ys: number[] = [];
    for (let i = 0; i < n; i++) { xs.push(this.px(ring[2 * i]!)); ys.push(this.py(ring[2 * i + 1]!)); ymin = Math.min(ymin, ys[i]!); ymax = Math.max(ymax, ys[i]!); }
    for (let iy = Math.max(0, Math.floor(ymin)); iy <= Math.min(this.h - 1, Math.ceil(ymax)); iy++) {
      const yc = iy + 0.5;
      const cross: number[] = [];
      for (let i = 0, j = n - 1; i < n; j = i++) {
        if (ys[i]! > yc !== ys[j]! > yc) cross.push(xs[i]! + ((yc - ys[i]!) * (xs[j]! - xs[i]!)) / (ys[j]! - ys[i]!));
      }
      cross.sort((p, q) => p - q);
      for (let k = 0; k + 1 < cross.length; k += 2) {
        for (let ix = Math.max(0, Math.round(cross[k]!)); ix < Math.min(this.w, Math.round(cross[k + 1]!)); ix++) this.set(ix, iy, c, a);
      }
    }
  }
  line(ax: number, ay: number, bx: number, by: number, c: readonly number[], a = 1) {
    const x0 = this.px(ax), y0 = this.py(ay), x1 = this.px(bx), y1 = this.py(by);
    const n = Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))) + 1;
    for (let k = 0; k <= n; k++) this.set(Math.floor(x0 + ((x1 - x0) * k) / n), Math.floor(y0 + ((y1 - y0) * k) / n), c, a);
  }
  thick(ax: number, ay: number, bx: number, by: number, widthM: number, c: readonly number[]) {
    const hw = widthM / 2 / this.mpp;
    const x0 = this.px(ax), y0 = this.py(ay), x1 = this.px(bx), y1 = this.py(by);
    const dx = x1 - x0, dy = y1 - y0, l2 = dx * dx + dy * dy || 1;
    for (let iy = Math.floor(Math.min(y0, y1) - hw); iy <= Math.ceil(Math.max(y0, y1) + hw); iy++) {
      for (let ix = Math.floor(Math.min(x0, x1) - hw); ix <= Math.ceil(Math.max(x0, x1) + hw); ix++) {
        const t = Math.max(0, Math.min(1, ((ix + 0.5 - x0) * dx + (iy + 0.5 - y0) * dy) / l2));
        const ex = x0 + t * dx - ix - 0.5, ey = y0 + t * dy - iy - 0.5;
        if (ex * ex + ey * ey <= hw * hw) this.set(ix, iy, c);
      }
    }
  }
  dot(x: number, y: number, r: number, c: readonly number[]) {
    const cx = this.px(x), cy = this.py(y);
    for (let iy = Math.floor(cy - r); iy <= Math.ceil(cy + r); iy++) {
      for (let ix = Math.floor(cx - r); ix <= Math.ceil(cx + r); ix++) {
        if ((ix + 0.5 - cx) ** 2 + (iy + 0.5 - cy) ** 2 <= r * r) this.set(ix, iy, c);
      }
    }
  }
}

const CLASS_COLOURS: number[][] = [
  [40, 90, 200], [120, 70, 20], [0, 150, 170], [0, 200, 220], [230, 20, 20], [255, 210, 0], [160, 0, 220],
  [255, 0, 255], [255, 120, 0], [90, 200, 60], [255, 255, 255], [250, 160, 200], [20, 120, 20],
];

export function renderCity(city: CityData, mpp: number, window?: [number, number, number, number]): Uint8Array {
  const [ex0, ey0, ex1, ey1] = window ?? city.meta.extent;
  const w = Math.ceil((ex1 - ex0) / mpp), h = Math.ceil((ey1 - ey0) / mpp);
  const cv = new Canvas(w, h, ex0, ey1, mpp);
  const dem = city.dem;
  let lo = Infinity, hi = -Infinity;
  for (const v of dem.heights) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  // hillshade (sun from the north-west), exaggerated x8, tinted by height
  for (let iy = 0; iy < h; iy++) {
    for (let ix = 0; ix < w; ix++) {
      const x = ex0 + (ix + 0.5) * mpp, y = ey1 - (iy + 0.5) * mpp;
      const c = Math.min(dem.cols - 2, Math.max(1, Math.floor((x - dem.x0) / dem.cellSize)));
      const r = Math.min(dem.rows - 2, Math.max(1, Math.floor((dem.y0 - y) / dem.cellSize)));
      const H = dem.heights, k = r * dem.cols + c;
      const dzdx = (H[k + 1]! - H[k - 1]!) / (2 * dem.cellSize) * 8, dzdy = (H[k - dem.cols]! - H[k + dem.cols]!) / (2 * dem.cellSize) * 8;
      const nz = 1 / Math.sqrt(1 + dzdx * dzdx + dzdy * dzdy);
      const shade = Math.max(0, (-dzdx * -0.5 + -dzdy * 0.5) * nz + nz * 0.7);
      const t = (H[k]! - lo) / (hi - lo || 1);
      const base = [120 + 90 * t, 150 + 60 * t, 100 + 40 * t];
      cv.set(ix, iy, base.map((v) => Math.min(255, v * (0.45 + 0.6 * shade))));
    }
  }
  for (const p of city.water.polygons) cv.fillRing(p, [70, 130, 200]);
  const roadColour: Record<string, number[]> = { main: [250, 250, 250], secondary: [235, 235, 225], lane: [175, 170, 165] };
  for (const kind of ['lane', 'secondary', 'main']) {
    for (const r of city.roads) {
      if (r.kind !== kind) continue;
      for (let q = 0; q + 3 < r.points.length; q += 2) cv.thick(r.points[q]!, r.points[q + 1]!, r.points[q + 2]!, r.points[q + 3]!, r.widthM, roadColour[kind]!);
    }
  }
  for (const b of city.buildings) {
    const t = Math.min(1, b.heightM / 120);
    const col = b.use === 'industrial' ? [150, 140, 170] : b.use === 'public' ? [200, 120, 110] : [110 + 140 * t, 105 - 40 * t, 95 - 40 * t];
    cv.fillRing(b.ring, col);
  }
  for (const g of city.unitGrids) {
    const n = g.ring.length / 2;
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n;
      cv.line(g.ring[2 * i]!, g.ring[2 * i + 1]!, g.ring[2 * j]!, g.ring[2 * j + 1]!, [200, 40, 160], 0.5);
    }
  }
  const c = city.components;
  const r = Math.max(0.6, 1.2 / mpp);
  for (let q = 0; q < c.count; q++) cv.dot(c.x[q]!, c.y[q]!, c.classIndex[q] === 7 ? 4 : r, CLASS_COLOURS[c.classIndex[q]!]!);
  for (const p of city.pronePoints) {
    const cx = p.x, cy = p.y;
    for (let a = 0; a < 64; a++) cv.dot(cx + 20 * Math.cos((a / 64) * 2 * Math.PI), cy + 20 * Math.sin((a / 64) * 2 * Math.PI), 1, [255, 0, 255]);
  }
  return encodePng(w, h, cv.rgb);
}

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main() {
  const argv = process.argv.slice(2);
  const out = argv.find((a) => a.endsWith('.png')) ?? 'city-preview.png';
  const preset = (arg(argv, '--preset') ?? 'default') as 'default' | 'huaibei';
  const seed = arg(argv, '--seed') ? Number(arg(argv, '--seed')) : undefined;
  const mpp = Number(arg(argv, '--mpp') ?? (preset === 'huaibei' ? 4 : 2));
  const win = arg(argv, '--window')?.split(',').map(Number) as [number, number, number, number] | undefined;
  const t0 = performance.now();
  const city = generateCity({ preset, seed });
  const t1 = performance.now();
  writeFileSync(out, renderCity(city, mpp, win));
  console.log(`${out}: ${city.buildings.length} buildings, ${city.roads.length} roads, ${city.unitGrids.length} unit grids, ${city.components.count} components; generated in ${(t1 - t0).toFixed(0)} ms, drawn in ${(performance.now() - t1).toFixed(0)} ms`);
}

if (process.argv[1] && /preview\.ts$/.test(process.argv[1])) {
  main().catch((e) => { console.error(e); process.exit(1); });
}
