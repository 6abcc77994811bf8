import type { ScenarioInput } from '../../../models/scenario';
import { BEIJING, chicagoHyetograph, type StormFormula } from '../../../models/storm';

// The rain a scenario asks for, as the kernel reads it (server/sim/prepare.ts): design storms as
// Chicago blocks after their start; tables as steps, each rate held until the next row and the
// last row held to the end. Pure, so the editor can draw it on every keystroke.

export interface RainBlock {
  /** s */
  start: number;
  end: number;
  rainMmPerH: number;
}

export interface RainSeries {
  blocks: RainBlock[];
  /** depth over the simulated duration, mm */
  totalMm: number;
  /** depth of the whole series (a recorded day may run past the simulated duration), mm */
  seriesMm: number;
  /** the largest depth in any 60 minutes of the whole series, mm (what storms are quoted by) */
  peakHourMm: number;
}

type RainInput = NonNullable<ScenarioInput['rainfall']>;

const ok = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function formulaOf(f: unknown): StormFormula | null {
  if (f === 'beijing' || f === undefined) return BEIJING;
  const o = f as Partial<StormFormula>;
  return ok(o.A1) && ok(o.C) && ok(o.b) && ok(o.n) ? (o as StormFormula) : null;
}

/** Blocks of the rain over [0, durationS]; null while the fields cannot make a storm yet. */
export function rainSeries(rain: RainInput | undefined, durationS: number): RainSeries | null {
  if (!rain) return { blocks: [], totalMm: 0, seriesMm: 0, peakHourMm: 0 };
  const end = ok(durationS) && durationS > 0 ? durationS : 0;
  let blocks: RainBlock[] = [];
  if (rain.type === 'design') {
    const f = formulaOf(rain.formula);
    const { returnPeriodYears: p, durationMin: d, peakCoefficient: r } = rain;
    const step = rain.stepMin ?? 1;
    const start = rain.start ?? 0;
    if (!f || !ok(p) || p < 0.1 || !ok(d) || d <= 0 || !ok(r) || r < 0 || r > 1 || !ok(step) || step <= 0 || !ok(start)) return null;
    if (d / step > 20_000) return null; // a typo such as a 0.001-minute step: not worth drawing
    blocks = chicagoHyetograph(f, p, d, r, step).map((b) => ({ start: b.start + start, end: b.end + start, rainMmPerH: b.rainMmPerH }));
  } else {
    const rows = rain.table;
    if (!Array.isArray(rows) || rows.length === 0) return null;
    for (let k = 0; k < rows.length; k++) {
      const row = rows[k]!;
      if (!ok(row.time) || !ok(row.rainMmPerH)) return null;
      const next = rows[k + 1]?.time;
      const stop = k + 1 < rows.length ? next! : Math.max(end, row.time);
      if (!ok(stop) || stop < row.time) return null;
      if (stop > row.time) blocks.push({ start: row.time, end: stop, rainMmPerH: row.rainMmPerH });
    }
  }
  const last = Math.max(end, blocks.at(-1)?.end ?? 0);
  return { blocks, totalMm: depthBetween(blocks, 0, end), seriesMm: depthBetween(blocks, 0, last), peakHourMm: peakHour(blocks, last) };
}

/** Rain depth (mm) that falls between t0 and t1 (s). */
export function depthBetween(blocks: RainBlock[], t0: number, t1: number): number {
  let mm = 0;
  for (const b of blocks) {
    const a = Math.max(b.start, t0), z = Math.min(b.end, t1);
    if (z > a) mm += (b.rainMmPerH * (z - a)) / 3600;
  }
  return mm;
}

/** Rain rate (mm/h) at time t (s). */
export function rateAt(blocks: RainBlock[], t: number): number {
  for (const b of blocks) if (t >= b.start && t < b.end) return b.rainMmPerH;
  return 0;
}

/** The wettest 60 minutes: the window's depth is piecewise linear in its start, so its maximum
 *  is at a start where the window's start or end meets a block edge. */
function peakHour(blocks: RainBlock[], end: number): number {
  const starts = new Set<number>();
  for (const b of blocks) for (const e of [b.start, b.end]) { starts.add(e); starts.add(e - 3600); }
  const last = Math.max(0, end - 3600);
  let best = 0;
  for (const s of starts) {
    const a = Math.min(Math.max(s, 0), last);
    best = Math.max(best, depthBetween(blocks, a, Math.min(a + 3600, end)));
  }
  return best;
}
