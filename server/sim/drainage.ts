// Pipe drainage per cell: the city-wide capacity, overridden inside drainage zones (a district
// whose pipes were upgraded, or an old network). The kernel takes one uniform sink per step (the
// smallest capacity of any active cell, so its SIMD loop stays as it is); cells whose capacity
// is higher get the rest in a pass after each step (runner.ts), over their own list only.
import type { Drainage, Scenario } from '../../models/scenario';
import { BEIJING, meanIntensityMmPerMin, type StormFormula } from '../../models/storm';
import { loadPolygons, rasterisePolygon, type GridFrame } from './geometry';

const formulaOf = (f: 'beijing' | StormFormula): StormFormula => (f === 'beijing' ? BEIJING : f);

/** A drainage capacity as a rate (m/s). */
export function drainageRate(d: Drainage, s: Pick<Scenario, 'rainfall'>): number {
  if ('rainMmPerH' in d) return d.rainMmPerH / 3.6e6;
  const formula = d.formula ?? (s.rainfall?.type === 'design' ? s.rainfall.formula : 'beijing');
  return meanIntensityMmPerMin(formulaOf(formula), d.returnPeriodYears, d.concentrationMin) / 60000;
}

export interface DrainageField {
  /** m/s taken from every active cell by the kernel */
  uniform: number;
  /** cells that drain more than `uniform`, and by how much (m/s), in cell order */
  extraCells: Int32Array;
  extraRate: Float64Array;
}

/** The per-cell capacity (each zone rasterised once, in order: later zones win), split into the
 *  kernel's uniform part and the per-cell extra. */
export async function drainageField(s: Scenario, frame: GridFrame, z: Float32Array, baseDir: string): Promise<DrainageField> {
  const base = s.drainage ? drainageRate(s.drainage, s) : 0;
  const none = { uniform: base, extraCells: new Int32Array(0), extraRate: new Float64Array(0) };
  if (!s.drainageZones.length) return none;
  const N = frame.cols * frame.rows;
  const rate = new Float64Array(N).fill(base);
  for (const zone of s.drainageZones) {
    const r = drainageRate(zone.drainage, s);
    for (const p of await loadPolygons(zone.polygon, baseDir)) rasterisePolygon(frame, p, (cell) => (rate[cell] = r));
  }
  let uniform = Infinity;
  for (let i = 0; i < N; i++) if (z[i] === z[i] && rate[i]! < uniform) uniform = rate[i]!;
  if (!Number.isFinite(uniform)) return none;
  const cells: number[] = [];
  for (let i = 0; i < N; i++) if (z[i] === z[i] && rate[i]! > uniform) cells.push(i);
  return { uniform, extraCells: Int32Array.from(cells), extraRate: Float64Array.from(cells, (i) => rate[i]! - uniform) };
}

/** One step's extra drainage on the listed cells, in cell order (one thread, so the sum is the
 *  same whatever the kernel's bands); returns the depth taken summed over cells (m). */
export function drainExtra(h: Float32Array, extra: { cells: Int32Array; rate: Float64Array }, dt: number): number {
  const { cells, rate } = extra;
  let taken = 0;
  for (let k = 0; k < cells.length; k++) {
    const c = cells[k]!;
    const hc = h[c]!;
    if (!(hc > 0)) continue;
    const cap = rate[k]! * dt;
    const hn = Math.fround(hc > cap ? hc - cap : 0);
    h[c] = hn;
    taken += hc - hn;
  }
  return taken;
}
