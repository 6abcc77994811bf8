// "Start from now": a forecast scenario built from the city's live state. Rivers and ponds start
// at the levels their water-level gauges report now (interpolated along the channel when a body
// has several), the others at the city's normal level; the rain is the duty officer's table
// (observed rows before now, forecast after). Pure: the server passes the readings in.
import type { ScenarioInput } from './scenario';
import type { ForecastBody, ForecastGauge, ForecastInfo, RainRow } from './forecastInfo';

type Pt = [number, number];

/** A water-level gauge's reading now. Its zero is the component's height (z): level = z + depth. */
export interface GaugeNow {
  code: string;
  x: number;
  y: number;
  groundM: number;
  /** null: no usable reading (none yet, offline, damaged, stale) */
  depthM: number | null;
}

/** a gauge this close to a river or pond (m), or in it, measures that body */
export const GAUGE_ON_BODY_M = 20;
/** street ponding a gauge reports fills the low ground within this radius (m) */
export const PONDING_RADIUS_M = 30;
/** readings below this (m) are a dry street */
export const PONDING_MIN_M = 0.01;

const cm = (v: number) => Math.round(v * 100) / 100;

export function pointInRing(x: number, y: number, ring: readonly Pt[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!, [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function distanceToRing(x: number, y: number, ring: readonly Pt[]): number {
  let d = Infinity;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [ax, ay] = ring[j]!, [bx, by] = ring[i]!;
    const dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
    const t = l2 ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / l2)) : 0;
    d = Math.min(d, Math.hypot(ax + t * dx - x, ay + t * dy - y));
  }
  return d;
}

/** The channel's main axis: centroid of the vertices and the direction of their largest spread
 *  (principal component). Chainage along it stands in for distance along the channel. */
export function channelAxis(ring: readonly Pt[]): { cx: number; cy: number; ux: number; uy: number } {
  let cx = 0, cy = 0;
  for (const [x, y] of ring) { cx += x; cy += y; }
  cx /= ring.length; cy /= ring.length;
  let sxx = 0, syy = 0, sxy = 0;
  for (const [x, y] of ring) { sxx += (x - cx) ** 2; syy += (y - cy) ** 2; sxy += (x - cx) * (y - cy); }
  const a = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  return { cx, cy, ux: Math.cos(a), uy: Math.sin(a) };
}

/** Linear in chainage between gauges, held beyond the first and last. */
export function levelAt(s: number, gauges: readonly { s: number; levelM: number }[]): number {
  const g = [...gauges].sort((a, b) => a.s - b.s);
  if (s <= g[0]!.s) return g[0]!.levelM;
  for (let k = 1; k < g.length; k++) {
    const a = g[k - 1]!, b = g[k]!;
    if (s <= b.s) return b.s === a.s ? b.levelM : a.levelM + ((b.levelM - a.levelM) * (s - a.s)) / (b.s - a.s);
  }
  return g[g.length - 1]!.levelM;
}

/** The part of a ring with chainage in [s0, s1] (Sutherland-Hodgman against the strip's two
 *  half-planes; the strip is convex, so any ring clips right; slivers rasterise to nothing). */
export function clipToStrip(ring: readonly Pt[], ax: ReturnType<typeof channelAxis>, s0: number, s1: number): Pt[] {
  const chain = ([x, y]: Pt) => (x - ax.cx) * ax.ux + (y - ax.cy) * ax.uy;
  const clip = (pts: Pt[], keep: (s: number) => boolean, edge: number): Pt[] => {
    const out: Pt[] = [];
    for (let i = 0; i < pts.length; i++) {
      const p = pts[i]!, q = pts[(i + 1) % pts.length]!;
      const sp = chain(p), sq = chain(q);
      if (keep(sp)) out.push(p);
      if (keep(sp) !== keep(sq)) {
        const t = (edge - sp) / (sq - sp);
        out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
      }
    }
    return out;
  };
  return clip(clip([...ring], (s) => s >= s0, s0), (s) => s <= s1, s1);
}

export interface WaterNow {
  initialWater: { level: number; polygon: { ring: Pt[] } }[];
  gauges: ForecastGauge[];
  bodies: ForecastBody[];
}

