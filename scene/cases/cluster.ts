// Case markers and their clusters (pure: no three, no DOM), so they can be tested in node.
import type { CaseRecord } from '../../models/caseApi';
import { geodeticToEnu, type Geodetic } from '../../models/geo';

/** Time-limit colour rank: the worst one names a cluster (none: no clock, e.g. closed). */
export const MARKER_COLOURS = ['none', 'green', 'yellow', 'red'] as const;
export type MarkerColour = (typeof MARKER_COLOURS)[number];

export interface CaseMarker { id: string; x: number; y: number; colour: MarkerColour }

export interface Cluster {
  x: number;
  y: number;
  /** index into MARKER_COLOURS of the worst member */
  worst: number;
  /** the members' indices into the markers */
  members: number[];
}

/** The cases with a place, in the city's local metres (East-North-Up at the origin). */
export function caseMarkers(cases: readonly Pick<CaseRecord, 'id' | 'lonDeg' | 'latDeg' | 'limit'>[], origin: Geodetic): CaseMarker[] {
  const out: CaseMarker[] = [];
  for (const c of cases) {
    if (c.lonDeg === null || c.latDeg === null) continue;
    const [x, y] = geodeticToEnu({ lonDeg: c.lonDeg, latDeg: c.latDeg, heightM: origin.heightM }, origin);
    out.push({ id: c.id, x, y, colour: c.limit?.colour ?? 'none' });
  }
  return out;
}

/**
 * Markers grouped on a square grid of `cellM` metres (0: none grouped), each group at its
 * members' mean position with its worst colour. A grid (not distance-based merging) keeps it
 * O(n) and the same for the same cell size, so clusters do not flicker while the camera moves.
 */
export function clusterMarkers(markers: readonly CaseMarker[], cellM: number): Cluster[] {
  if (!(cellM > 0)) return markers.map((m, i) => ({ x: m.x, y: m.y, worst: MARKER_COLOURS.indexOf(m.colour), members: [i] }));
  const cells = new Map<string, Cluster>();
  markers.forEach((m, i) => {
    const key = `${Math.floor(m.x / cellM)},${Math.floor(m.y / cellM)}`;
    const c = cells.get(key);
    const rank = MARKER_COLOURS.indexOf(m.colour);
    if (!c) { cells.set(key, { x: m.x, y: m.y, worst: rank, members: [i] }); return; }
    const n = c.members.push(i);
    c.x += (m.x - c.x) / n;
    c.y += (m.y - c.y) / n;
    c.worst = Math.max(c.worst, rank);
  });
  return [...cells.values()];
}

/**
 * The cluster cell for a camera `distanceM` away with `mPerPx1` metres per pixel at 1 m:
 * markers closer than about `px` pixels on screen share a cell. Rounded to a power of two so
 * the clusters change only when the view's scale changes by half or double; 0 (none grouped)
 * when a cell would be under `minM` (near: every case on its own).
 */
export function clusterCell(distanceM: number, mPerPx1: number, px = 56, minM = 24): number {
  const m = px * distanceM * mPerPx1;
  if (!(m >= minM)) return 0;
  return 2 ** Math.round(Math.log2(m));
}
