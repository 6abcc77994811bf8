import { describe, expect, it } from 'vitest';
import { caseMarkers, clusterCell, clusterMarkers, MARKER_COLOURS } from './cluster';

const origin = { lonDeg: 120, latDeg: 30, heightM: 0 };

describe('case map clusters', () => {
  it('places cases in local metres and keeps their time-limit colour', () => {
    const m = caseMarkers([
      { id: 'a', lonDeg: 120.001, latDeg: 30, limit: { deadline: '', leftMs: 1, colour: 'yellow' } },
      { id: 'b', lonDeg: null, latDeg: null, limit: null },
      { id: 'c', lonDeg: 120, latDeg: 30.001, limit: null },
    ], origin);
    expect(m.map((x) => [x.id, x.colour])).toEqual([['a', 'yellow'], ['c', 'none']]);
    expect(m[0]!.x).toBeCloseTo(96.5, 0);
    expect(m[1]!.y).toBeCloseTo(110.9, 0);
  });

  it('groups near markers when far, with the worst colour, and none when near', () => {
    const markers = [
      { id: '1', x: 10, y: 10, colour: 'green' as const }, { id: '2', x: 20, y: 30, colour: 'red' as const },
      { id: '3', x: 40, y: 20, colour: 'yellow' as const }, { id: '4', x: 900, y: 900, colour: 'green' as const },
    ];
    const far = clusterMarkers(markers, 128);
    expect(far).toHaveLength(2);
    expect(far[0]).toMatchObject({ members: [0, 1, 2], worst: MARKER_COLOURS.indexOf('red') });
    expect(far[0]!.x).toBeCloseTo(70 / 3);
    expect(far[1]).toMatchObject({ members: [3], worst: 1 });
    expect(clusterMarkers(markers, 0)).toHaveLength(4);
    // the cell follows the view's scale in powers of two; near the ground, no grouping
    const mPerPx1 = 2 * Math.tan(Math.PI / 6) / 720;
    expect(clusterCell(3000, mPerPx1)).toBe(256);
    expect(clusterCell(3300, mPerPx1)).toBe(256);
    expect(clusterCell(6000, mPerPx1)).toBe(512);
    expect(clusterCell(200, mPerPx1)).toBe(0);
  });
});
