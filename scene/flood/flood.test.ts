import * as THREE from 'three';
import { describe, expect, it } from 'vitest';
import type { DepthFrame } from '../../models/depthFrames';
import { FLOOD_DEPTH_CLASSES, FLOOD_DRAW_MIN_M } from '../../models/floodDepth';
import type { RoadsLayer } from '../../models/layers';
import type { RunGrid } from '../../models/runs';
import { closedPieces, roadPieces } from './closures';
import { cellOf, FrameStore } from './frameStore';
import { cellGrids, gridMaxClasses } from './gridDepth';
import { depthToHalf, waterColourTable } from './waterColours';

// a 4 x 3 grid of 10 m cells, south-west corner (0, 0): row 0 is the north row (y 20..30)
const grid: RunGrid = { cols: 4, rows: 3, cellSize: 10, xll: 0, yll: 0 };

function frame(seq: number, t: number, fill: (i: number) => number): DepthFrame {
  const depthMm = new Uint16Array(grid.cols * grid.rows);
  for (let i = 0; i < depthMm.length; i++) depthMm[i] = fill(i);
  return { seq, t, cols: grid.cols, rows: grid.rows, depthMm };
}

describe('frame store', () => {
  it('maps local points to cells with row 0 north, -1 outside', () => {
    expect(cellOf(grid, 5, 25)).toBe(0);
    expect(cellOf(grid, 35, 25)).toBe(3);
    expect(cellOf(grid, 5, 5)).toBe(8);
    expect(cellOf(grid, 39.9, 0.1)).toBe(11);
    expect(cellOf(grid, -1, 5)).toBe(-1);
    expect(cellOf(grid, 5, 30.1)).toBe(-1);
  });

  it('keeps frames in time order, replaces a frame sent again, and shows the frame at or before t', () => {
    const s = new FrameStore(grid);
    expect(s.indexAt(100)).toBe(-1);
    s.add(frame(0, 0, () => 0));
    s.add(frame(2, 600, () => 200));
    s.add(frame(1, 300, () => 100));
    s.add(frame(1, 300, () => 150)); // a reconnect sends it again
    expect(s.times()).toEqual([0, 300, 600]);
    const same = s.times();
    expect(s.times()).toBe(same); // stable for React until a frame arrives
    expect(s.indexAt(-5)).toBe(0);
    expect(s.indexAt(0)).toBe(0);
    expect(s.indexAt(299.9)).toBe(0);
    expect(s.indexAt(300)).toBe(1);
    expect(s.indexAt(599)).toBe(1);
    expect(s.indexAt(1e9)).toBe(2);
    expect(s.depthAt(1, 5, 25)).toBeCloseTo(0.15);
    expect(s.depthAt(1, -5, 25)).toBeNaN();
    expect(s.add({ ...frame(3, 900, () => 0), cols: 5 })).toBe(false);
  });

  it('shows one live frame after the stored ones until a stored frame reaches its time', () => {
    const s = new FrameStore(grid);
    s.add(frame(0, 0, () => 0));
    expect(s.setLive(frame(1, 140, () => 7))).toBe(true);
    expect(s.setLive(frame(1, 120, () => 5))).toBe(false); // older than the live one
    expect(s.times()).toEqual([0, 140]);
    expect(s.isLive(1)).toBe(true);
    expect(s.depthAt(1, 5, 25)).toBeCloseTo(0.007);
    expect(s.setLive(frame(1, 250, () => 9))).toBe(true);
    expect(s.times()).toEqual([0, 250]);
    s.add(frame(1, 300, () => 10));
    expect(s.times()).toEqual([0, 300]);
    expect(s.isLive(1)).toBe(false);
    expect(s.setLive(frame(2, 280, () => 9))).toBe(false); // behind the stored frames
    expect(s.count).toBe(2);
  });

  it('gives the depth over time at a point from every frame, and the first wet frame', () => {
    const s = new FrameStore(grid);
    s.add(frame(0, 0, () => 0));
    s.add(frame(1, 60, (i) => (i === 5 ? 10 : 0)));
    s.add(frame(2, 120, (i) => (i === 5 ? 420 : 30)));
    // cell 5: row 1, column 1 -> x 10..20, y 10..20
    expect(s.seriesAt(15, 15)).toEqual({ t: [0, 60, 120], depthM: [0, 0.01, 0.42] });
    expect(s.seriesAt(500, 15)).toEqual({ t: [], depthM: [] });
    expect(s.firstWaterTime(Math.round(FLOOD_DRAW_MIN_M * 1000))).toBe(120);
    expect(s.firstWaterTime(5)).toBe(60);
  });
});

