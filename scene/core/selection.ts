import type { BuildingsLayer } from '../buildings/buildingsLayer';
import type { PreparedCity } from '../data/prepare';
import type { Selection } from './types';

/**
 * The local point of a selection, where the app charts depth over time: a component's position,
 * a building's centroid, a grid's clicked ground point (or its centroid), a point itself.
 */
export function selectionPoint(sel: Selection, city: PreparedCity, buildings: BuildingsLayer | null,
  clickPoint: { x: number; y: number } | null): { x: number; y: number } | null {
  if (!sel) return null;
  if (sel.kind === 'point') return { x: sel.x, y: sel.y };
  if (sel.kind === 'component') return { x: city.layers.components.x[sel.index]!, y: city.layers.components.y[sel.index]! };
  if (sel.kind === 'building') {
    const b = buildings?.picker.info(sel.index);
    return b ? { x: b.x, y: b.y } : null;
  }
  if (clickPoint) return { ...clickPoint };
  return { x: city.layers.grids.centroid[2 * sel.index]!, y: city.layers.grids.centroid[2 * sel.index + 1]! };
}

/** Whether a selection names something this city has (a story's scene may outlive a re-import). */
export function selectionExists(sel: Selection, city: PreparedCity): boolean {
  if (!sel || sel.kind === 'point') return true;
  const n = sel.kind === 'component' ? city.layers.components.count : sel.kind === 'grid' ? city.layers.grids.count : city.layers.buildings.count;
  return Number.isInteger(sel.index) && sel.index >= 0 && sel.index < n;
}
