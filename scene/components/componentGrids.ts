// The components by unit grid, with each grid's bounding sphere: the level of detail looks at the
// grids near the camera only, not at every component (ComponentLayer.update).
import type { ComponentsLayer } from '../../models/layers';

export interface GridSpheres {
  /** components of grid g are members[start[g]..start[g + 1]] (compressed rows) */
  start: Uint32Array;
  members: Uint32Array;
  /** per grid: centre (x, y, z) and radius of its components' box; 0 for a grid with none */
  centre: Float32Array;
  radius: Float32Array;
  /** grids that hold components */
  withComponents: number;
}

/** `z`: the components' drawn ground heights */
export function gridSpheres(c: ComponentsLayer, z: Float32Array): GridSpheres {
  const n = c.count;
  let G = 0;
  for (let i = 0; i < n; i++) if (c.unitGrid[i]! + 1 > G) G = c.unitGrid[i]! + 1;
  const start = new Uint32Array(G + 1);
  for (let i = 0; i < n; i++) start[c.unitGrid[i]! + 1]!++;
  for (let k = 0; k < G; k++) start[k + 1]! += start[k]!;
  const at = start.slice(0, G);
  const members = new Uint32Array(n);
  for (let i = 0; i < n; i++) members[at[c.unitGrid[i]!]!++] = i;
  const centre = new Float32Array(3 * G);
  const radius = new Float32Array(G);
  let withComponents = 0;
  for (let gi = 0; gi < G; gi++) {
    const a = start[gi]!, b = start[gi + 1]!;
    if (a === b) continue;
    withComponents++;
    let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
    for (let k = a; k < b; k++) {
      const i = members[k]!;
      x0 = Math.min(x0, c.x[i]!); x1 = Math.max(x1, c.x[i]!);
      y0 = Math.min(y0, c.y[i]!); y1 = Math.max(y1, c.y[i]!);
      z0 = Math.min(z0, z[i]!); z1 = Math.max(z1, z[i]!);
    }
    centre[3 * gi] = 0.5 * (x0 + x1); centre[3 * gi + 1] = 0.5 * (y0 + y1); centre[3 * gi + 2] = 0.5 * (z0 + z1);
    radius[gi] = 0.5 * Math.hypot(x1 - x0, y1 - y0, z1 - z0);
  }
  return { start, members, centre, radius, withComponents };
}
