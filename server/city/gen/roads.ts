// The roads stage of the sample city: each maximal stretch of present lattice segments is one
// named road (a run, which the later stages walk along).
import type { Road } from '../../../models/city';
import { NamePool, ROAD_WORDS, roadName } from './names';
import { SIDEWALK, type Plan, type Run } from './plan';
import { makeRng } from './random';

export interface RoadStage {
  roads: Road[];
  runs: Run[];
  /** names of the main and secondary lattice lines, by `${vertical}${index}` */
  lineName: Map<string, { zh: string; en: string }>;
}

export function roadStage(plan: Plan): RoadStage {
  const { seed, warp, sPos, tPos, vLines, hLines } = plan;
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
  return { roads, runs, lineName };
}
