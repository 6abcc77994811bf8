// Design storms after GB 50014 practice: the storm intensity formula and the Chicago
// (Keifer & Chu 1957) hyetograph built from it. Pure: no node, no IO.

/** Storm intensity formula i = A1 (1 + C lg P) / (t + b)^n, i in mm/min, t in minutes. */
export interface StormFormula {
  /** mm/min (q-form A = 167 A1 in L/(s ha)). */
  A1: number;
  C: number;
  /** minutes */
  b: number;
  n: number;
}

/** Beijing's classic formula (STANDARDS.md: A1 = 2001/167 mm/min, C 0.811, b 8, n 0.711), peak coefficient 0.355. */
export const BEIJING: StormFormula = { A1: 2001 / 167, C: 0.811, b: 8, n: 0.711 };
export const BEIJING_PEAK_COEFFICIENT = 0.355;

/** a = A1 (1 + C lg P), mm/min. */
export function stormA(f: StormFormula, returnPeriodYears: number): number {
  return f.A1 * (1 + f.C * Math.log10(returnPeriodYears));
}

/** Mean intensity (mm/min) over a storm of `durationMin` minutes with return period P. */
export function meanIntensityMmPerMin(f: StormFormula, returnPeriodYears: number, durationMin: number): number {
  return stormA(f, returnPeriodYears) / Math.pow(durationMin + f.b, f.n);
}

/** Total depth (mm) the formula gives for a storm of `durationMin` minutes: a T / (T + b)^n. */
export function stormDepthMm(f: StormFormula, returnPeriodYears: number, durationMin: number): number {
  return meanIntensityMmPerMin(f, returnPeriodYears, durationMin) * durationMin;
}

/**
 * Cumulative depth (mm) of the Chicago hyetograph from its start to `tMin`.
 * Before the peak tp = r T the intensity is i(tau) = a[(1-n)tau + b]/(tau + b)^(1+n),
 * tau = (tp - t)/r, which is d/dtau of a tau/(tau + b)^n; so the depth between t and the peak is
 * r a tau/(tau + b)^n, and after the peak (1 - r) a tau'/(tau' + b)^n with tau' = (t - tp)/(1 - r).
 * Integrating in closed form makes the blocks add up exactly to a T/(T + b)^n.
 */
export function chicagoCumulativeMm(f: StormFormula, returnPeriodYears: number, durationMin: number, r: number, tMin: number): number {
  const a = stormA(f, returnPeriodYears);
  const T = durationMin;
  const t = Math.min(Math.max(tMin, 0), T);
  const tp = r * T;
  const g = (tau: number) => (tau <= 0 ? 0 : (a * tau) / Math.pow(tau + f.b, f.n));
  const before = r > 0 ? r * g(tp / r) : 0; // whole rising limb
  if (t <= tp) return before - (r > 0 ? r * g((tp - t) / r) : 0);
  return before + (r < 1 ? (1 - r) * g((t - tp) / (1 - r)) : 0);
}

/** Instantaneous Chicago intensity (mm/min) at `tMin`. */
export function chicagoIntensityMmPerMin(f: StormFormula, returnPeriodYears: number, durationMin: number, r: number, tMin: number): number {
  const a = stormA(f, returnPeriodYears);
  const tp = r * durationMin;
  if (tMin < 0 || tMin > durationMin) return 0;
  const tau = tMin <= tp ? (tp - tMin) / r : (tMin - tp) / (1 - r);
  return (a * ((1 - f.n) * tau + f.b)) / Math.pow(tau + f.b, 1 + f.n);
}

export interface HyetographBlock {
  /** block start, s */
  start: number;
  /** block end, s */
  end: number;
  rainMmPerH: number;
  depthMm: number;
}

/**
 * The Chicago hyetograph as blocks of `stepMin` minutes, each block's depth being the exact
 * integral of the curve over it (so the blocks sum to the formula's depth, and the peak block
 * holds the finite integral of the peak's singular-looking spike rather than a sample of it).
 */
export function chicagoHyetograph(f: StormFormula, returnPeriodYears: number, durationMin: number, r: number, stepMin = 1): HyetographBlock[] {
  if (!(durationMin > 0) || !(stepMin > 0)) throw new Error('chicagoHyetograph: duration and step must be positive');
  if (!(r >= 0 && r <= 1)) throw new Error('chicagoHyetograph: peak coefficient r must be in [0, 1]');
  const blocks: HyetographBlock[] = [];
  const count = Math.ceil(durationMin / stepMin - 1e-9);
  let prev = 0;
  for (let k = 0; k < count; k++) {
    const t0 = k * stepMin;
    const t1 = Math.min((k + 1) * stepMin, durationMin);
    const cum = chicagoCumulativeMm(f, returnPeriodYears, durationMin, r, t1);
    const depth = cum - prev;
    prev = cum;
    blocks.push({ start: t0 * 60, end: t1 * 60, depthMm: depth, rainMmPerH: (depth / (t1 - t0)) * 60 });
  }
  return blocks;
}
