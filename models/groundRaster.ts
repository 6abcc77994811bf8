// The rasters draped over a city's terrain, painted once per city on the server (served as the
// "ground" layer, models/layers.ts) so the browser only uploads them: the street network and
// water mask, and the unit-grid id raster. Pure: no canvas, the same bytes wherever it runs.
import type { GridsLayer, RoadsLayer, WaterLayer } from './layers';

/** A texture box over the city in local metres, and the size of the rasters painted over it. */
export interface GroundBox {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
  /** raster size, pixels; row 0 is the south edge (v = 0 in the shader) */
  width: number;
  height: number;
}

export function groundBox(xmin: number, ymin: number, xmax: number, ymax: number, maxPx = 2048, maxMPerPx = 0.5): GroundBox {
  const w = xmax - xmin, h = ymax - ymin;
  const mPerPx = Math.max(maxMPerPx, Math.max(w, h) / maxPx);
  return { xmin, ymin, xmax, ymax, width: Math.max(1, Math.round(w / mPerPx)), height: Math.max(1, Math.round(h / mPerPx)) };
}

/** One anti-aliased channel (0..1 coverage per pixel) of a raster over a box. */
class Coverage {
  readonly a: Float32Array;
  readonly sx: number;
  readonly sy: number;
  constructor(readonly box: GroundBox) {
    this.a = new Float32Array(box.width * box.height);
    this.sx = box.width / (box.xmax - box.xmin);
    this.sy = box.height / (box.ymax - box.ymin);
  }

  /**
   * A round-capped stroke from (x1, y1) to (x2, y2) in metres, widthM wide: coverage by distance.
   * `trim`: a dash's ends are pulled in so that a line drawn wider than it is (thinner than a
   * pixel) does not eat the gaps between dashes.
   */
  capsule(x1: number, y1: number, x2: number, y2: number, widthM: number, trim = false) {
    const { box, sx, sy, a } = this;
    const W = box.width, H = box.height;
    let ax = (x1 - box.xmin) * sx, ay = (y1 - box.ymin) * sy, bx = (x2 - box.xmin) * sx, by = (y2 - box.ymin) * sy;
    const w = widthM * sx;
    // thinner than a pixel: a pixel-wide line at the width's share of opacity
    const hw = Math.max(w, 1) / 2, alpha = Math.min(w, 1);
    const L = Math.hypot(bx - ax, by - ay), cut = hw + 0.5 - w / 2;
    if (trim && L > 0) {
      const k = Math.min(cut, L / 2) / L, ux = (bx - ax) * k, uy = (by - ay) * k;
      ax += ux; ay += uy; bx -= ux; by -= uy;
    }
    const c0 = Math.max(0, Math.floor(Math.min(ax, bx) - hw - 1)), c1 = Math.min(W - 1, Math.ceil(Math.max(ax, bx) + hw + 1));
    const r0 = Math.max(0, Math.floor(Math.min(ay, by) - hw - 1)), r1 = Math.min(H - 1, Math.ceil(Math.max(ay, by) + hw + 1));
    const dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
    // per row, only the band along the line (a long diagonal's box is mostly empty)
    const band = Math.abs(dy) > 1e-3 * Math.abs(dx) && Math.abs(dy) > 0 ? ((hw + 1) * Math.sqrt(len2)) / Math.abs(dy) : Infinity;
    for (let r = r0; r <= r1; r++) {
      const py = r + 0.5;
      let cs = c0, ce = c1;
      if (band !== Infinity) {
        const xc = ax + ((py - ay) * dx) / dy;
        cs = Math.max(c0, Math.floor(xc - band - 1));
        ce = Math.min(c1, Math.ceil(xc + band + 1));
      }
      for (let c = cs; c <= ce; c++) {
        const px = c + 0.5;
        let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = px - (ax + t * dx), ey = py - (ay + t * dy);
        const cov = hw + 0.5 - Math.sqrt(ex * ex + ey * ey);
        if (cov <= 0) continue;
        const v = (cov > 1 ? 1 : cov) * alpha, i = r * W + c;
        if (v > a[i]!) a[i] = v;
      }
    }
  }

