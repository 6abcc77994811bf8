import { describe, expect, it } from 'vitest';
import { addItem, listOf, moveTo, removeItem, wallSamples } from './mapEdit';
import { pathLength, profile, ringArea } from './measure';
import { Scenario, type Point } from './scenario';

const base = { terrain: { source: 'synthetic', cols: 40, rows: 40, cellSize: 5 }, duration: 600, outputInterval: 60 };
/** a tilted plane, so the crest follows the ground it stands on */
const ground = (x: number, y: number) => 10 + 0.01 * x + 0.02 * y;

describe('barrier crest from a dragged line', () => {
  it('a vertex dragged on the map moves only that vertex; the wall stands at ground + height along the new line, and the scenario still parses', () => {
    let doc: Record<string, unknown> = { ...base };
    doc = addItem(doc, 'barriers', [[10, 10], [60, 10]], { crestHeightM: 1.5, pumpCapacity: 1, drainageMmPerH: 60, roughnessN: 0.1 });
    doc = moveTo(doc, { list: 'barriers', index: 0, vertex: 1 }, [60.004, 90.123]);
    const b = listOf(doc, 'barriers')[0] as { line: Point[]; height: number };
    expect(b.line).toEqual([[10, 10], [60, 90.12]]);
    expect(b.height).toBe(1.5);
    expect(Scenario.safeParse(doc).success).toBe(true);

    const w = wallSamples(b.line, b, ground, 5);
    // from the first vertex to the dragged one, no gap wider than the step
    expect(w[0]).toMatchObject({ x: 10, y: 10 });
    expect(w[w.length - 1]).toMatchObject({ x: 60, y: 90.12 });
    for (let i = 1; i < w.length; i++) expect(Math.hypot(w[i]!.x - w[i - 1]!.x, w[i]!.y - w[i - 1]!.y)).toBeLessThanOrEqual(5 + 1e-9);
    for (const s of w) {
      expect(s.ground).toBeCloseTo(ground(s.x, s.y), 9);
      expect(s.crest - s.ground).toBeCloseTo(1.5, 9);
      // every sample lies on the dragged line (not on the old one)
      const t = (s.x - 10) / 50;
      expect(s.y).toBeCloseTo(10 + t * 80.12, 6);
    }
  });

  it('a crest elevation is one level along the whole wall, whatever the ground', () => {
    const w = wallSamples([[0, 0], [0, 40], [30, 40]], { crestElevation: 12 }, ground, 10);
    expect(w.length).toBe(8);
    expect(w.every((s) => s.crest === 12)).toBe(true);
  });

  it('moving a whole point item, a polygon vertex; an out-of-range vertex changes nothing; remove', () => {
    let doc: Record<string, unknown> = { ...base };
    doc = addItem(doc, 'pumps', [[5, 5]]);
    doc = addItem(doc, 'drainage', [[0, 0], [10, 0], [10, 10]]);
    doc = addItem(doc, 'roughness', [[0, 0], [20, 0], [20, 20]]);
    doc = moveTo(doc, { list: 'pumps', index: 0 }, [7, 8]);
    doc = moveTo(doc, { list: 'drainage', index: 0, vertex: 2 }, [12, 14]);
    expect(moveTo(doc, { list: 'roughness', index: 0, vertex: 5 }, [1, 1])).toBe(doc);
    expect((listOf(doc, 'pumps')[0] as { at: Point }).at).toEqual([7, 8]);
    expect(listOf(doc, 'drainage')[0]).toMatchObject({ polygon: { ring: [[0, 0], [10, 0], [12, 14]] }, drainage: { rainMmPerH: 60 } });
    expect(listOf(doc, 'roughness')[0]).toMatchObject({ n: 0.1 });
    expect(Scenario.safeParse(doc).success).toBe(true);
    expect(listOf(removeItem(doc, { list: 'pumps', index: 0 }), 'pumps')).toEqual([]);
  });
});

describe('measures', () => {
  it('length, area and the profile with water where it is wet', () => {
    expect(pathLength([[0, 0], [3, 4], [3, 10]])).toBe(11);
    expect(ringArea([[0, 0], [10, 0], [10, 5], [0, 5]])).toBe(50);
    const p = profile([[0, 0], [100, 0]], (x) => x / 10, (x) => (x > 50 ? 0.5 : 0), 11);
    expect(p.map((s) => s.s)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(p[2]!.ground).toBeCloseTo(2, 9);
    expect(p[5]!.water).toBeNull();
    expect(p[8]!.water).toBeCloseTo(8.5, 9);
    expect(profile([[0, 0], [0, 0]], () => 0, null)).toEqual([]);
  });
});