/**
 * The water the run starts with. Each river or pond: the gauges on it (inside, or within
 * GAUGE_ON_BODY_M of its bank); none: the city's normal level; one: its level everywhere; several:
 * the body is cut into strips across its main axis (`stripM` long, at most 60) and each strip
 * takes the level interpolated at its middle. Gauges on streets report ponding: with
 * `streetPonding` the low ground within PONDING_RADIUS_M of each fills to the level they show.
 */
export function waterFromGauges(gaugesNow: readonly GaugeNow[], bodies: readonly (readonly Pt[])[], normalLevelM: number,
  opts: { streetPonding: boolean; stripM?: number } = { streetPonding: true }): WaterNow {
  const gauges: ForecastGauge[] = [];
  const onBody = bodies.map(() => [] as ForecastGauge[]);
  for (const g of gaugesNow) {
    if (g.depthM === null || !Number.isFinite(g.depthM) || g.depthM < 0) continue;
    const rec: ForecastGauge = { code: g.code, x: cm(g.x), y: cm(g.y), levelM: cm(g.groundM + g.depthM), depthM: cm(g.depthM), use: 'unused' };
    const b = bodies.findIndex((ring) => pointInRing(g.x, g.y, ring) || distanceToRing(g.x, g.y, ring) <= GAUGE_ON_BODY_M);
    if (b >= 0) { rec.use = 'body'; rec.body = b; onBody[b]!.push(rec); }
    else if (opts.streetPonding && g.depthM >= PONDING_MIN_M) rec.use = 'ponding';
    gauges.push(rec);
  }
  const initialWater: WaterNow['initialWater'] = [];
  const bodyInfo: ForecastBody[] = bodies.map((ring, index) => {
    const on = onBody[index]!;
    const round = ring.map(([x, y]) => [cm(x), cm(y)] as Pt);
    if (on.length === 0) {
      initialWater.push({ level: cm(normalLevelM), polygon: { ring: round } });
      return { index, source: 'normal', minLevelM: cm(normalLevelM), maxLevelM: cm(normalLevelM), gauges: 0 };
    }
    const levels = on.map((g) => g.levelM);
    const lo = Math.min(...levels), hi = Math.max(...levels);
    if (on.length === 1 || lo === hi) {
      initialWater.push({ level: lo, polygon: { ring: round } });
    } else {
      const ax = channelAxis(ring);
      const chain = (x: number, y: number) => (x - ax.cx) * ax.ux + (y - ax.cy) * ax.uy;
      const along = on.map((g) => ({ s: chain(g.x, g.y), levelM: g.levelM }));
      let sMin = Infinity, sMax = -Infinity;
      for (const [x, y] of ring) { const s = chain(x, y); sMin = Math.min(sMin, s); sMax = Math.max(sMax, s); }
      const strips = Math.min(60, Math.max(1, Math.ceil((sMax - sMin) / (opts.stripM ?? 25))));
      const w = (sMax - sMin) / strips;
      for (let k = 0; k < strips; k++) {
        // strips overlap by a centimetre so no cell falls between two
        const part = clipToStrip(ring, ax, sMin + k * w - 0.01, sMin + (k + 1) * w + 0.01);
        if (part.length >= 3) initialWater.push({ level: cm(levelAt(sMin + (k + 0.5) * w, along)), polygon: { ring: part.map(([x, y]) => [cm(x), cm(y)] as Pt) } });
      }
    }
    return { index, source: 'gauges', minLevelM: lo, maxLevelM: hi, gauges: on.length };
  });
  for (const g of gauges) {
    if (g.use !== 'ponding') continue;
    const ring = Array.from({ length: 16 }, (_, k) => [cm(g.x + PONDING_RADIUS_M * Math.cos((k * Math.PI) / 8)), cm(g.y + PONDING_RADIUS_M * Math.sin((k * Math.PI) / 8))] as Pt);
    initialWater.push({ level: g.levelM, polygon: { ring } });
  }
  return { initialWater, gauges, bodies: bodyInfo };
}

export interface RainTableIssue { line: number; message: string }