describe('road closures', () => {
  // one road along y = 15 from x 0 to 40 (4 m wide), one along x = 35 from y 0 to 30
  const roads: RoadsLayer = {
    count: 2, names: [{ zh: 'a', en: 'a' }, { zh: 'b', en: 'b' }], start: Uint32Array.from([0, 2, 4]),
    xy: Float32Array.from([0, 15, 40, 15, 35, 0, 35, 30]), width: Float32Array.from([4, 4]), kind: Uint8Array.from([0, 1]),
  };

  it('samples the cells along each piece like the server impact', () => {
    const p = roadPieces(roads, grid);
    expect(p.count).toBe(2);
    const cellsOf = (k: number) => Array.from(p.cells.subarray(p.start[k]!, p.start[k + 1]!)).sort((a, b) => a - b);
    expect(cellsOf(0)).toEqual([4, 5, 6, 7]); // the middle row
    expect(cellsOf(1)).toEqual([3, 7, 11]); // the east column
    expect(Array.from(p.ends.subarray(0, 4))).toEqual([0, 15, 40, 15]);
  });

  it('cuts long edges in pieces of at most 100 m', () => {
    const long: RoadsLayer = { ...roads, count: 1, start: Uint32Array.from([0, 2]), xy: Float32Array.from([0, 5, 250, 5]) };
    expect(roadPieces(long, { ...grid, cols: 30 }).count).toBe(3);
  });

  it('closes a piece when any sampled cell is at or over 27 cm', () => {
    const p = roadPieces(roads, grid);
    const out = new Uint8Array(p.count);
    const depth = new Uint16Array(12);
    depth[5] = 269;
    expect(closedPieces(p, depth, out)).toBe(0);
    depth[5] = 270;
    expect(closedPieces(p, depth, out)).toBe(1);
    expect(Array.from(out)).toEqual([1, 0]);
    depth[11] = 400;
    expect(closedPieces(p, depth, out)).toBe(2);
    // a river under the second piece from the start (a bridge): its water does not close the road
    const river = new Uint8Array(12);
    river[11] = 1;
    expect(closedPieces(p, depth, out, undefined, river)).toBe(1);
    expect(Array.from(out)).toEqual([1, 0]);
  });
});

describe('unit grid classes', () => {
  it('colours each grid by its deepest cell', () => {
    // grid 0 is the west half (x < 20), grid 1 the east half; nothing south of y = 10
    const cg = cellGrids(grid, (x, y) => (y < 10 ? -1 : x < 20 ? 0 : 1));
    expect(Array.from(cg)).toEqual([0, 0, 1, 1, 0, 0, 1, 1, -1, -1, -1, -1]);
    const depth = new Uint16Array(12);
    depth[1] = 160; // lane class in grid 0
    depth[4] = 30; // shallow, less deep
    depth[8] = 900; // outside every grid
    depth[6] = 10; // under the draw minimum
    const out = gridMaxClasses(depth, cg, new Uint16Array(2), new Int8Array(2));
    expect(Array.from(out)).toEqual([1, -1]);
    depth[7] = 500;
    expect(Array.from(gridMaxClasses(depth, cg, new Uint16Array(2), new Int8Array(2)))).toEqual([1, FLOOD_DEPTH_CLASSES.length - 1]);
  });
});

describe('water colours', () => {
  it('are the flood depth classes: same thresholds and colours, dry under the draw minimum', () => {
    const t = waterColourTable();
    expect(t.minM).toBe(FLOOD_DRAW_MIN_M);
    expect(t.fromM).toEqual(FLOOD_DEPTH_CLASSES.map((c) => c.fromM));
    expect(t.fromM.slice(1, 4)).toEqual([0.15, 0.2, 0.27]);
    t.rgb.forEach((v, k) => {
      const hex = '#' + new THREE.Color().setRGB(v.x, v.y, v.z, THREE.LinearSRGBColorSpace).getHexString();
      expect(hex).toBe(FLOOD_DEPTH_CLASSES[k]!.color);
    });
  });

  it('uploads depths as half floats in metres', () => {
    const mm = Uint16Array.from([0, 20, 150, 270, 1000, 65535]);
    const out = new Uint16Array(mm.length);
    depthToHalf(mm, out);
    const back = Array.from(out, (h) => THREE.DataUtils.fromHalfFloat(h));
    [0, 0.02, 0.15, 0.27, 1, 65.535].forEach((m, i) => expect(back[i]!).toBeCloseTo(m, m > 10 ? 1 : 3));
  });
});
