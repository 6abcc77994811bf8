import type { TerrainLayer } from '../../models/layers';

/**
 * The terrain surface as drawn: a regular grid of vertex heights (the DEM, downsampled for
 * rendering). Every other layer (components, prone points, picking, occlusion tests) samples
 * this same surface, so nothing floats above or sinks below the mesh that is on screen.
 */
export interface HeightGrid {
  /** vertex columns / rows; vertex (r, c) is at (x0 + c * dx, y0 + r * dy), row 0 = south */
  nx: number;
  ny: number;
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  z: Float32Array;
  minZ: number;
  maxZ: number;
}

/** Downsample the DEM (row 0 = north, cell centres) to at most `maxSide` vertices a side. */
export function heightGridFromDem(t: TerrainLayer, maxSide = 192): HeightGrid {
  const step = Math.max(1, Math.ceil(Math.max(t.cols, t.rows) / maxSide));
  const nx = Math.floor((t.cols - 1) / step) + 1;
  const ny = Math.floor((t.rows - 1) / step) + 1;
  const z = new Float32Array(nx * ny);
  let minZ = Infinity, maxZ = -Infinity;
  for (let r = 0; r < ny; r++) {
    // vertex row r (south to north) samples DEM row demRow (north to south)
    const demRow = t.rows - 1 - r * step;
    for (let c = 0; c < nx; c++) {
      const h = t.heights[demRow * t.cols + c * step]!;
      z[r * nx + c] = h;
      if (h < minZ) minZ = h;
      if (h > maxZ) maxZ = h;
    }
  }
  const x0 = t.x0 + 0.5 * t.cellSize;
  const y0 = t.y0 - (t.rows - 0.5) * t.cellSize;
  return { nx, ny, x0, y0, dx: step * t.cellSize, dy: step * t.cellSize, z, minZ, maxZ };
}

/** Height of the drawn (triangulated) surface at (x, y); clamps outside the grid. */
export function heightAt(g: HeightGrid, x: number, y: number): number {
  let fx = (x - g.x0) / g.dx, fy = (y - g.y0) / g.dy;
  if (fx < 0) fx = 0; else if (fx > g.nx - 1) fx = g.nx - 1;
  if (fy < 0) fy = 0; else if (fy > g.ny - 1) fy = g.ny - 1;
  let c = Math.floor(fx), r = Math.floor(fy);
  if (c >= g.nx - 1) c = g.nx - 2;
  if (r >= g.ny - 1) r = g.ny - 2;
  if (c < 0 || r < 0) return g.z[0] ?? 0;
  const u = fx - c, v = fy - r;
  const z00 = g.z[r * g.nx + c]!, z10 = g.z[r * g.nx + c + 1]!;
  const z01 = g.z[(r + 1) * g.nx + c]!, z11 = g.z[(r + 1) * g.nx + c + 1]!;
  // same diagonal as the index buffer: (00, 10, 11) and (00, 11, 01)
  if (u >= v) return z00 + u * (z10 - z00) + v * (z11 - z10);
  return z00 + v * (z01 - z00) + u * (z11 - z01);
}

/**
 * First hit of a ray with the height field (march + bisection). Returns the ray parameter t
 * (distance if dir is unit) or -1. Rays are clipped to the grid's box.
 */
