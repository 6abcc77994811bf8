import { heightAt, type HeightGrid } from '../terrain/heightField';

/**
 * Near and far planes for the city box seen from (x, y, z), written into `out` (no tuple per
 * frame): far reaches the farthest corner; near is as far as the box allows (depth precision),
 * never past the nearest thing above the ground or the buildings' tops.
 */
export function cityNearFar(extent: readonly [number, number, number, number], height: HeightGrid | null, zMax: number,
  x: number, y: number, z: number, out: [number, number]) {
  const [x0, y0, x1, y1] = extent;
  const zmin = (height?.minZ ?? 0) - 10, zmax = zMax + 20;
  const dx = Math.max(x0 - x, 0, x - x1), dy = Math.max(y0 - y, 0, y - y1), dz = Math.max(zmin - z, 0, z - zmax);
  const dBox = Math.hypot(dx, dy, dz);
  const fx = Math.max(Math.abs(x - x0), Math.abs(x - x1)), fy = Math.max(Math.abs(y - y0), Math.abs(y - y1)), fz = Math.max(Math.abs(z - zmin), Math.abs(z - zmax));
  const far = Math.hypot(fx, fy, fz) * 1.05 + 10;
  const groundBelow = height ? heightAt(height, x, y) : 0;
  const hag = Math.max(0, z - Math.max(groundBelow, zMax));
  out[0] = Math.min(Math.max(0.5, dBox * 0.9, hag * 0.5), far * 0.5);
  out[1] = far;
}
