// Per unit grid, its components (built once per city at load).
import type { CityData } from '../../models/city';

/**
 * Components of unit grid g are `components[start[g]..start[g + 1]]` (compressed rows: one
 * Uint32 per component, not an array per grid); `buildings[g]` counts its buildings.
 */
export interface GridIndex {
  start: Uint32Array;
  components: Uint32Array;
  buildings: Uint32Array;
}

export function gridIndex(data: CityData): GridIndex {
  const g = data.unitGrids.length, c = data.components;
  const start = new Uint32Array(g + 1);
  for (let i = 0; i < c.count; i++) start[c.unitGrid[i]! + 1]!++;
  for (let k = 0; k < g; k++) start[k + 1]! += start[k]!;
  const fill = start.slice(0, g);
  const components = new Uint32Array(c.count);
  for (let i = 0; i < c.count; i++) components[fill[c.unitGrid[i]!]!++] = i;
  const buildings = new Uint32Array(g);
  for (const b of data.buildings) buildings[b.unitGrid]!++;
  return { start, components, buildings };
}