/**
 * The duty officer's rain table, typed or pasted: one row a line, "time  mm/h" separated by
 * spaces, tabs, a comma or a semicolon. Time: minutes from now (-60 = an hour ago, observed; 0
 * or +30 forecast) or a clock time HH:MM today, taken within 12 hours of `now`. Empty lines and
 * lines starting with # are skipped; a header line without numbers too.
 */
export function parseRainTable(text: string, now: Date): { rows: RainRow[]; issues: RainTableIssue[] } {
  const rows: RainRow[] = [];
  const issues: RainTableIssue[] = [];
  const nowMin = now.getHours() * 60 + now.getMinutes() + now.getSeconds() / 60;
  text.split(/\r?\n/).forEach((raw, k) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const parts = line.split(/[\s,;]+/).filter(Boolean);
    if (rows.length === 0 && issues.length === 0 && !/\d/.test(line)) return; // a header
    if (parts.length !== 2) { issues.push({ line: k + 1, message: 'want two values: time and mm/h' }); return; }
    const [t, r] = parts as [string, string];
    let minutes: number;
    const clock = /^(\d{1,2}):(\d{2})$/.exec(t);
    if (clock) {
      const hh = Number(clock[1]), mm = Number(clock[2]);
      if (hh > 23 || mm > 59) { issues.push({ line: k + 1, message: `"${t}" is not a clock time` }); return; }
      minutes = hh * 60 + mm - nowMin;
      if (minutes > 720) minutes -= 1440;
      else if (minutes < -720) minutes += 1440;
      minutes = Math.round(minutes);
    } else if (/^[+-]?\d+$/.test(t)) minutes = Number(t);
    else { issues.push({ line: k + 1, message: `"${t}": a time is minutes from now (-30, 0, 60) or HH:MM` }); return; }
    const rate = Number(r);
    if (!/^\d+(\.\d+)?$/.test(r) || !(rate <= 500)) { issues.push({ line: k + 1, message: `"${r}": mm/h from 0 to 500` }); return; }
    if (minutes < -1440 || minutes > 2880) { issues.push({ line: k + 1, message: 'time: within a day before and two days after now' }); return; }
    if (rows.length && minutes <= rows[rows.length - 1]!.minutes) { issues.push({ line: k + 1, message: 'times must increase' }); return; }
    rows.push({ minutes, rainMmPerH: rate });
  });
  if (!rows.length && !issues.length) issues.push({ line: 1, message: 'no rows: one "time mm/h" a line' });
  return { rows, issues };
}

/**
 * The forecast scenario. The run's clock starts at the first observed row (streets dry, the rain
 * observed so far replayed on them, rivers and ponds at the gauges' levels) or, with no observed
 * rows, at now (street ponding from the gauges too, so no rain is counted twice).
 */
export function forecastScenario(p: {
  name: string; rows: readonly RainRow[]; horizonH: number; madeAt: string;
  gauges: readonly GaugeNow[]; bodies: readonly (readonly Pt[])[]; normalLevelM: number;
  /** the planner's defaults for the rest (buildings, drainage, roughness) */
  base: ScenarioInput;
}): ScenarioInput & { forecast: ForecastInfo } {
  const first = Math.min(0, p.rows[0]?.minutes ?? 0);
  const nowS = first < 0 ? -first * 60 : 0;
  const observedRows = p.rows.filter((r) => r.minutes < 0).length;
  const water = waterFromGauges(p.gauges, p.bodies, p.normalLevelM, { streetPonding: nowS === 0 });
  const terrain = { ...(p.base.terrain as object), source: 'city', fillWater: false } as ScenarioInput['terrain'];
  return {
    ...p.base,
    name: p.name,
    terrain,
    rainfall: { type: 'table', table: p.rows.map((r) => ({ time: (r.minutes - first) * 60, rainMmPerH: r.rainMmPerH })) },
    initialWater: water.initialWater,
    duration: nowS + Math.round(p.horizonH * 3600),
    outputInterval: 300,
    forecast: { madeAt: p.madeAt, nowS, observedRows, forecastRows: p.rows.length - observedRows, gauges: water.gauges, bodies: water.bodies },
  };
}
