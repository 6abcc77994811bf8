// The prone-points stage of the sample city: one at the bottom of each depression the terrain
// stage dug (易积水点), numbered YJS001... by unit grid.
import type { Dem, PronePoint } from '../../../models/city';
import { demCellIndex } from '../geometry';
import type { Dip } from './terrain';

export function proneStage(dips: Dip[], dem: Dem, gridAt: (x: number, y: number) => number): PronePoint[] {
  const { cellSize: cs, x0, y0, cols, heights } = dem;
  // --- 5. prone points at the bottom of each depression
  const pronePoints: PronePoint[] = [];
  for (const d of dips) {
    let best = -1, bh = Infinity;
    const R = d.sigma * 1.5;
    for (let y = d.y - R; y <= d.y + R; y += cs) {
      for (let x = d.x - R; x <= d.x + R; x += cs) {
        const ci = demCellIndex(dem, x, y);
        if (ci >= 0 && heights[ci]! < bh) { bh = heights[ci]!; best = ci; }
      }
    }
    const px = x0 + ((best % cols) + 0.5) * cs, py = y0 - (Math.floor(best / cols) + 0.5) * cs;
    const g = gridAt(px, py);
    if (g < 0) continue;
    pronePoints.push({ id: '', name: d.names, x: px, y: py, groundM: bh, unitGrid: g });
  }
  pronePoints.sort((a, b) => a.unitGrid - b.unitGrid || a.y - b.y || a.x - b.x);
  pronePoints.forEach((p, k) => { p.id = `YJS${String(k + 1).padStart(3, '0')}`; });

  return pronePoints;
}
