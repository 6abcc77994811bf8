// Problems built from functions of (x, y), for the analytical tests and the benchmark.
import { G } from './kernel';
import type { Problem } from './prepare';

export interface GridSpec {
  cols: number;
  rows: number;
  dx: number;
  /** bed elevation at a cell centre (x east from the west edge, y north from the south edge) */
  z: (x: number, y: number) => number;
  /** initial depth */
  h0?: (x: number, y: number) => number;
  n?: number;
  duration: number;
  outputInterval?: number;
  open?: number;
  theta?: number;
  alpha?: number;
  hMin?: number;
  rainRate?: number;
  inflows?: Problem['inflows'];
  probes?: Problem['probes'];
}

export function gridProblem(s: GridSpec): Problem {
  const N = s.cols * s.rows;
  const z = new Float32Array(N), h0 = new Float32Array(N);
  const H = s.rows * s.dx;
  for (let r = 0; r < s.rows; r++)
    for (let c = 0; c < s.cols; c++) {
      const x = (c + 0.5) * s.dx, y = H - (r + 0.5) * s.dx;
      z[r * s.cols + c] = s.z(x, y);
      h0[r * s.cols + c] = Math.max(0, s.h0?.(x, y) ?? 0);
    }
  let active = 0;
  for (const v of z) if (v === v) active++;
  const rate = s.rainRate ?? 0;
  return {
    name: 'test', cols: s.cols, rows: s.rows, cellSize: s.dx, xll: 0, yll: 0,
    z, ground: Float32Array.from(z), h0, n: new Float32Array(N).fill(s.n ?? 0), activeCells: active, open: s.open ?? 0,
    theta: s.theta ?? 0.7, alpha: s.alpha ?? 0.7, hMin: s.hMin ?? 1e-4, maxDt: 10, openSlope: 0.001,
    duration: s.duration, outputInterval: s.outputInterval ?? s.duration,
    rain: (t0, t1) => rate * (t1 - t0), drainage: () => 0, infiltration: () => 0, rainTotal: rate * s.duration,
    inflows: s.inflows ?? [], pumps: [], probes: s.probes ?? [],
  };
}

export { G };
