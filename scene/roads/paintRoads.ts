import type { RoadsLayer, WaterLayer } from '../../models/layers';
import type { GroundBox } from '../data/box';

type Ctx2D = OffscreenCanvasRenderingContext2D;

/**
 * Paints the street network (and the water mask) into an RGBA raster draped over the terrain by
 * its shader: R = road surface, G = lane markings, B = water, A = kerb/edge. Roads on the
 * ground texture follow the terrain exactly (no ribbons to z-fight) and cost no draw call.
 * Row 0 of the result is the south edge.
 */
export function paintGroundMask(box: GroundBox, roads: RoadsLayer, water: WaterLayer): Uint8Array {
  if (typeof OffscreenCanvas === 'undefined') return new Uint8Array(box.width * box.height * 4);
  const s = box.width / (box.xmax - box.xmin);
  // One pass per channel, each on its own canvas (anti-aliased masks), packed at the end.
  const pass = (draw: (c: Ctx2D) => void) => {
    const cv = new OffscreenCanvas(box.width, box.height);
    const c = cv.getContext('2d', { willReadFrequently: true }) as Ctx2D;
    c.setTransform(s, 0, 0, box.height / (box.ymax - box.ymin), -box.xmin * s, -box.ymin * (box.height / (box.ymax - box.ymin)));
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.fillStyle = c.strokeStyle = '#fff';
    draw(c);
    return c.getImageData(0, 0, box.width, box.height).data;
  };
  const strokeRoads = (c: Ctx2D, widthOf: (k: number) => number, dash?: (k: number) => number[] | null) => {
    for (let k = 0; k < roads.count; k++) {
      const w = widthOf(k);
      if (w <= 0) continue;
      c.beginPath();
      for (let v = roads.start[k]!; v < roads.start[k + 1]!; v++) {
        const x = roads.xy[2 * v]!, y = roads.xy[2 * v + 1]!;
        if (v === roads.start[k]) c.moveTo(x, y); else c.lineTo(x, y);
      }
      c.lineWidth = w;
      c.setLineDash(dash?.(k) ?? []);
      c.stroke();
    }
  };
  const surface = pass((c) => strokeRoads(c, (k) => roads.width[k]!));
  const kerb = pass((c) => strokeRoads(c, (k) => roads.width[k]! + 3));
  // kind 0 main: dashed centre line; kind 1 secondary: dashed; lanes: none
  const marks = pass((c) => strokeRoads(c, (k) => (roads.kind[k]! <= 1 ? 0.35 : 0), (k) => (roads.kind[k] === 0 ? [4, 3] : [2, 4])));
  const waterMask = pass((c) => {
    for (let k = 0; k < water.count; k++) {
      c.beginPath();
      for (let v = water.start[k]!; v < water.start[k + 1]!; v++) {
        const x = water.xy[2 * v]!, y = water.xy[2 * v + 1]!;
        if (v === water.start[k]) c.moveTo(x, y); else c.lineTo(x, y);
      }
      c.closePath();
      c.fill();
    }
  });
  const out = new Uint8Array(box.width * box.height * 4);
  for (let i = 0; i < box.width * box.height; i++) {
    out[4 * i] = surface[4 * i + 3]!;
    out[4 * i + 1] = marks[4 * i + 3]!;
    out[4 * i + 2] = waterMask[4 * i + 3]!;
    out[4 * i + 3] = kerb[4 * i + 3]!;
  }
  return out;
}