  /** A polyline (flattened vertices a..b of xy) stroked with round caps and joins, dashed when given. */
  polyline(xy: Float32Array, a: number, b: number, widthM: number, dash: number[] | null) {
    if (!dash) {
      for (let v = a; v + 1 < b; v++) this.capsule(xy[2 * v]!, xy[2 * v + 1]!, xy[2 * v + 2]!, xy[2 * v + 3]!, widthM);
      if (b - a === 1) this.capsule(xy[2 * a]!, xy[2 * a + 1]!, xy[2 * a]!, xy[2 * a + 1]!, widthM);
      return;
    }
    // the dash pattern runs on along the line across its vertices; each dash is round-capped
    const period = dash.reduce((s, x) => s + x, 0);
    let along = 0;
    for (let v = a; v + 1 < b; v++) {
      const x1 = xy[2 * v]!, y1 = xy[2 * v + 1]!, x2 = xy[2 * v + 2]!, y2 = xy[2 * v + 3]!;
      const len = Math.hypot(x2 - x1, y2 - y1);
      let s = 0;
      while (s < len) {
        let phase = (along + s) % period, k = 0;
        while (phase >= dash[k]!) phase -= dash[k++]!;
        const step = Math.min(dash[k]! - phase, len - s);
        if (k % 2 === 0) this.capsule(x1 + ((x2 - x1) * s) / len, y1 + ((y2 - y1) * s) / len, x1 + ((x2 - x1) * (s + step)) / len, y1 + ((y2 - y1) * (s + step)) / len, widthM, true);
        s += step;
      }
      along += len;
    }
  }

  /** A closed ring filled (non-zero), anti-aliased by four sub-scanlines a row and exact span ends. */
  ring(xy: Float32Array, a: number, b: number) {
    const { box, sx, sy } = this;
    const W = box.width, H = box.height;
    let ymin = Infinity, ymax = -Infinity;
    for (let v = a; v < b; v++) {
      const y = (xy[2 * v + 1]! - box.ymin) * sy;
      if (y < ymin) ymin = y;
      if (y > ymax) ymax = y;
    }
    const row = new Float32Array(W + 1);
    const hits: { x: number; dir: number }[] = [];
    for (let r = Math.max(0, Math.floor(ymin)); r <= Math.min(H - 1, Math.floor(ymax)); r++) {
      row.fill(0);
      for (let sub = 0; sub < 4; sub++) {
        const py = r + (sub + 0.5) / 4;
        hits.length = 0;
        for (let v = a, w = b - 1; v < b; w = v++) {
          const x1 = (xy[2 * w]! - box.xmin) * sx, y1 = (xy[2 * w + 1]! - box.ymin) * sy;
          const x2 = (xy[2 * v]! - box.xmin) * sx, y2 = (xy[2 * v + 1]! - box.ymin) * sy;
          if ((y1 > py) !== (y2 > py)) hits.push({ x: x1 + ((py - y1) / (y2 - y1)) * (x2 - x1), dir: y2 > y1 ? 1 : -1 });
        }
        hits.sort((p, q) => p.x - q.x);
        let wind = 0;
        for (let k = 0; k + 1 < hits.length; k++) {
          wind += hits[k]!.dir;
          if (wind !== 0) this.span(row, hits[k]!.x, hits[k + 1]!.x, 0.25);
        }
      }
      const o = r * W;
      for (let c = 0; c < W; c++) if (row[c]! > this.a[o + c]!) this.a[o + c] = Math.min(1, row[c]!);
    }
  }

  /** Adds weight times the covered part of each pixel between x0 and x1 (pixel units). */
  private span(row: Float32Array, x0: number, x1: number, weight: number) {
    const W = this.box.width;
    x0 = Math.max(0, x0);
    x1 = Math.min(W, x1);
    if (x1 <= x0) return;
    const c0 = Math.floor(x0), c1 = Math.floor(x1);
    if (c0 === c1) { row[c0] = row[c0]! + (x1 - x0) * weight; return; }
    row[c0] = row[c0]! + (c0 + 1 - x0) * weight;
    for (let c = c0 + 1; c < c1; c++) row[c] = row[c]! + weight;
    if (c1 < W) row[c1] = row[c1]! + (x1 - c1) * weight;
  }
}

