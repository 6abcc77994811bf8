import type { RoadsLayer } from '../../models/layers';
import type { RunGrid } from '../../models/runs';
import { cellOf } from './frameStore';

/** Depth at or over which a road is closed (Beijing red line, models/floodDepth.ts 'closed'), mm. */
export const CLOSED_MM = 270;

/**
 * The city's roads cut as the server's impact cuts them (server/sim/impact.ts): each edge of a
 * road's polyline in pieces of at most 100 m; a piece's depth is the deepest of the run cells
 * sampled every half cell along its centreline and both edges of the carriageway (±0.4 width).
 */
export interface RoadPieces {
  count: number;
  /** per piece: from x, y, to x, y (local metres) */
  ends: Float32Array;
  /** per piece: carriageway width (m) and road index */
  width: Float32Array;
  road: Uint32Array;
  /** sampled run cells of piece k: cells[start[k] .. start[k + 1]) (distinct, in order) */
  start: Uint32Array;
  cells: Int32Array;
}

export function roadPieces(roads: RoadsLayer, grid: RunGrid): RoadPieces {
  const ends: number[] = [], width: number[] = [], road: number[] = [], start: number[] = [0], cells: number[] = [];
  const d = grid.cellSize;
  const seen = new Set<number>();
  for (let k = 0; k < roads.count; k++) {
    const w = roads.width[k]!;
    for (let v = roads.start[k]!; v + 1 < roads.start[k + 1]!; v++) {
      const ax = roads.xy[2 * v]!, ay = roads.xy[2 * v + 1]!, bx = roads.xy[2 * v + 2]!, by = roads.xy[2 * v + 3]!;
      const len = Math.hypot(bx - ax, by - ay);
      if (len === 0) continue;
      const pieces = Math.max(1, Math.ceil(len / 100));
      const nx = -(by - ay) / len, ny = (bx - ax) / len;
      for (let p = 0; p < pieces; p++) {
        const s0 = p / pieces, s1 = (p + 1) / pieces;
        const n = Math.max(2, Math.ceil(((s1 - s0) * len) / (d / 2)));
        seen.clear();
        for (let j = 0; j <= n; j++) {
          const s = s0 + ((s1 - s0) * j) / n;
          const x = ax + (bx - ax) * s, y = ay + (by - ay) * s;
          for (const off of [-0.4, 0, 0.4]) {
            const c = cellOf(grid, x + nx * off * w, y + ny * off * w);
            if (c >= 0 && !seen.has(c)) { seen.add(c); cells.push(c); }
          }
        }
        ends.push(ax + (bx - ax) * s0, ay + (by - ay) * s0, ax + (bx - ax) * s1, ay + (by - ay) * s1);
        width.push(w);
        road.push(k);
        start.push(cells.length);
      }
    }
  }
  return {
    count: width.length, ends: Float32Array.from(ends), width: Float32Array.from(width), road: Uint32Array.from(road),
    start: Uint32Array.from(start), cells: Int32Array.from(cells),
  };
}

/**
 * Per piece, 1 when its deepest sampled cell in the frame is at or over `closedMm`; returns how
 * many. Cells of `skip` (under water at the start: the river under a bridge) do not count.
 */
export function closedPieces(p: RoadPieces, depthMm: Uint16Array, out: Uint8Array, closedMm = CLOSED_MM, skip: Uint8Array | null = null): number {
  let n = 0;
  for (let k = 0; k < p.count; k++) {
    let closed = 0;
    for (let j = p.start[k]!; j < p.start[k + 1]!; j++) {
      const c = p.cells[j]!;
      if (depthMm[c]! >= closedMm && !skip?.[c]) { closed = 1; break; }
    }
    out[k] = closed;
    n += closed;
  }
  return n;
}
