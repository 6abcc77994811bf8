import type { RunGrid } from '../../models/runs';
import type { HeightGrid } from '../terrain/heightField';

/**
 * Which terrain quads the water surface needs for one depth frame: those with water within
 * reach of their pixels. The surface is drawn on the terrain's vertices, but only over these
 * quads (an index buffer rewritten per shown frame), so a city that is mostly dry pays for its
 * wet part only; each dry pixel was a discarded fragment before.
 *
 * A quad's pixels sample the depth texture bilinearly anywhere inside it, so a quad is kept
 * when any run cell within `reach` cells of one of its corners is wet; reach covers a quad
 * wider than a cell (the terrain mesh is coarser than the run grid) plus the filter's cell.
 */
export class WetQuads {
  readonly index: Uint32Array;
  /** the same water over every other terrain vertex (terrain quadIndex step 2), for rough frames */
  readonly coarse: Uint32Array;
  /** indices written into `coarse` by the last update */
  coarseCount = 0;
  /** per terrain quad: kept by the last update */
  private readonly kept: Uint8Array;
  /** run cell under each terrain vertex (-1 outside the run grid) */
  private readonly cellOfVertex: Int32Array;
  private readonly wet: Uint8Array;
  private readonly tmp: Uint8Array;
  private readonly reach: number;

  constructor(private readonly h: HeightGrid, private readonly g: RunGrid) {
    this.index = new Uint32Array((h.nx - 1) * (h.ny - 1) * 6);
    this.coarse = new Uint32Array(Math.ceil((h.nx - 1) / 2) * Math.ceil((h.ny - 1) / 2) * 6);
    this.kept = new Uint8Array((h.nx - 1) * (h.ny - 1));
    this.cellOfVertex = new Int32Array(h.nx * h.ny);
    const top = g.yll + g.rows * g.cellSize;
    for (let r = 0; r < h.ny; r++) {
      for (let c = 0; c < h.nx; c++) {
        const x = h.x0 + c * h.dx, y = h.y0 + r * h.dy;
        const cc = Math.floor((x - g.xll) / g.cellSize), rr = Math.floor((top - y) / g.cellSize);
        this.cellOfVertex[r * h.nx + c] = cc < 0 || cc >= g.cols || rr < 0 || rr >= g.rows ? -1 : rr * g.cols + cc;
      }
    }
    this.wet = new Uint8Array(g.cols * g.rows);
    this.tmp = new Uint8Array(g.cols * g.rows);
    this.reach = Math.ceil(Math.max(Math.abs(h.dx), Math.abs(h.dy)) / g.cellSize) + 1;
  }

  /** Whether this serves run grid g (the same cells in the same place). */
  fits(g: RunGrid): boolean {
    const a = this.g;
    return a.cols === g.cols && a.rows === g.rows && a.cellSize === g.cellSize && a.xll === g.xll && a.yll === g.yll;
  }

  /** Writes the wet quads' triangles into `index` (the terrain's winding); returns how many indices. */
  update(depthMm: Uint16Array, minMm: number): number {
    const { cols, rows } = this.g;
    const wet = this.wet, tmp = this.tmp, R = this.reach;
    for (let i = 0; i < wet.length; i++) wet[i] = depthMm[i]! >= minMm ? 1 : 0;
    // dilate by R cells: a running count along rows, then along columns (separable box max)
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let n = 0;
      for (let c = 0; c < Math.min(R, cols); c++) n += wet[o + c]!;
      for (let c = 0; c < cols; c++) {
        if (c + R < cols) n += wet[o + c + R]!;
        if (c - R - 1 >= 0) n -= wet[o + c - R - 1]!;
        tmp[o + c] = n > 0 ? 1 : 0;
      }
    }
    for (let c = 0; c < cols; c++) {
      let n = 0;
      for (let r = 0; r < Math.min(R, rows); r++) n += tmp[r * cols + c]!;
      for (let r = 0; r < rows; r++) {
        if (r + R < rows) n += tmp[(r + R) * cols + c]!;
        if (r - R - 1 >= 0) n -= tmp[(r - R - 1) * cols + c]!;
        wet[r * cols + c] = n > 0 ? 1 : 0;
      }
    }
    const { nx, ny } = this.h, cv = this.cellOfVertex, index = this.index;
    const at = (v: number) => { const c = cv[v]!; return c >= 0 && wet[c] === 1; };
    const kept = this.kept, qx = nx - 1;
    let o = 0;
    for (let r = 0; r < ny - 1; r++) {
      for (let c = 0; c < nx - 1; c++) {
        const a = r * nx + c, b = a + 1, d = a + nx, e = d + 1;
        const k = at(a) || at(b) || at(d) || at(e);
        kept[r * qx + c] = k ? 1 : 0;
        if (!k) continue;
        index[o++] = a; index[o++] = b; index[o++] = e;
        index[o++] = a; index[o++] = e; index[o++] = d;
      }
    }
    // a coarse quad covers up to 2 x 2 fine ones: it is wet when any of them is
    const co = this.coarse;
    let m = 0;
    for (let r = 0; r < ny - 1; r += 2) {
      const r1 = Math.min(r + 2, ny - 1), two = r + 1 < ny - 1;
      for (let c = 0; c < nx - 1; c += 2) {
        const c1 = Math.min(c + 2, nx - 1), q = r * qx + c;
        const wetQ = kept[q] || (c + 1 < qx && kept[q + 1]) || (two && (kept[q + qx] || (c + 1 < qx && kept[q + qx + 1])));
        if (!wetQ) continue;
        const a = r * nx + c, b = r * nx + c1, d = r1 * nx + c, e = r1 * nx + c1;
        co[m++] = a; co[m++] = b; co[m++] = e;
        co[m++] = a; co[m++] = e; co[m++] = d;
      }
    }
    this.coarseCount = m;
    return o;
  }
}