/**
 * The street network and water mask, RGBA: R road surface, G lane markings, B water, A kerb/edge
 * (coverage 0-255). Roads drawn into the ground texture follow the terrain exactly (no ribbons to
 * z-fight) and cost no draw call. Row 0 is the south edge.
 */
export function paintGroundMask(box: GroundBox, roads: RoadsLayer, water: WaterLayer): Uint8Array {
  const surface = new Coverage(box), kerb = new Coverage(box), marks = new Coverage(box), wet = new Coverage(box);
  for (let k = 0; k < roads.count; k++) {
    const a = roads.start[k]!, b = roads.start[k + 1]!, w = roads.width[k]!, kind = roads.kind[k]!;
    if (w > 0) surface.polyline(roads.xy, a, b, w, null);
    kerb.polyline(roads.xy, a, b, w + 3, null);
    // main roads: a dashed centre line; secondary: shorter dashes; lanes: none
    if (kind <= 1) marks.polyline(roads.xy, a, b, 0.35, kind === 0 ? [4, 3] : [2, 4]);
  }
  for (let k = 0; k < water.count; k++) wet.ring(water.xy, water.start[k]!, water.start[k + 1]!);
  const n = box.width * box.height, out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    out[4 * i] = Math.round(surface.a[i]! * 255);
    out[4 * i + 1] = Math.round(marks.a[i]! * 255);
    out[4 * i + 2] = Math.round(wet.a[i]! * 255);
    out[4 * i + 3] = Math.round(kerb.a[i]! * 255);
  }
  return out;
}

/**
 * The unit grids as an id raster: R + 256 G = unit grid index + 1 (0 = outside every grid),
 * B = responsibility grid index + 1. Scanline fill at pixel centres, even-odd, no anti-aliasing
 * (ids must be exact). Row 0 = south edge.
 */
export function rasterGrids(box: GroundBox, grids: GridsLayer): Uint8Array {
  const { width: W, height: H } = box;
  const out = new Uint8Array(W * H * 4);
  const sx = W / (box.xmax - box.xmin), sy = H / (box.ymax - box.ymin);
  const xs: number[] = [];
  for (let g = 0; g < grids.count; g++) {
    const a = grids.start[g]!, b = grids.start[g + 1]!;
    let ymin = Infinity, ymax = -Infinity;
    for (let v = a; v < b; v++) {
      const y = (grids.xy[2 * v + 1]! - box.ymin) * sy;
      if (y < ymin) ymin = y;
      if (y > ymax) ymax = y;
    }
    const id = g + 1, resp = (grids.responsibilityIndex[g] ?? 0) + 1;
    const r0 = Math.max(0, Math.ceil(ymin - 0.5)), r1 = Math.min(H - 1, Math.floor(ymax - 0.5));
    for (let r = r0; r <= r1; r++) {
      const py = r + 0.5;
      xs.length = 0;
      for (let v = a, w = b - 1; v < b; w = v++) {
        const x1 = (grids.xy[2 * v]! - box.xmin) * sx, y1 = (grids.xy[2 * v + 1]! - box.ymin) * sy;
        const x2 = (grids.xy[2 * w]! - box.xmin) * sx, y2 = (grids.xy[2 * w + 1]! - box.ymin) * sy;
        if ((y1 > py) !== (y2 > py)) xs.push(x1 + ((py - y1) / (y2 - y1)) * (x2 - x1));
      }
      xs.sort((p, q) => p - q);
      for (let k = 0; k + 1 < xs.length; k += 2) {
        const c0 = Math.max(0, Math.ceil(xs[k]! - 0.5)), c1 = Math.min(W - 1, Math.floor(xs[k + 1]! - 0.5));
        for (let c = c0; c <= c1; c++) {
          const o = 4 * (r * W + c);
          out[o] = id & 255; out[o + 1] = (id >> 8) & 255; out[o + 2] = resp; out[o + 3] = 255;
        }
      }
    }
  }
  return out;
}
