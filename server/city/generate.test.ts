import { beforeAll, describe, expect, it } from 'vitest';
import type { CityData } from '../../models/city';
import { cityMetaSchema } from '../../models/city';
import { componentCode17Schema, parseComponentCode, parseUnitGridCode, unitGridCodeSchema } from '../../models/codes';
import { COMPONENT_CLASSES, COMPONENT_STATES } from '../../models/components';
import { decodeLayer, encodeLayer, LAYER_NAMES } from '../../models/layers';
import { demHeightAt, generateCity, makeRng, pointInRing } from './generate';
import { bbox, fillDepressions, fingerprint, polygonsOverlap, ringBoundaryDist, segDist, segSegDist, signedArea } from './testGeometry';
// (the city-scale huaibei preset is tested in generate.huaibei.test.ts)

// --- fixtures

let city: CityData;
let genMs = 0;
beforeAll(() => {
  const t0 = performance.now();
  city = generateCity({ preset: 'default', seed: 1 });
  genMs = performance.now() - t0;
});

describe('generateCity (default preset)', () => {
  it('is deterministic from the seed, and another seed gives another city', () => {
    const again = generateCity({ preset: 'default', seed: 1 });
    expect(fingerprint(again)).toBe(fingerprint(city));
    const other = generateCity({ preset: 'default', seed: 2 });
    expect(fingerprint(other)).not.toBe(fingerprint(city));
    expect(other.buildings.length).not.toBe(city.buildings.length);
  });

  it('seeded PRNG streams are independent and reproducible', () => {
    const a = makeRng(7, 'x'), b = makeRng(7, 'x'), c = makeRng(7, 'y');
    const va = Array.from({ length: 5 }, a), vb = Array.from({ length: 5 }, b), vc = Array.from({ length: 5 }, c);
    expect(va).toEqual(vb);
    expect(va).not.toEqual(vc);
    for (const v of va) expect(v >= 0 && v < 1).toBe(true);
  });

  it('is georeferenced in Wuxing, Huzhou, with a valid meta', () => {
    const m = cityMetaSchema.parse(city.meta);
    expect(m.adminCode).toBe('330502');
    expect(m.originLonDeg).toBeCloseTo(120.09, 1);
    expect(m.originLatDeg).toBeCloseTo(30.87, 1);
    expect(m.timeZone).toBe('Asia/Shanghai');
    expect(m.slug).toBe('huzhou');
    expect(generateCity({ preset: 'default', seed: 3, slug: 'my-town' }).meta.slug).toBe('my-town');
    console.info(`default preset generated in ${genMs.toFixed(0)} ms`);
  });

  it('has counts in range', () => {
    expect(city.unitGrids.length).toBeGreaterThanOrEqual(300);
    expect(city.unitGrids.length).toBeLessThanOrEqual(500);
    expect(city.responsibilityGrids.length).toBeGreaterThanOrEqual(6);
    expect(city.responsibilityGrids.length).toBeLessThanOrEqual(10);
    expect(city.buildings.length).toBeGreaterThanOrEqual(1000);
    expect(city.buildings.length).toBeLessThanOrEqual(3000);
    expect(city.components.count).toBeGreaterThanOrEqual(15000);
    expect(city.components.count).toBeLessThanOrEqual(30000);
    expect(city.pronePoints.length).toBeGreaterThanOrEqual(5);
    for (const k of ['main', 'secondary', 'lane']) expect(city.roads.filter((r) => r.kind === k).length).toBeGreaterThan(0);
    for (const r of city.roads) {
      if (r.kind === 'main') { expect(r.widthM).toBeGreaterThanOrEqual(30); expect(r.widthM).toBeLessThanOrEqual(40); }
      expect(r.name.zh.length).toBeGreaterThan(1);
      expect(r.name.en.length).toBeGreaterThan(1);
    }
    const perClass = new Array(COMPONENT_CLASSES.length).fill(0);
    for (let i = 0; i < city.components.count; i++) perClass[city.components.classIndex[i]!]++;
    for (const c of COMPONENT_CLASSES) expect(perClass[c.index], c.code).toBeGreaterThan(0);
    const area = city.unitGrids.reduce((a, u) => a + u.areaM2, 0);
    expect(area / city.unitGrids.length).toBeGreaterThan(7000);
    expect(area / city.unitGrids.length).toBeLessThan(13000);
    expect(city.water.polygons.length).toBeGreaterThan(0);
  });

  it('numbers unit grids per the 15-digit rule, grouped into responsibility grids', () => {
    const seen = new Set<string>();
    const byCommunity = new Map<string, number[]>();
    city.unitGrids.forEach((u, i) => {
      unitGridCodeSchema.parse(u.code);
      expect(seen.has(u.code)).toBe(false);
      seen.add(u.code);
      const p = parseUnitGridCode(u.code);
      expect(p.county).toBe('330502');
      const rg = city.responsibilityGrids[u.responsibilityGrid]!;
      expect(u.code.slice(0, 12)).toBe(rg.code);
      const key = u.code.slice(0, 12);
      if (!byCommunity.has(key)) byCommunity.set(key, []);
      byCommunity.get(key)!.push(i);
      expect(u.ring.length % 2).toBe(0);
      expect(signedArea(u.ring)).toBeGreaterThan(0); // CCW
      expect(u.ring[0] === u.ring[u.ring.length - 2] && u.ring[1] === u.ring[u.ring.length - 1]).toBe(false); // not closed
      expect(Math.abs(signedArea(u.ring) - u.areaM2)).toBeLessThan(1);
    });
    expect(new Set(city.responsibilityGrids.map((r) => r.code)).size).toBe(city.responsibilityGrids.length);
    // serials 1..n, west to east then north to south
    const centroid = (r: number[]) => {
      const [x0, y0, x1, y1] = bbox(r);
      return [(x0 + x1) / 2, (y0 + y1) / 2] as const;
    };
    for (const idx of byCommunity.values()) {
      const serials = idx.map((i) => Number(city.unitGrids[i]!.code.slice(12)));
      expect(serials).toEqual(serials.map((_, k) => k + 1));
      // within a row each next grid lies east; a new row starts back west, south of the last row
      let rowStartY = centroid(city.unitGrids[idx[0]!]!.ring)[1];
      for (let k = 1; k < idx.length; k++) {
        const [ax] = centroid(city.unitGrids[idx[k - 1]!]!.ring), [bx, by] = centroid(city.unitGrids[idx[k]!]!.ring);
        if (bx > ax) continue;
        expect(by).toBeLessThan(rowStartY - 30);
        rowStartY = by;
      }
    }
  });

  it('unit grids do not overlap', () => {
    const rings = city.unitGrids.map((u) => ({ r: u.ring, b: bbox(u.ring) }));
    const rng = makeRng(11, 'test-points');
    const [x0, y0, x1, y1] = city.meta.extent;
    let covered = 0;
    for (let k = 0; k < 3000; k++) {
      const x = x0 + (x1 - x0) * rng(), y = y0 + (y1 - y0) * rng();
      let n = 0;
      for (const { r, b } of rings) if (x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3] && pointInRing(x, y, r)) n++;
      expect(n).toBeLessThanOrEqual(1);
      covered += n;
    }
    expect(covered / 3000).toBeGreaterThan(0.6);
  });

  it('gives every component a valid 17-digit code, unique, numbered per class', () => {
    const c = city.components;
    expect(c.codes.length).toBe(c.count);
    for (const arr of [c.classIndex, c.x, c.y, c.z, c.heading, c.unitGrid, c.state, c.ownerDept, c.maintainerDept]) expect(arr.length).toBe(c.count);
    const seen = new Set<string>();
    const maxSerial = new Array(COMPONENT_CLASSES.length).fill(0);
    const count = new Array(COMPONENT_CLASSES.length).fill(0);
    componentCode17Schema.parse(c.codes[0]);
    const bad: string[] = [];
    for (let i = 0; i < c.count; i++) {
      const code = c.codes[i]!;
      if (!/^\d{17}$/.test(code) || seen.has(code)) bad.push(`${i}: ${code}`);
      seen.add(code);
      const p = parseComponentCode(code);
      if (p.admin !== '330502' || p.classCode !== COMPONENT_CLASSES[c.classIndex[i]!]!.code) bad.push(`${i}: ${code} class ${c.classIndex[i]}`);
      maxSerial[c.classIndex[i]!] = Math.max(maxSerial[c.classIndex[i]!], Number(p.serial));
      count[c.classIndex[i]!]++;
      if (c.state[i]! >= COMPONENT_STATES.length || c.ownerDept[i]! >= city.departments.length || c.maintainerDept[i]! >= city.departments.length) bad.push(`${i}: state/department`);
    }
    expect(bad).toEqual([]);
    expect(maxSerial).toEqual(count);
  });

  it('puts every component inside its unit grid and on the DEM', () => {
    const c = city.components;
    const [x0, y0, x1, y1] = city.meta.extent;
    const bad: string[] = [];
    let onEdge = 0;
    for (let i = 0; i < c.count; i++) {
      const x = c.x[i]!, y = c.y[i]!;
      if (!(x >= x0 && x <= x1 && y >= y0 && y <= y1)) bad.push(`${i} outside the extent`);
      const ring = city.unitGrids[c.unitGrid[i]!]!.ring;
      if (!pointInRing(x, y, ring)) {
        onEdge++;
        if (ringBoundaryDist(x, y, ring) >= 0.1) bad.push(`${i} outside its unit grid`);
      }
      if (!(Math.abs(c.z[i]! - demHeightAt(city.dem, x, y)) < 0.01)) bad.push(`${i} z off the DEM`);
    }
    expect(bad).toEqual([]);
    expect(onEdge).toBeLessThan(c.count * 0.001);
  });

  it('starts nearly everything intact, lights all intact', () => {
    const c = city.components;
    let intact = 0;
    for (let i = 0; i < c.count; i++) {
      if (c.state[i] === 0) intact++;
      if (COMPONENT_CLASSES[c.classIndex[i]!]!.code === '01037') expect(c.state[i]).toBe(0);
    }
    expect(intact / c.count).toBeGreaterThan(0.95);
    expect(intact).toBeLessThan(c.count);
  });

  it('has a finite, gentle DEM of 5 m cells with a river channel, kerbs and closed low spots', () => {
    const d = city.dem;
    expect(d.cellSize).toBe(5);
    expect(d.heights.length).toBe(d.cols * d.rows);
    expect(d.cols).toBeGreaterThan(350);
    expect(d.rows).toBeGreaterThan(350);
    let lo = Infinity, hi = -Infinity, nonFinite = 0;
    for (const h of d.heights) {
      if (!Number.isFinite(h)) nonFinite++;
      lo = Math.min(lo, h); hi = Math.max(hi, h);
    }
    expect(nonFinite).toBe(0);
    expect(lo).toBeGreaterThan(-2);
    expect(hi).toBeLessThan(16);
    expect(hi - lo).toBeGreaterThan(3);
    // continuous: no cliff between neighbours (river banks are the steepest, under 40%)
    let maxStep = 0;
    for (let r = 0; r < d.rows; r++) for (let c = 1; c < d.cols; c++) maxStep = Math.max(maxStep, Math.abs(d.heights[r * d.cols + c]! - d.heights[r * d.cols + c - 1]!));
    expect(maxStep).toBeLessThan(2);
    // river bed below the water level
    expect(lo).toBeLessThan(city.water.levelM - 1);
    // every prone point sits in a closed depression at least 0.2 m deep
    const filled = fillDepressions(d.heights, d.cols, d.rows);
    for (const p of city.pronePoints) {
      const c = Math.floor((p.x - d.x0) / d.cellSize), r = Math.floor((d.y0 - p.y) / d.cellSize);
      const i = r * d.cols + c;
      expect(p.groundM).toBeCloseTo(d.heights[i]!, 3);
      expect(filled[i]! - d.heights[i]!, p.id).toBeGreaterThan(0.2);
      expect(pointInRing(p.x, p.y, city.unitGrids[p.unitGrid]!.ring) || ringBoundaryDist(p.x, p.y, city.unitGrids[p.unitGrid]!.ring) < 0.1).toBe(true);
    }
    // a gauge (01067) at every prone point
    const gauges: [number, number][] = [];
    for (let i = 0; i < city.components.count; i++) if (COMPONENT_CLASSES[city.components.classIndex[i]!]!.code === '01067') gauges.push([city.components.x[i]!, city.components.y[i]!]);
    expect(gauges.length).toBe(city.pronePoints.length);
    for (const p of city.pronePoints) expect(gauges.some(([x, y]) => Math.hypot(x - p.x, y - p.y) < 1)).toBe(true);
    // carriageways lie below the kerb: main roads' centrelines are lower than 3 m beyond their edge
    let lower = 0, total = 0;
    for (const road of city.roads.filter((r) => r.kind === 'main')) {
      for (let q = 0; q + 3 < road.points.length; q += 20) {
        const ax = road.points[q]!, ay = road.points[q + 1]!, bx = road.points[q + 2]!, by = road.points[q + 3]!;
        const l = Math.hypot(bx - ax, by - ay) || 1, nx = -(by - ay) / l, ny = (bx - ax) / l;
        const off = road.widthM / 2 + 4;
        const hc = demHeightAt(d, ax, ay), hs = (demHeightAt(d, ax + nx * off, ay + ny * off) + demHeightAt(d, ax - nx * off, ay - ny * off)) / 2;
        total++;
        if (hc < hs) lower++;
      }
    }
    expect(lower / total).toBeGreaterThan(0.7);
  });

  it('keeps buildings apart, off the roads and out of the river', () => {
    const bs = city.buildings;
    for (const b of bs) {
      expect(signedArea(b.ring)).toBeGreaterThan(20);
      expect(b.heightM).toBeCloseTo(b.floors * 3, 6);
      expect(b.floors).toBeGreaterThanOrEqual(1);
      expect(b.floors).toBeLessThanOrEqual(40);
      expect(b.unitGrid).toBeLessThan(city.unitGrids.length);
      expect(Number.isFinite(b.baseM)).toBe(true);
      // baseM is the lowest ground under the footprint: never above any vertex's DEM cell
      let minUnder = Infinity;
      for (let q = 0; q < b.ring.length; q += 2) {
        const c = Math.floor((b.ring[q]! - city.dem.x0) / city.dem.cellSize), r = Math.floor((city.dem.y0 - b.ring[q + 1]!) / city.dem.cellSize);
        minUnder = Math.min(minUnder, city.dem.heights[r * city.dem.cols + c]!);
      }
      expect(b.baseM).toBeLessThanOrEqual(minUnder + 0.01);
    }
    expect(bs.some((b) => b.floors >= 18)).toBe(true);
    expect(bs.some((b) => b.floors <= 4)).toBe(true);
    expect(bs.some((b) => b.ring.length === 12)).toBe(true); // L-shapes
    // no two buildings overlap (neighbours found through a coarse bucket grid)
    const boxes = bs.map((b) => bbox(b.ring));
    const bucket = new Map<string, number[]>();
    boxes.forEach((bb, i) => {
      for (let gx = Math.floor(bb[0] / 100); gx <= Math.floor(bb[2] / 100); gx++) {
        for (let gy = Math.floor(bb[1] / 100); gy <= Math.floor(bb[3] / 100); gy++) {
          const k = `${gx},${gy}`;
          if (!bucket.has(k)) bucket.set(k, []);
          bucket.get(k)!.push(i);
        }
      }
    });
    for (const ids of bucket.values()) {
      for (let a = 0; a < ids.length; a++) {
        for (let b = a + 1; b < ids.length; b++) {
          const A = boxes[ids[a]!]!, B = boxes[ids[b]!]!;
          if (A[0] > B[2] || B[0] > A[2] || A[1] > B[3] || B[1] > A[3]) continue;
          expect(polygonsOverlap(bs[ids[a]!]!.ring, bs[ids[b]!]!.ring), `buildings ${ids[a]} and ${ids[b]}`).toBe(false);
        }
      }
    }
    // a sample: clear of every road's full width and of the water
    const roadSegs = city.roads.flatMap((r) => {
      const out: { s: number[]; hw: number }[] = [];
      for (let q = 0; q + 3 < r.points.length; q += 2) out.push({ s: r.points.slice(q, q + 4), hw: r.widthM / 2 });
      return out;
    });
    const segBucket = new Map<string, { s: number[]; hw: number }[]>();
    for (const seg of roadSegs) {
      const k = `${Math.floor(seg.s[0]! / 100)},${Math.floor(seg.s[1]! / 100)}`;
      if (!segBucket.has(k)) segBucket.set(k, []);
      segBucket.get(k)!.push(seg);
    }
    const bad: string[] = [];
    for (let i = 0; i < bs.length; i += 4) {
      const b = bs[i]!, bb = boxes[i]!;
      const n = b.ring.length / 2;
      for (let gx = Math.floor(bb[0] / 100) - 1; gx <= Math.floor(bb[2] / 100) + 1; gx++) {
        for (let gy = Math.floor(bb[1] / 100) - 1; gy <= Math.floor(bb[3] / 100) + 1; gy++) {
          for (const { s, hw } of segBucket.get(`${gx},${gy}`) ?? []) {
            if (Math.max(s[0]!, s[2]!) < bb[0] - hw || Math.min(s[0]!, s[2]!) > bb[2] + hw || Math.max(s[1]!, s[3]!) < bb[1] - hw || Math.min(s[1]!, s[3]!) > bb[3] + hw) continue;
            for (let q = 0; q < n; q++) {
              const e = [b.ring[2 * q]!, b.ring[2 * q + 1]!, b.ring[(2 * q + 2) % b.ring.length]!, b.ring[(2 * q + 3) % b.ring.length]!];
              if (segSegDist(e, s) <= hw) bad.push(`building ${i} on a road`);
            }
            if (pointInRing(s[0]!, s[1]!, b.ring)) bad.push(`road inside building ${i}`);
          }
        }
      }
      for (const w of city.water.polygons) {
        for (let q = 0; q < n; q++) if (pointInRing(b.ring[2 * q]!, b.ring[2 * q + 1]!, w)) bad.push(`building ${i} in the river`);
        for (let q = 0; q < w.length; q += 2) if (pointInRing(w[q]!, w[q + 1]!, b.ring)) bad.push(`river in building ${i}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('spaces street lights 25-35 m along a main road', () => {
    const c = city.components;
    const lightIdx: number[] = [];
    for (let i = 0; i < c.count; i++) if (COMPONENT_CLASSES[c.classIndex[i]!]!.code === '01037') lightIdx.push(i);
    let gapsIn = 0, gapsAll = 0, roadsChecked = 0;
    for (const road of city.roads.filter((r) => r.kind === 'main')) {
      // project every light on the road's centreline
      const arcs: number[] = [0];
      const p = road.points;
      for (let q = 2; q < p.length; q += 2) arcs.push(arcs[arcs.length - 1]! + Math.hypot(p[q]! - p[q - 2]!, p[q + 1]! - p[q - 1]!));
      const sides: [number[], number[]] = [[], []];
      for (const i of lightIdx) {
        const x = c.x[i]!, y = c.y[i]!;
        let best = Infinity, at = 0, lat = 0, tx = 0, ty = 0;
        for (let q = 0; q + 3 < p.length; q += 2) {
          const ax = p[q]!, ay = p[q + 1]!, bx = p[q + 2]!, by = p[q + 3]!;
          const d = segDist(x, y, ax, ay, bx, by);
          if (d < best) {
            best = d;
            const l = Math.hypot(bx - ax, by - ay);
            tx = (bx - ax) / l; ty = (by - ay) / l;
            const t = (x - ax) * tx + (y - ay) * ty;
            at = arcs[q / 2]! + t;
            lat = -(x - ax) * ty + (y - ay) * tx;
          }
        }
        const kerb = road.widthM / 2 - 5;
        // a light of this road: in its kerb band, facing across it
        const facing = Math.abs(Math.cos(c.heading[i]!) * -ty + Math.sin(c.heading[i]!) * tx);
        if (Math.abs(Math.abs(lat) - (kerb + 0.7)) < 0.3 && facing > 0.95 && at > 0 && at < arcs[arcs.length - 1]!) sides[lat > 0 ? 0 : 1].push(at);
      }
      for (const s of sides) {
        s.sort((a, b) => a - b);
        for (let k = 1; k < s.length; k++) {
          const g = s[k]! - s[k - 1]!;
          expect(g).toBeGreaterThan(19);
          gapsAll++;
          if (g >= 25 && g <= 35) gapsIn++;
        }
      }
      roadsChecked++;
    }
    expect(roadsChecked).toBeGreaterThan(0);
    expect(gapsAll).toBeGreaterThan(100);
    expect(gapsIn / gapsAll).toBeGreaterThan(0.85);
  });

  it('encodes and decodes every layer', () => {
    for (const n of LAYER_NAMES) {
      const buf = encodeLayer(city, n);
      expect(buf.byteLength).toBeGreaterThan(100);
      const layer = decodeLayer(n, buf) as unknown as { count?: number };
      if (n === 'components') expect(layer.count).toBe(city.components.count);
      if (n === 'buildings') expect(layer.count).toBe(city.buildings.length);
      if (n === 'grids') expect(layer.count).toBe(city.unitGrids.length);
      if (n === 'roads') expect(layer.count).toBe(city.roads.length);
      if (n === 'prone') expect(layer.count).toBe(city.pronePoints.length);
    }
  });
});