export function rayHeightField(g: HeightGrid, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, maxT: number): number {
  const xmin = g.x0, xmax = g.x0 + (g.nx - 1) * g.dx, ymin = g.y0, ymax = g.y0 + (g.ny - 1) * g.dy;
  let t0 = 0, t1 = maxT;
  // slab clip in x, y, z
  const clip = (o: number, d: number, lo: number, hi: number) => {
    if (Math.abs(d) < 1e-12) return o >= lo && o <= hi;
    let a = (lo - o) / d, b = (hi - o) / d;
    if (a > b) { const s = a; a = b; b = s; }
    if (a > t0) t0 = a;
    if (b < t1) t1 = b;
    return t0 <= t1;
  };
  if (!clip(ox, dx, xmin, xmax) || !clip(oy, dy, ymin, ymax) || !clip(oz, dz, g.minZ - 1, g.maxZ + 1)) return -1;
  const step = Math.min(g.dx, g.dy) * 0.5;
  let prevT = t0;
  let prevAbove = oz + dz * t0 - heightAt(g, ox + dx * t0, oy + dy * t0) > 0;
  if (!prevAbove) return t0;
  for (let t = t0 + step; ; t += step) {
    const tt = t > t1 ? t1 : t;
    const above = oz + dz * tt - heightAt(g, ox + dx * tt, oy + dy * tt) > 0;
    if (!above) {
      let a = prevT, b = tt;
      for (let i = 0; i < 20; i++) {
        const m = 0.5 * (a + b);
        if (oz + dz * m - heightAt(g, ox + dx * m, oy + dy * m) > 0) a = m; else b = m;
      }
      return 0.5 * (a + b);
    }
    prevT = tt;
    prevAbove = above;
    if (tt >= t1) return -1;
  }
}

/** Interleaved mesh buffers for the height grid: positions, normals, uv over the texture box. */
export function terrainMeshBuffers(g: HeightGrid, box: { xmin: number; ymin: number; xmax: number; ymax: number }) {
  const n = g.nx * g.ny;
  const position = new Float32Array(n * 3);
  const normal = new Float32Array(n * 3);
  const uv = new Float32Array(n * 2);
  for (let r = 0; r < g.ny; r++) {
    for (let c = 0; c < g.nx; c++) {
      const i = r * g.nx + c;
      const x = g.x0 + c * g.dx, y = g.y0 + r * g.dy;
      position[3 * i] = x; position[3 * i + 1] = y; position[3 * i + 2] = g.z[i]!;
      uv[2 * i] = (x - box.xmin) / (box.xmax - box.xmin);
      uv[2 * i + 1] = (y - box.ymin) / (box.ymax - box.ymin);
      const zl = g.z[r * g.nx + Math.max(0, c - 1)]!, zr = g.z[r * g.nx + Math.min(g.nx - 1, c + 1)]!;
      const zd = g.z[Math.max(0, r - 1) * g.nx + c]!, zu = g.z[Math.min(g.ny - 1, r + 1) * g.nx + c]!;
      const sx = (zr - zl) / (2 * g.dx), sy = (zu - zd) / (2 * g.dy);
      const len = Math.hypot(sx, sy, 1);
      normal[3 * i] = -sx / len; normal[3 * i + 1] = -sy / len; normal[3 * i + 2] = 1 / len;
    }
  }
  const index = quadIndex(g.nx, g.ny, 1);
  return { position, normal, uv, index };
}

/**
 * Triangles of the grid's quads taken `step` vertices at a time (the last row and column
 * clamped to the edge), in the terrain's winding. step 2 is the rough-frame mesh: a quarter of
 * the triangles, which is what a SwiftShader frame mostly pays for, over the same vertices.
 */
export function quadIndex(nx: number, ny: number, step: number): Uint16Array | Uint32Array {
  const qx = Math.ceil((nx - 1) / step), qy = Math.ceil((ny - 1) / step);
  const index = nx * ny > 65535 ? new Uint32Array(qx * qy * 6) : new Uint16Array(qx * qy * 6);
  let o = 0;
  for (let r = 0; r < ny - 1; r += step) {
    const r1 = Math.min(r + step, ny - 1);
    for (let c = 0; c < nx - 1; c += step) {
      const c1 = Math.min(c + step, nx - 1);
      const a = r * nx + c, b = r * nx + c1, d = r1 * nx + c, e = r1 * nx + c1;
      index[o++] = a; index[o++] = b; index[o++] = e;
      index[o++] = a; index[o++] = e; index[o++] = d;
    }
  }
  return index;
}
